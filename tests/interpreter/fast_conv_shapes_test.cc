// The fast CONV_2D and DEPTHWISE_CONV_2D kernels (8-bit and float32)
// against the exact ones on many random geometries (batch, size, channels 1..40 including the
// 1, 2, 4, 8 that depthwise packs several pixels per vector, filter sizes,
// strides, dilations, padding, activations), int8 (weights per channel and
// per tensor), uint8 and float32, both
// profiles, every input byte drawn over the whole range (floats: many
// exponents, signed zeros, infinities, NaN, subnormals), several seeds, and
// inputs at both ends of the range: the outputs are equal byte for byte, with the
// CPU's best tier (AVX-512), the AVX2 one (every input), the portable one and
// 3 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>

#include "interpreter/interpreter.h"
#include "kernel_test_util.h"
#include "kernels/internal/conv_util.h"
#include "simd_tier.h"
#include "util/thread_pool.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::SameOutputs;
using testing::TensorSpec;
using A = tflite::ActivationFunctionType;
using P = tflite::Padding;

struct Geometry {
  bool depthwise = false;
  DType dtype = DType::INT8;
  int batch = 1, in_h = 1, in_w = 1, in_c = 1, out_c = 1, fh = 1, fw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  P padding = P::SAME;
  A act = A::NONE;
  bool per_tensor = false;  // int8 weights: one scale (uint8's always are)
  std::optional<int64_t> in_zp;  // instead of a random one in the type's range
  int out_h() const { return conv::OutputSize(padding, in_h, fh, sh, dh); }
  int out_w() const { return conv::OutputSize(padding, in_w, fw, sw, dw); }
  std::string Describe() const {
    return std::string(depthwise ? "depthwise " : "conv ") + DTypeName(dtype) + " in " + std::to_string(batch) + "x" +
           std::to_string(in_h) + "x" + std::to_string(in_w) + "x" + std::to_string(in_c) + " out_c " +
           std::to_string(out_c) + " filter " + std::to_string(fh) + "x" + std::to_string(fw) + " stride " +
           std::to_string(sh) + "," + std::to_string(sw) + " dilation " + std::to_string(dh) + "," +
           std::to_string(dw) + (padding == P::SAME ? " same" : " valid") + " act " +
           std::to_string(static_cast<int>(act)) + (per_tensor ? " per-tensor" : "");
  }
};

void SetOptions(const Geometry& g, OpModel& m) {
  if (g.depthwise) {
    tflite::DepthwiseConv2DOptionsT o;
    o.padding = g.padding;
    o.stride_h = g.sh;
    o.stride_w = g.sw;
    o.depth_multiplier = 1;
    o.dilation_h_factor = g.dh;
    o.dilation_w_factor = g.dw;
    o.fused_activation_function = g.act;
    m.Options(o);
  } else {
    tflite::Conv2DOptionsT o;
    o.padding = g.padding;
    o.stride_h = g.sh;
    o.stride_w = g.sw;
    o.dilation_h_factor = g.dh;
    o.dilation_w_factor = g.dw;
    o.fused_activation_function = g.act;
    m.Options(o);
  }
}

// Float values where sums differ most by order or sign: random magnitudes
// over many exponents, signed zeros, infinities, NaN, subnormals.
float SpecialOrRandom(std::mt19937& rng) {
  static const float kSpecial[] = {0.0f, -0.0f, 1e-40f, -1e-40f, std::numeric_limits<float>::infinity(),
                                   -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(),
                                   3.4e38f, -3.4e38f};
  if (rng() % 16 == 0) return kSpecial[rng() % std::size(kSpecial)];
  return std::ldexp(static_cast<float>(static_cast<int>(rng() % 2001) - 1000) / 1000.0f,
                    static_cast<int>(rng() % 20) - 10);
}

