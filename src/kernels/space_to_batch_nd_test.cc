#include <filesystem>

#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::TensorSpec;
using testing::shape::OracleCase;
using testing::shape::Spec;

template <typename I>
Model SpaceToBatchModel(TensorSpec in, std::vector<I> block, std::vector<I> paddings, DType index_type = DType::INT32) {
  return testing::shape::SpaceBatchModel(BuiltinOp::SPACE_TO_BATCH_ND, in, block, paddings, index_type);
}

TEST(SpaceToBatchNd, Block2x2WithPadding) {
  // [1, 2, 2, 1] padded to 4x2 (one row above and below), block 2x2 -> [4, 2, 1, 1].
  Model m = SpaceToBatchModel<int32_t>({DType::FLOAT32, {1, 2, 2, 1}}, {2, 2}, {1, 1, 0, 0});
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 2, 2, 1}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({4, 2, 1, 1}));
  // Padded rows: [0 0] [1 2] [3 4] [0 0]; batch k=(dy,dx) takes rows dy, dy+2 and column dx.
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0, 3, 0, 4, 1, 0, 2, 0}));
}

TEST(SpaceToBatchNd, QuantizedPadsWithZeroPointAndInt64) {
  Model q = SpaceToBatchModel<int64_t>({DType::UINT8, {1, 1, 1}, 0.5f, 77}, {2}, {0, 1}, DType::INT64);
  EXPECT_EQ(testing::RunOurs(q, {Array::Of<uint8_t>(DType::UINT8, {1, 1, 1}, {5})})[0].values<uint8_t>(), std::vector<uint8_t>({5, 77}));
  Model i = SpaceToBatchModel<int32_t>({DType::INT64, {1, 2, 1}}, {2}, {0, 0});
  EXPECT_EQ(testing::RunOurs(i, {Array::Of<int64_t>(DType::INT64, {1, 2, 1}, {1LL << 40, 2})})[0].values<int64_t>(),
            std::vector<int64_t>({1LL << 40, 2}));
}

TEST(SpaceToBatchNd, RejectsIndivisiblePaddedSize) {
  Model m = SpaceToBatchModel<int32_t>({DType::FLOAT32, {1, 3, 2, 1}}, {2, 2}, {0, 0, 0, 0});
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model b = SpaceToBatchModel<int32_t>({DType::FLOAT32, {1, 2, 2, 1}}, {0, 2}, {0, 0, 0, 0});
  EXPECT_THROW(testing::RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(SpaceToBatchNd, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT32})
    cases.push_back({"2x2 " + DTypeName(t), SpaceToBatchModel<int32_t>(Spec(t, {1, 4, 4, 3}), {2, 2}, {0, 0, 0, 0})});
  cases.push_back({"padded", SpaceToBatchModel<int32_t>(Spec(DType::FLOAT32, {2, 3, 5, 2}), {2, 3}, {1, 0, 0, 1})});
  cases.push_back({"padded int8", SpaceToBatchModel<int32_t>(Spec(DType::INT8, {1, 5, 3, 2}), {3, 2}, {2, 2, 0, 1})});
  cases.push_back({"padded uint8", SpaceToBatchModel<int32_t>(Spec(DType::UINT8, {1, 2, 2, 1}), {2, 2}, {1, 1, 1, 1})});
  cases.push_back({"3-D", SpaceToBatchModel<int32_t>(Spec(DType::FLOAT32, {2, 5, 3}), {3}, {1, 0})});
  cases.push_back({"dilated conv style", SpaceToBatchModel<int32_t>(Spec(DType::FLOAT32, {1, 6, 6, 2}), {2, 2}, {2, 2, 2, 2})});
  testing::shape::ExpectMatchesOracle(cases);
}

// dilated_conv.tflite computes SPACE_TO_BATCH_ND's paddings and
// BATCH_TO_SPACE_ND's crops at run time (SHAPE -> STRIDED_SLICE -> PACK ->
// FLOOR_MOD/ADD/SUB), so every shape after SHAPE is found while running.
TEST(SpaceToBatchNd, DilatedConvModelEndToEnd) {
  TFD_REQUIRE_ORACLE();
  const std::string path = std::string(TFD_FIXTURES_DIR) + "/models/tflite-support/dilated_conv.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "fixture not found: " << path;
  const Model model = LoadModel(path);
  std::vector<std::vector<Array>> runs = {testing::RandomInputs(model, 1), testing::RandomInputs(model, 2)};
  std::vector<std::vector<Array>> ours;
  try {
    for (const auto& inputs : runs) ours.push_back(testing::RunOurs(model, inputs));
  } catch (const Error& e) {
    // Elementwise and convolution kernels belong to other families.
    if (std::string(e.what()).find("unsupported operator") != std::string::npos) GTEST_SKIP() << e.what();
    throw;
  }
  testing::OracleBatch oracle;
  for (const auto& inputs : runs) oracle.Add(model, inputs);
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    ASSERT_EQ(ours[i].size(), 1u);
    EXPECT_EQ(ours[i][0].shape, std::vector<int32_t>({1, 1, 1, 16}));
    // A convolution accumulates: XNNPACK may sum in another order.
    EXPECT_TRUE(testing::FloatClose(ours[i][0], oracle.outputs(static_cast<int>(i))[0], 1e-5));
  }
}

}  // namespace
}  // namespace tfd
