#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

TEST(Greater, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::GREATER, {0, 0, 1}); }

TEST(Greater, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::GREATER, {0, 0, 1}, 0); }

TEST(Greater, RejectsBool) { ExpectRejectsBools(BuiltinOp::GREATER); }

TEST(Greater, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::GREATER); }

TEST(Greater, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::GREATER, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
