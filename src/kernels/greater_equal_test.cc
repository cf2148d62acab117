#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

TEST(GreaterEqual, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::GREATER_EQUAL, {0, 1, 1}); }

TEST(GreaterEqual, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::GREATER_EQUAL, {0, 1, 1}, 1); }

TEST(GreaterEqual, RejectsBool) { ExpectRejectsBools(BuiltinOp::GREATER_EQUAL); }

TEST(GreaterEqual, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::GREATER_EQUAL); }

TEST(GreaterEqual, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::GREATER_EQUAL, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
