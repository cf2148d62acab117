#include "kernel_test_util.h"
#include "kernels/internal/conv_testing.h"
#include "kernels/internal/conv_util.h"

namespace tfd {
namespace {

using conv_testing::CaseBuilder;
using conv_testing::Compare;
using conv_testing::OracleCase;
using conv_testing::WeightedTensors;
using conv_testing::WeightSpec;
using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using A = tflite::ActivationFunctionType;
using P = tflite::Padding;

tflite::DepthwiseConv2DOptionsT Options(P padding, int sh, int sw, int multiplier, int dh = 1, int dw = 1,
                                        A act = A::NONE) {
  tflite::DepthwiseConv2DOptionsT o;
  o.padding = padding;
  o.stride_h = sh;
  o.stride_w = sw;
  o.depth_multiplier = multiplier;
  o.dilation_h_factor = dh;
  o.dilation_w_factor = dw;
  o.fused_activation_function = act;
  return o;
}

TEST(DepthwiseConv2D, FloatMultiplierTwoHandComputed) {
  // Two input channels (a, b), multiplier 2 -> outputs (a*w0, a*w1, b*w2, b*w3)
  // summed over a 1x2 window, plus bias.
  OpModel m(BuiltinOp::DEPTHWISE_CONV_2D);
  m.Input({DType::FLOAT32, {1, 1, 2, 2}});
  // Taps x=0 then x=1, four output channels each.
  m.Const<float>({DType::FLOAT32, {1, 1, 2, 4}}, {1, 2, 3, 4, 10, 20, 30, 40});
  m.Const<float>({DType::FLOAT32, {4}}, {0, 0, 0, 100});
  m.Output({DType::FLOAT32, {1, 1, 1, 4}});
  m.Options(Options(P::VALID, 1, 1, 2));
  // Pixel 0 = (1, 2), pixel 1 = (3, 4).
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 1, 2, 2}, {1, 2, 3, 4})});
  // ch0: 1*1 + 3*10 = 31; ch1: 1*2 + 3*20 = 62; ch2: 2*3 + 4*30 = 126; ch3: 2*4 + 4*40 + 100 = 268.
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({31, 62, 126, 268}));
}

TEST(DepthwiseConv2D, Int8PerChannelSamePaddingHandComputed) {
  // 1x3 input row, 1x3 filter, SAME: the first output sees taps 1 and 2 only.
  // Input scale 1, zp 0; filter scales (1); output scale 1, zp 0.
  OpModel m(BuiltinOp::DEPTHWISE_CONV_2D);
  m.Input({DType::INT8, {1, 1, 3, 1}, 1.0f, 0});
  TensorSpec filter{DType::INT8, {1, 1, 3, 1}};
  filter.scales = {1.0f};
  filter.zero_points = {0};
  filter.axis = 3;
  m.Const<int8_t>(filter, {1, 2, 3});
  m.Const<int32_t>({DType::INT32, {1}, 1.0f, 0}, {1});
  m.Output({DType::INT8, {1, 1, 3, 1}, 1.0f, 0});
  m.Options(Options(P::SAME, 1, 1, 1, 1, 1, A::RELU6));
  auto out = testing::RunOurs(m.Build(), {Array::Of<int8_t>(DType::INT8, {1, 1, 3, 1}, {1, -1, 2})});
  // out0 = 1*2 + (-1)*3 + 1 = 0; out1 = 1*1 - 2 + 6 + 1 = 6; out2 = -1*1 + 2*2 + 1 = 4.
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({0, 6, 4}));
}

TEST(DepthwiseConv2D, RejectsBadShapesAndTypes) {
  auto run = [](const Model& model) { testing::RunOurs(model, testing::RandomInputs(model, 1)); };
  {  // Filter channels not a multiple of input channels.
    OpModel m(BuiltinOp::DEPTHWISE_CONV_2D);
    m.Input({DType::FLOAT32, {1, 3, 3, 2}});
    m.Const<float>({DType::FLOAT32, {1, 1, 1, 3}}, {1, 1, 1});
    m.Const<float>({DType::FLOAT32, {3}}, {0, 0, 0});
    m.Output({DType::FLOAT32, {1, 3, 3, 3}});
    m.Options(Options(P::SAME, 1, 1, 1));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // Filter first dimension must be 1.
    OpModel m(BuiltinOp::DEPTHWISE_CONV_2D);
    m.Input({DType::FLOAT32, {1, 3, 3, 1}});
    m.Const<float>({DType::FLOAT32, {2, 1, 1, 1}}, {1, 1});
    m.Const<float>({DType::FLOAT32, {1}}, {0});
    m.Output({DType::FLOAT32, {1, 3, 3, 1}});
    m.Options(Options(P::SAME, 1, 1, 1));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // int16 with an int32 bias (TFLite's depthwise needs int64).
    OpModel m(BuiltinOp::DEPTHWISE_CONV_2D);
    m.Input({DType::INT16, {1, 2, 2, 1}, 0.1f, 0});
    m.Const<int8_t>({DType::INT8, {1, 1, 1, 1}, 0.1f, 0}, {1});
    m.Const<int32_t>({DType::INT32, {1}, 0.01f, 0}, {0});
    m.Output({DType::INT16, {1, 2, 2, 1}, 0.1f, 0});
    m.Options(Options(P::SAME, 1, 1, 1));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // Hybrid with a single (per-tensor) scale for several channels.
    OpModel m(BuiltinOp::DEPTHWISE_CONV_2D);
    m.Input({DType::FLOAT32, {1, 2, 2, 2}});
    m.Const<int8_t>({DType::INT8, {1, 1, 1, 2}, 0.1f, 0}, {1, 2});
    m.Const<float>({DType::FLOAT32, {2}}, {0, 0});
    m.Output({DType::FLOAT32, {1, 2, 2, 2}});
    m.Options(Options(P::SAME, 1, 1, 1));
    EXPECT_THROW(run(m.Build()), Error);
  }
}

