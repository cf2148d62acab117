// The float32 xnnpack flavors of CONV_2D, DEPTHWISE_CONV_2D and
// FULLY_CONNECTED against the real runtime (whose XNNPACK delegate takes these
// nodes): bit-identical, on shapes deep enough that the reference kernels'
// summation order (bias last, TFLite's tap order) rounds differently.
#include <cmath>
#include <cstring>

#include "interpreter/interpreter.h"
#include "kernel_test_util.h"
#include "kernels/internal/conv_testing.h"
#include "kernels/internal/conv_util.h"

namespace tfd {
namespace {

using conv_testing::CaseBuilder;
using conv_testing::Compare;
using conv_testing::OracleCase;
using conv_testing::RandomFloats;
using testing::Array;
using A = tflite::ActivationFunctionType;
using P = tflite::Padding;

// Distance in units in the last place (0 for identical bits; +0 vs -0 is 1).
int64_t UlpDistance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  const int64_t ka = ia < 0 ? int64_t{INT32_MIN} - ia : ia;
  const int64_t kb = ib < 0 ? int64_t{INT32_MIN} - ib : ib;
  return ka > kb ? ka - kb : kb - ka;
}

struct Agreement {
  int64_t max_ulp = 0;
  int64_t differing = 0;
};

Agreement Compare32(const Array& ours, const Array& theirs) {
  Agreement a;
  const auto x = ours.values<float>(), y = theirs.values<float>();
  EXPECT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    const int64_t d = UlpDistance(x[i], y[i]);
    a.max_ulp = std::max(a.max_ulp, d);
    a.differing += d != 0;
  }
  return a;
}

// Runs every case both ways; the xnnpack profile must be bit-identical to the
// oracle. Returns how many outputs the reference profile gets wrong.
int64_t ExpectIdentical(const std::vector<OracleCase>& cases) {
  testing::OracleBatch oracle;
  for (const auto& c : cases) oracle.Add(c.model, c.inputs);
  oracle.Run();
  int64_t reference_differing = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    const int id = static_cast<int>(i);
    if (!oracle.ok(id)) {
      ADD_FAILURE() << "oracle failed: " << oracle.error(id);
      continue;
    }
    const Array& theirs = oracle.outputs(id)[0];
    const Agreement xnn = Compare32(testing::RunOurs(cases[i].model, cases[i].inputs, Arithmetic::kXnnpack)[0], theirs);
    const Agreement ref =
        Compare32(testing::RunOurs(cases[i].model, cases[i].inputs, Arithmetic::kReference)[0], theirs);
    EXPECT_EQ(xnn.max_ulp, 0) << xnn.differing << " of " << theirs.count() << " differ (reference profile: "
                              << ref.differing << ", max " << ref.max_ulp << " ulp)";
    reference_differing += ref.differing;
  }
  return reference_differing;
}

struct ConvConfig {
  std::string name;
  std::vector<int32_t> in;  // NHWC
  int out_c, fh, fw;
  P padding;
  int sh, sw, dh, dw;
  A act;
  int groups = 1;
};

OracleCase ConvCase(const ConvConfig& c, uint32_t seed) {
  const int filter_c = c.in[3] / c.groups;
  const int oh = conv::OutputSize(c.padding, c.in[1], c.fh, c.sh, c.dh);
  const int ow = conv::OutputSize(c.padding, c.in[2], c.fw, c.sw, c.dw);
  const std::vector<int32_t> filter_shape = {c.out_c, c.fh, c.fw, filter_c};
  CaseBuilder b(BuiltinOp::CONV_2D);
  b.Tensor<float>({DType::FLOAT32, c.in}, RandomFloats(conv_testing::Count(c.in), seed), false);
  b.Tensor<float>({DType::FLOAT32, filter_shape}, RandomFloats(conv_testing::Count(filter_shape), seed + 100));
  b.Tensor<float>({DType::FLOAT32, {c.out_c}}, RandomFloats(static_cast<size_t>(c.out_c), seed + 200));
  b.Output({DType::FLOAT32, {c.in[0], oh, ow, c.out_c}});
  tflite::Conv2DOptionsT o;
  o.padding = c.padding;
  o.stride_h = c.sh;
  o.stride_w = c.sw;
  o.dilation_h_factor = c.dh;
  o.dilation_w_factor = c.dw;
  o.fused_activation_function = c.act;
  b.Options(o);
  return b.Build(c.name + " seed " + std::to_string(seed), Compare::kExact);
}