Model BuildFloat(const Geometry& g, std::mt19937& rng) {
  OpModel m(g.depthwise ? BuiltinOp::DEPTHWISE_CONV_2D : BuiltinOp::CONV_2D);
  m.Input({DType::FLOAT32, {g.batch, g.in_h, g.in_w, g.in_c}});
  const int taps = g.fh * g.fw;
  std::vector<float> weights(static_cast<size_t>(g.out_c) * (g.depthwise ? taps : taps * g.in_c));
  // Finite weights mostly (an infinite weight makes most sums NaN), now
  // and then a signed zero.
  for (auto& w : weights) w = rng() % 10 == 0 ? (rng() % 2 ? 0.0f : -0.0f) : SpecialOrRandom(rng);
  for (auto& w : weights)
    if (!std::isfinite(w)) w = 1.5f;
  m.Const<float>({DType::FLOAT32, g.depthwise ? std::vector<int32_t>{1, g.fh, g.fw, g.out_c}
                                             : std::vector<int32_t>{g.out_c, g.fh, g.fw, g.in_c}},
                 weights);
  std::vector<float> bias(static_cast<size_t>(g.out_c));
  for (auto& b : bias) b = rng() % 4 == 0 ? -0.0f : SpecialOrRandom(rng);
  for (auto& b : bias)
    if (!std::isfinite(b)) b = -0.0f;
  m.Const<float>({DType::FLOAT32, {g.out_c}}, bias);
  m.Output({DType::FLOAT32, {g.batch, g.out_h(), g.out_w(), g.out_c}});
  SetOptions(g, m);
  return m.Build();
}

Model Build(const Geometry& g, std::mt19937& rng) {
  if (g.dtype == DType::FLOAT32) return BuildFloat(g, rng);
  OpModel m(g.depthwise ? BuiltinOp::DEPTHWISE_CONV_2D : BuiltinOp::CONV_2D);
  const bool is_signed = g.dtype == DType::INT8;
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const float in_scale = 0.005f + 0.1f * unit(rng);
  const int64_t in_zp = g.in_zp.value_or(static_cast<int64_t>(rng() % 256) - (is_signed ? 128 : 0));
  m.Input({g.dtype, {g.batch, g.in_h, g.in_w, g.in_c}, in_scale, in_zp});
  const int taps = g.fh * g.fw;
  const int per_filter = g.depthwise ? taps : taps * g.in_c;
  std::vector<float> w_scales(static_cast<size_t>(g.out_c));
  for (auto& s : w_scales) s = 0.0005f + 0.05f * unit(rng);
  std::vector<int32_t> filter_shape =
      g.depthwise ? std::vector<int32_t>{1, g.fh, g.fw, g.out_c} : std::vector<int32_t>{g.out_c, g.fh, g.fw, g.in_c};
  std::vector<uint8_t> weights(static_cast<size_t>(g.out_c) * per_filter);
  for (auto& w : weights) w = static_cast<uint8_t>(rng());
  if (is_signed) {
    // int8 weights: symmetric per channel (zero point 0, -128 excluded as
    // the converter writes them), along the output channels, or per tensor.
    for (auto& w : weights)
      if (w == 0x80) w = 0x81;
    if (g.per_tensor) w_scales.assign(w_scales.size(), w_scales[0]);
    TensorSpec f{DType::INT8, filter_shape};
    if (g.per_tensor) {
      f.scale = w_scales[0];
      f.zero_point = 0;
    } else {
      f.scales = w_scales;
      f.zero_points.assign(w_scales.size(), 0);
      f.axis = g.depthwise ? 3 : 0;
    }
    m.ConstBytes(f, weights);
  } else {
    m.ConstBytes({DType::UINT8, filter_shape, w_scales[0], static_cast<int64_t>(rng() % 256)}, weights);
  }
  std::vector<int32_t> bias(static_cast<size_t>(g.out_c));
  for (auto& b : bias) b = static_cast<int32_t>(rng() % 40001) - 20000;
  TensorSpec bspec{DType::INT32, {g.out_c}};
  if (is_signed && !g.per_tensor) {
    for (float s : w_scales) bspec.scales.push_back(in_scale * s);
    bspec.zero_points.assign(w_scales.size(), 0);
  } else {
    bspec.scale = in_scale * w_scales[0];
  }
  m.Const<int32_t>(bspec, bias);
  const float out_scale = 0.01f + 0.5f * unit(rng);
  const int64_t out_zp = static_cast<int64_t>(rng() % 256) - (is_signed ? 128 : 0);
  m.Output({g.dtype, {g.batch, g.out_h(), g.out_w(), g.out_c}, out_scale, out_zp});
  SetOptions(g, m);
  return m.Build();
}

