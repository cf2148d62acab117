#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::TensorSpec;
using testing::shape::OracleCase;
using testing::shape::Spec;

template <typename I>
Model BatchToSpaceModel(TensorSpec in, std::vector<I> block, std::vector<I> crops, DType index_type = DType::INT32) {
  return testing::shape::SpaceBatchModel(BuiltinOp::BATCH_TO_SPACE_ND, in, block, crops, index_type);
}

TEST(BatchToSpaceNd, InvertsSpaceToBatch) {
  // The SPACE_TO_BATCH_ND hand case backwards, cropping the padding rows.
  Model m = BatchToSpaceModel<int32_t>({DType::FLOAT32, {4, 2, 1, 1}}, {2, 2}, {1, 1, 0, 0});
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {4, 2, 1, 1}, {0, 3, 0, 4, 1, 0, 2, 0})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 2, 2, 1}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, 3, 4}));
  Model i = BatchToSpaceModel<int64_t>({DType::INT64, {2, 1, 1}}, {2}, {0, 0}, DType::INT64);
  EXPECT_EQ(testing::RunOurs(i, {Array::Of<int64_t>(DType::INT64, {2, 1, 1}, {1LL << 40, 2})})[0].values<int64_t>(),
            std::vector<int64_t>({1LL << 40, 2}));
}

TEST(BatchToSpaceNd, RejectsBadBatchOrCrops) {
  Model b = BatchToSpaceModel<int32_t>({DType::FLOAT32, {3, 1, 1, 1}}, {2, 1}, {0, 0, 0, 0});
  EXPECT_THROW(testing::RunOurs(b, testing::RandomInputs(b, 1)), Error);
  Model c = BatchToSpaceModel<int32_t>({DType::FLOAT32, {4, 1, 1, 1}}, {2, 2}, {2, 1, 0, 0});
  EXPECT_THROW(testing::RunOurs(c, testing::RandomInputs(c, 1)), Error);
}

TEST(BatchToSpaceNd, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT32})
    cases.push_back({"2x2 " + DTypeName(t), BatchToSpaceModel<int32_t>(Spec(t, {4, 2, 2, 3}), {2, 2}, {0, 0, 0, 0})});
  cases.push_back({"cropped", BatchToSpaceModel<int32_t>(Spec(DType::FLOAT32, {12, 2, 2, 2}), {2, 3}, {1, 0, 0, 2})});
  cases.push_back({"batch 2", BatchToSpaceModel<int32_t>(Spec(DType::INT8, {8, 3, 1, 2}), {2, 2}, {0, 1, 1, 0})});
  cases.push_back({"3-D", BatchToSpaceModel<int32_t>(Spec(DType::FLOAT32, {6, 2, 3}), {3}, {1, 2})});
  // (int64 block_shape/crops are tested by hand: the oracle's TFLite reads them as int32.)
  cases.push_back({"crop both", BatchToSpaceModel<int32_t>(Spec(DType::FLOAT32, {4, 3, 3, 1}), {2, 2}, {1, 1, 2, 0})});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
