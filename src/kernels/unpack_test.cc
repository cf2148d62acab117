#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model UnpackModel(DType dtype, std::vector<int32_t> in, int axis) {
  OpModel m(BuiltinOp::UNPACK);
  m.Input(Spec(dtype, in));
  const size_t a = static_cast<size_t>(axis < 0 ? axis + static_cast<int>(in.size()) : axis);
  std::vector<int32_t> out = in;
  out.erase(out.begin() + static_cast<long>(a));
  for (int i = 0; i < in[a]; ++i) m.Output(Spec(dtype, out));
  tflite::UnpackOptionsT o;
  o.num = in[a];
  o.axis = axis;
  m.Options(o);
  return m.Build();
}

TEST(Unpack, Slices) {
  auto out = testing::RunOurs(UnpackModel(DType::FLOAT32, {2, 3}, 1), {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 4}));
  EXPECT_EQ(out[2].values<float>(), std::vector<float>({3, 6}));
  auto v = testing::RunOurs(UnpackModel(DType::INT64, {2}, -1), {Array::Of<int64_t>(DType::INT64, {2}, {1LL << 40, 2})});
  EXPECT_EQ(v[0].shape, std::vector<int32_t>{});
  EXPECT_EQ(v[0].values<int64_t>(), std::vector<int64_t>({1LL << 40}));
}

TEST(Unpack, RejectsWrongNum) {
  OpModel m(BuiltinOp::UNPACK);
  m.Input({DType::FLOAT32, {3, 2}});
  m.Output({DType::FLOAT32, {2}});
  m.Output({DType::FLOAT32, {2}});
  tflite::UnpackOptionsT o;
  o.num = 2;
  m.Options(o);
  Model model = m.Build();
  EXPECT_THROW(testing::RunOurs(model, testing::RandomInputs(model, 1)), Error);
}

TEST(Unpack, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL})
    cases.push_back({"axis 0 " + DTypeName(t), UnpackModel(t, {3, 2, 2}, 0)});
  cases.push_back({"middle", UnpackModel(DType::FLOAT32, {2, 4, 3}, 1)});
  cases.push_back({"last negative", UnpackModel(DType::INT8, {2, 3}, -1)});
  cases.push_back({"1-D to scalars", UnpackModel(DType::FLOAT32, {3}, 0)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
