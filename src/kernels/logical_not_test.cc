#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(LogicalNot, HandComputed) {
  Model m = UnaryModel(BuiltinOp::LOGICAL_NOT, T(DType::BOOL, {2, 2}), T(DType::BOOL, {2, 2}));
  auto out = RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {2, 2}, {0, 1, 1, 0})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 0, 1}));
}

TEST(LogicalNot, RejectsNonBool) {
  Model m = UnaryModel(BuiltinOp::LOGICAL_NOT, T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(m, testing::RandomInputs(m, 1)), Error);
}

TEST(LogicalNot, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleRun> runs;
  for (std::vector<int32_t> shape : {std::vector<int32_t>{}, {7}, {2, 3, 4}, {1, 2, 2, 3, 2}}) {
    Model model = UnaryModel(BuiltinOp::LOGICAL_NOT, T(DType::BOOL, shape), T(DType::BOOL, shape));
    runs.push_back({ShapeString(shape), model, testing::RandomInputs(model, 3)});
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
