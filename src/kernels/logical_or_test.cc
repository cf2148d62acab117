#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

constexpr BuiltinOp kOp = BuiltinOp::LOGICAL_OR;

TEST(LogicalOr, HandComputed) { ExpectLogicalHandComputed(kOp, {1, 0, 1, 1, 1, 0}); }

TEST(LogicalOr, RejectsBadInputs) { ExpectLogicalRejectsBadInputs(kOp); }

TEST(LogicalOr, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(LogicalOracleRuns(kOp));
}

}  // namespace
}  // namespace tfd
