#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using namespace testing::elementwise;

constexpr BuiltinOp kOp = BuiltinOp::MINIMUM;

TEST(Minimum, HandComputed) {
  ExpectMaxMinHandComputed(kOp, {{-1, -2, -1, -4}, {-3, -8, 7, -100}, {-3, -(int64_t{1} << 40)}});
}

TEST(Minimum, RejectsBadInputs) { ExpectMaxMinRejectsBadInputs(kOp); }

TEST(Minimum, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(MaxMinOracleRuns(kOp));
}

}  // namespace
}  // namespace tfd
