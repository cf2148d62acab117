#include <cmath>

#include "kernels/internal/act_half.h"
#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;
using testing::OpModel;

Model Dequantize(const testing::TensorSpec& in) {
  testing::TensorSpec out = Spec(DType::FLOAT32, in.shape);
  return acttest::Unary(BuiltinOp::DEQUANTIZE, in, out);
}

TEST(Dequantize, PerTensor) {
  Model i8 = Dequantize(Spec(DType::INT8, {3}, 0.5f, -3));
  EXPECT_EQ(testing::RunOurs(i8, {Array::Of<int8_t>(DType::INT8, {3}, {-128, -3, 127})})[0].values<float>(),
            std::vector<float>({-62.5f, 0.0f, 65.0f}));
  Model u8 = Dequantize(Spec(DType::UINT8, {2}, 0.25f, 128));
  EXPECT_EQ(testing::RunOurs(u8, {Array::Of<uint8_t>(DType::UINT8, {2}, {0, 255})})[0].values<float>(),
            std::vector<float>({-32.0f, 31.75f}));
  Model i16 = Dequantize(Spec(DType::INT16, {2}, 1.0f / 32768, 0));
  EXPECT_EQ(testing::RunOurs(i16, {Array::Of<int16_t>(DType::INT16, {2}, {-32768, 16384})})[0].values<float>(),
            std::vector<float>({-1.0f, 0.5f}));
  // One rounding of the exact product: 0.1f * 3 is 0.30000001192..., not 0.1f + 0.1f + 0.1f.
  Model r = Dequantize(Spec(DType::INT8, {1}, 0.1f, 0));
  EXPECT_EQ(testing::RunOurs(r, {Array::Of<int8_t>(DType::INT8, {1}, {3})})[0].values<float>()[0],
            static_cast<float>(static_cast<double>(0.1f) * 3));
}

TEST(Dequantize, PerChannelConstant) {
  // Axis 0 of a [2, 3] int8 weight: scales (0.5, 2), zero points (0, 1).
  OpModel m(BuiltinOp::DEQUANTIZE);
  testing::TensorSpec w = Spec(DType::INT8, {2, 3});
  w.scales = {0.5f, 2.0f};
  w.zero_points = {0, 1};
  w.axis = 0;
  m.Const<int8_t>(w, {2, -4, 6, 1, 0, -1});
  m.Output(Spec(DType::FLOAT32, {2, 3}));
  EXPECT_EQ(testing::RunOurs(m.Build(), {})[0].values<float>(), std::vector<float>({1, -2, 3, 0, -2, -4}));
}

TEST(Dequantize, Float16Weights) {
  // Half bit patterns: 1.0, -2.5, 65504 (largest), 2^-24 (smallest subnormal), -0, inf.
  OpModel m(BuiltinOp::DEQUANTIZE);
  m.Const<uint16_t>(Spec(DType::FLOAT16, {6}), {0x3c00, 0xc100, 0x7bff, 0x0001, 0x8000, 0x7c00});
  m.Output(Spec(DType::FLOAT32, {6}));
  auto out = testing::RunOurs(m.Build(), {})[0].values<float>();
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -2.5f);
  EXPECT_EQ(out[2], 65504.0f);
  EXPECT_EQ(out[3], std::ldexp(1.0f, -24));
  EXPECT_EQ(out[4], 0.0f);
  EXPECT_TRUE(std::signbit(out[4]));
  EXPECT_TRUE(std::isinf(out[5]));
}

TEST(Dequantize, HalfConversionRoundTrips) {
  // Every finite half converts to a float that converts back to the same bits.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint16_t bits = static_cast<uint16_t>(h);
    if ((bits & 0x7c00) == 0x7c00) continue;  // inf / NaN
    ASSERT_EQ(act::FloatToHalf(act::HalfToFloat(bits)), bits) << h;
  }
}

TEST(Dequantize, RejectsBadInputs) {
  Model no_quant = Dequantize(Spec(DType::INT8, {2}));
  EXPECT_THROW(testing::RunOurs(no_quant, testing::RandomInputs(no_quant, 1)), Error);
  Model int32 = Dequantize(Spec(DType::INT32, {2}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(int32, testing::RandomInputs(int32, 1)), Error);
  OpModel bad(BuiltinOp::DEQUANTIZE);
  testing::TensorSpec w = Spec(DType::INT8, {2, 3});
  w.scales = {0.5f, 2.0f, 1.0f};
  w.axis = 0;
  bad.Input(w);
  bad.Output(Spec(DType::FLOAT32, {2, 3}));
  Model b = bad.Build();
  EXPECT_THROW(testing::RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(Dequantize, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  struct Q { DType t; float s; int64_t zp; };
  for (const Q& q : std::vector<Q>{{DType::INT8, 0.05f, 3}, {DType::INT8, 0.0123f, -7}, {DType::INT8, 1e-4f, 0},
                                   {DType::UINT8, 0.05f, 131}, {DType::UINT8, 0.0123f, 121}, {DType::UINT8, 0.3f, 0}}) {
    cases.push_back({DTypeName(q.t) + " " + std::to_string(q.s), Dequantize(Spec(q.t, {256}, q.s, q.zp)), {acttest::AllValues8(q.t)},
                     Compare::Exact()});
  }
  for (float s : {0.05f, 0.0123f, 1e-4f}) {
    Array sweep = acttest::Int16Sweep(13);
    cases.push_back({"int16 " + std::to_string(s), Dequantize(Spec(DType::INT16, sweep.shape, s, 0)), {sweep}, Compare::Exact()});
  }
  // Per-channel (non-constant input, so the oracle's TFLite kernel runs it).
  for (int axis : {0, 1, 2}) {
    testing::TensorSpec in = Spec(DType::INT8, {3, 4, 5});
    const int channels = in.shape[static_cast<size_t>(axis)];
    for (int c = 0; c < channels; ++c) {
      in.scales.push_back(0.02f * static_cast<float>(c + 1));
      in.zero_points.push_back(2 - c);
    }
    in.axis = axis;
    cases.push_back({"int8 per-channel axis " + std::to_string(axis), Dequantize(in),
                     {acttest::RandomInts(DType::INT8, {3, 4, 5}, -128, 127, 60 + axis)}, Compare::Exact()});
  }
  acttest::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit DEQUANTIZE against the oracle, every input value and three seeds:
// XNNPACK's (q - zp) * scale in float rounds once, as TFLite's does.
TEST(Dequantize, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {I8, U8})
    for (float scale : {0.0235f, 0.1f, 3.7e-5f}) {
      Model m = acttest::Unary(BuiltinOp::DEQUANTIZE, Spec(t, {3, 256}, scale, t == I8 ? 5 : 128),
                               Spec(DType::FLOAT32, {3, 256}));
      cases.push_back(testing::xnnpack::RandomCase(std::string(DTypeName(t)) + " " + std::to_string(scale), m));
    }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 6);
}

}  // namespace
}  // namespace tfd
