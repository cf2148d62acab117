#include <cmath>

#include "kernel_test_util.h"
#include "kernels/internal/conv_testing.h"

namespace tfd {
namespace {

using conv_testing::CaseBuilder;
using conv_testing::Compare;
using conv_testing::OracleCase;
using conv_testing::RandomFloats;
using conv_testing::RandomInts;
using conv_testing::WeightedTensors;
using conv_testing::WeightSpec;
using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using A = tflite::ActivationFunctionType;

tflite::FullyConnectedOptionsT Options(A act = A::NONE, bool keep_num_dims = false, bool asymmetric = false) {
  tflite::FullyConnectedOptionsT o;
  o.fused_activation_function = act;
  o.keep_num_dims = keep_num_dims;
  o.asymmetric_quantize_inputs = asymmetric;
  return o;
}

TEST(FullyConnected, FloatKeepNumDimsAndOmittedBias) {
  // Input [2, 1, 3], weights [[1, 0, 1], [0, 2, 0]] -> [2, 1, 2].
  OpModel m(BuiltinOp::FULLY_CONNECTED);
  m.Input({DType::FLOAT32, {2, 1, 3}});
  m.Const<float>({DType::FLOAT32, {2, 3}}, {1, 0, 1, 0, 2, 0});
  m.Omitted();
  m.Output({DType::FLOAT32, {2, 1, 2}});
  m.Options(Options(A::NONE, true));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {2, 1, 3}, {1, 2, 3, -4, 5, 6})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 1, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({4, 4, 2, 10}));
}

TEST(FullyConnected, FloatFlattensToBatchesWithBiasAndRelu) {
  OpModel m(BuiltinOp::FULLY_CONNECTED);
  m.Input({DType::FLOAT32, {1, 2, 2}});
  m.Const<float>({DType::FLOAT32, {1, 2}}, {1, -1});
  m.Const<float>({DType::FLOAT32, {1}}, {0.5f});
  m.Output({DType::FLOAT32, {2, 1}});
  m.Options(Options(A::RELU));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 2, 2}, {3, 1, 1, 3})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 1}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({2.5f, 0.0f}));
}

TEST(FullyConnected, Int8PerTensorWithWeightZeroPoint) {
  // Input scale 0.5 zp 2; weights scale 0.25 zp 1; bias scale 0.125; output scale 1 zp -3.
  // Input q [4, 6] -> real [1, 2]; weights q [5, -3] -> real [1, -1].
  // 1 - 2 = -1, + bias 16 * 0.125 = 2 -> 1 -> q -2.
  OpModel m(BuiltinOp::FULLY_CONNECTED);
  m.Input({DType::INT8, {1, 2}, 0.5f, 2});
  m.Const<int8_t>({DType::INT8, {1, 2}, 0.25f, 1}, {5, -3});
  m.Const<int32_t>({DType::INT32, {1}, 0.125f, 0}, {16});
  m.Output({DType::INT8, {1, 1}, 1.0f, -3});
  m.Options(Options());
  auto out = testing::RunOurs(m.Build(), {Array::Of<int8_t>(DType::INT8, {1, 2}, {4, 6})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-2}));
}

TEST(FullyConnected, HybridAsymmetricHandComputed) {
  // Input [0, 2.55]: asymmetric scale 2.55/255 = 0.01, zero point -128,
  // q = [-128, 127]. Weights [1, 2] (scale 0.5): dot = -128 + 254 = 126,
  // minus row sum 3 * -128 -> 510; 510 * 0.01 * 0.5 = 2.55.
  OpModel m(BuiltinOp::FULLY_CONNECTED);
  m.Input({DType::FLOAT32, {1, 2}});
  m.Const<int8_t>({DType::INT8, {1, 2}, 0.5f, 0}, {1, 2});
  m.Omitted();
  m.Output({DType::FLOAT32, {1, 1}});
  m.Options(Options(A::NONE, false, true));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 2}, {0.0f, 2.55f})});
  EXPECT_NEAR(out[0].values<float>()[0], 2.55f, 1e-5);
}

