#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

Model Comparison(const testing::TensorSpec& a, const testing::TensorSpec& b, std::vector<int32_t> out_shape) {
  return ComparisonModel(BuiltinOp::LESS, a, b, std::move(out_shape));
}

TEST(Less, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::LESS, {1, 0, 0}); }

TEST(Less, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::LESS, {1, 0, 0}, 0); }

TEST(Less, RejectsBool) {
  Model b = Comparison(T(DType::BOOL, {2}), T(DType::BOOL, {2}), {2});
  EXPECT_THROW(RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(Less, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::LESS); }

TEST(Less, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::LESS, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
