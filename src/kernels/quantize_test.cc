#include <algorithm>
#include <filesystem>
#include <random>

#include "kernels/internal/act_common.h"
#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;
using testing::OpModel;

Model Quantize(const testing::TensorSpec& in, const testing::TensorSpec& out) {
  return acttest::Unary(BuiltinOp::QUANTIZE, in, out);
}

TEST(Quantize, FloatToInt8RoundsHalfAwayFromZero) {
  // Scale 1/128: -0.03515625 is exactly -4.5 steps -> -5 and 0.01953125 is 2.5 -> 3 in
  // TFLite's kernel (std::round). The oracle's XNNPACK path rounds these ties to even
  // (-4, 2), hence WithinSteps(1) for float -> 8-bit below.
  Model m = Quantize(Spec(DType::FLOAT32, {5}), Spec(DType::INT8, {5}, 1.0f / 128, 0));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {5}, {-0.03515625f, 0.01953125f, 10.0f, -10.0f, 0.5f})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-5, 3, 127, -128, 64}));
}

TEST(Quantize, FloatToUint8AndInt16) {
  Model u8 = Quantize(Spec(DType::FLOAT32, {3}), Spec(DType::UINT8, {3}, 0.05f, 128));
  auto o8 = testing::RunOurs(u8, {Array::Of<float>(DType::FLOAT32, {3}, {1.0f, -7.0f, 0.0f})});
  EXPECT_EQ(o8[0].values<uint8_t>(), std::vector<uint8_t>({148, 0, 128}));
  Model i16 = Quantize(Spec(DType::FLOAT32, {3}), Spec(DType::INT16, {3}, 1.0f / 32768, 0));
  auto o16 = testing::RunOurs(i16, {Array::Of<float>(DType::FLOAT32, {3}, {0.5f, -1.0f, 1.0f})});
  EXPECT_EQ(o16[0].values<int16_t>(), std::vector<int16_t>({16384, -32768, 32767}));
}

TEST(Quantize, FloatToInt8PerChannelUsesFloatDivision) {
  // Axis 1 with scales (0.1, 0.2, 0.5) and zero points (0, 1, -2). -0.25f / 0.1f is
  // -2.4999999627 in double but exactly -2.5 in float, so per-channel (float division,
  // as TFLite's PerChannelQuantize) gives -3.
  OpModel m(BuiltinOp::QUANTIZE);
  m.Input(Spec(DType::FLOAT32, {2, 3}));
  testing::TensorSpec out = Spec(DType::INT8, {2, 3});
  out.scales = {0.1f, 0.2f, 0.5f};
  out.zero_points = {0, 1, -2};
  out.axis = 1;
  m.Output(out);
  auto o = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {2, 3}, {1.0f, 1.0f, 1.0f, -0.25f, 0.3f, 0.75f})});
  EXPECT_EQ(o[0].values<int8_t>(), std::vector<int8_t>({10, 6, 0, -3, 3, 0}));
}

