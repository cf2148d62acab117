#include "kernel_test_util.h"
#include "kernels/internal/extremum_testing.h"

namespace tfd {
namespace {

using namespace testing::extremum;

constexpr BuiltinOp kOp = BuiltinOp::ARG_MIN;

TEST(ArgMin, FirstIndexOnTies) {
  // -2 and the first -2; -1 and the first -7; -2^42.
  ExpectArgIndices(kOp, {{3, 1}, {2, 0}, 2});
}

TEST(ArgMin, Rejects) { ExpectArgRejectsBadModels(kOp); }

TEST(ArgMin, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  testing::shape::ExpectMatchesOracle(ArgOracleCases(kOp));
}

}  // namespace
}  // namespace tfd
