#include "kernels/internal/act_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

TEST(Relu, FloatHandComputed) {
  Model m = acttest::Unary(BuiltinOp::RELU, Spec(DType::FLOAT32, {5}), Spec(DType::FLOAT32, {5}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {5}, {-3.5f, -0.0f, 0.25f, 7.0f, 1e30f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0.0f, 0.0f, 0.25f, 7.0f, 1e30f}));
}

TEST(Relu, Int8RequantizesToOutputScale) {
  // in: scale 0.5, zp -10; out: scale 0.25, zp 5 (so q_out = 2 * (q_in + 10) + 5).
  // -10 is real 0 -> 5; 0 is real 5 -> 25; -20 is real -5 -> clamped at real 0 -> 5;
  // 100 is real 55 -> 225, saturates at 127; -9 is real 0.5 -> 7.
  Model m = acttest::Unary(BuiltinOp::RELU, Spec(DType::INT8, {5}, 0.5f, -10), Spec(DType::INT8, {5}, 0.25f, 5));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {5}, {-10, 0, -20, 100, -9})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({5, 25, 5, 127, 7}));
}

TEST(Relu, Int16RoundsHalfAwayFromZero) {
  // Multiplier 1.5: 3 -> 4.5 -> 5 (ties away from zero, TFLite's rounding); negative clamps at 0.
  Model m = acttest::Unary(BuiltinOp::RELU, Spec(DType::INT16, {4}, 0.003f, 0), Spec(DType::INT16, {4}, 0.002f, 0));
  auto out = testing::RunOurs(m, {Array::Of<int16_t>(DType::INT16, {4}, {3, 1000, -7, 32767})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({5, 1500, 0, 32767}));
}

TEST(Relu, RejectsBadParameters) {
  // Quantized input without quantization parameters.
  Model no_quant = acttest::Unary(BuiltinOp::RELU, Spec(DType::INT8, {3}), Spec(DType::INT8, {3}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(no_quant, testing::RandomInputs(no_quant, 1)), Error);
  // int16 needs zero points of 0.
  Model int16_zp = acttest::Unary(BuiltinOp::RELU, Spec(DType::INT16, {3}, 0.1f, 3), Spec(DType::INT16, {3}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(int16_zp, testing::RandomInputs(int16_zp, 1)), Error);
  // Input and output types must agree.
  Model mixed = acttest::Unary(BuiltinOp::RELU, Spec(DType::FLOAT32, {3}), Spec(DType::INT8, {3}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
  // No int32 kernel.
  Model int32 = acttest::Unary(BuiltinOp::RELU, Spec(DType::INT32, {3}), Spec(DType::INT32, {3}));
  EXPECT_THROW(testing::RunOurs(int32, testing::RandomInputs(int32, 1)), Error);
}

TEST(Relu, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", acttest::Unary(BuiltinOp::RELU, Spec(DType::FLOAT32, {2, 5, 7}), Spec(DType::FLOAT32, {2, 5, 7})),
                   {acttest::RandomFloats({2, 5, 7}, -8, 8, 1)}, Compare::Float(1e-6)});
  struct Q { DType t; float si; int64_t zi; float so; int64_t zo; };
  const std::vector<Q> quantized = {
      {DType::INT8, 0.05f, 3, 0.03f, -20}, {DType::INT8, 0.1f, 0, 0.1f, 0}, {DType::INT8, 0.02f, -7, 0.05f, 10},
      {DType::INT8, 0.07f, 20, 0.01f, -100}, {DType::UINT8, 0.05f, 131, 0.03f, 108}, {DType::UINT8, 0.02f, 121, 0.05f, 138},
      {DType::UINT8, 0.07f, 148, 0.01f, 28}};
  for (const Q& q : quantized) {
    cases.push_back({DTypeName(q.t) + " " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     acttest::Unary(BuiltinOp::RELU, Spec(q.t, {256}, q.si, q.zi), Spec(q.t, {256}, q.so, q.zo)),
                     {acttest::AllValues8(q.t)}});
  }
  for (float so : {0.0003f, 0.0001f, 0.0005f}) {
    Array sweep = acttest::Int16Sweep(7);
    cases.push_back({"int16 ->" + std::to_string(so),
                     acttest::Unary(BuiltinOp::RELU, Spec(DType::INT16, sweep.shape, 0.0005f, 0), Spec(DType::INT16, sweep.shape, so, 0)),
                     {sweep}});
  }
  acttest::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
