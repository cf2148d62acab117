#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(FloorMod, TakesTheDivisorsSign) {
  Model f = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {4}, {7, -7, 7, 5.5f}), Array::Of<float>(DType::FLOAT32, {4}, {3, 3, -3, 2})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, -2, 1.5f}));
  Model i = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT32, {2, 2}), T(DType::INT32, {2}), T(DType::INT32, {2, 2}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2, 2}, {7, -7, INT32_MIN, 6}), Array::Of<int32_t>(DType::INT32, {2}, {-1, -4})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({0, -3, 0, -2}));
  // int64 is not readable by the oracle: checked here.
  Model l = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT64, {3}), T(DType::INT64, {}), T(DType::INT64, {3}));
  out = RunOurs(l, {Array::Of<int64_t>(DType::INT64, {3}, {(int64_t{1} << 40) + 5, -9, 10}), Array::Of<int64_t>(DType::INT64, {}, {7})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({((int64_t{1} << 40) + 5) % 7, 5, 3}));
  Model s = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT16, {2}), T(DType::INT16, {2}), T(DType::INT16, {2}));
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {2}, {-32768, 100}), Array::Of<int16_t>(DType::INT16, {2}, {1000, -7})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({232, -5}));
  Model b = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT8, {2}), T(DType::INT8, {2}), T(DType::INT8, {2}));
  out = RunOurs(b, {Array::Of<int8_t>(DType::INT8, {2}, {-128, 127}), Array::Of<int8_t>(DType::INT8, {2}, {-1, -10})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({0, -3}));
}

TEST(FloorMod, FloatZeroDivisorGivesNan) {
  Model f = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {1}, {3}), Array::Of<float>(DType::FLOAT32, {1}, {0})});
  EXPECT_TRUE(std::isnan(out[0].values<float>()[0]));
}

TEST(FloorMod, RejectsZeroDivisorsAndBadTypes) { ExpectRejectsIntZeroDivisorAndUint8(BuiltinOp::FLOOR_MOD); }

TEST(FloorMod, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatInt32OracleRuns(BuiltinOp::FLOOR_MOD, "%", NonZeroDivisorOperands));
}

}  // namespace
}  // namespace tfd