std::vector<uint8_t> RunConv(const Model& m, Arithmetic a, bool exact_only, const Array& in) {
  InterpreterOptions options;
  options.arithmetic = a;
  options.reference_kernels_only = exact_only;
  Interpreter interp(m, options);
  interp.SetInput(0, in.dtype, in.shape, in.bytes.data(), in.bytes.size());
  interp.Invoke();
  return {interp.output(0).data, interp.output(0).data + interp.output(0).bytes};
}

TEST(FastConvShapes, EveryGeometryEqualToExactKernels) {
  std::mt19937 rng(2026);
  const int kChannels[] = {1, 2, 3, 4, 5, 8, 12, 16, 17, 24, 32, 40};
  int compared = 0;
  for (int trial = 0; trial < 360; ++trial) {
    Geometry g;
    g.depthwise = trial % 2 == 0;
    g.dtype = trial % 6 < 2 ? DType::INT8 : trial % 6 < 4 ? DType::UINT8 : DType::FLOAT32;
    g.per_tensor = g.dtype == DType::INT8 && trial / 6 % 2 == 1;
    g.batch = 1 + static_cast<int>(rng() % 2);
    g.in_h = 1 + static_cast<int>(rng() % 13);
    g.in_w = 1 + static_cast<int>(rng() % 21);
    g.in_c = kChannels[rng() % std::size(kChannels)];
    g.out_c = g.depthwise ? g.in_c : kChannels[rng() % std::size(kChannels)];
    g.fh = 1 + static_cast<int>(rng() % 5);
    g.fw = 1 + static_cast<int>(rng() % 5);
    if (trial % 8 == 1) g.fh = g.fw = 3;  // the common case, often
    // Filters with more taps than the AVX-512 row kernels' tap lists hold
    // (depthwise 8-bit: 32, float: 64).
    // (depthwise trials, each type in turn).
    if (trial % 10 == 4) g.fh = g.fw = 7;
    if (trial % 20 == 8) g.fh = g.fw = 9;
    g.sh = 1 + static_cast<int>(rng() % 3);
    g.sw = trial % 3 == 0 ? 1 : 1 + static_cast<int>(rng() % 3);
    g.dh = 1 + static_cast<int>(rng() % 4 == 0);
    g.dw = 1 + static_cast<int>(rng() % 4 == 0);
    g.padding = rng() % 3 == 0 ? P::VALID : P::SAME;
    g.act = rng() % 3 == 0 ? A::RELU6 : (rng() % 2 ? A::RELU : A::NONE);
    if (g.out_h() <= 0 || g.out_w() <= 0) continue;
    const Model m = Build(g, rng);
    SCOPED_TRACE(g.Describe());
    const int64_t n = static_cast<int64_t>(g.batch) * g.in_h * g.in_w * g.in_c;
    std::vector<Array> inputs;
    if (g.dtype == DType::FLOAT32) {
      for (int seed = 0; seed < 4; ++seed) {
        std::vector<float> x(static_cast<size_t>(n));
        for (auto& v : x) v = seed == 3 ? -0.0f : SpecialOrRandom(rng);
        inputs.push_back(Array::Of<float>(DType::FLOAT32, {g.batch, g.in_h, g.in_w, g.in_c}, x));
      }
    } else {
      for (int seed = 0; seed < 3; ++seed) {
        Array in{g.dtype, {g.batch, g.in_h, g.in_w, g.in_c}, std::vector<uint8_t>(static_cast<size_t>(n))};
        for (auto& b : in.bytes) b = static_cast<uint8_t>(rng());
        inputs.push_back(in);
      }
      for (uint8_t edge : {uint8_t{0x00}, uint8_t{0x7F}, uint8_t{0x80}, uint8_t{0xFF}})
        inputs.push_back(
            Array{g.dtype, {g.batch, g.in_h, g.in_w, g.in_c}, std::vector<uint8_t>(static_cast<size_t>(n), edge)});
    }
    for (Arithmetic a : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
      for (size_t i = 0; i < inputs.size(); ++i) {
        const auto want = RunConv(m, a, true, inputs[i]);
        const std::string what = std::string(ArithmeticName(a)) + " input " + std::to_string(i);
        ASSERT_TRUE(SameOutputs(RunConv(m, a, false, inputs[i]), want, g.dtype)) << what;
        {
          testing::ScopedSimdTier avx2("avx2");
          ASSERT_TRUE(SameOutputs(RunConv(m, a, false, inputs[i]), want, g.dtype)) << what << ", avx2";
        }
        if (i == 0) {
          SetIntraOpThreads(3);
          const auto threaded = RunConv(m, a, false, inputs[i]);
          SetIntraOpThreads(1);
          ASSERT_TRUE(SameOutputs(threaded, want, g.dtype)) << what << ", 3 threads";
          testing::ScopedSimdTier portable("portable");
          ASSERT_TRUE(SameOutputs(RunConv(m, a, false, inputs[i]), want, g.dtype)) << what << ", portable";
        }
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 3500);
}

// An input zero point outside its type's range (a malformed model: uint8 -5
// or 300) has no byte a padded tap could hold, where the exact kernels
// give such a tap no term: the fast kernels leave the node to them.
TEST(FastConvShapes, InputZeroPointOutsideItsTypeIsLeftToTheExactKernels) {
  std::mt19937 rng(15);
  int compared = 0;
  for (bool depthwise : {false, true}) {
    for (DType dtype : {DType::UINT8, DType::INT8}) {
      const std::vector<int64_t> zero_points =
          dtype == DType::UINT8 ? std::vector<int64_t>{-5, -200, 256, 300, 1000, 0, 255}
                                : std::vector<int64_t>{-129, -200, 128, 150, 500, -128, 127};
      for (int64_t zp : zero_points) {
        Geometry g;
        g.depthwise = depthwise;
        g.dtype = dtype;
        g.in_h = 5;
        g.in_w = 6;
        g.in_c = g.out_c = 8;
        g.fh = g.fw = 3;
        g.in_zp = zp;
        const Model m = Build(g, rng);
        SCOPED_TRACE(g.Describe() + " input zero point " + std::to_string(zp));
        Array in{dtype, {1, g.in_h, g.in_w, g.in_c}, std::vector<uint8_t>(static_cast<size_t>(g.in_h * g.in_w * g.in_c))};
        for (auto& b : in.bytes) b = static_cast<uint8_t>(rng());
        for (Arithmetic a : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
          const auto want = RunConv(m, a, true, in);
          ASSERT_TRUE(SameOutputs(RunConv(m, a, false, in), want, dtype)) << ArithmeticName(a);
          testing::ScopedSimdTier avx2("avx2");
          ASSERT_TRUE(SameOutputs(RunConv(m, a, false, in), want, dtype)) << ArithmeticName(a) << ", avx2";
          testing::ScopedSimdTier portable("portable");
          ASSERT_TRUE(SameOutputs(RunConv(m, a, false, in), want, dtype)) << ArithmeticName(a) << ", portable";
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 56);
}

// A 1x1 convolution reads its input rows as they are, but the exact
// kernels' patches hold x + 0 (FillPatch), which turns -0 into +0: from a
// bias of -0 (xnnpack: the sum starts at the bias), -0 inputs times
// positive weights sum to -0 unless they are +0 first.
TEST(FastConvShapes, PointwiseFloatSeesSignedZerosAsTheExactKernels) {
  OpModel m(BuiltinOp::CONV_2D);
  m.Input({DType::FLOAT32, {1, 2, 3, 4}});
  m.Const<float>({DType::FLOAT32, {5, 1, 1, 4}}, std::vector<float>(20, 0.5f));
  m.Const<float>({DType::FLOAT32, {5}}, std::vector<float>(5, -0.0f));
  m.Output({DType::FLOAT32, {1, 2, 3, 5}});
  tflite::Conv2DOptionsT o;
  o.padding = P::VALID;
  o.stride_h = o.stride_w = 1;
  m.Options(o);
  const Model model = m.Build();
  const Array in = Array::Of<float>(DType::FLOAT32, {1, 2, 3, 4}, std::vector<float>(24, -0.0f));
  for (Arithmetic a : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
    const auto want = RunConv(model, a, true, in);
    EXPECT_EQ(RunConv(model, a, false, in), want) << ArithmeticName(a);
    for (const char* tier : testing::kForcedSimdTiers) {
      testing::ScopedSimdTier forced(tier);
      EXPECT_EQ(RunConv(model, a, false, in), want) << ArithmeticName(a) << ", " << tier;
    }
  }
}

}  // namespace
}  // namespace tfd