TEST(FullyConnected, RejectsUnsupportedConfigurations) {
  auto run = [](const Model& model) { testing::RunOurs(model, testing::RandomInputs(model, 1)); };
  {  // Shuffled weights format.
    OpModel m(BuiltinOp::FULLY_CONNECTED);
    m.Input({DType::UINT8, {1, 16}, 0.1f, 128});
    m.Const<uint8_t>({DType::UINT8, {4, 16}, 0.1f, 128}, std::vector<uint8_t>(64, 128));
    m.Omitted();
    m.Output({DType::INT16, {1, 4}, 0.1f, 0});
    auto o = Options();
    o.weights_format = tflite::FullyConnectedOptionsWeightsFormat::SHUFFLED4x16INT8;
    m.Options(o);
    try {
      run(m.Build());
      ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("SHUFFLED4x16INT8"), std::string::npos) << e.what();
    }
  }
  {  // Input size not a multiple of the depth.
    OpModel m(BuiltinOp::FULLY_CONNECTED);
    m.Input({DType::FLOAT32, {1, 5}});
    m.Const<float>({DType::FLOAT32, {2, 3}}, std::vector<float>(6, 1));
    m.Omitted();
    m.Output({DType::FLOAT32, {1, 2}});
    m.Options(Options());
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // keep_num_dims with a last dimension different from the depth.
    OpModel m(BuiltinOp::FULLY_CONNECTED);
    m.Input({DType::FLOAT32, {2, 3}});
    m.Const<float>({DType::FLOAT32, {2, 2}}, std::vector<float>(4, 1));
    m.Omitted();
    m.Output({DType::FLOAT32, {3, 2}});
    m.Options(Options(A::NONE, true));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // uint8 input with int8 weights.
    OpModel m(BuiltinOp::FULLY_CONNECTED);
    m.Input({DType::UINT8, {1, 2}, 0.1f, 128});
    m.Const<int8_t>({DType::INT8, {1, 2}, 0.1f, 0}, {1, 1});
    m.Omitted();
    m.Output({DType::UINT8, {1, 1}, 0.1f, 128});
    m.Options(Options());
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // Bias scale that does not match input scale * weight scale.
    OpModel m(BuiltinOp::FULLY_CONNECTED);
    m.Input({DType::INT8, {1, 2}, 0.5f, 0});
    m.Const<int8_t>({DType::INT8, {1, 2}, 0.5f, 0}, {1, 1});
    m.Const<int32_t>({DType::INT32, {1}, 1.0f, 0}, {1});
    m.Output({DType::INT8, {1, 1}, 0.01f, 0});
    m.Options(Options());
    EXPECT_THROW(run(m.Build()), Error);
  }
}

struct Config {
  std::string name;
  DType dtype, filter_dtype;
  std::vector<int32_t> in;
  int units;
  A act = A::NONE;
  bool per_channel = false;
  bool has_bias = true;
  bool const_filter = true;
  bool keep_num_dims = false;
  bool asymmetric = false;
  DType bias_dtype = DType::INT64;  // int16 only
  DType out_dtype = DType::FLOAT32;  // FLOAT32 = same as input
};

OracleCase MakeCase(const Config& c, uint32_t seed) {
  const int depth = c.in.back();
  const int batches = static_cast<int>(conv_testing::Count(c.in) / static_cast<size_t>(depth));
  WeightedTensors t;
  t.dtype = c.dtype;
  t.weights = WeightSpec(c.filter_dtype, {c.units, depth}, c.units, c.per_channel, seed + 7);
  // Per-tensor int8 weights may have a zero point, which TFLite's kernel
  // applies. The oracle's XNNPACK delegate, which takes constant weights,
  // ignores it (its result equals that of zero point 0), so only the
  // weights-input cases (TFLite's kernel) use one.
  if (c.dtype == DType::INT8 && !c.per_channel) t.weights.zero_points = {c.const_filter ? 0 : 7};
  t.int8_weights_max = 120;
  t.in = c.in;
  t.out = {batches, c.units};
  if (c.keep_num_dims) {
    t.out = c.in;
    t.out.back() = c.units;
  }
  t.depth = depth;
  t.const_weights = c.const_filter;
  t.has_bias = c.has_bias;
  t.int16_bias_dtype = c.bias_dtype;
  if (c.out_dtype == DType::INT16) t.uint8_out_dtype = DType::INT16;
  CaseBuilder b(BuiltinOp::FULLY_CONNECTED);
  const Compare compare = AddWeightedTensors(b, t, seed);
  auto options = Options(c.act, c.keep_num_dims, c.asymmetric);
  if (c.dtype == DType::INT16 && c.has_bias) options.quantized_bias_type = c.bias_dtype;
  b.Options(options);
  return b.Build(c.name + " seed " + std::to_string(seed), compare);
}

