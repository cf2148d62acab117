#include <cmath>

#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model Tanh(const testing::TensorSpec& in, const testing::TensorSpec& out) { return acttest::Unary(BuiltinOp::TANH, in, out); }

TEST(Tanh, Float) {
  Model m = Tanh(Spec(DType::FLOAT32, {4}), Spec(DType::FLOAT32, {4}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {4}, {0.0f, 0.5f, -2.0f, 50.0f})})[0].values<float>();
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_NEAR(out[1], 0.462117157f, 1e-7);
  EXPECT_NEAR(out[2], -0.964027580f, 1e-7);
  EXPECT_FLOAT_EQ(out[3], 1.0f);
}

TEST(Tanh, Uint8Table) {
  // in scale 0.05 zp 128, out 1/128 zp 128: 148 (1.0) -> tanh 0.7616 * 128 = 97.48 -> 97 + 128 = 225;
  // 0 (-6.4) -> -127.99 -> -128 + 128 = 0; 255 (6.35) -> 128 + 128 = 256, clamped to 255.
  Model m = Tanh(Spec(DType::UINT8, {4}, 0.05f, 128), Spec(DType::UINT8, {4}, 1.0f / 128, 128));
  auto out = testing::RunOurs(m, {Array::Of<uint8_t>(DType::UINT8, {4}, {128, 148, 0, 255})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({128, 225, 0, 255}));
}

TEST(Tanh, Int16FixedPoint) {
  // Q3.12 input: tanh(1) * 32768 = 24955.9; gemmlowp's fixed-point tanh gives 24964.
  Model m = Tanh(Spec(DType::INT16, {5}, 1.0f / 4096, 0), Spec(DType::INT16, {5}, 1.0f / 32768, 0));
  auto out = testing::RunOurs(m, {Array::Of<int16_t>(DType::INT16, {5}, {4096, -4096, 0, 2048, -32768})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({24964, -24964, 0, 15136, -32767}));
  // Scale 2^-11: the input is doubled (saturating) into Q3.12 first; 4096 is 2.0.
  Model m2 = Tanh(Spec(DType::INT16, {3}, 1.0f / 2048, 0), Spec(DType::INT16, {3}, 1.0f / 32768, 0));
  auto out2 = testing::RunOurs(m2, {Array::Of<int16_t>(DType::INT16, {3}, {4096, -4096, 100})});
  EXPECT_EQ(out2[0].values<int16_t>(), std::vector<int16_t>({31596, -31596, 1596}));
}

TEST(Tanh, Int16TableForOtherScales) {
  // Scale 0.0003: 1000 is 0.3, tanh(0.3) * 32768 = 9545.7 -> 9545 by table interpolation.
  Model m = Tanh(Spec(DType::INT16, {4}, 0.0003f, 0), Spec(DType::INT16, {4}, 1.0f / 32768, 0));
  auto out = testing::RunOurs(m, {Array::Of<int16_t>(DType::INT16, {4}, {1000, -1000, 20000, -32768})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({9545, -9545, 32767, -32767}));
}

TEST(Tanh, RejectsBadQuantization) {
  Model zp = Tanh(Spec(DType::INT16, {2}, 1.0f / 4096, 0), Spec(DType::INT16, {2}, 1.0f / 32768, 1));
  EXPECT_THROW(testing::RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model out_scale = Tanh(Spec(DType::INT16, {2}, 1.0f / 4096, 0), Spec(DType::INT16, {2}, 0.0001f, 0));
  EXPECT_THROW(testing::RunOurs(out_scale, testing::RandomInputs(out_scale, 1)), Error);
  Model none = Tanh(Spec(DType::INT8, {2}), Spec(DType::INT8, {2}, 1.0f / 128, 0));
  EXPECT_THROW(testing::RunOurs(none, testing::RandomInputs(none, 1)), Error);
}

TEST(Tanh, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", Tanh(Spec(DType::FLOAT32, {3, 50}), Spec(DType::FLOAT32, {3, 50})),
                   {acttest::RandomFloats({3, 50}, -6, 6, 6)}, Compare::Float(1e-6)});
  struct Q { float si; int64_t zi; float so; int64_t zo; };
  for (const Q& q : std::vector<Q>{{0.1f, 0, 1.0f / 128, 0}, {0.0625f, 3, 1.0f / 128, 0}, {0.02f, 5, 0.01f, 2},
                                   {0.37f, 1, 0.008f, -3}, {0.03125f, 0, 1.0f / 128, 0}}) {
    cases.push_back({"int8 " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     Tanh(Spec(DType::INT8, {256}, q.si, q.zi), Spec(DType::INT8, {256}, q.so, q.zo)), {acttest::AllValues8(DType::INT8)}});
    cases.push_back({"uint8 " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     Tanh(Spec(DType::UINT8, {256}, q.si, q.zi + 128), Spec(DType::UINT8, {256}, q.so, q.zo + 128)),
                     {acttest::AllValues8(DType::UINT8)}});
  }
  // int16: 2^-12 and 2^-11 take the fixed-point path, the others the table path.
  for (float s : {1.0f / 4096, 1.0f / 2048, 1.0f / 8192, 0.0003f, 0.002f}) {
    Array sweep = acttest::Int16Sweep(3);
    cases.push_back({"int16 scale " + std::to_string(s),
                     Tanh(Spec(DType::INT16, sweep.shape, s, 0), Spec(DType::INT16, sweep.shape, 1.0f / 32768, 0)), {sweep}});
  }
  acttest::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit TANH against the oracle, every input value and three seeds.
TEST(Tanh, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {I8, U8}) {
    Model m = Tanh(Spec(t, {3, 256}, 0.05f, t == I8 ? 5 : 128), Spec(t, {3, 256}, 1.0f / 128, t == I8 ? 0 : 128));
    cases.push_back(testing::xnnpack::RandomCase(std::string(DTypeName(t)), m));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.declined, 2);
}

}  // namespace
}  // namespace tfd