TEST(Quantize, RequantizeHandComputed) {
  // int8 (0.01, zp 7) -> int8 (0.07, zp 1): -31 is 38 steps below the zero point,
  // -38 / 7 = -5.43, but TFLite's doubly rounded multiply (round(-38 * 0.571) = -22,
  // then -22 / 4 = -5.5 -> -6) gives -6 + 1 = -5. XNNPACK, which the oracle uses for
  // same-type 8-bit requantization, multiplies by an 8-bit fixed-point ratio
  // round(256 / 7) = 37 and rounds once: (-38 * 37 + 128) >> 8 = -5, + 1 = -4.
  Model i8 = Quantize(Spec(DType::INT8, {2}, 0.01f, 7), Spec(DType::INT8, {2}, 0.07f, 1));
  auto o = testing::RunOurs(i8, {Array::Of<int8_t>(DType::INT8, {2}, {-31, 5})});
  EXPECT_EQ(o[0].values<int8_t>(), std::vector<int8_t>({-5, 1}));
  // int8 -> uint8 with the same scale: a shift of the zero point by 128.
  Model u8 = Quantize(Spec(DType::INT8, {3}, 0.1f, -3), Spec(DType::UINT8, {3}, 0.1f, 125));
  auto ou = testing::RunOurs(u8, {Array::Of<int8_t>(DType::INT8, {3}, {-128, -3, 127})});
  EXPECT_EQ(ou[0].values<uint8_t>(), std::vector<uint8_t>({0, 125, 255}));
  // int16 -> int32 (scale 0.5 -> 0.25) doubles; int32 -> int16 saturates.
  Model w = Quantize(Spec(DType::INT16, {2}, 0.5f, 0), Spec(DType::INT32, {2}, 0.25f, 10));
  auto ow = testing::RunOurs(w, {Array::Of<int16_t>(DType::INT16, {2}, {-32768, 1000})});
  EXPECT_EQ(ow[0].values<int32_t>(), std::vector<int32_t>({-65526, 2010}));
  Model n = Quantize(Spec(DType::INT32, {2}, 1.0f, 5), Spec(DType::INT16, {2}, 1.0f, 0));
  auto on = testing::RunOurs(n, {Array::Of<int32_t>(DType::INT32, {2}, {100000, -7})});
  EXPECT_EQ(on[0].values<int16_t>(), std::vector<int16_t>({32767, -12}));
}

