#include <cmath>

#include "kernels/internal/act_common.h"
#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model Softmax(const testing::TensorSpec& in, const testing::TensorSpec& out, float beta = 1.0f) {
  tflite::SoftmaxOptionsT o;
  o.beta = beta;
  return acttest::Unary(BuiltinOp::SOFTMAX, in, out, o);
}

TEST(Softmax, FloatRowsWithBeta) {
  Model m = Softmax(Spec(DType::FLOAT32, {2, 3}), Spec(DType::FLOAT32, {2, 3}), 2.0f);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {0.5f, 1.0f, 1.5f, 7, 7, 7})})[0].values<float>();
  // beta 2 turns the first row into softmax(1, 2, 3).
  const std::vector<float> expected = {0.0900306f, 0.2447285f, 0.6652410f, 1 / 3.0f, 1 / 3.0f, 1 / 3.0f};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(out[i], expected[i], 1e-6) << i;
}

TEST(Softmax, Int8TableKernel) {
  // Input scale 1: softmax(0, 1, 2, 3) * 256 = 8.21, 22.31, 60.64, 164.84 -> -120, -106, -67, 37.
  Model m = Softmax(Spec(DType::INT8, {1, 4}, 1.0f, 0), Spec(DType::INT8, {1, 4}, 1.0f / 256, -128));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1, 4}, {0, 1, 2, 3})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-120, -106, -67, 37}));
}

