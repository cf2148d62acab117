#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(FloorDiv, RoundsTowardMinusInfinity) {
  Model f = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {4}, {7, -7, 7, 0.5f}), Array::Of<float>(DType::FLOAT32, {4}, {2, 2, -2, 0.25f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({3, -4, -4, 2}));
  Model i = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::INT32, {2, 2}), T(DType::INT32, {2}), T(DType::INT32, {2, 2}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2, 2}, {7, -7, 6, -1}), Array::Of<int32_t>(DType::INT32, {2}, {2, -3})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({3, 2, 3, 0}));
  Model s = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::INT16, {3}), T(DType::INT16, {}), T(DType::INT16, {3}));
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {3}, {32767, -32768, -5}), Array::Of<int16_t>(DType::INT16, {}, {10})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({3276, -3277, -1}));
  Model b = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::INT8, {3}), T(DType::INT8, {3}), T(DType::INT8, {3}));
  out = RunOurs(b, {Array::Of<int8_t>(DType::INT8, {3}, {127, -128, 9}), Array::Of<int8_t>(DType::INT8, {3}, {-2, 3, 4})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-64, -43, 2}));
}

TEST(FloorDiv, RejectsZeroDivisorsAndBadTypes) {
  ExpectRejectsIntZeroDivisorAndUint8(BuiltinOp::FLOOR_DIV);
  Model f = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}));
  EXPECT_THROW(RunOurs(f, {Array::Of<float>(DType::FLOAT32, {1}, {1}), Array::Of<float>(DType::FLOAT32, {1}, {0})}), Error);
}

TEST(FloorDiv, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatInt32OracleRuns(BuiltinOp::FLOOR_DIV, "//", NonZeroDivisorOperands));
}

}  // namespace
}  // namespace tfd
