#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model SpaceToDepthModel(DType dtype, std::vector<int32_t> in, int b) {
  OpModel m(BuiltinOp::SPACE_TO_DEPTH);
  m.Input(Spec(dtype, in));
  m.Output(Spec(dtype, {in[0], in[1] / b, in[2] / b, in[3] * b * b}));
  tflite::SpaceToDepthOptionsT o;
  o.block_size = b;
  m.Options(o);
  return m.Build();
}

TEST(SpaceToDepth, Block2) {
  // The inverse of the DEPTH_TO_SPACE hand case.
  auto out = testing::RunOurs(SpaceToDepthModel(DType::FLOAT32, {1, 2, 4, 1}, 2),
                              {Array::Of<float>(DType::FLOAT32, {1, 2, 4, 1}, {1, 2, 5, 6, 3, 4, 7, 8})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 1, 2, 4}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, 3, 4, 5, 6, 7, 8}));
  auto i64 = testing::RunOurs(SpaceToDepthModel(DType::INT64, {1, 2, 2, 1}, 2),
                              {Array::Of<int64_t>(DType::INT64, {1, 2, 2, 1}, {1, 1LL << 40, 3, 4})});
  EXPECT_EQ(i64[0].values<int64_t>(), std::vector<int64_t>({1, 1LL << 40, 3, 4}));
  auto b = testing::RunOurs(SpaceToDepthModel(DType::BOOL, {1, 2, 2, 1}, 2),
                            {Array::Of<uint8_t>(DType::BOOL, {1, 2, 2, 1}, {1, 0, 0, 1})});
  EXPECT_EQ(b[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 0, 1}));
}

TEST(SpaceToDepth, RejectsIndivisibleSpace) {
  Model m = SpaceToDepthModel(DType::FLOAT32, {1, 3, 2, 1}, 2);
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
}

TEST(SpaceToDepth, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  // (int16 and bool are tested by hand: the oracle's TFLite lacks them here.)
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT32})
    cases.push_back({"block 2 " + DTypeName(t), SpaceToDepthModel(t, {1, 4, 6, 3}, 2)});
  cases.push_back({"block 3", SpaceToDepthModel(DType::FLOAT32, {2, 3, 6, 2}, 3)});
  cases.push_back({"block 1", SpaceToDepthModel(DType::INT8, {1, 3, 2, 5}, 1)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