TEST(FullyConnected, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const DType F = DType::FLOAT32, U8 = DType::UINT8, I8 = DType::INT8, I16 = DType::INT16;
  std::vector<Config> configs = {
      {"float", F, F, {3, 20}, 7},
      {"float relu6 no bias", F, F, {2, 9}, 5, A::RELU6, false, false},
      {"float keep_num_dims", F, F, {2, 3, 8}, 4, A::RELU, false, true, true, true},
      {"float flatten 4d", F, F, {1, 2, 3, 4}, 6, A::NONE},
      {"float weights input", F, F, {2, 16}, 4, A::NONE, false, true, false},
      {"uint8", U8, U8, {2, 32}, 8, A::NONE},
      {"uint8 weights input", U8, U8, {2, 32}, 8, A::RELU, false, true, false},
      {"uint8 weights input no bias", U8, U8, {3, 24}, 5, A::RELU6, false, false, false},
      {"uint8 to int16", U8, U8, {2, 16}, 4, A::NONE, false, true, true, false, false, DType::INT64, I16},
      {"int8 per-tensor zp", I8, I8, {2, 32}, 8, A::NONE},
      {"int8 per-tensor weights input", I8, I8, {3, 20}, 6, A::RELU, false, true, false},
      {"int8 per-channel", I8, I8, {2, 40}, 9, A::NONE, true},
      {"int8 per-channel relu6 weights input", I8, I8, {2, 40}, 9, A::RELU6, true, true, false},
      {"int8 keep_num_dims no bias", I8, I8, {2, 2, 12}, 5, A::NONE, true, false, true, true},
      {"int16 int64 bias", I16, I8, {2, 48}, 7, A::NONE, true},
      {"int16 per-tensor int64 bias", I16, I8, {2, 48}, 7, A::RELU, false},
      {"int16 int32 bias", I16, I8, {2, 48}, 7, A::NONE, true, true, true, false, false, DType::INT32},
      {"hybrid per-tensor symmetric", F, I8, {3, 40}, 6, A::NONE},
      {"hybrid per-tensor asymmetric", F, I8, {3, 40}, 6, A::RELU, false, true, true, false, true},
      {"hybrid per-tensor keep_num_dims", F, I8, {2, 2, 16}, 3, A::NONE, false, true, true, true, true},
      {"int16 no bias", I16, I8, {2, 48}, 7, A::NONE, true, false},
  };
  std::vector<OracleCase> cases;
  for (const auto& c : configs) cases.push_back(MakeCase(c, 31));
  conv_testing::ExpectMatchesOracle(cases);
}

