#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

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


// float32 MAXIMUM in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK's IEEE single operation equals TFLite's, so
// no flavor (broadcast second input, no activation).
TEST(Maximum, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<testing::xnnpack::Case> cases;
  {
    cases.push_back(testing::xnnpack::FloatCase("float32", testing::elementwise::BinaryModel<tflite::AddOptionsT>(
        BuiltinOp::MAXIMUM, testing::elementwise::T(DType::FLOAT32, {2, 5, 40}), testing::elementwise::T(DType::FLOAT32, {5, 40}),
        testing::elementwise::T(DType::FLOAT32, {2, 5, 40})), -8.0f, 8.0f));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
