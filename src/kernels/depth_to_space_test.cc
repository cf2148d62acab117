#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model DepthToSpaceModel(DType dtype, std::vector<int32_t> in, int b) {
  OpModel m(BuiltinOp::DEPTH_TO_SPACE);
  m.Input(Spec(dtype, in));
  m.Output(Spec(dtype, {in[0], in[1] * b, in[2] * b, in[3] / (b * b)}));
  tflite::DepthToSpaceOptionsT o;
  o.block_size = b;
  m.Options(o);
  return m.Build();
}

TEST(DepthToSpace, Block2) {
  // [1, 1, 2, 4] -> [1, 2, 4, 1]: pixel (0,0) depth (a b c d) becomes a 2x2 block [[a b] [c d]].
  auto out = testing::RunOurs(DepthToSpaceModel(DType::FLOAT32, {1, 1, 2, 4}, 2),
                              {Array::Of<float>(DType::FLOAT32, {1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 2, 4, 1}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, 5, 6, 3, 4, 7, 8}));
  auto i64 = testing::RunOurs(DepthToSpaceModel(DType::INT64, {1, 1, 1, 4}, 2),
                              {Array::Of<int64_t>(DType::INT64, {1, 1, 1, 4}, {1, 1LL << 40, 3, 4})});
  EXPECT_EQ(i64[0].values<int64_t>(), std::vector<int64_t>({1, 1LL << 40, 3, 4}));
  auto i16 = testing::RunOurs(DepthToSpaceModel(DType::INT16, {1, 1, 1, 8}, 2),
                              {Array::Of<int16_t>(DType::INT16, {1, 1, 1, 8}, {1, 2, 3, 4, 5, 6, 7, 8})});
  EXPECT_EQ(i16[0].shape, std::vector<int32_t>({1, 2, 2, 2}));
  EXPECT_EQ(i16[0].values<int16_t>(), std::vector<int16_t>({1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(DepthToSpace, RejectsIndivisibleDepth) {
  Model m = DepthToSpaceModel(DType::FLOAT32, {1, 2, 2, 6}, 2);
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model r = DepthToSpaceModel(DType::FLOAT32, {1, 2, 2, 4}, 2);
  r.subgraphs[0].tensors[0].shape = {2, 2, 4};
  EXPECT_THROW(testing::RunOurs(r, testing::RandomInputs(r, 1)), Error);
}

TEST(DepthToSpace, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  // (int16 and bool are tested by hand: the oracle's TFLite lacks them here.)
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT32})
    cases.push_back({"block 2 " + DTypeName(t), DepthToSpaceModel(t, {1, 2, 3, 8}, 2)});
  cases.push_back({"block 3", DepthToSpaceModel(DType::FLOAT32, {2, 2, 2, 18}, 3)});
  cases.push_back({"block 1", DepthToSpaceModel(DType::INT8, {1, 3, 2, 5}, 1)});
  cases.push_back({"batch", DepthToSpaceModel(DType::UINT8, {3, 1, 2, 4}, 2)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