struct Config {
  std::string name;
  DType dtype, filter_dtype;
  std::vector<int32_t> in;
  int multiplier, fh, fw;
  P padding;
  int sh, sw, dh, dw;
  A act;
  bool per_channel = true;
  bool const_filter = true;
};

OracleCase MakeCase(const Config& c, uint32_t seed) {
  const int out_c = c.in[3] * c.multiplier;
  WeightedTensors t;
  t.dtype = c.dtype;
  t.weights = WeightSpec(c.filter_dtype, {1, c.fh, c.fw, out_c}, out_c, c.per_channel, seed + 7, /*axis=*/3);
  t.in = c.in;
  t.out = {c.in[0], conv::OutputSize(c.padding, c.in[1], c.fh, c.sh, c.dh),
           conv::OutputSize(c.padding, c.in[2], c.fw, c.sw, c.dw), out_c};
  t.depth = c.fh * c.fw;
  t.const_weights = c.const_filter;
  CaseBuilder b(BuiltinOp::DEPTHWISE_CONV_2D);
  const Compare compare = AddWeightedTensors(b, t, seed);
  b.Options(Options(c.padding, c.sh, c.sw, c.multiplier, c.dh, c.dw, c.act));
  return b.Build(c.name + " seed " + std::to_string(seed), compare);
}

TEST(DepthwiseConv2D, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const DType F = DType::FLOAT32, U8 = DType::UINT8, I8 = DType::INT8, I16 = DType::INT16;
  std::vector<Config> configs = {
      {"float same 3x3", F, F, {1, 7, 6, 5}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE},
      {"float valid s2 mult2 relu6", F, F, {2, 8, 7, 3}, 2, 3, 3, P::VALID, 2, 2, 1, 1, A::RELU6},
      {"float dilation", F, F, {1, 9, 9, 4}, 1, 3, 3, P::SAME, 1, 1, 2, 2, A::RELU},
      {"float filter input", F, F, {1, 6, 6, 3}, 3, 2, 3, P::SAME, 1, 2, 1, 1, A::NONE, true, false},
      {"uint8 same", U8, U8, {1, 7, 7, 8}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::RELU6, false},
      {"uint8 filter input", U8, U8, {1, 7, 7, 8}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::RELU6, false, false},
      {"uint8 s2 mult2 filter input", U8, U8, {2, 8, 8, 3}, 2, 3, 3, P::SAME, 2, 2, 1, 1, A::NONE, false, false},
      {"int8 same", I8, I8, {1, 7, 7, 8}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE},
      {"int8 valid s2 relu", I8, I8, {2, 9, 8, 6}, 1, 3, 3, P::VALID, 2, 2, 1, 1, A::RELU},
      {"int8 mult3 dilation", I8, I8, {1, 8, 8, 2}, 3, 3, 3, P::SAME, 1, 1, 2, 2, A::NONE},
      {"int8 filter input", I8, I8, {1, 7, 7, 8}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::RELU6, true, false},
      {"int8 per-tensor", I8, I8, {1, 6, 6, 4}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE, false},
      {"int16", I16, I8, {1, 7, 7, 6}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE},
      {"int16 mult2 s2 relu", I16, I8, {1, 8, 7, 3}, 2, 3, 3, P::VALID, 2, 2, 1, 1, A::RELU},
      {"hybrid", F, I8, {1, 7, 7, 5}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE},
      {"hybrid mult2 batch2 relu6", F, I8, {2, 6, 6, 3}, 2, 3, 3, P::SAME, 2, 2, 1, 1, A::RELU6},
  };
  std::vector<OracleCase> cases;
  for (const auto& c : configs) cases.push_back(MakeCase(c, 21));
  conv_testing::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// Bit-exact against the oracle in the xnnpack profile (the delegate takes
// constant-weight uint8/int8 nodes and requantizes in float), across seeds;
// weights fed as an input leave the node to TFLite's kernel, matched too.
TEST(DepthwiseConv2D, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType U8 = DType::UINT8, I8 = DType::INT8;
  const std::vector<Config> configs = {
      {"uint8 same relu6", U8, U8, {1, 9, 9, 16}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::RELU6, false},
      {"uint8 s2 mult2", U8, U8, {2, 8, 8, 3}, 2, 3, 3, P::SAME, 2, 2, 1, 1, A::NONE, false},
      {"uint8 filter input", U8, U8, {1, 7, 7, 8}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::RELU6, false, false},
      {"int8 same", I8, I8, {1, 9, 9, 16}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE},
      {"int8 valid s2 relu", I8, I8, {2, 9, 8, 6}, 1, 3, 3, P::VALID, 2, 2, 1, 1, A::RELU},
      {"int8 mult3 dilation", I8, I8, {1, 8, 8, 2}, 3, 3, 3, P::SAME, 1, 1, 2, 2, A::NONE},
      {"int8 per-tensor", I8, I8, {1, 9, 9, 12}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::RELU6, false},
      {"int8 filter input", I8, I8, {1, 7, 7, 8}, 1, 3, 3, P::SAME, 1, 1, 1, 1, A::RELU6, true, false},
  };
  const auto cases = conv_testing::ExactXnnpackProfileCases(configs, {41u, 42u, 43u}, MakeCase);
  EXPECT_GT(conv_testing::ExpectMatchesOracle(cases), 0);  // some cases the reference arithmetic gets wrong
}
}  // namespace
}  // namespace tfd
