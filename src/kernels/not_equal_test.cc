#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

TEST(NotEqual, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::NOT_EQUAL, {1, 0, 1}); }

TEST(NotEqual, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::NOT_EQUAL, {1, 0, 1}, 0); }

TEST(NotEqual, Bool) { ExpectComparesBools(BuiltinOp::NOT_EQUAL, {0, 1, 1, 0}); }

TEST(NotEqual, Strings) { ExpectComparesStrings(BuiltinOp::NOT_EQUAL, {0, 1, 0, 1}); }

TEST(NotEqual, StringsMatchTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(StringComparisonOracleRuns(BuiltinOp::NOT_EQUAL));
}

TEST(NotEqual, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::NOT_EQUAL); }

TEST(NotEqual, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::NOT_EQUAL, /*equality=*/true));
}

}  // namespace
}  // namespace tfd