OracleCase DepthwiseCase(const ConvConfig& c, int multiplier, uint32_t seed) {
  const int out_c = c.in[3] * multiplier;
  const int oh = conv::OutputSize(c.padding, c.in[1], c.fh, c.sh, c.dh);
  const int ow = conv::OutputSize(c.padding, c.in[2], c.fw, c.sw, c.dw);
  const std::vector<int32_t> filter_shape = {1, c.fh, c.fw, out_c};
  CaseBuilder b(BuiltinOp::DEPTHWISE_CONV_2D);
  b.Tensor<float>({DType::FLOAT32, c.in}, RandomFloats(conv_testing::Count(c.in), seed), false);
  b.Tensor<float>({DType::FLOAT32, filter_shape}, RandomFloats(conv_testing::Count(filter_shape), seed + 100));
  b.Tensor<float>({DType::FLOAT32, {out_c}}, RandomFloats(static_cast<size_t>(out_c), seed + 200));
  b.Output({DType::FLOAT32, {c.in[0], oh, ow, out_c}});
  tflite::DepthwiseConv2DOptionsT o;
  o.padding = c.padding;
  o.stride_h = c.sh;
  o.stride_w = c.sw;
  o.dilation_h_factor = c.dh;
  o.dilation_w_factor = c.dw;
  o.depth_multiplier = multiplier;
  o.fused_activation_function = c.act;
  b.Options(o);
  return b.Build(c.name + " x" + std::to_string(multiplier) + " seed " + std::to_string(seed), Compare::kExact);
}

OracleCase FullyConnectedCase(const std::string& name, std::vector<int32_t> in, int units, bool bias, A act,
                              uint32_t seed) {
  const int depth = in.back();
  const int batches = static_cast<int>(conv_testing::Count(in)) / depth;
  CaseBuilder b(BuiltinOp::FULLY_CONNECTED);
  b.Tensor<float>({DType::FLOAT32, in}, RandomFloats(conv_testing::Count(in), seed), false);
  b.Tensor<float>({DType::FLOAT32, {units, depth}}, RandomFloats(static_cast<size_t>(units * depth), seed + 100));
  if (bias) b.Tensor<float>({DType::FLOAT32, {units}}, RandomFloats(static_cast<size_t>(units), seed + 200));
  else b.Omitted();
  b.Output({DType::FLOAT32, {batches, units}});
  tflite::FullyConnectedOptionsT o;
  o.fused_activation_function = act;
  b.Options(o);
  return b.Build(name + " seed " + std::to_string(seed), Compare::kExact);
}

TEST(XnnpackFloat, Conv2DMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const std::vector<ConvConfig> configs = {
      {"3x3 same deep", {1, 9, 9, 32}, 24, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE},
      {"3x3 same s2 relu", {2, 12, 11, 16}, 8, 3, 3, P::SAME, 2, 2, 1, 1, A::RELU},
      {"5x3 valid relu6", {1, 10, 9, 12}, 10, 5, 3, P::VALID, 1, 2, 1, 1, A::RELU6},
      {"dilated relu_n1", {1, 11, 10, 8}, 9, 3, 3, P::SAME, 1, 1, 2, 3, A::RELU_N1_TO_1},
      {"1x1 gemm deep", {1, 6, 7, 96}, 40, 1, 1, P::VALID, 1, 1, 1, 1, A::NONE},
      {"1x1 s2", {1, 8, 8, 48}, 16, 1, 1, P::SAME, 2, 2, 1, 1, A::RELU6},
      {"input channels 3 s2", {1, 17, 17, 3}, 16, 3, 3, P::SAME, 2, 2, 1, 1, A::NONE},
      {"grouped", {1, 7, 7, 16}, 12, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE, 2},
  };
  std::vector<OracleCase> cases;
  for (uint32_t seed : {1u, 2u})
    for (const auto& c : configs) cases.push_back(ConvCase(c, seed));
  EXPECT_GT(ExpectIdentical(cases), 0);
}

TEST(XnnpackFloat, DepthwiseConv2DMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const std::vector<std::pair<ConvConfig, int>> configs = {
      {{"3x3 same", {1, 9, 9, 24}, 0, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE}, 1},
      {{"3x3 same s2 relu", {2, 12, 11, 13}, 0, 3, 3, P::SAME, 2, 2, 1, 1, A::RELU}, 1},
      {{"5x5 same relu6", {1, 10, 12, 20}, 0, 5, 5, P::SAME, 1, 1, 1, 1, A::RELU6}, 1},
      {{"5x5 s2", {1, 13, 13, 9}, 0, 5, 5, P::SAME, 2, 2, 1, 1, A::NONE}, 1},
      {{"2x2 valid", {1, 8, 8, 8}, 0, 2, 2, P::VALID, 1, 1, 1, 1, A::NONE}, 1},
      {{"3x1 relu_n1", {1, 8, 8, 8}, 0, 3, 1, P::SAME, 1, 1, 1, 1, A::RELU_N1_TO_1}, 1},
      {{"dilated", {1, 12, 12, 8}, 0, 3, 3, P::SAME, 1, 1, 2, 2, A::NONE}, 1},
      {{"7x7", {1, 12, 12, 8}, 0, 7, 7, P::SAME, 1, 1, 1, 1, A::NONE}, 1},
      {{"multiplier", {1, 7, 7, 6}, 0, 3, 3, P::SAME, 1, 1, 1, 1, A::NONE}, 4},
      {{"multiplier 5x5", {1, 9, 9, 3}, 0, 5, 5, P::SAME, 2, 2, 1, 1, A::RELU}, 2},
  };
  std::vector<OracleCase> cases;
  for (uint32_t seed : {1u, 2u})
    for (const auto& [c, m] : configs) cases.push_back(DepthwiseCase(c, m, seed));
  EXPECT_GT(ExpectIdentical(cases), 0);
}

