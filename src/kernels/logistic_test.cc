#include <cmath>

#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model Logistic(const testing::TensorSpec& in, const testing::TensorSpec& out) {
  return acttest::Unary(BuiltinOp::LOGISTIC, in, out);
}

TEST(Logistic, Float) {
  Model m = Logistic(Spec(DType::FLOAT32, {4}), Spec(DType::FLOAT32, {4}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {4}, {0.0f, 2.0f, -2.0f, 100.0f})})[0].values<float>();
  EXPECT_FLOAT_EQ(out[0], 0.5f);
  EXPECT_NEAR(out[1], 0.880797078f, 1e-7);
  EXPECT_NEAR(out[2], 0.119202922f, 1e-7);
  EXPECT_FLOAT_EQ(out[3], 1.0f);
}

TEST(Logistic, Int8Table) {
  // in scale 0.1, out 1/256 zp -128. 0 -> 0.5 * 256 = 128 -> 0; 20 (2.0) -> 225.48 -> 97;
  // -128 (-12.8) -> 0.0007 -> -128; 127 (12.7) -> 255.9992 -> 256 -> 128, clamped to 127.
  Model m = Logistic(Spec(DType::INT8, {4}, 0.1f, 0), Spec(DType::INT8, {4}, 1.0f / 256, -128));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {4}, {0, 20, -128, 127})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({0, 97, -128, 127}));
}

TEST(Logistic, Int16FixedPointForScale2PowMinus12) {
  // Q3.12 input: 4096 is 1.0. gemmlowp's logistic gives 23952 (exact sigmoid(1) * 32768 =
  // 23955.3: the fixed-point approximation error is part of TFLite's result); the
  // extremes saturate near 0 and 1.
  Model m = Logistic(Spec(DType::INT16, {5}, 1.0f / 4096, 0), Spec(DType::INT16, {5}, 1.0f / 32768, 0));
  auto out = testing::RunOurs(m, {Array::Of<int16_t>(DType::INT16, {5}, {4096, -4096, 0, 32767, -32768})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({23952, 8815, 16384, 32756, 11}));
}

TEST(Logistic, Int16TableForOtherScales) {
  // Scale 0.0003: 1000 is 0.3, sigmoid(0.3) * 32768 = 18823.3 -> 18823 by table interpolation.
  Model m = Logistic(Spec(DType::INT16, {4}, 0.0003f, 0), Spec(DType::INT16, {4}, 1.0f / 32768, 0));
  auto out = testing::RunOurs(m, {Array::Of<int16_t>(DType::INT16, {4}, {1000, -1000, 20000, -32768})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({18823, 13945, 32687, 2}));
}

TEST(Logistic, RejectsBadQuantization) {
  // 8-bit output scale must be 1/256.
  Model m8 = Logistic(Spec(DType::INT8, {2}, 0.1f, 0), Spec(DType::INT8, {2}, 1.0f / 128, -128));
  EXPECT_THROW(testing::RunOurs(m8, testing::RandomInputs(m8, 1)), Error);
  // int16 output scale must be 1/32768, zero points 0.
  Model m16 = Logistic(Spec(DType::INT16, {2}, 1.0f / 4096, 0), Spec(DType::INT16, {2}, 1.0f / 16384, 0));
  EXPECT_THROW(testing::RunOurs(m16, testing::RandomInputs(m16, 1)), Error);
  Model zp = Logistic(Spec(DType::INT16, {2}, 1.0f / 4096, 5), Spec(DType::INT16, {2}, 1.0f / 32768, 0));
  EXPECT_THROW(testing::RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
}

TEST(Logistic, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", Logistic(Spec(DType::FLOAT32, {3, 50}), Spec(DType::FLOAT32, {3, 50})),
                   {acttest::RandomFloats({3, 50}, -12, 12, 5)}, Compare::Float(1e-6)});
  for (float s : {0.1f, 0.0625f, 0.02f, 0.37f, 10.0f / 256}) {
    cases.push_back({"int8 scale " + std::to_string(s), Logistic(Spec(DType::INT8, {256}, s, 3), Spec(DType::INT8, {256}, 1.0f / 256, -128)),
                     {acttest::AllValues8(DType::INT8)}});
    cases.push_back({"uint8 scale " + std::to_string(s),
                     Logistic(Spec(DType::UINT8, {256}, s, 120), Spec(DType::UINT8, {256}, 1.0f / 256, 0)),
                     {acttest::AllValues8(DType::UINT8)}});
  }
  // int16: 2^-12 takes the fixed-point path, the others the table path.
  for (float s : {1.0f / 4096, 1.0f / 8192, 1.0f / 2048, 0.0003f, 0.001f}) {
    Array sweep = acttest::Int16Sweep(3);
    cases.push_back({"int16 scale " + std::to_string(s),
                     Logistic(Spec(DType::INT16, sweep.shape, s, 0), Spec(DType::INT16, sweep.shape, 1.0f / 32768, 0)), {sweep}});
  }
  acttest::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit LOGISTIC against the oracle over every input value, three seeds:
// the delegate takes every node TFLite itself accepts (output scale 1/256,
// zero point the type's minimum), and XNNPACK's table (computed from the
// other side of 0 for x >= 0, rounded half to even) must match bit for bit.
// On these scales it happens to equal TFLite's table too.
TEST(Logistic, XnnpackProfileMatchesTfliteRuntimeExactly) {
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
      {I8, 0.0235f, -5, 1.0f / 256, -128, 0},   {I8, 0.1f, 0, 1.0f / 256, -128, 0},
      {I8, 0.0625f, 3, 1.0f / 256, -128, 0},    {I8, 0.5f, -128, 1.0f / 256, -128, 0},
      {U8, 0.0235f, 128, 1.0f / 256, 0, 0},     {U8, 0.07f, 100, 1.0f / 256, 0, 0},
      {I8, 0.25f, 0, 1.0f / 256, -128, 0},      {U8, 0.0039f, 0, 1.0f / 256, 0, 0},
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    const std::vector<int32_t> shape = {3, 256};
    Model m = Logistic(Spec(c.dtype, shape, c.in_scale, c.in_zp), Spec(c.dtype, shape, c.out_scale, c.out_zp));
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
  EXPECT_EQ(tally.delegated, 8);
}


// float32 LOGISTIC against the oracle, bit for bit: seeded values over [-30, 30]
// (past where the function saturates), special values included.
TEST(Logistic, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const std::vector<int32_t> shape = {4, 1000};
  Model m = Logistic(Spec(DType::FLOAT32, shape), Spec(DType::FLOAT32, shape));
  testing::xnnpack::Case c{"float32", m, {}};
  for (uint64_t seed : {71, 72, 73}) {
    Array a = acttest::RandomFloats(shape, -30.0f, 30.0f, seed);
    std::vector<float> v = a.values<float>();
    const float specials[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 3.0f, -3.0f, 6.0f, 87.0f, -87.0f, 88.8f, -88.8f, 1e30f, -1e30f};
    std::copy(std::begin(specials), std::end(specials), v.begin());
    c.inputs.push_back({Array::Of<float>(DType::FLOAT32, shape, v)});
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle({c});
  EXPECT_EQ(tally.delegated, 1);
  EXPECT_GT(tally.reference_differences, 0);
}

}  // namespace
}  // namespace tfd
