#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model PackModel(DType dtype, std::vector<int32_t> in, int n, int axis) {
  OpModel m(BuiltinOp::PACK);
  for (int i = 0; i < n; ++i) m.Input(Spec(dtype, in));
  std::vector<int32_t> out = in;
  const int rank = static_cast<int>(in.size()) + 1;
  out.insert(out.begin() + (axis < 0 ? axis + rank : axis), n);
  m.Output(Spec(dtype, out));
  tflite::PackOptionsT o;
  o.values_count = n;
  o.axis = axis;
  m.Options(o);
  return m.Build();
}

TEST(Pack, StacksAlongAxis) {
  Model m = PackModel(DType::FLOAT32, {2}, 3, 1);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2}, {1, 2}), Array::Of<float>(DType::FLOAT32, {2}, {3, 4}),
                                  Array::Of<float>(DType::FLOAT32, {2}, {5, 6})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 3}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 3, 5, 2, 4, 6}));
  Model s = PackModel(DType::INT64, {}, 2, 0);
  auto scalars = testing::RunOurs(s, {Array::Of<int64_t>(DType::INT64, {}, {1LL << 40}), Array::Of<int64_t>(DType::INT64, {}, {-1})});
  EXPECT_EQ(scalars[0].values<int64_t>(), std::vector<int64_t>({1LL << 40, -1}));
  auto b = testing::RunOurs(PackModel(DType::BOOL, {2}, 2, 0),
                            {Array::Of<uint8_t>(DType::BOOL, {2}, {1, 0}), Array::Of<uint8_t>(DType::BOOL, {2}, {0, 0})});
  EXPECT_EQ(b[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 0, 0}));
}

TEST(Pack, RejectsMismatches) {
  OpModel m(BuiltinOp::PACK);
  m.Input({DType::FLOAT32, {2}});
  m.Input({DType::FLOAT32, {3}});
  m.Output({DType::FLOAT32, {2, 2}});
  tflite::PackOptionsT o;
  o.values_count = 2;
  m.Options(o);
  Model model = m.Build();
  EXPECT_THROW(testing::RunOurs(model, testing::RandomInputs(model, 1)), Error);
  OpModel q(BuiltinOp::PACK);
  q.Input({DType::INT8, {2}, 0.5f, 0});
  q.Input({DType::INT8, {2}, 0.25f, 0});
  q.Output({DType::INT8, {2, 2}, 0.5f, 0});
  q.Options(o);
  Model qm = q.Build();
  EXPECT_THROW(testing::RunOurs(qm, testing::RandomInputs(qm, 1)), Error);
}

TEST(Pack, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  // (The oracle's TFLite has no bool PACK; that path is tested by hand above.)
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32})
    cases.push_back({"axis 0 " + DTypeName(t), PackModel(t, {2, 3}, 3, 0)});
  cases.push_back({"last axis", PackModel(DType::FLOAT32, {2, 3}, 2, 2)});
  cases.push_back({"negative axis", PackModel(DType::INT8, {4, 2}, 4, -2)});
  cases.push_back({"scalars", PackModel(DType::INT32, {}, 4, 0)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