TEST(XnnpackFloat, FullyConnectedMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (uint32_t seed : {1u, 2u}) {
    cases.push_back(FullyConnectedCase("deep", {3, 300}, 17, true, A::NONE, seed));
    cases.push_back(FullyConnectedCase("relu", {1, 64}, 40, true, A::RELU, seed));
    cases.push_back(FullyConnectedCase("relu6 4-d input", {2, 1, 1, 50}, 9, true, A::RELU6, seed));
    cases.push_back(FullyConnectedCase("no bias", {4, 33}, 5, false, A::NONE, seed));
  }
  EXPECT_GT(ExpectIdentical(cases), 0);
}

OracleCase ResizeCase(const std::string& name, std::vector<int32_t> in, int32_t h, int32_t w, bool align_corners,
                      bool half_pixel, uint32_t seed) {
  CaseBuilder b(BuiltinOp::RESIZE_BILINEAR);
  b.Tensor<float>({DType::FLOAT32, in}, RandomFloats(conv_testing::Count(in), seed, -5.0f, 5.0f), false);
  b.Tensor<int32_t>({DType::INT32, {2}}, {h, w});
  b.Output({DType::FLOAT32, {in[0], h, w, in[3]}});
  tflite::ResizeBilinearOptionsT o;
  o.align_corners = align_corners;
  o.half_pixel_centers = half_pixel;
  b.Options(o);
  return b.Build(name + " seed " + std::to_string(seed), Compare::kExact);
}

TEST(XnnpackFloat, ResizeBilinearMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (uint32_t seed : {1u, 2u}) {
    cases.push_back(ResizeCase("2x half-pixel", {1, 8, 8, 12}, 16, 16, false, true, seed));
    cases.push_back(ResizeCase("odd half-pixel", {2, 5, 7, 3}, 13, 9, false, true, seed));
    cases.push_back(ResizeCase("legacy", {1, 6, 5, 4}, 17, 11, false, false, seed));
    cases.push_back(ResizeCase("align corners", {1, 6, 5, 4}, 17, 11, true, false, seed));
    cases.push_back(ResizeCase("downscale half-pixel", {1, 12, 10, 5}, 5, 7, false, true, seed));
  }
  EXPECT_GT(ExpectIdentical(cases), 0);
}

// What the xnnpack profile gives XNNPACK's float arithmetic: nodes the
// delegate takes (constant weights and bias, an activation it can clamp).
TEST(XnnpackFloat, TakesWhatTheDelegateTakes) {
  auto kernel = [](bool const_filter, bool with_bias, A act) {
    testing::OpModel m(BuiltinOp::CONV_2D);
    m.Input({DType::FLOAT32, {1, 3, 3, 2}});
    if (const_filter) m.Const<float>({DType::FLOAT32, {1, 1, 1, 2}}, {1, 2});
    else m.Input({DType::FLOAT32, {1, 1, 1, 2}});
    if (with_bias) m.Const<float>({DType::FLOAT32, {1}}, {3});
    m.Output({DType::FLOAT32, {1, 3, 3, 1}});
    tflite::Conv2DOptionsT o;
    o.padding = P::VALID;
    o.stride_h = o.stride_w = 1;
    o.fused_activation_function = act;
    m.Options(o);
    InterpreterOptions options;
    options.arithmetic = Arithmetic::kXnnpack;
    return Interpreter(m.Build(), options).kernel_name(0);
  };
  EXPECT_EQ(kernel(true, true, A::RELU6), "xnnpack");
  EXPECT_EQ(kernel(false, true, A::NONE), "reference");  // weights fed at run time
  EXPECT_EQ(kernel(true, false, A::NONE), "reference");  // no bias
  EXPECT_EQ(kernel(true, true, A::TANH), "reference");   // activation XNNPACK cannot fuse
}

// The clamp sends a -0 accumulator at a 0 bound to +0, as XNNPACK's min/max.
TEST(XnnpackFloat, ReluOfNegativeZeroIsPositiveZero) {
  testing::OpModel m(BuiltinOp::FULLY_CONNECTED);
  m.Input({DType::FLOAT32, {1, 1}});
  m.Const<float>({DType::FLOAT32, {1, 1}}, {-1.0f});
  m.Const<float>({DType::FLOAT32, {1}}, {-0.0f});
  m.Output({DType::FLOAT32, {1, 1}});
  tflite::FullyConnectedOptionsT o;
  o.fused_activation_function = A::RELU;
  m.Options(o);
  const auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 1}, {0.0f})},
                                    Arithmetic::kXnnpack)[0].values<float>();
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_FALSE(std::signbit(out[0]));
}

}  // namespace
}  // namespace tfd
