#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model HardSwish(const testing::TensorSpec& in, const testing::TensorSpec& out) {
  return acttest::Unary(BuiltinOp::HARD_SWISH, in, out);
}

TEST(HardSwish, Float) {
  Model m = HardSwish(Spec(DType::FLOAT32, {5}), Spec(DType::FLOAT32, {5}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {5}, {-4.0f, -1.5f, 0.0f, 1.5f, 3.5f})})[0].values<float>();
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[1], -0.375f);
  EXPECT_FLOAT_EQ(out[2], 0.0f);
  EXPECT_FLOAT_EQ(out[3], 1.125f);
  EXPECT_FLOAT_EQ(out[4], 3.5f);
}

TEST(HardSwish, Int8FixedPoint) {
  // in scale 0.05, out scale 0.04 zp -50. 40 (2.0) -> 2 * 5 / 6 = 1.667 -> 41.7 -> -8;
  // -80 (-4.0) -> 0 -> -50; 20 (1.0) -> 0.667 -> 16.7 -> -33; 127 (6.35) -> 158.75 -> 109;
  // -20 (-1.0) -> -0.333 -> -8.3 -> -58.
  Model m = HardSwish(Spec(DType::INT8, {6}, 0.05f, 0), Spec(DType::INT8, {6}, 0.04f, -50));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {6}, {40, -80, 20, 127, -20, 0})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-8, -50, -33, 109, -58, -50}));
}

TEST(HardSwish, Uint8FixedPoint) {
  // in scale 0.1 zp 128, out 0.06 zp 28: 200 (7.2) -> 120 -> 148; 100 (-2.8) -> -0.093 -> -1.6 -> 26.
  Model m = HardSwish(Spec(DType::UINT8, {4}, 0.1f, 128), Spec(DType::UINT8, {4}, 0.06f, 28));
  auto out = testing::RunOurs(m, {Array::Of<uint8_t>(DType::UINT8, {4}, {200, 100, 128, 0})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({148, 26, 28, 28}));
}

TEST(HardSwish, RejectsBadParameters) {
  // TFLite needs output_scale > input_scale / 128 (a right-shifting output multiplier).
  Model tiny_out = HardSwish(Spec(DType::INT8, {2}, 1.0f, 0), Spec(DType::INT8, {2}, 0.001f, 0));
  EXPECT_THROW(testing::RunOurs(tiny_out, testing::RandomInputs(tiny_out, 1)), Error);
  Model int16 = HardSwish(Spec(DType::INT16, {2}, 0.001f, 0), Spec(DType::INT16, {2}, 0.001f, 0));
  EXPECT_THROW(testing::RunOurs(int16, testing::RandomInputs(int16, 1)), Error);
  Model mixed = HardSwish(Spec(DType::INT8, {2}, 0.1f, 0), Spec(DType::UINT8, {2}, 0.1f, 0));
  EXPECT_THROW(testing::RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(HardSwish, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", HardSwish(Spec(DType::FLOAT32, {4, 40}), Spec(DType::FLOAT32, {4, 40})),
                   {acttest::RandomFloats({4, 40}, -6, 6, 7)}, Compare::Float(1e-6)});
  // Input scales on both sides of 3/256 exercise left- and right-shifting reluish multipliers.
  struct Q { float si; int64_t zi; float so; int64_t zo; };
  for (const Q& q : std::vector<Q>{{0.05f, 0, 0.04f, -50}, {0.1f, 10, 0.06f, -100}, {0.02f, -5, 0.02f, -20},
                                   {0.3f, 3, 0.2f, -10}, {0.01f, 0, 0.05f, 0}, {0.2f, 1, 0.03f, 7}, {0.005f, -2, 0.004f, -30}}) {
    cases.push_back({"int8 " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     HardSwish(Spec(DType::INT8, {256}, q.si, q.zi), Spec(DType::INT8, {256}, q.so, q.zo)), {acttest::AllValues8(DType::INT8)}});
    cases.push_back({"uint8 " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     HardSwish(Spec(DType::UINT8, {256}, q.si, q.zi + 128), Spec(DType::UINT8, {256}, q.so, q.zo + 128)),
                     {acttest::AllValues8(DType::UINT8)}});
  }
  acttest::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit HARD_SWISH against the oracle, every input value and three seeds:
// XNNPACK of the oracle's version has no 8-bit hard swish, so TFLite's
// kernel runs it.
TEST(HardSwish, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {I8, U8}) {
    Model m = HardSwish(Spec(t, {3, 256}, 0.05f, t == I8 ? 5 : 128), Spec(t, {3, 256}, 0.04f, t == I8 ? -30 : 20));
    cases.push_back(testing::xnnpack::RandomCase(std::string(DTypeName(t)), m));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.declined, 2);
}


// float32 HARDSWISH against the oracle, bit for bit: seeded values over [-8, 8]
// (past where the function saturates), special values included.
TEST(HardSwish, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const std::vector<int32_t> shape = {4, 1000};
  Model m = HardSwish(Spec(DType::FLOAT32, shape), Spec(DType::FLOAT32, shape));
  testing::xnnpack::Case c{"float32", m, {}};
  for (uint64_t seed : {71, 72, 73}) {
    Array a = acttest::RandomFloats(shape, -8.0f, 8.0f, seed);
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
