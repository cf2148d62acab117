#include "kernels/internal/broadcast.h"
#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(LogicalOr, HandComputed) {
  Model m = BinaryModel(BuiltinOp::LOGICAL_OR, T(DType::BOOL, {2, 3}), T(DType::BOOL, {3}), T(DType::BOOL, {2, 3}));
  auto out = RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {2, 3}, {0, 0, 1, 1, 1, 0}),
                         Array::Of<uint8_t>(DType::BOOL, {3}, {1, 0, 0})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 1, 1, 1, 0}));
}

TEST(LogicalOr, RejectsBadInputs) {
  Model f = BinaryModel(BuiltinOp::LOGICAL_OR, T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(f, testing::RandomInputs(f, 1)), Error);
  Model shapes = BinaryModel(BuiltinOp::LOGICAL_OR, T(DType::BOOL, {2, 3}), T(DType::BOOL, {2}), T(DType::BOOL, {2, 3}));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
}

TEST(LogicalOr, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const std::vector<std::vector<std::vector<int32_t>>> shapes = {
      {{2, 3, 4}, {2, 3, 4}}, {{2, 1, 3}, {4, 1}}, {{}, {3, 2}}, {{1, 2, 1, 3}, {2, 2, 1}}};
  std::vector<OracleRun> runs;
  for (const auto& s : shapes) {
    auto out = *BroadcastShapes(s[0], s[1]);
    Model model = BinaryModel(BuiltinOp::LOGICAL_OR, T(DType::BOOL, s[0]), T(DType::BOOL, s[1]), T(DType::BOOL, out));
    for (uint64_t seed : {1, 2})
      runs.push_back({ShapeString(s[0]) + " with " + ShapeString(s[1]), model, testing::RandomInputs(model, seed)});
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
