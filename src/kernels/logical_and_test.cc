#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

constexpr BuiltinOp kOp = BuiltinOp::LOGICAL_AND;

TEST(LogicalAnd, HandComputed) { ExpectLogicalHandComputed(kOp, {0, 0, 0, 1, 0, 0}); }

TEST(LogicalAnd, RejectsBadInputs) { ExpectLogicalRejectsBadInputs(kOp); }

TEST(LogicalAnd, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(LogicalOracleRuns(kOp));
}

}  // namespace
}  // namespace tfd
