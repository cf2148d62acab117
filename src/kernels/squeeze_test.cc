#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model SqueezeModel(DType dtype, std::vector<int32_t> in, std::vector<int32_t> out, std::vector<int32_t> dims) {
  OpModel m(BuiltinOp::SQUEEZE);
  m.Input(Spec(dtype, in));
  m.Output(Spec(dtype, out));
  tflite::SqueezeOptionsT o;
  o.squeeze_dims = dims;
  m.Options(o);
  return m.Build();
}

TEST(Squeeze, AllOnesOrListedDims) {
  auto all = testing::RunOurs(SqueezeModel(DType::FLOAT32, {1, 2, 1, 3, 1}, {2, 3}, {}),
                              {Array::Of<float>(DType::FLOAT32, {1, 2, 1, 3, 1}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(all[0].shape, std::vector<int32_t>({2, 3}));
  EXPECT_EQ(all[0].values<float>(), std::vector<float>({1, 2, 3, 4, 5, 6}));
  auto some = testing::RunOurs(SqueezeModel(DType::INT64, {1, 2, 1}, {1, 2}, {-1}),
                               {Array::Of<int64_t>(DType::INT64, {1, 2, 1}, {5, -(1LL << 40)})});
  EXPECT_EQ(some[0].shape, std::vector<int32_t>({1, 2}));
  EXPECT_EQ(some[0].values<int64_t>(), std::vector<int64_t>({5, -(1LL << 40)}));
  auto scalar = testing::RunOurs(SqueezeModel(DType::INT32, {1, 1}, {}, {}), {Array::Of<int32_t>(DType::INT32, {1, 1}, {9})});
  EXPECT_EQ(scalar[0].shape, std::vector<int32_t>{});
}

TEST(Squeeze, RejectsNonUnitOrOutOfRangeDims) {
  Model m = SqueezeModel(DType::FLOAT32, {1, 2}, {1}, {1});
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model r = SqueezeModel(DType::FLOAT32, {1, 2}, {2}, {2});
  EXPECT_THROW(testing::RunOurs(r, testing::RandomInputs(r, 1)), Error);
}

TEST(Squeeze, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL})
    cases.push_back({"all " + DTypeName(t), SqueezeModel(t, {1, 3, 1, 2}, {3, 2}, {})});
  cases.push_back({"listed", SqueezeModel(DType::FLOAT32, {1, 3, 1, 2}, {1, 3, 2}, {2})});
  cases.push_back({"negative", SqueezeModel(DType::INT8, {2, 1, 1}, {2, 1}, {-2})});
  cases.push_back({"two", SqueezeModel(DType::FLOAT32, {1, 4, 1}, {4}, {0, -1})});
  cases.push_back({"empty", SqueezeModel(DType::FLOAT32, {1, 0, 1, 3}, {0, 3}, {})});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
