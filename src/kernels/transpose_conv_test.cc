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
using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using A = tflite::ActivationFunctionType;
using P = tflite::Padding;

tflite::TransposeConvOptionsT Options(P padding, int sh, int sw, A act = A::NONE) {
  tflite::TransposeConvOptionsT o;
  o.padding = padding;
  o.stride_h = sh;
  o.stride_w = sw;
  o.fused_activation_function = act;
  return o;
}

// Input [[1, 2], [3, 4]] scattered through a 3x3 filter of ones, stride 2.
const std::vector<float> kValid5x5 = {1, 1, 3, 2, 2,   //
                                      1, 1, 3, 2, 2,   //
                                      4, 4, 10, 6, 6,  //
                                      3, 3, 7, 4, 4,   //
                                      3, 3, 7, 4, 4};

TEST(TransposeConv, FloatValidStrideTwoHandComputed) {
  OpModel m(BuiltinOp::TRANSPOSE_CONV);
  m.Const<int32_t>({DType::INT32, {4}}, {1, 5, 5, 1});
  m.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
  m.Input({DType::FLOAT32, {1, 2, 2, 1}});
  m.Output({DType::FLOAT32, {1, 5, 5, 1}});
  m.Options(Options(P::VALID, 2, 2));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 2, 2, 1}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 5, 5, 1}));
  EXPECT_EQ(out[0].values<float>(), kValid5x5);
}

TEST(TransposeConv, FloatSameCropsAfterAndAddsBiasAndRelu) {
  // SAME with output 4x4: total padding 1, all after -> the top-left 4x4 of
  // the VALID result; bias -5 and ReLU.
  OpModel m(BuiltinOp::TRANSPOSE_CONV, 4);
  m.Const<int32_t>({DType::INT32, {4}}, {1, 4, 4, 1});
  m.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
  m.Input({DType::FLOAT32, {1, 2, 2, 1}});
  m.Const<float>({DType::FLOAT32, {1}}, {-5});
  m.Output({DType::FLOAT32, {1, 4, 4, 1}});
  m.Options(Options(P::SAME, 2, 2, A::RELU));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 2, 2, 1}, {1, 2, 3, 4})});
  std::vector<float> expected;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) expected.push_back(std::max(0.0f, kValid5x5[y * 5 + x] - 5));
  EXPECT_EQ(out[0].values<float>(), expected);
}

TEST(TransposeConv, OutputShapeKnownOnlyWhileRunning) {
  OpModel m(BuiltinOp::TRANSPOSE_CONV);
  m.Input({DType::INT32, {4}});
  m.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
  m.Input({DType::FLOAT32, {1, 2, 2, 1}});
  m.Output({DType::FLOAT32, {1, 5, 5, 1}});
  m.Options(Options(P::VALID, 2, 2));
  auto out = testing::RunOurs(m.Build(), {Array::Of<int32_t>(DType::INT32, {4}, {1, 5, 5, 1}),
                                          Array::Of<float>(DType::FLOAT32, {1, 2, 2, 1}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 5, 5, 1}));
  EXPECT_EQ(out[0].values<float>(), kValid5x5);
}

