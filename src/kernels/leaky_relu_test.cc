#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model LeakyRelu(const testing::TensorSpec& in, const testing::TensorSpec& out, float alpha) {
  tflite::LeakyReluOptionsT o;
  o.alpha = alpha;
  return acttest::Unary(BuiltinOp::LEAKY_RELU, in, out, o);
}

TEST(LeakyRelu, FloatHandComputed) {
  Model m = LeakyRelu(Spec(DType::FLOAT32, {4}), Spec(DType::FLOAT32, {4}), 0.25f);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {4}, {-4.0f, -0.5f, 0.0f, 3.0f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1.0f, -0.125f, 0.0f, 3.0f}));
  // alpha > 1 and alpha < 0 are taken literally (not max(x, alpha x)).
  Model steep = LeakyRelu(Spec(DType::FLOAT32, {2}), Spec(DType::FLOAT32, {2}), -2.0f);
  auto out2 = testing::RunOurs(steep, {Array::Of<float>(DType::FLOAT32, {2}, {-1.5f, 2.0f})});
  EXPECT_EQ(out2[0].values<float>(), std::vector<float>({3.0f, 2.0f}));
}

TEST(LeakyRelu, Int8UsesTfliteFullPrecisionMultiplier) {
  // Scales 0.1 -> 0.1, alpha 0.1: -124 is real -12.4, alpha * x = -1.24 -> q -12.4 -> -12
  // (TFLite's 31-bit multiplier). XNNPACK's 8-bit multiplier round(0.1 * 256) / 256 =
  // 0.1015625 gives -12.59 -> -13, which is what the oracle reports for this input (see
  // MatchesTfliteRuntime). Positive inputs go through the identity multiplier: 57 -> 57.
  Model m = LeakyRelu(Spec(DType::INT8, {4}, 0.1f, 0), Spec(DType::INT8, {4}, 0.1f, 0), 0.1f);
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {4}, {-124, -5, 0, 57})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-12, -1, 0, 57}));
}

