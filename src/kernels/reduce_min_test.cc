#include "kernel_test_util.h"
#include "kernels/internal/extremum_testing.h"

namespace tfd {
namespace {

using namespace testing::extremum;

constexpr BuiltinOp kOp = BuiltinOp::REDUCE_MIN;

TEST(ReduceMin, AlongAxes) {
  // -5 and -1; -2^41.
  ExpectReducedValues(kOp, {{-5, -1}, -(1LL << 41)});
}

TEST(ReduceMin, EmptyReductionKeepsStartValue) { ExpectEmptyReductionGives(kOp, 127); }

TEST(ReduceMin, RejectsRequantization) { ExpectReduceRejectsRequantization(kOp); }

TEST(ReduceMin, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  testing::shape::ExpectMatchesOracle(ReduceOracleCases(kOp));
}

}  // namespace
}  // namespace tfd
