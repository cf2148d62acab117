#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Pow, HandComputed) {
  Model f = BinaryModel(BuiltinOp::POW, T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {4}, {2, 4, 10, -3}), Array::Of<float>(DType::FLOAT32, {4}, {3, 0.5f, -1, 2})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({8, 2, 0.1f, 9}));
  Model i = BinaryModel(BuiltinOp::POW, T(DType::INT32, {2, 2}), T(DType::INT32, {2}), T(DType::INT32, {2, 2}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2, 2}, {2, -2, 3, 7}), Array::Of<int32_t>(DType::INT32, {2}, {10, 3})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({1024, -8, 59049, 343}));
}

TEST(Pow, RejectsBadInputs) {
  Model i = BinaryModel(BuiltinOp::POW, T(DType::INT32, {2}), T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2}, {2, 2}), Array::Of<int32_t>(DType::INT32, {2}, {1, -1})}), Error);
  Model i8 = BinaryModel(BuiltinOp::POW, Q(DType::INT8, {2}, 0.1f, 0), Q(DType::INT8, {2}, 0.1f, 0), Q(DType::INT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(i8, testing::RandomInputs(i8, 1)), Error);
  Model shapes = BinaryModel(BuiltinOp::POW, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {3}));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
}

// Positive float bases (a negative one with a fractional exponent gives NaN);
// int32 exponents >= 0 (negative ones are refused).
std::vector<Array> PowOperands(DType dtype, const std::vector<int32_t>& a, const std::vector<int32_t>& b, uint64_t seed) {
  if (dtype == DType::FLOAT32)
    return {Array::Of<float>(dtype, a, Spread<float>(Count(a), 0.05, 3, seed)),
            Array::Of<float>(dtype, b, Spread<float>(Count(b), -2.5, 2.5, seed + 10))};
  return {Array::Of<int32_t>(dtype, a, Spread<int32_t>(Count(a), -6, 6, seed)),
          Array::Of<int32_t>(dtype, b, Spread<int32_t>(Count(b), 0, 6, seed + 10))};
}

TEST(Pow, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatInt32OracleRuns(BuiltinOp::POW, "^", PowOperands));
}

}  // namespace
}  // namespace tfd
