#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model NearestModel(TensorSpec in, int32_t h, int32_t w, bool align_corners, bool half_pixel, bool runtime_size = false) {
  OpModel m(BuiltinOp::RESIZE_NEAREST_NEIGHBOR);
  m.Input(in);
  if (runtime_size) {
    m.Input({DType::INT32, {2}});
  } else {
    m.Const<int32_t>({DType::INT32, {2}}, {h, w});
  }
  TensorSpec out = in;
  out.shape = {in.shape[0], h, w, in.shape[3]};
  m.Output(out);
  tflite::ResizeNearestNeighborOptionsT o;
  o.align_corners = align_corners;
  o.half_pixel_centers = half_pixel;
  m.Options(o);
  return m.Build();
}

TEST(ResizeNearestNeighbor, Modes) {
  const std::vector<float> v = {10, 20, 30};
  auto run = [&](bool ac, bool hp) {
    Model m = NearestModel({DType::FLOAT32, {1, 1, 3, 1}}, 1, 5, ac, hp);
    return testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 1, 3, 1}, v)})[0].values<float>();
  };
  // floor(x * 0.6): 0 0 1 1 2.
  EXPECT_EQ(run(false, false), std::vector<float>({10, 10, 20, 20, 30}));
  // round(x * 0.5): 0, 0.5->1, 1, 1.5->2, 2.
  EXPECT_EQ(run(true, false), std::vector<float>({10, 20, 20, 30, 30}));
  // floor((x + 0.5) * 0.6): 0.3 0.9 1.5 2.1 2.7 -> 0 0 1 2 2.
  EXPECT_EQ(run(false, true), std::vector<float>({10, 10, 20, 30, 30}));
}

TEST(ResizeNearestNeighbor, Uint8FixedPointScale) {
  // uint8 without flags uses TFLite's 16.16 scale (in << 16) / out + 1.
  // Width 26 -> 22, output column 11: exactly 11 * 26 / 22 = 13; the float
  // path computes 11 * fl(26/22) = 12.99999... and floors to 12, the
  // fixed-point path (11 * 77448) >> 16 = 13.
  std::vector<uint8_t> u(26);
  std::vector<float> f(26);
  for (int i = 0; i < 26; ++i) u[static_cast<size_t>(i)] = static_cast<uint8_t>(i), f[static_cast<size_t>(i)] = static_cast<float>(i);
  Model um = NearestModel({DType::UINT8, {1, 1, 26, 1}, 0.1f, 0}, 1, 22, false, false);
  EXPECT_EQ(testing::RunOurs(um, {Array::Of<uint8_t>(DType::UINT8, {1, 1, 26, 1}, u)})[0].values<uint8_t>()[11], 13);
  Model fm = NearestModel({DType::FLOAT32, {1, 1, 26, 1}}, 1, 22, false, false);
  EXPECT_EQ(testing::RunOurs(fm, {Array::Of<float>(DType::FLOAT32, {1, 1, 26, 1}, f)})[0].values<float>()[11], 12.0f);
}

TEST(ResizeNearestNeighbor, Int64AndInt32ByHand) {
  Model m = NearestModel({DType::INT64, {1, 1, 2, 1}}, 2, 2, false, false);
  auto out = testing::RunOurs(m, {Array::Of<int64_t>(DType::INT64, {1, 1, 2, 1}, {1LL << 40, 7})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({1LL << 40, 7, 1LL << 40, 7}));
  Model i = NearestModel({DType::INT32, {1, 1, 3, 1}}, 1, 2, true, false);
  EXPECT_EQ(testing::RunOurs(i, {Array::Of<int32_t>(DType::INT32, {1, 1, 3, 1}, {4, 5, 6})})[0].values<int32_t>(),
            std::vector<int32_t>({4, 6}));
}

TEST(ResizeNearestNeighbor, RejectsBadSize) {
  Model m = NearestModel({DType::FLOAT32, {1, 2, 2, 1}}, -1, 2, false, false);
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  OpModel w(BuiltinOp::RESIZE_NEAREST_NEIGHBOR);
  w.Input({DType::FLOAT32, {1, 2, 2, 1}});
  w.Const<int32_t>({DType::INT32, {3}}, {1, 2, 3});
  w.Output({DType::FLOAT32, {1, 2, 2, 1}});
  Model wm = w.Build();
  EXPECT_THROW(testing::RunOurs(wm, testing::RandomInputs(wm, 1)), Error);
}

TEST(ResizeNearestNeighbor, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  struct F {
    bool ac, hp;
  };
  // (int32 is tested by hand: the oracle's TFLite lacks it here.)
  for (DType t : {DType::FLOAT32, DType::UINT8, DType::INT8, DType::INT16}) {
    for (F f : {F{false, false}, F{true, false}, F{false, true}}) {
      const std::string name = DTypeName(t) + (f.ac ? " align" : "") + (f.hp ? " half" : "");
      cases.push_back({name + " up", NearestModel(Spec(t, {1, 3, 5, 2}), 7, 9, f.ac, f.hp)});
      cases.push_back({name + " down", NearestModel(Spec(t, {2, 7, 6, 1}), 3, 4, f.ac, f.hp)});
    }
  }
  // Sizes where the uint8 fixed-point scale and float floor disagree.
  cases.push_back({"uint8 26->22", NearestModel(Spec(DType::UINT8, {1, 2, 26, 1}), 2, 22, false, false)});
  cases.push_back({"int8 14->46", NearestModel(Spec(DType::INT8, {1, 14, 1, 2}), 46, 1, false, false)});
  cases.push_back({"float 26->22", NearestModel(Spec(DType::FLOAT32, {1, 26, 2, 1}), 22, 2, false, false)});
  cases.push_back({"int16 26->22", NearestModel(Spec(DType::INT16, {1, 26, 2, 1}), 22, 2, false, false)});
  {
    Model m = NearestModel(Spec(DType::FLOAT32, {1, 4, 4, 2}), 6, 3, false, true, /*runtime_size=*/true);
    cases.push_back({"run-time size", m, {testing::RandomInputs(m, 2)[0], Array::Of<int32_t>(DType::INT32, {2}, {6, 3})}});
  }
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
