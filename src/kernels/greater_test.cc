#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

Model Comparison(const testing::TensorSpec& a, const testing::TensorSpec& b, std::vector<int32_t> out_shape) {
  return ComparisonModel(BuiltinOp::GREATER, a, b, std::move(out_shape));
}

TEST(Greater, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::GREATER, {0, 0, 1}); }

TEST(Greater, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::GREATER, {0, 0, 1}, 0); }

TEST(Greater, RejectsBool) {
  Model b = Comparison(T(DType::BOOL, {2}), T(DType::BOOL, {2}), {2});
  EXPECT_THROW(RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(Greater, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::GREATER); }

TEST(Greater, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::GREATER, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