TEST(LeakyRelu, Uint8WithZeroPoints) {
  // in: scale 0.5 zp 100; out: scale 0.25 zp 50; alpha 0.5.
  // 90 -> x = -10 -> -5 real * 0.5 = -2.5 -> q -10 + 50 = 40; 110 -> 5 real -> 20 + 50 = 70;
  // 0 -> -50 real * 0.5 = -25 -> -100 + 50 = -50, clamps to 0.
  Model m = LeakyRelu(Spec(DType::UINT8, {3}, 0.5f, 100), Spec(DType::UINT8, {3}, 0.25f, 50), 0.5f);
  auto out = testing::RunOurs(m, {Array::Of<uint8_t>(DType::UINT8, {3}, {90, 110, 0})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({40, 70, 0}));
}

TEST(LeakyRelu, RejectsBadParameters) {
  Model int16_zp = LeakyRelu(Spec(DType::INT16, {3}, 0.001f, 1), Spec(DType::INT16, {3}, 0.001f, 0), 0.2f);
  EXPECT_THROW(testing::RunOurs(int16_zp, testing::RandomInputs(int16_zp, 1)), Error);
  Model no_quant = LeakyRelu(Spec(DType::INT8, {3}, 0.1f, 0), Spec(DType::INT8, {3}), 0.2f);
  EXPECT_THROW(testing::RunOurs(no_quant, testing::RandomInputs(no_quant, 1)), Error);
  Model mixed = LeakyRelu(Spec(DType::INT8, {3}, 0.1f, 0), Spec(DType::UINT8, {3}, 0.1f, 0), 0.2f);
  EXPECT_THROW(testing::RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(LeakyRelu, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  for (float alpha : {0.2f, -0.5f, 1.5f}) {
    cases.push_back({"float alpha " + std::to_string(alpha),
                     LeakyRelu(Spec(DType::FLOAT32, {2, 3, 17}), Spec(DType::FLOAT32, {2, 3, 17}), alpha),
                     {acttest::RandomFloats({2, 3, 17}, -5, 5, 4)}, Compare::Float(1e-6)});
  }
  struct Q { DType t; float si; int64_t zi; float so; int64_t zo; float alpha; };
  // The XNNPACK delegate takes 8-bit LEAKY_RELU only when both input-to-output scales
  // (identity and alpha) lie within [1/256, 128]; these configurations put the alpha
  // scale outside that window, so TFLite's own kernel runs and must match exactly.
  for (const Q& q : std::vector<Q>{{DType::INT8, 0.03f, 0, 0.02f, 5, 1e-4f}, {DType::INT8, 0.05f, -3, 0.1f, 10, 300.0f},
                                   {DType::UINT8, 0.03f, 128, 0.02f, 133, 1e-4f}, {DType::UINT8, 0.02f, 120, 0.05f, 140, -0.001f},
                                   {DType::UINT8, 0.05f, 128, 0.1f, 133, 300.0f}}) {
    cases.push_back({DTypeName(q.t) + " alpha " + std::to_string(q.alpha),
                     LeakyRelu(Spec(q.t, {256}, q.si, q.zi), Spec(q.t, {256}, q.so, q.zo), q.alpha), {acttest::AllValues8(q.t)}});
  }
  // Inside the window the oracle runs XNNPACK's 8-bit LEAKY_RELU, whose multipliers have
  // only 8 fractional bits and whose single rounding differs from TFLite's doubly rounded
  // MultiplyByQuantizedMultiplier (see Int8UsesTfliteFullPrecisionMultiplier), so it
  // differs from TFLite's kernel by one step on some inputs. We follow TFLite's kernel.
  for (const Q& q : std::vector<Q>{{DType::INT8, 0.05f, 3, 0.03f, -20, 0.2f}, {DType::INT8, 0.1f, 0, 0.1f, 0, 0.1f},
                                   {DType::INT8, 0.03f, 0, 0.04f, 5, -0.5f}, {DType::UINT8, 0.05f, 131, 0.03f, 108, 0.2f},
                                   {DType::UINT8, 0.07f, 148, 0.06f, 28, 0.3f},
                                   {DType::UINT8, 0.02f, 120, 0.05f, 140, 2.5f}}) {
    cases.push_back({DTypeName(q.t) + " xnnpack alpha " + std::to_string(q.alpha),
                     LeakyRelu(Spec(q.t, {256}, q.si, q.zi), Spec(q.t, {256}, q.so, q.zo), q.alpha), {acttest::AllValues8(q.t)},
                     Compare::Steps(1)});
  }
  for (float alpha : {0.2f, -0.5f, 1.5f}) {
    Array sweep = acttest::Int16Sweep(7);
    cases.push_back({"int16 alpha " + std::to_string(alpha),
                     LeakyRelu(Spec(DType::INT16, sweep.shape, 0.0005f, 0), Spec(DType::INT16, sweep.shape, 0.0003f, 0), alpha),
                     {sweep}});
  }
  acttest::ExpectMatchesOracle(cases);
}

// TFLite Micro's int16 golden data (SEANet LEAKY_RELU layers): bit-exact.
TEST(LeakyRelu, MatchesTflmGoldenData) {
  const std::string dir = std::string(TFD_FIXTURES_DIR) + "/golden/tflm-seanet/leaky_relu";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "fixtures not found at " << dir;
  for (int i = 0; i <= 22; ++i) acttest::ExpectGoldenMatch(dir, "leaky_relu" + std::to_string(i));
}

// ---- The xnnpack arithmetic profile ----

// 8-bit LEAKY_RELU against the oracle over every input value, three seeds, at
// scales inside and outside what the delegate takes. Bit-exact; the
// delegate's choice must be ours; the reference arithmetic must differ
// from the runtime somewhere.
TEST(LeakyRelu, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  struct Config {
    DType dtype;
    float in_scale;
    int64_t in_zp;
    float out_scale;
    int64_t out_zp;
    float alpha;
  };
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  const std::vector<Config> configs = {
      {I8, 0.0235f, -5, 0.0117f, 3, 0.2f},      {I8, 0.05f, 0, 0.05f, 0, 0.1f},
      {I8, 0.03f, -128, 0.02f, -100, 0.3f},     {I8, 0.02f, 7, 0.04f, -7, -0.5f},
      {I8, 0.01f, 0, 0.02f, 0, 2.5f},           {U8, 0.0235f, 128, 0.0117f, 120, 0.2f},
      {U8, 0.1f, 60, 0.12f, 40, 0.01f},         {I8, 0.001f, 0, 0.5f, 0, 0.2f},   // ratio 2^-9
      {I8, 0.05f, 0, 0.05f, 0, 0.001f},         // negative ratio under 2^-8
      {I8, 1.0f, 0, 0.005f, 0, 0.2f},           // ratio 200
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    const std::vector<int32_t> shape = {3, 256};
    Model m = LeakyRelu(Spec(c.dtype, shape, c.in_scale, c.in_zp), Spec(c.dtype, shape, c.out_scale, c.out_zp), c.alpha);
    testing::xnnpack::Case xc{std::string(DTypeName(c.dtype)) + " scale " + std::to_string(c.in_scale) + " zp " +
                                  std::to_string(c.in_zp) + " -> " + std::to_string(c.out_scale) + " zp " +
                                  std::to_string(c.out_zp) + " alpha " + std::to_string(c.alpha),
                              m, {}};
    for (uint64_t seed : {51, 52, 53}) xc.inputs.push_back(testing::RandomInputs(m, seed));
    // And every input value once.
    std::vector<uint8_t> every(3 * 256);
    for (size_t i = 0; i < every.size(); ++i) every[i] = static_cast<uint8_t>(i);
    xc.inputs.push_back({Array{c.dtype, shape, every}});
    cases.push_back(std::move(xc));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_GT(tally.delegated, 0);
  EXPECT_GT(tally.declined, 0);
  EXPECT_GT(tally.reference_differences, 0);
}


// float32 LEAKY_RELU in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK computes what TFLite does, so no flavor.
TEST(LeakyRelu, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(
      {testing::xnnpack::FloatCase("float32", [] {
      tflite::LeakyReluOptionsT o;
      o.alpha = 0.2f;
      return acttest::Unary(BuiltinOp::LEAKY_RELU, acttest::Spec(DType::FLOAT32, {3, 256}), acttest::Spec(DType::FLOAT32, {3, 256}), o);
    }(), -8.0f, 8.0f)});
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
