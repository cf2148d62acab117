#include <cmath>

#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Exp, Float) {
  Model m = UnaryModel(BuiltinOp::EXP, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {3}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {3}, {0, 1, -2})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, std::exp(1.0f), std::exp(-2.0f)}));
}

TEST(Exp, Int8Table) {
  // Input scale 0.5, zero point -10: q = -10 is 0 -> 1.0; q = -8 is 1.0 ->
  // 2.718; q = 0 is 5.0 -> 148.4; output scale 0.1, zero point -128: 10 - 128 =
  // -118, 27 - 128 = -101, 1484 - 128 clamps to 127.
  Model m = UnaryModel(BuiltinOp::EXP, Q(DType::INT8, {3}, 0.5f, -10), Q(DType::INT8, {3}, 0.1f, -128));
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {3}, {-10, -8, 0})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-118, -101, 127}));
}

TEST(Exp, Int16TableInterpolates) {
  // Input scale 2^-12 covers [-8, 8); output scale 2^-11 covers [-16, 16).
  Model m = UnaryModel(BuiltinOp::EXP, Q(DType::INT16, {3}, 1.0f / 4096, 0), Q(DType::INT16, {3}, 1.0f / 2048, 0));
  auto out = RunOurs(m, {Array::Of<int16_t>(DType::INT16, {3}, {0, 4096, -32768})});
  const auto v = out[0].values<int16_t>();
  EXPECT_NEAR(v[0], 2048, 1);                 // e^0 = 1
  // The table samples e^x every 65535/512 input steps, so 4096 falls
  // between samples: within a few output steps of e * 2048.
  EXPECT_NEAR(v[1], std::exp(1.0) * 2048, 3);
  EXPECT_NEAR(v[2], 0, 1);                    // e^-8
}

TEST(Exp, RejectsBadInputs) {
  Model zp = UnaryModel(BuiltinOp::EXP, Q(DType::INT16, {2}, 0.001f, 3), Q(DType::INT16, {2}, 0.001f, 0));
  EXPECT_THROW(RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model u8 = UnaryModel(BuiltinOp::EXP, Q(DType::UINT8, {2}, 0.1f, 0), Q(DType::UINT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(u8, testing::RandomInputs(u8, 1)), Error);
  Model unquantized = UnaryModel(BuiltinOp::EXP, T(DType::INT8, {2}), T(DType::INT8, {2}));
  EXPECT_THROW(RunOurs(unquantized, testing::RandomInputs(unquantized, 1)), Error);
}

// The oracle's TFLite has float EXP only; the int8/int16 tables are checked
// above and against TFLite's LUTPopulate arithmetic (kernels/internal/elementwise_lut.h).
TEST(Exp, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatUnaryRuns(BuiltinOp::EXP, -5, 5));
}

}  // namespace
}  // namespace tfd
