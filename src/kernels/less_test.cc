#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

TEST(Less, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::LESS, {1, 0, 0}); }

TEST(Less, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::LESS, {1, 0, 0}, 0); }

TEST(Less, RejectsBool) { ExpectRejectsBools(BuiltinOp::LESS); }

TEST(Less, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::LESS); }

TEST(Less, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::LESS, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
