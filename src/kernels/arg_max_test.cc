#include "kernel_test_util.h"
#include "kernels/internal/extremum_testing.h"

namespace tfd {
namespace {

using namespace testing::extremum;

constexpr BuiltinOp kOp = BuiltinOp::ARG_MAX;

TEST(ArgMax, FirstIndexOnTies) {
  // The first 5 and the 3; the 9 in each column; 2^41.
  ExpectArgIndices(kOp, {{1, 0}, {1, 1}, 1});
}

TEST(ArgMax, Rejects) { ExpectArgRejectsBadModels(kOp); }

TEST(ArgMax, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  testing::shape::ExpectMatchesOracle(ArgOracleCases(kOp));
}

}  // namespace
}  // namespace tfd
