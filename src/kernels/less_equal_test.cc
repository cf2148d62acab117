#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

TEST(LessEqual, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::LESS_EQUAL, {1, 1, 0}); }

TEST(LessEqual, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::LESS_EQUAL, {1, 1, 0}, 1); }

TEST(LessEqual, RejectsBool) { ExpectRejectsBools(BuiltinOp::LESS_EQUAL); }

TEST(LessEqual, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::LESS_EQUAL); }

TEST(LessEqual, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::LESS_EQUAL, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
