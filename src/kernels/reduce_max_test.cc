#include "kernel_test_util.h"
#include "kernels/internal/extremum_testing.h"

namespace tfd {
namespace {

using namespace testing::extremum;

constexpr BuiltinOp kOp = BuiltinOp::REDUCE_MAX;

TEST(ReduceMax, AlongAxes) {
  // 3 and 2; 2^40.
  ExpectReducedValues(kOp, {{3, 2}, 1LL << 40});
}

TEST(ReduceMax, EmptyReductionKeepsStartValue) { ExpectEmptyReductionGives(kOp, -128); }

TEST(ReduceMax, RejectsRequantization) { ExpectReduceRejectsRequantization(kOp); }

TEST(ReduceMax, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  testing::shape::ExpectMatchesOracle(ReduceOracleCases(kOp));
}

}  // namespace
}  // namespace tfd
