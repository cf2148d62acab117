#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

Model Comparison(const testing::TensorSpec& a, const testing::TensorSpec& b, std::vector<int32_t> out_shape) {
  return ComparisonModel(BuiltinOp::GREATER_EQUAL, a, b, std::move(out_shape));
}

TEST(GreaterEqual, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::GREATER_EQUAL, {0, 1, 1}); }

TEST(GreaterEqual, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::GREATER_EQUAL, {0, 1, 1}, 1); }

TEST(GreaterEqual, RejectsBool) {
  Model b = Comparison(T(DType::BOOL, {2}), T(DType::BOOL, {2}), {2});
  EXPECT_THROW(RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(GreaterEqual, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::GREATER_EQUAL); }

TEST(GreaterEqual, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::GREATER_EQUAL, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