TEST(Softmax, Uint8WithBetaAndUint8ToInt16) {
  // scale 0.02, beta 0.5: row (0, 255, 128) is softmax(0, 2.55, 1.28) * 256 = 14.7, 188.4, 52.9.
  Model m = Softmax(Spec(DType::UINT8, {2, 3}, 0.02f, 0), Spec(DType::UINT8, {2, 3}, 1.0f / 256, 0), 0.5f);
  auto out = testing::RunOurs(m, {Array::Of<uint8_t>(DType::UINT8, {2, 3}, {0, 255, 128, 7, 7, 7})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({15, 188, 53, 85, 85, 85}));
  // softmax(1, 2, 3, 4) * 32768 = 1050.5, 2855.5, 7762.2, 21099.8.
  Model w = Softmax(Spec(DType::UINT8, {1, 4}, 0.1f, 0), Spec(DType::INT16, {1, 4}, 1.0f / 32768, 0));
  auto wide = testing::RunOurs(w, {Array::Of<uint8_t>(DType::UINT8, {1, 4}, {10, 20, 30, 40})});
  EXPECT_EQ(wide[0].values<int16_t>(), std::vector<int16_t>({1050, 2856, 7762, 21100}));
}

TEST(Softmax, Int16Tables) {
  // Scale 2^-12: softmax(0, 1, 2, 3) * 32768 = 1050.5, 2855.5, 7762.2, 21099.8; TFLite's
  // interpolated exp and reciprocal tables give 1051, 2855, 7763, 21098.
  Model m = Softmax(Spec(DType::INT16, {1, 4}, 1.0f / 4096, 0), Spec(DType::INT16, {1, 4}, 1.0f / 32768, 0));
  auto out = testing::RunOurs(m, {Array::Of<int16_t>(DType::INT16, {1, 4}, {0, 4096, 8192, 12288})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({1051, 2855, 7763, 21098}));
}

TEST(Softmax, RejectsBadTypesAndQuantization) {
  Model zp = Softmax(Spec(DType::INT8, {1, 4}, 0.1f, 0), Spec(DType::INT8, {1, 4}, 1.0f / 256, -20));
  EXPECT_THROW(testing::RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model scale16 = Softmax(Spec(DType::INT16, {1, 4}, 0.001f, 0), Spec(DType::INT16, {1, 4}, 1.0f / 256, 0));
  EXPECT_THROW(testing::RunOurs(scale16, testing::RandomInputs(scale16, 1)), Error);
  Model pair = Softmax(Spec(DType::INT8, {1, 4}, 0.1f, 0), Spec(DType::UINT8, {1, 4}, 1.0f / 256, 0));
  EXPECT_THROW(testing::RunOurs(pair, testing::RandomInputs(pair, 1)), Error);
  Model scalar = Softmax(Spec(DType::FLOAT32, {}), Spec(DType::FLOAT32, {}));
  EXPECT_THROW(testing::RunOurs(scalar, {Array::Of<float>(DType::FLOAT32, {}, {1.0f})}), Error);
}

TEST(Softmax, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  // float: beta 1 goes to XNNPACK, other betas to TFLite's kernel.
  for (float beta : {1.0f, 0.5f, 2.0f}) {
    cases.push_back({"float beta " + std::to_string(beta), Softmax(Spec(DType::FLOAT32, {2, 3, 19}), Spec(DType::FLOAT32, {2, 3, 19}), beta),
                     {acttest::RandomFloats({2, 3, 19}, -6, 6, 8)}, Compare::Float(1e-6)});
  }
  struct Q { DType in, out; float si; int64_t zi; float so; int64_t zo; float beta; std::vector<int32_t> shape; };
  const std::vector<Q> quantized = {
      {DType::INT8, DType::INT8, 0.1f, 3, 1.0f / 256, -128, 1.0f, {8, 37}},
      {DType::INT8, DType::INT8, 0.05f, -10, 1.0f / 256, -128, 0.5f, {2, 3, 50}},
      {DType::INT8, DType::INT8, 0.3f, 0, 1.0f / 256, -128, 1.0f, {1, 1001}},
      {DType::UINT8, DType::UINT8, 0.1f, 128, 1.0f / 256, 0, 1.0f, {8, 37}},
      {DType::UINT8, DType::UINT8, 0.03f, 120, 1.0f / 256, 0, 2.0f, {4, 10}},
      {DType::INT8, DType::INT16, 0.1f, 3, 1.0f / 32768, 0, 1.0f, {6, 21}},
      {DType::UINT8, DType::INT16, 0.07f, 128, 1.0f / 65536, -32768, 1.0f, {6, 21}},
      {DType::INT16, DType::INT16, 1.0f / 4096, 0, 1.0f / 32768, 0, 1.0f, {6, 20}},
      {DType::INT16, DType::INT16, 0.0007f, 0, 1.0f / 32768, 0, 1.0f, {4, 50}},
      {DType::INT16, DType::INT16, 0.001f, 0, 1.0f / 32768, 0, 0.3f, {5, 9}},
      {DType::INT16, DType::INT16, 0.0003f, 0, 1.0f / 32768, 0, 2.0f, {3, 300}},
  };
  uint64_t seed = 20;
  for (const Q& q : quantized) {
    const act::IntRange r = act::QuantizedRange(q.in);
    cases.push_back({DTypeName(q.in) + "->" + DTypeName(q.out) + " " + ShapeString(q.shape) + " beta " + std::to_string(q.beta),
                     Softmax(Spec(q.in, q.shape, q.si, q.zi), Spec(q.out, q.shape, q.so, q.zo), q.beta),
                     {acttest::RandomInts(q.in, q.shape, r.min, r.max, seed++)}});
  }
  acttest::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit SOFTMAX against the oracle, every input value and three seeds (the
// delegate leaves it to TFLite).
TEST(Softmax, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {I8, U8})
    for (float scale : {0.0235f, 0.1f}) {
      tflite::SoftmaxOptionsT o;
      o.beta = 1.0f;
      Model m = acttest::Unary(BuiltinOp::SOFTMAX, Spec(t, {3, 256}, scale, t == I8 ? 5 : 128),
                               Spec(t, {3, 256}, 1.0f / 256, t == I8 ? -128 : 0), o);
      cases.push_back(testing::xnnpack::RandomCase(std::string(DTypeName(t)) + " " + std::to_string(scale), m));
    }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.declined, 4);
}

// float32 SOFTMAX bit for bit against the oracle: XNNPACK's exp, its
// four-lane sum with a scalar tail (row lengths 1..1000, several multiples
// of 4 and not), 1 / sum; values in [-10, 10], [-100, 100] (exps below the
// cutoff flush to 0) and [-1e4, 1e4], three seeds each; ranks 1 to 4; beta
// other than 1 is left to TFLite's kernel.
TEST(Softmax, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const DType F = DType::FLOAT32;
  std::vector<testing::xnnpack::Case> cases;
  const std::vector<std::vector<int32_t>> shapes = {{1, 1},  {5},       {2, 3},   {3, 4},      {2, 7},
                                                    {1, 16}, {2, 17},   {4, 33},  {2, 3, 5},   {1, 2, 2, 10},
                                                    {1, 1000}, {3, 64}, {1, 2, 3, 21}};
  for (const auto& shape : shapes)
    for (float range : {10.0f, 100.0f, 1e4f})
      cases.push_back(testing::xnnpack::FloatCase("float32 " + ShapeString(shape) + " range " + std::to_string(range),
                                                  Softmax(Spec(F, shape), Spec(F, shape)), -range, range));
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, static_cast<int>(shapes.size() * 3));
  EXPECT_EQ(tally.declined, 0);
  EXPECT_GT(tally.reference_differences, 0);
}

// The delegate's rule for float32 SOFTMAX: beta other than exactly 1 is left
// to TFLite's kernel, and so is it in our xnnpack profile. (Only the choice
// is checked here: TFLite's float kernel itself, Eigen's vectorized exp, is
// within a few ulps of our reference one, not bit-exact.)
TEST(Softmax, XnnpackProfileFloatDeclinesBetaOtherThanOne) {
  TFD_REQUIRE_ORACLE();
  const DType F = DType::FLOAT32;
  testing::OracleBatch oracle;
  std::vector<std::pair<float, Model>> models;
  for (float beta : {0.5f, 2.0f, 1.0001f, 1.0f}) {
    Model m = Softmax(Spec(F, {2, 9}), Spec(F, {2, 9}), beta);
    oracle.Add(m, testing::RandomInputs(m, 7));
    models.emplace_back(beta, std::move(m));
  }
  oracle.Run();
  for (size_t i = 0; i < models.size(); ++i) {
    SCOPED_TRACE("beta " + std::to_string(models[i].first));
    const int id = static_cast<int>(i);
    ASSERT_TRUE(oracle.ok(id)) << oracle.error(id);
    ASSERT_NE(oracle.delegated(id), nullptr) << oracle.delegation_error(id);
    const bool delegated = !oracle.delegated(id)->empty();
    EXPECT_EQ(delegated, models[i].first == 1.0f);
    InterpreterOptions options;
    options.arithmetic = Arithmetic::kXnnpack;
    EXPECT_EQ(Interpreter(models[i].second, options).kernel_name(0), delegated ? "xnnpack" : "reference");
  }
}

}  // namespace
}  // namespace tfd