TEST(TransposeConv, Int8HandComputed) {
  // One input value q=3 (scale 0.5, zp 1 -> 1.0) through a 1x1 filter w=4
  // (scale 0.25 -> 1.0) plus bias 2 (scale 0.125 -> 0.25): 1.25 at output
  // scale 0.25, zp -1 -> 4.
  OpModel m(BuiltinOp::TRANSPOSE_CONV);
  m.Const<int32_t>({DType::INT32, {4}}, {1, 1, 1, 1});
  TensorSpec w{DType::INT8, {1, 1, 1, 1}};
  w.scales = {0.25f};
  w.zero_points = {0};
  m.Const<int8_t>(w, {4});
  m.Input({DType::INT8, {1, 1, 1, 1}, 0.5f, 1});
  m.Const<int32_t>({DType::INT32, {1}, 0.125f, 0}, {2});
  m.Output({DType::INT8, {1, 1, 1, 1}, 0.25f, -1});
  m.Options(Options(P::VALID, 1, 1));
  auto out = testing::RunOurs(m.Build(), {Array::Of<int8_t>(DType::INT8, {1, 1, 1, 1}, {3})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({4}));
}

TEST(TransposeConv, RejectsBadInputs) {
  auto run = [](const Model& model) { testing::RunOurs(model, testing::RandomInputs(model, 1)); };
  {  // output_shape channel count differs from the weights'.
    OpModel m(BuiltinOp::TRANSPOSE_CONV);
    m.Const<int32_t>({DType::INT32, {4}}, {1, 4, 4, 3});
    m.Const<float>({DType::FLOAT32, {2, 3, 3, 1}}, std::vector<float>(18, 1.0f));
    m.Input({DType::FLOAT32, {1, 2, 2, 1}});
    m.Output({DType::FLOAT32, {1, 4, 4, 3}});
    m.Options(Options(P::SAME, 2, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // output_shape of the wrong type.
    OpModel m(BuiltinOp::TRANSPOSE_CONV);
    m.Const<float>({DType::FLOAT32, {4}}, {1, 4, 4, 1});
    m.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
    m.Input({DType::FLOAT32, {1, 2, 2, 1}});
    m.Output({DType::FLOAT32, {1, 4, 4, 1}});
    m.Options(Options(P::SAME, 2, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // Input channels differ from the weights'.
    OpModel m(BuiltinOp::TRANSPOSE_CONV);
    m.Const<int32_t>({DType::INT32, {4}}, {1, 4, 4, 1});
    m.Const<float>({DType::FLOAT32, {1, 3, 3, 2}}, std::vector<float>(18, 1.0f));
    m.Input({DType::FLOAT32, {1, 2, 2, 1}});
    m.Output({DType::FLOAT32, {1, 4, 4, 1}});
    m.Options(Options(P::SAME, 2, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // Hybrid (float input, int8 weights) is not supported.
    OpModel m(BuiltinOp::TRANSPOSE_CONV);
    m.Const<int32_t>({DType::INT32, {4}}, {1, 4, 4, 1});
    m.Const<int8_t>({DType::INT8, {1, 3, 3, 1}, 0.1f, 0}, std::vector<int8_t>(9, 1));
    m.Input({DType::FLOAT32, {1, 2, 2, 1}});
    m.Output({DType::FLOAT32, {1, 4, 4, 1}});
    m.Options(Options(P::SAME, 2, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
}

struct Config {
  std::string name;
  DType dtype;
  std::vector<int32_t> in;  // NHWC
  int out_c, fh, fw;
  P padding;
  int sh, sw;
  std::vector<int32_t> out;  // output_shape
  A act = A::NONE;
  int bias_mode = 1;          // 0: no 4th input, 1: bias, 2: omitted (-1)
  bool const_shape = true;
  bool const_filter = true;
  bool per_channel = true;
  DType bias_dtype = DType::INT64;  // int16 only
};

OracleCase MakeCase(const Config& c, uint32_t seed) {
  const std::vector<int32_t> w_shape = {c.out_c, c.fh, c.fw, c.in[3]};
  const size_t n_in = conv_testing::Count(c.in), n_w = conv_testing::Count(w_shape);
  const size_t nb = static_cast<size_t>(c.out_c);
  // Each output sums about (fh / sh) * (fw / sw) * in_c products.
  const float k = std::max(1.0f, static_cast<float>(c.fh * c.fw * c.in[3]) / static_cast<float>(c.sh * c.sw));
  std::vector<float> scales = RandomFloats(nb, seed + 7, 0.004f, 0.02f);
  if (!c.per_channel) scales.assign(1, 0.01f);
  float mean_scale = 0;
  for (float s : scales) mean_scale += s / static_cast<float>(scales.size());
  TensorSpec w{DType::INT8, w_shape};
  w.scales = scales;
  w.zero_points.assign(scales.size(), 0);
  const int version = c.act == A::NONE ? 3 : 4;
  CaseBuilder b(BuiltinOp::TRANSPOSE_CONV, version);
  b.Tensor<int32_t>({DType::INT32, {4}}, c.out, c.const_shape);
  Compare compare = Compare::kExact;
  auto add_bias = [&](auto&& add) {
    if (c.bias_mode == 1) add();
    if (c.bias_mode == 2) b.Omitted();
  };
  if (c.dtype == DType::FLOAT32) {
    b.Tensor<float>({DType::FLOAT32, w_shape}, RandomFloats(n_w, seed + 1), c.const_filter);
    b.Tensor<float>({DType::FLOAT32, c.in}, RandomFloats(n_in, seed), false);
    add_bias([&] { b.Tensor<float>({DType::FLOAT32, {c.out_c}}, RandomFloats(nb, seed + 2)); });
    b.Output({DType::FLOAT32, c.out});
    compare = Compare::kFloat;
  } else if (c.dtype == DType::UINT8) {
    const float in_scale = 0.05f, f_scale = 0.01f;
    const float out_scale = in_scale * f_scale * 135.0f * std::sqrt(k);
    b.Tensor<uint8_t>({DType::UINT8, w_shape, f_scale, 120}, RandomInts<uint8_t>(n_w, seed + 1, 0, 255),
                      c.const_filter);
    b.Tensor<uint8_t>({DType::UINT8, c.in, in_scale, 131}, RandomInts<uint8_t>(n_in, seed, 0, 255), false);
    add_bias([&] {
      b.Tensor<int32_t>({DType::INT32, {c.out_c}, in_scale * f_scale, 0}, RandomInts<int32_t>(nb, seed + 2, -3000, 3000));
    });
    b.Output({DType::UINT8, c.out, out_scale, 125});
  } else if (c.dtype == DType::INT8) {
    const float in_scale = 0.05f;
    const float out_scale = in_scale * mean_scale * 135.0f * std::sqrt(k);
    b.Tensor<int8_t>(w, RandomInts<int8_t>(n_w, seed + 1, -127, 127), c.const_filter);
    b.Tensor<int8_t>({DType::INT8, c.in, in_scale, -5}, RandomInts<int8_t>(n_in, seed, -128, 127), false);
    TensorSpec bias{DType::INT32, {c.out_c}};
    for (float s : scales) bias.scales.push_back(s * in_scale);
    add_bias([&] { b.Tensor<int32_t>(bias, RandomInts<int32_t>(nb, seed + 2, -3000, 3000)); });
    b.Output({DType::INT8, c.out, out_scale, 3});
  } else {
    const float in_scale = 0.001f;
    const float out_scale = in_scale * mean_scale * 172.0f * std::sqrt(k);
    b.Tensor<int8_t>(w, RandomInts<int8_t>(n_w, seed + 1, -127, 127), c.const_filter);
    b.Tensor<int16_t>({DType::INT16, c.in, in_scale, 0}, RandomInts<int16_t>(n_in, seed, -32768, 32767), false);
    TensorSpec bias{c.bias_dtype, {c.out_c}};
    for (float s : scales) bias.scales.push_back(s * in_scale);
    add_bias([&] {
      if (c.bias_dtype == DType::INT64)
        b.Tensor<int64_t>(bias, RandomInts<int64_t>(nb, seed + 2, -400000, 400000));
      else
        b.Tensor<int32_t>(bias, RandomInts<int32_t>(nb, seed + 2, -400000, 400000));
    });
    b.Output({DType::INT16, c.out, out_scale, 0});
  }
  auto options = Options(c.padding, c.sh, c.sw, c.act);
  if (c.dtype == DType::INT16 && c.bias_mode == 1) options.quantized_bias_type = c.bias_dtype;
  b.Options(options);
  return b.Build(c.name + " seed " + std::to_string(seed), compare);
}

TEST(TransposeConv, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const DType F = DType::FLOAT32, U8 = DType::UINT8, I8 = DType::INT8, I16 = DType::INT16;
  std::vector<Config> configs = {
      {"float same s2", F, {1, 4, 4, 3}, 2, 3, 3, P::SAME, 2, 2, {1, 8, 8, 2}},
      {"float valid s2 no bias", F, {2, 3, 4, 2}, 3, 3, 3, P::VALID, 2, 2, {2, 7, 9, 3}, A::NONE, 0},
      {"float same s1 omitted bias", F, {1, 5, 5, 4}, 3, 3, 3, P::SAME, 1, 1, {1, 5, 5, 3}, A::NONE, 2},
      // Fused activations need TRANSPOSE_CONV version 4, which the oracle's
      // TFLite does not have: covered by the hand-computed tests only.
      {"float same 4x4 s2", F, {1, 3, 3, 2}, 2, 4, 4, P::SAME, 2, 2, {1, 6, 6, 2}},
      {"float runtime shape", F, {1, 3, 3, 2}, 2, 3, 3, P::VALID, 2, 1, {1, 7, 5, 2}, A::NONE, 1, false},
      {"float weights input", F, {1, 3, 4, 2}, 3, 2, 2, P::SAME, 2, 2, {1, 6, 8, 3}, A::NONE, 1, true, false},
      {"uint8 weights input", U8, {1, 3, 3, 3}, 2, 3, 3, P::SAME, 2, 2, {1, 6, 6, 2}, A::NONE, 1, true, false,
       false},
      {"int8 same s2", I8, {1, 4, 4, 3}, 4, 3, 3, P::SAME, 2, 2, {1, 8, 8, 4}},
      {"int8 valid s2 no bias", I8, {1, 3, 3, 4}, 2, 3, 3, P::VALID, 2, 2, {1, 7, 7, 2}, A::NONE, 0},
      {"int8 weights input", I8, {2, 3, 3, 2}, 3, 3, 3, P::SAME, 1, 1, {2, 3, 3, 3}, A::NONE, 1, true, false},
      {"int8 per-tensor runtime shape", I8, {1, 3, 3, 2}, 2, 3, 3, P::SAME, 2, 2, {1, 6, 6, 2}, A::NONE, 1, false,
       true, false},
      {"int16 int64 bias", I16, {1, 3, 3, 4}, 3, 3, 3, P::SAME, 2, 2, {1, 6, 6, 3}},
      {"int16 int32 bias", I16, {1, 3, 3, 4}, 3, 3, 3, P::SAME, 2, 2, {1, 6, 6, 3}, A::NONE, 1, true, true, true,
       DType::INT32},
      {"int16 valid no bias", I16, {1, 2, 3, 2}, 2, 2, 2, P::VALID, 2, 2, {1, 4, 6, 2}, A::NONE, 0},
  };
  std::vector<OracleCase> cases;
  for (const auto& c : configs) cases.push_back(MakeCase(c, 41));
  conv_testing::ExpectMatchesOracle(cases);
}

// ---- Convolution2DTransposeBias (MediaPipe) ----

std::vector<uint8_t> TransposeBiasOptions(int padding, int stride_w, int stride_h) {
  std::vector<uint8_t> bytes;
  for (int32_t v : {padding, stride_w, stride_h})
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * i)));
  return bytes;
}

TEST(Convolution2DTransposeBias, HandComputedValidAndSame) {
  // VALID, stride 2, 3x3 ones: output 5x5 (the TRANSPOSE_CONV example) + bias.
  OpModel m("Convolution2DTransposeBias");
  m.Input({DType::FLOAT32, {1, 2, 2, 1}});
  m.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
  m.Const<float>({DType::FLOAT32, {1}}, {0.5f});
  m.Output({DType::FLOAT32, {1, 5, 5, 1}});
  m.CustomOptions(TransposeBiasOptions(2, 2, 2));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 2, 2, 1}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 5, 5, 1}));
  std::vector<float> expected;
  for (float v : kValid5x5) expected.push_back(v + 0.5f);
  EXPECT_EQ(out[0].values<float>(), expected);
  // SAME: total padding max(0, 3 - (2 - 1) % 2 - 1) = 1 -> 4x4, none before.
  OpModel same("Convolution2DTransposeBias");
  same.Input({DType::FLOAT32, {1, 2, 2, 1}});
  same.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
  same.Const<float>({DType::FLOAT32, {1}}, {0});
  same.Output({DType::FLOAT32, {1, 4, 4, 1}});
  same.CustomOptions(TransposeBiasOptions(1, 2, 2));
  out = testing::RunOurs(same.Build(), {Array::Of<float>(DType::FLOAT32, {1, 2, 2, 1}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 4, 4, 1}));
  expected.clear();
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) expected.push_back(kValid5x5[y * 5 + x]);
  EXPECT_EQ(out[0].values<float>(), expected);
}

TEST(Convolution2DTransposeBias, RejectsBadOptionsAndTypes) {
  auto run = [](const Model& model) { testing::RunOurs(model, testing::RandomInputs(model, 1)); };
  {
    OpModel m("Convolution2DTransposeBias");
    m.Input({DType::FLOAT32, {1, 2, 2, 1}});
    m.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
    m.Const<float>({DType::FLOAT32, {1}}, {0});
    m.Output({DType::FLOAT32, {1, 4, 4, 1}});
    m.CustomOptions({1, 0, 0, 0});  // too short
    EXPECT_THROW(run(m.Build()), Error);
  }
  {
    OpModel m("Convolution2DTransposeBias");
    m.Input({DType::FLOAT32, {1, 2, 2, 1}});
    m.Const<float>({DType::FLOAT32, {1, 3, 3, 1}}, std::vector<float>(9, 1.0f));
    m.Const<float>({DType::FLOAT32, {2}}, {0, 0});  // bias size differs from output channels
    m.Output({DType::FLOAT32, {1, 4, 4, 1}});
    m.CustomOptions(TransposeBiasOptions(1, 2, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
}

// Stock TFLite cannot load the custom op, so compare it with the oracle's
// TRANSPOSE_CONV (with bias) at the output size MediaPipe derives, and with our
// own TRANSPOSE_CONV.
TEST(Convolution2DTransposeBias, MatchesTransposeConvWithBias) {
  TFD_REQUIRE_ORACLE();
  struct Shape {
    std::vector<int32_t> in;
    int out_c, fh, fw, sh, sw, padding;  // 1 SAME, 2 VALID
  };
  const std::vector<Shape> shapes = {
      {{1, 4, 4, 3}, 2, 3, 3, 2, 2, 1}, {{1, 3, 5, 2}, 4, 4, 4, 2, 2, 1}, {{2, 3, 3, 2}, 3, 3, 2, 2, 1, 2},
      {{1, 5, 4, 4}, 2, 3, 3, 1, 1, 1}, {{1, 3, 3, 8}, 4, 2, 2, 2, 2, 2},
  };
  testing::OracleBatch oracle;
  std::vector<std::pair<Model, std::vector<Array>>> ours;
  uint32_t seed = 51;
  for (const auto& s : shapes) {
    const int in_h = s.in[1], in_w = s.in[2];
    int pad_h = 0, pad_w = 0;
    if (s.padding == 1) {
      pad_h = std::max(0, s.fh - (in_h - 1) % s.sh - 1);
      pad_w = std::max(0, s.fw - (in_w - 1) % s.sw - 1);
    }
    const std::vector<int32_t> out = {s.in[0], s.sh * (in_h - 1) + s.fh - pad_h, s.sw * (in_w - 1) + s.fw - pad_w,
                                      s.out_c};
    const std::vector<int32_t> w_shape = {s.out_c, s.fh, s.fw, s.in[3]};
    const auto weights = RandomFloats(conv_testing::Count(w_shape), seed + 1);
    const auto bias = RandomFloats(static_cast<size_t>(s.out_c), seed + 2);
    const auto input = RandomFloats(conv_testing::Count(s.in), seed++);
    OpModel custom("Convolution2DTransposeBias");
    custom.Input({DType::FLOAT32, s.in});
    custom.Const<float>({DType::FLOAT32, w_shape}, weights);
    custom.Const<float>({DType::FLOAT32, {s.out_c}}, bias);
    custom.Output({DType::FLOAT32, out});
    custom.CustomOptions(TransposeBiasOptions(s.padding, s.sw, s.sh));
    OpModel reference(BuiltinOp::TRANSPOSE_CONV, 3);
    reference.Const<int32_t>({DType::INT32, {4}}, out);
    reference.Const<float>({DType::FLOAT32, w_shape}, weights);
    reference.Input({DType::FLOAT32, s.in});
    reference.Const<float>({DType::FLOAT32, {s.out_c}}, bias);
    reference.Output({DType::FLOAT32, out});
    reference.Options(Options(s.padding == 1 ? P::SAME : P::VALID, s.sh, s.sw));
    const std::vector<Array> inputs = {Array::Of<float>(DType::FLOAT32, s.in, input)};
    oracle.Add(reference.Build(), inputs);
    ours.push_back({custom.Build(), inputs});
    ours.push_back({reference.Build(), inputs});
  }
  oracle.Run();
  for (size_t i = 0; i < shapes.size(); ++i) {
    SCOPED_TRACE("shape " + std::to_string(i));
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    const auto custom = testing::RunOurs(ours[2 * i].first, ours[2 * i].second);
    const auto builtin = testing::RunOurs(ours[2 * i + 1].first, ours[2 * i + 1].second);
    // The custom op starts from the bias, TRANSPOSE_CONV adds it last: the
    // same sum in another order.
    EXPECT_TRUE(testing::FloatClose(custom[0], oracle.outputs(static_cast<int>(i))[0], 1e-6));
    EXPECT_TRUE(testing::FloatClose(custom[0], builtin[0], 1e-6));
  }
}

}  // namespace
}  // namespace tfd
