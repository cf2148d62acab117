#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

constexpr BuiltinOp kOp = BuiltinOp::MAXIMUM;

TEST(Maximum, HandComputed) {
  ExpectMaxMinHandComputed(kOp, {{3, 1, 5, 1}, {5, -1, 7, 100}, {int64_t{1} << 40, 2}});
}

TEST(Maximum, RejectsBadInputs) { ExpectMaxMinRejectsBadInputs(kOp); }

TEST(Maximum, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(MaxMinOracleRuns(kOp));
}

}  // namespace
}  // namespace tfd
