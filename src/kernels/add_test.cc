#include "kernel_test_util.h"
#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;

Model FloatAdd(std::vector<int32_t> a, std::vector<int32_t> b, std::vector<int32_t> out,
               tflite::ActivationFunctionType act = tflite::ActivationFunctionType::NONE) {
  OpModel m(BuiltinOp::ADD);
  m.Input({DType::FLOAT32, a});
  m.Input({DType::FLOAT32, b});
  m.Output({DType::FLOAT32, out});
  tflite::AddOptionsT o;
  o.fused_activation_function = act;
  m.Options(o);
  return m.Build();
}

TEST(Add, FloatBroadcastAndRelu6) {
  Model m = FloatAdd({2, 3}, {3}, {2, 3}, tflite::ActivationFunctionType::RELU6);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, -2, 3, 4, 5, -6}),
                                  Array::Of<float>(DType::FLOAT32, {3}, {0.5f, 1, 2})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 3}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1.5f, 0, 5, 4.5f, 6, 0}));
}

TEST(Add, Int8HandComputed) {
  // a: scale 0.5 zp 0, b: scale 0.5 zp 0, out: scale 1 zp -10. 3*0.5 + 5*0.5 = 4 -> q = 4 - 10 = -6.
  OpModel m(BuiltinOp::ADD);
  m.Input({DType::INT8, {1}, 0.5f, 0});
  m.Input({DType::INT8, {1}, 0.5f, 0});
  m.Output({DType::INT8, {1}, 1.0f, -10});
  auto out = testing::RunOurs(m.Build(), {Array::Of<int8_t>(DType::INT8, {1}, {3}), Array::Of<int8_t>(DType::INT8, {1}, {5})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-6}));
}

TEST(Add, RejectsIncompatibleShapes) {
  Model m = FloatAdd({2, 3}, {2}, {2, 3});
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
}

struct Case {
  DType dtype;
  std::vector<int32_t> a, b, out;
  tflite::ActivationFunctionType act;
  float sa, sb, so;
  int64_t za, zb, zo;
};

// Against the real TFLite runtime, several shapes, types and activations.
TEST(Add, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  using A = tflite::ActivationFunctionType;
  std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}, A::NONE, 0, 0, 0, 0, 0, 0},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}, A::RELU, 0, 0, 0, 0, 0, 0},
      {DType::INT32, {3, 5}, {5}, {3, 5}, A::NONE, 0, 0, 0, 0, 0, 0},
      {DType::INT8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.02f, 0.03f, 0.05f, -3, 7, 1},
      {DType::INT8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, A::RELU6, 0.05f, 0.01f, 0.04f, 10, -20, -128},
      {DType::UINT8, {2, 3, 7}, {2, 3, 7}, {2, 3, 7}, A::RELU, 0.1f, 0.07f, 0.12f, 128, 120, 5},
      {DType::INT16, {2, 9}, {2, 9}, {2, 9}, A::NONE, 0.001f, 0.0007f, 0.002f, 0, 0, 0},
  };
  testing::OracleBatch oracle;
  std::vector<std::pair<Model, std::vector<Array>>> runs;
  for (const auto& c : cases) {
    OpModel m(BuiltinOp::ADD, c.dtype == DType::INT16 ? 3 : (c.dtype == DType::INT8 ? 2 : 1));
    m.Input({c.dtype, c.a, c.sa, c.za});
    m.Input({c.dtype, c.b, c.sb, c.zb});
    m.Output({c.dtype, c.out, c.so, c.zo});
    tflite::AddOptionsT o;
    o.fused_activation_function = c.act;
    o.pot_scale_int16 = false;
    m.Options(o);
    Model model = m.Build();
    for (uint64_t seed : {1, 2}) {
      auto inputs = testing::RandomInputs(model, seed);
      oracle.Add(model, inputs);
      runs.push_back({model, inputs});
    }
  }
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i / 2) + " seed " + std::to_string(i % 2 + 1));
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    auto ours = testing::RunOurs(runs[i].first, runs[i].second);
    const auto& theirs = oracle.outputs(static_cast<int>(i));
    if (ours[0].dtype == DType::FLOAT32) {
      EXPECT_TRUE(testing::FloatClose(ours[0], theirs[0], 1e-6));
    } else {
      EXPECT_TRUE(testing::Identical(ours[0], theirs[0]));
    }
  }
}

// ---- The xnnpack arithmetic profile ----

