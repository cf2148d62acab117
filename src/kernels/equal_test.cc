#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

TEST(Equal, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::EQUAL, {0, 1, 0}); }

TEST(Equal, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::EQUAL, {0, 1, 0}, 1); }

TEST(Equal, Bool) { ExpectComparesBools(BuiltinOp::EQUAL, {1, 0, 0, 1}); }

TEST(Equal, Strings) { ExpectComparesStrings(BuiltinOp::EQUAL, {1, 0, 1, 0}); }

TEST(Equal, StringsMatchTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(StringComparisonOracleRuns(BuiltinOp::EQUAL));
}

TEST(Equal, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::EQUAL); }

TEST(Equal, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::EQUAL, /*equality=*/true));
}

}  // namespace
}  // namespace tfd
