#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

Model Comparison(const testing::TensorSpec& a, const testing::TensorSpec& b, std::vector<int32_t> out_shape) {
  return ComparisonModel(BuiltinOp::LESS_EQUAL, a, b, std::move(out_shape));
}

TEST(LessEqual, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::LESS_EQUAL, {1, 1, 0}); }

TEST(LessEqual, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::LESS_EQUAL, {1, 1, 0}, 1); }

TEST(LessEqual, RejectsBool) {
  Model b = Comparison(T(DType::BOOL, {2}), T(DType::BOOL, {2}), {2});
  EXPECT_THROW(RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(LessEqual, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::LESS_EQUAL); }

TEST(LessEqual, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::LESS_EQUAL, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