TEST(Quantize, RejectsUnsupported) {
  Model no_quant = Quantize(Spec(DType::FLOAT32, {2}), Spec(DType::INT8, {2}));
  EXPECT_THROW(testing::RunOurs(no_quant, testing::RandomInputs(no_quant, 1)), Error);
  Model to_int32 = Quantize(Spec(DType::FLOAT32, {2}), Spec(DType::INT32, {2}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(to_int32, testing::RandomInputs(to_int32, 1)), Error);
  Model u8_to_i16 = Quantize(Spec(DType::UINT8, {2}, 0.1f, 0), Spec(DType::INT16, {2}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(u8_to_i16, testing::RandomInputs(u8_to_i16, 1)), Error);
  Model i16_zp = Quantize(Spec(DType::INT16, {2}, 0.1f, 3), Spec(DType::INT16, {2}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(i16_zp, testing::RandomInputs(i16_zp, 1)), Error);
  OpModel bad_axis(BuiltinOp::QUANTIZE);
  bad_axis.Input(Spec(DType::FLOAT32, {2, 3}));
  testing::TensorSpec out = Spec(DType::INT8, {2, 3});
  out.scales = {0.1f, 0.2f};
  out.axis = 1;
  bad_axis.Output(out);
  Model b = bad_axis.Build();
  EXPECT_THROW(testing::RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(Quantize, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  uint64_t seed = 50;
  // float -> int16 runs TFLite's kernel in the oracle: exact. float -> int8/uint8 runs
  // XNNPACK, which multiplies by 1/scale and rounds ties to even (see
  // FloatToInt8RoundsHalfAwayFromZero): within one step.
  struct F { DType t; float s; int64_t zp; };
  for (const F& f : std::vector<F>{{DType::INT16, 0.00025f, 0}, {DType::INT16, 1.0f / 32768, 0}, {DType::INT16, 6.5e-5f, 0},
                                   {DType::INT8, 0.05f, 3}, {DType::INT8, 1.0f / 128, 0}, {DType::UINT8, 0.013f, 121},
                                   {DType::UINT8, 0.1f, 128}}) {
    const act::IntRange r = act::QuantizedRange(f.t);
    const float span = f.s * static_cast<float>(r.max - r.min) * 0.6f;  // a little beyond the range
    cases.push_back({"float->" + DTypeName(f.t) + " " + std::to_string(f.s),
                     Quantize(Spec(DType::FLOAT32, {3, 67}), Spec(f.t, {3, 67}, f.s, f.zp)),
                     {acttest::RandomFloats({3, 67}, -span, span, seed++)},
                     f.t == DType::INT16 ? Compare::Exact() : Compare::Steps(1)});
  }
  // Per-channel float -> int8 (TFLite's reference kernel in the oracle): exact.
  for (int axis : {0, 2}) {
    OpModel m(BuiltinOp::QUANTIZE);
    m.Input(Spec(DType::FLOAT32, {4, 3, 5}));
    testing::TensorSpec out = Spec(DType::INT8, {4, 3, 5});
    const int channels = axis == 0 ? 4 : 5;
    for (int c = 0; c < channels; ++c) {
      out.scales.push_back(0.01f * static_cast<float>(c + 1));
      out.zero_points.push_back(c - 2);
    }
    out.axis = axis;
    m.Output(out);
    cases.push_back({"float->int8 per-channel axis " + std::to_string(axis), m.Build(), {acttest::RandomFloats({4, 3, 5}, -2, 2, seed++)}});
  }
  // Requantization. Mixed int8/uint8, and everything involving int16/int32, runs
  // TFLite's kernel: exact.
  struct R { DType in; float si; int64_t zi; DType out; float so; int64_t zo; };
  for (const R& q : std::vector<R>{{DType::INT8, 0.05f, 3, DType::UINT8, 0.03f, 118}, {DType::INT8, 0.01f, 7, DType::UINT8, 0.07f, 129},
                                   {DType::UINT8, 0.05f, 131, DType::INT8, 0.03f, -10}, {DType::UINT8, 0.1f, 128, DType::INT8, 0.1f, 0},
                                   {DType::UINT8, 0.01f, 135, DType::INT8, 0.07f, 1}, {DType::INT16, 0.05f, 0, DType::INT16, 0.03f, 0},
                                   {DType::INT16, 0.01f, 0, DType::INT16, 0.07f, 0}, {DType::INT16, 0.01f, 0, DType::INT8, 0.07f, 1},
                                   {DType::INT16, 0.02f, 0, DType::INT32, 0.02f, 20}, {DType::INT16, 0.01f, 0, DType::INT32, 0.0007f, -3},
                                   {DType::INT32, 0.05f, 3, DType::INT16, 0.03f, 0}, {DType::INT32, 0.01f, 7, DType::INT8, 0.07f, 1}}) {
    Array input = q.in == DType::INT32 ? acttest::RandomInts(DType::INT32, {500}, -(1 << 16), 1 << 16, seed++)
                  : q.in == DType::INT16 ? acttest::Int16Sweep(97)
                                          : acttest::AllValues8(q.in);
    cases.push_back({DTypeName(q.in) + "->" + DTypeName(q.out) + " " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     Quantize(Spec(q.in, input.shape, q.si, q.zi), Spec(q.out, input.shape, q.so, q.zo)), {input}});
  }
  // Same-type 8-bit requantization runs XNNPACK in the oracle, whose 8-bit fixed-point
  // multiplier and single rounding (see RequantizeHandComputed) land within one step of
  // TFLite's kernel (checked on a real model too: deeplabv3's uint8 QUANTIZE).
  for (const R& q : std::vector<R>{{DType::INT8, 0.05f, 3, DType::INT8, 0.03f, -10}, {DType::INT8, 0.01f, 7, DType::INT8, 0.07f, 1},
                                   {DType::UINT8, 0.02f, 123, DType::UINT8, 0.02f, 148}, {DType::UINT8, 0.01f, 135, DType::UINT8, 0.07f, 129}}) {
    cases.push_back({DTypeName(q.in) + "->" + DTypeName(q.out) + " xnnpack " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     Quantize(Spec(q.in, {256}, q.si, q.zi), Spec(q.out, {256}, q.so, q.zo)), {acttest::AllValues8(q.in)}, Compare::Steps(1)});
  }
  acttest::ExpectMatchesOracle(cases);
}

// TFLite Micro golden data (SEANet int32 <-> int16 requantization): bit-exact.
TEST(Quantize, MatchesTflmGoldenData) {
  const std::string dir = std::string(TFD_FIXTURES_DIR) + "/golden/tflm-seanet/quantize";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "fixtures not found at " << dir;
  acttest::ExpectGoldenMatch(dir, "quantize0");
  acttest::ExpectGoldenMatch(dir, "quantize1");
}

// ---- The xnnpack arithmetic profile ----

// Float inputs spread past both ends of the output's range: every exact tie
// (k + 1/2) * scale over the range and beyond, then seeded uniform values.
std::vector<float> FloatSweep(float scale, int32_t zero_point, DType out, uint64_t seed, int32_t count) {
  const int32_t lo = out == DType::INT8 ? -128 : 0, hi = lo + 255;
  std::vector<float> v;
  for (int32_t q = lo - 4; q <= hi + 4 && static_cast<int32_t>(v.size()) < count; ++q)
    v.push_back((static_cast<float>(q - zero_point) + 0.5f) * scale);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(static_cast<float>(lo - zero_point - 20) * scale,
                                          static_cast<float>(hi - zero_point + 20) * scale);
  while (static_cast<int32_t>(v.size()) < count) v.push_back(u(rng));
  if (seed % 2) std::shuffle(v.begin(), v.end(), rng);
  return v;
}

// QUANTIZE against the oracle over whole ranges and three seeds: float to
// int8/uint8 (every tie and beyond saturation) and 8-bit requantization at
// ratios inside and outside what XNNPACK takes, plus the type pairs the
// delegate leaves to TFLite (uint8 <-> int8 as TF2 converters write at a
// model's ends, int16). Bit-exact; the delegate's choice must be ours.
TEST(Quantize, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  struct Config {
    DType in;
    float in_scale;
    int64_t in_zp;
    DType out;
    float out_scale;
    int64_t out_zp;
  };
  const DType F = DType::FLOAT32, I8 = DType::INT8, U8 = DType::UINT8;
  const std::vector<Config> configs = {
      {F, 0, 0, I8, 1.0f / 128, 0},        {F, 0, 0, I8, 0.0235f, -7},       {F, 0, 0, I8, 0.00392157f, -128},
      {F, 0, 0, U8, 0.00392157f, 0},       {F, 0, 0, U8, 0.0731f, 131},      {I8, 0.5f, 3, I8, 1.0f, -2},
      {I8, 0.0235f, -7, I8, 0.0117f, 5},   {I8, 0.03f, 0, I8, 0.0021f, -100},  {I8, 0.001f, 1, I8, 0.1f, 0},
      {I8, 0.9f, 0, I8, 0.005f, 0},        {I8, 0.001f, 1, I8, 0.5f, 0},      {U8, 0.5f, 128, U8, 0.25f, 120},
      {U8, 0.0117f, 3, U8, 0.0235f, 250},  {U8, 0.00392157f, 0, I8, 0.00392157f, -128},
      {I8, 0.00390625f, -128, U8, 0.00390625f, 0}, {U8, 0.1f, 128, I8, 0.07f, 3},
      {DType::INT16, 0.001f, 0, I8, 0.02f, 1},
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    const std::vector<int32_t> shape = {2, 300};
    Model m = Quantize(Spec(c.in, shape, c.in_scale, c.in_zp), Spec(c.out, shape, c.out_scale, c.out_zp));
    testing::xnnpack::Case xc{std::string(DTypeName(c.in)) + " -> " + DTypeName(c.out) + " scale " +
                                  std::to_string(c.in_scale) + " -> " + std::to_string(c.out_scale),
                              m, {}};
    for (uint64_t seed : {21, 22, 23}) {
      if (c.in == F)
        xc.inputs.push_back({Array::Of<float>(F, shape, FloatSweep(c.out_scale, static_cast<int32_t>(c.out_zp), c.out, seed, 600))});
      else
        xc.inputs.push_back(testing::RandomInputs(m, seed));
    }
    cases.push_back(std::move(xc));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_GT(tally.delegated, 0);
  EXPECT_GT(tally.declined, 0);
  EXPECT_GT(tally.reference_differences, 0);
}

}  // namespace
}  // namespace tfd