// XNNPACK's add: inputs times 21-bit multipliers of their scale ratios, one
// rounding (half up). Scales 0.5 + 0.5 -> 1: 1 + 2 = 1.5 -> 2; -1 + -2 =
// -1.5 -> -1. TFLite's kernel rounds -1.5 away from zero.
TEST(Add, XnnpackFlavorRoundsHalfUp) {
  OpModel m(BuiltinOp::ADD, 2);
  m.Input({DType::INT8, {2}, 0.5f, 0});
  m.Input({DType::INT8, {2}, 0.5f, 0});
  m.Output({DType::INT8, {2}, 1.0f, 0});
  const Model model = m.Build();
  const std::vector<Array> in = {Array::Of<int8_t>(DType::INT8, {2}, {1, -1}),
                                 Array::Of<int8_t>(DType::INT8, {2}, {2, -2})};
  EXPECT_EQ(testing::RunOurs(model, in, Arithmetic::kXnnpack)[0].values<int8_t>(), std::vector<int8_t>({2, -1}));
  EXPECT_EQ(testing::RunOurs(model, in, Arithmetic::kReference)[0].values<int8_t>(), std::vector<int8_t>({2, -2}));
}

// Bit-exact against the oracle in the xnnpack profile. Power-of-two scale
// ratios make many exact ties, where the two arithmetics part; a ratio
// outside [2^-10, 2^8) leaves the node to TFLite's kernel (matched too).
TEST(Add, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  using A = tflite::ActivationFunctionType;
  const std::vector<Case> cases = {
      {DType::INT8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.5f, 0.25f, 1.0f, 3, -2, 1},
      {DType::INT8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, A::RELU6, 0.05f, 0.1f, 0.1f, 10, -20, -128},
      {DType::INT8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.02f, 0.03f, 0.05f, -3, 7, 1},
      {DType::INT8, {2, 16}, {2, 16}, {2, 16}, A::NONE, 0.0407254f, 0.0412456f, 0.0583774f, -2, -1, -3},
      {DType::UINT8, {2, 3, 7}, {2, 3, 7}, {2, 3, 7}, A::RELU, 0.5f, 0.5f, 1.0f, 128, 120, 5},
      {DType::UINT8, {4, 1, 6}, {3, 1}, {4, 3, 6}, A::NONE, 0.1f, 0.07f, 0.12f, 128, 120, 131},
      {DType::INT8, {2, 9}, {2, 9}, {2, 9}, A::NONE, 0.00001f, 0.5f, 1.0f, 0, 0, 0},  // ratio 1e-5: TFLite's kernel
  };
  testing::OracleBatch oracle;
  std::vector<std::pair<Model, std::vector<Array>>> runs;
  for (const auto& c : cases) {
    OpModel m(BuiltinOp::ADD, 2);
    m.Input({c.dtype, c.a, c.sa, c.za});
    m.Input({c.dtype, c.b, c.sb, c.zb});
    m.Output({c.dtype, c.out, c.so, c.zo});
    tflite::AddOptionsT o;
    o.fused_activation_function = c.act;
    m.Options(o);
    Model model = m.Build();
    for (uint64_t seed : {3, 4, 5}) {
      auto inputs = testing::RandomInputs(model, seed);
      oracle.Add(model, inputs);
      runs.push_back({model, inputs});
    }
  }
  oracle.Run();
  int64_t reference_differences = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i / 3) + " seed " + std::to_string(i % 3 + 3));
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    const auto& theirs = oracle.outputs(static_cast<int>(i));
    EXPECT_TRUE(testing::Identical(testing::RunOurs(runs[i].first, runs[i].second, Arithmetic::kXnnpack)[0], theirs[0]));
    const auto reference = testing::RunOurs(runs[i].first, runs[i].second, Arithmetic::kReference)[0];
    for (size_t k = 0; k < reference.bytes.size(); ++k) reference_differences += reference.bytes[k] != theirs[0].bytes[k];
  }
  EXPECT_GT(reference_differences, 0);  // the ties do part the two arithmetics
}


// float32 ADD in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK's IEEE single operation equals TFLite's, so
// no flavor (broadcast second input, RELU6 (clamped as XNNPACK does: max, then min)).
TEST(Add, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<testing::xnnpack::Case> cases;
  {
    tflite::AddOptionsT o;
    o.fused_activation_function = tflite::ActivationFunctionType::RELU6;
    cases.push_back(testing::xnnpack::FloatCase("float32", testing::elementwise::BinaryModel(BuiltinOp::ADD, testing::elementwise::T(DType::FLOAT32, {2, 5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {2, 5, 40}), std::optional(o)), -8.0f, 8.0f));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