// The oracle's TFLite predates per-channel hybrid FULLY_CONNECTED: it scales
// by the tensor's legacy (zero) scale and returns just the bias. Each unit of
// a per-channel hybrid layer is computed exactly like a one-unit per-tensor
// hybrid layer with that unit's scale (the input quantization does not depend
// on the weights), so compare unit by unit with such layers on the oracle.
TEST(FullyConnected, HybridPerChannelMatchesPerUnitLayers) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    int batches, depth, units;
    bool asymmetric, has_bias;
    A act;
  };
  const std::vector<Case> cases = {{2, 33, 5, false, true, A::NONE}, {4, 33, 5, true, false, A::RELU6},
                                   {3, 16, 4, true, true, A::NONE}};
  uint32_t seed = 91;
  for (const auto& c : cases) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto input = RandomFloats(static_cast<size_t>(c.batches * c.depth), seed);
    const auto weights = RandomInts<int8_t>(static_cast<size_t>(c.units * c.depth), seed + 1, -127, 127);
    const auto scales = RandomFloats(static_cast<size_t>(c.units), seed + 2, 0.004f, 0.02f);
    const auto bias = RandomFloats(static_cast<size_t>(c.units), seed + 3);
    ++seed;
    const Array in = Array::Of<float>(DType::FLOAT32, {c.batches, c.depth}, input);
    OpModel whole(BuiltinOp::FULLY_CONNECTED);
    whole.Input({DType::FLOAT32, {c.batches, c.depth}});
    TensorSpec w{DType::INT8, {c.units, c.depth}};
    w.scales = scales;
    w.zero_points.assign(scales.size(), 0);
    whole.Const<int8_t>(w, weights);
    if (c.has_bias) whole.Const<float>({DType::FLOAT32, {c.units}}, bias);
    else whole.Omitted();
    whole.Output({DType::FLOAT32, {c.batches, c.units}});
    whole.Options(Options(c.act, false, c.asymmetric));
    const auto ours = testing::RunOurs(whole.Build(), {in})[0].values<float>();
    testing::OracleBatch oracle;
    for (int u = 0; u < c.units; ++u) {
      OpModel one(BuiltinOp::FULLY_CONNECTED);
      one.Input({DType::FLOAT32, {c.batches, c.depth}});
      one.Const<int8_t>({DType::INT8, {1, c.depth}, scales[u], 0},
                        std::vector<int8_t>(weights.begin() + u * c.depth, weights.begin() + (u + 1) * c.depth));
      if (c.has_bias) one.Const<float>({DType::FLOAT32, {1}}, {bias[u]});
      else one.Omitted();
      one.Output({DType::FLOAT32, {c.batches, 1}});
      one.Options(Options(c.act, false, c.asymmetric));
      oracle.Add(one.Build(), {in});
    }
    oracle.Run();
    for (int u = 0; u < c.units; ++u) {
      ASSERT_TRUE(oracle.ok(u)) << oracle.error(u);
      const auto theirs = oracle.outputs(u)[0].values<float>();
      for (int b = 0; b < c.batches; ++b)
        EXPECT_NEAR(ours[b * c.units + u], theirs[b], 1e-6 * std::max(1.0f, std::abs(theirs[b])))
            << "batch " << b << " unit " << u;
    }
  }
}

// ---- The xnnpack arithmetic profile ----

// Bit-exact against the oracle in the xnnpack profile: the delegate takes
// constant per-tensor uint8/int8 weights (requantizing in float and taking
// int8 weights' zero point as 0); per-channel weights and weights fed as an
// input stay with TFLite's kernel.
TEST(FullyConnected, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType U8 = DType::UINT8, I8 = DType::INT8;
  const std::vector<Config> configs = {
      {"uint8", U8, U8, {4, 64}, 32, A::NONE},
      {"uint8 relu6 no bias", U8, U8, {3, 48}, 24, A::RELU6, false, false},
      {"uint8 keep_num_dims", U8, U8, {2, 3, 40}, 16, A::RELU, false, true, true, true},
      {"uint8 weights input", U8, U8, {2, 32}, 8, A::RELU, false, true, false},
      {"int8 per-tensor", I8, I8, {4, 64}, 32, A::NONE},
      {"int8 per-tensor relu no bias", I8, I8, {3, 80}, 20, A::RELU, false, false},
      {"int8 per-channel", I8, I8, {2, 40}, 9, A::NONE, true},
      {"int8 per-tensor weights input", I8, I8, {3, 20}, 6, A::RELU, false, true, false},
  };
  const auto cases = conv_testing::ExactXnnpackProfileCases(configs, {51u, 52u, 53u}, MakeCase);
  EXPECT_GT(conv_testing::ExpectMatchesOracle(cases), 0);  // some cases the reference arithmetic gets wrong
}
}  // namespace
}  // namespace tfd
