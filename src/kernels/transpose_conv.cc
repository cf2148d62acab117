// TRANSPOSE_CONV: the gradient of CONV_2D with respect to its input. Inputs:
// output_shape (int32 [4]), weights (OHWI), input (NHWC), optional bias. The
// output size comes from output_shape (a constant, or known only while
// running); padding is derived from it as TFLite does. Fused activation (op
// version 4+).
//
// float32; uint8 (per-tensor weights with a zero point); int8 (per-channel
// symmetric weights, int32 bias); int16 activations with int8 weights (int64
// bias; with an int32 bias or none, a 32-bit accumulator as in TFLite).
#include <algorithm>
#include <cstring>

#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/conv_transpose.h"
#include "kernels/internal/conv_util.h"

namespace tfd {
namespace {

enum class Kind { kFloat, kUint8, kInt8, kInt16 };

struct TransposeConvState : KernelState {
  Kind kind = Kind::kFloat;
  conv::TransposeGeometry geo;
  FloatRange float_range;
  QuantRange quant_range;
  int32_t input_offset = 0, filter_offset = 0, output_offset = 0;
  conv::Requant requant;
  bool wide_accumulator = false;
  std::vector<int16_t> weights16, input16;
  bool weights16_ready = false;
  std::vector<int32_t> acc32;
  std::vector<int64_t> acc64;
};

constexpr int kOutputShape = 0, kWeights = 1, kInput = 2, kBias = 3;

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(3, 4, 1);
  const RuntimeTensor& shape_t = ctx.input(kOutputShape);
  const RuntimeTensor& weights = ctx.input(kWeights);
  const RuntimeTensor& input = ctx.input(kInput);
  const RuntimeTensor* bias = ctx.optional_input(kBias);
  const RuntimeTensor& output = ctx.output(0);
  if (shape_t.dtype != DType::INT32 || shape_t.rank() != 1 || shape_t.NumElements() != 4)
    ctx.Fail("output_shape must be an int32 vector of 4 elements, is {} {}", DTypeName(shape_t.dtype),
             ShapeString(shape_t.shape));
  if (input.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(input.shape));
  if (weights.rank() != 4) ctx.Fail("weights must be 4-D (OHWI), have shape {}", ShapeString(weights.shape));
  if (weights.dim(3) != input.dim(3))
    ctx.Fail("weights have {} input channels, the input has {}", weights.dim(3), input.dim(3));
  conv::RequireOutputTypeOfInput(ctx, input, output);
  const int out_c = weights.dim(0);
  conv::RequireBiasPerChannel(ctx, bias, out_c);
  const auto options = ctx.options_or_default<tflite::TransposeConvOptionsT>();
  auto s = std::make_unique<TransposeConvState>();
  const Activation act = options.fused_activation_function;
  switch (input.dtype) {
    case DType::FLOAT32:
      if (weights.dtype != DType::FLOAT32)
        ctx.Fail("float32 input needs float32 weights, got {} (hybrid TRANSPOSE_CONV is not supported)",
                 DTypeName(weights.dtype));
      conv::RequireBiasTypeIn(ctx, input, bias, {DType::FLOAT32});
      s->kind = Kind::kFloat;
      s->float_range = FloatActivationRange(ctx, act);
      break;
    case DType::UINT8:
      if (weights.dtype != DType::UINT8) ctx.Fail("uint8 input needs uint8 weights, got {}", DTypeName(weights.dtype));
      conv::RequireBiasTypeIn(ctx, input, bias, {DType::INT32});
      conv::RequireQuantized(ctx, input, "input");
      conv::RequireQuantized(ctx, weights, "weights");
      conv::RequireQuantized(ctx, output, "output");
      if (weights.quant()->scale.size() != 1)
        ctx.Fail("per-channel weights need int8 or int16 activations; these uint8 weights have {} scales",
                 weights.quant()->scale.size());
      s->kind = Kind::kUint8;
      s->input_offset = -input.zero_point();
      s->filter_offset = -weights.zero_point();
      s->output_offset = output.zero_point();
      s->requant = conv::SingleRequant(conv::LegacyMultiplier(ctx, input, weights, bias, output));
      s->requant.multiplier.resize(static_cast<size_t>(out_c), s->requant.multiplier[0]);
      s->requant.shift.resize(static_cast<size_t>(out_c), s->requant.shift[0]);
      s->quant_range = QuantActivationRange(ctx, act, output);
      break;
    case DType::INT8:
    case DType::INT16:
      if (weights.dtype != DType::INT8)
        ctx.Fail("{} input needs int8 weights, got {}", DTypeName(input.dtype), DTypeName(weights.dtype));
      conv::RequireQuantized(ctx, input, "input");
      conv::RequireQuantized(ctx, output, "output");
      conv::RequireZeroPoints(ctx, weights, "int8 weights");
      s->requant = conv::PerChannelRequant(ctx, input, weights, output, out_c, 0);
      s->quant_range = QuantActivationRange(ctx, act, output);
      if (input.dtype == DType::INT8) {
        conv::RequireBiasTypeIn(ctx, input, bias, {DType::INT32});
        s->kind = Kind::kInt8;
        s->input_offset = -input.zero_point();
        s->output_offset = output.zero_point();
      } else {
        conv::RequireBiasTypeIn(ctx, input, bias, {DType::INT32, DType::INT64});
        conv::RequireInt16ZeroPoints(ctx, input, output);
        s->kind = Kind::kInt16;
        // Without a bias TFLite takes its int32-accumulator path.
        s->wide_accumulator = bias != nullptr && bias->dtype == DType::INT64;
      }
      break;
    default:
      ctx.Fail("unsupported input type {} (float32, uint8, int8, int16)", DTypeName(input.dtype));
  }
  // The output size is output_shape's values; without them (a non-constant
  // shape while planning) the output stays unsized and Prepare runs again
  // once they are known.
  if (!ctx.values_known(shape_t)) return;
  const int32_t* dims = shape_t.As<int32_t>();
  std::vector<int32_t> out_shape(dims, dims + 4);
  if (out_shape[0] != input.dim(0))
    ctx.Fail("output_shape batch {} differs from the input batch {}", out_shape[0], input.dim(0));
  if (out_shape[3] != out_c)
    ctx.Fail("output_shape has {} channels; the weights have {} output channels", out_shape[3], out_c);
  for (int32_t d : out_shape)
    if (d < 0) ctx.Fail("output_shape {} has a negative dimension", ShapeString(out_shape));
  conv::TransposeGeometry& g = s->geo;
  g.batches = input.dim(0);
  g.in_h = input.dim(1);
  g.in_w = input.dim(2);
  g.in_c = input.dim(3);
  g.out_h = out_shape[1];
  g.out_w = out_shape[2];
  g.out_c = out_c;
  g.filter_h = weights.dim(1);
  g.filter_w = weights.dim(2);
  g.stride_h = options.stride_h;
  g.stride_w = options.stride_w;
  const conv::Window w = conv::TransposeWindow(ctx, options.padding, g.stride_h, g.stride_w, g.out_h, g.out_w,
                                               g.filter_h, g.filter_w);
  g.pad_h = w.pad_height;
  g.pad_w = w.pad_width;
  const size_t n_out = static_cast<size_t>(g.batches) * g.out_h * g.out_w * g.out_c;
  if (s->kind == Kind::kInt16 && s->wide_accumulator) {
    s->acc64.resize(n_out);
  } else if (s->kind != Kind::kFloat) {
    s->acc32.resize(n_out);
  }
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(s);
}

void EvalFloat(KernelContext& ctx, TransposeConvState& s) {
  const RuntimeTensor* bias_t = ctx.optional_input(kBias);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  RuntimeTensor& output = ctx.output(0);
  float* out = output.As<float>();
  const int64_t n = output.NumElements();
  std::fill(out, out + n, 0.0f);
  conv::TransposeConvAccumulate(s.geo, ctx.input(kInput).As<float>(), ctx.input(kWeights).As<float>(), out,
                                conv::DotF);
  for (int64_t i = 0; i < n; i += s.geo.out_c)
    for (int oc = 0; oc < s.geo.out_c; ++oc) out[i + oc] = s.float_range.Apply(out[i + oc] + (bias ? bias[oc] : 0.0f));
}

// Requantizes the accumulators: acc + bias, rescaled per output channel.
template <typename Out, typename Acc, typename Bias>
void Finish(TransposeConvState& s, const Acc* acc, const Bias* bias, Out* out, int64_t n) {
  for (int64_t i = 0; i < n; i += s.geo.out_c)
    for (int oc = 0; oc < s.geo.out_c; ++oc) {
      const Acc v = acc[i + oc] + (bias ? static_cast<Acc>(bias[oc]) : Acc(0));
      out[i + oc] = conv::Requantize<Out>(v, s.requant, oc, s.output_offset, s.quant_range);
    }
}

template <typename T>
void EvalQuantized(KernelContext& ctx, TransposeConvState& s) {
  const RuntimeTensor& input = ctx.input(kInput);
  const RuntimeTensor* bias_t = ctx.optional_input(kBias);
  RuntimeTensor& output = ctx.output(0);
  const int64_t n = output.NumElements();
  conv::Widen(input.As<T>(), input.NumElements(), s.input_offset, &s.input16);
  if (s.kind == Kind::kInt16 && s.wide_accumulator) {
    std::fill(s.acc64.begin(), s.acc64.end(), 0);
    conv::TransposeConvAccumulate(s.geo, s.input16.data(), s.weights16.data(), s.acc64.data(), conv::DotI16Wide);
    Finish(s, s.acc64.data(), bias_t ? bias_t->As<int64_t>() : nullptr, output.As<T>(), n);
    return;
  }
  std::fill(s.acc32.begin(), s.acc32.end(), 0);
  // int32 accumulation wraps like TFLite's; the dot products of int16 inputs
  // and int8 weights are exact in 64 bits, then truncated.
  conv::TransposeConvAccumulate(s.geo, s.input16.data(), s.weights16.data(), s.acc32.data(),
                                [](const int16_t* a, const int16_t* b, int k) {
                                  return static_cast<int32_t>(static_cast<uint64_t>(conv::DotI16Wide(a, b, k)));
                                });
  Finish(s, s.acc32.data(), bias_t ? bias_t->As<int32_t>() : nullptr, output.As<T>(), n);
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<TransposeConvState>();
  const RuntimeTensor& weights = ctx.input(kWeights);
  if (s.kind != Kind::kFloat && (!s.weights16_ready || !weights.is_constant())) {
    // filter_offset is 0 but for uint8 weights.
    conv::WidenFilter(weights, s.filter_offset, &s.weights16);
    s.weights16_ready = true;
  }
  switch (s.kind) {
    case Kind::kFloat: return EvalFloat(ctx, s);
    case Kind::kUint8: return EvalQuantized<uint8_t>(ctx, s);
    case Kind::kInt8: return EvalQuantized<int8_t>(ctx, s);
    case Kind::kInt16: return EvalQuantized<int16_t>(ctx, s);
  }
}

}  // namespace

// The first input is output_shape (int32) whatever the data type.
TFD_REGISTER_KERNEL(TRANSPOSE_CONV, std::nullopt, Prepare, Eval);

}  // namespace tfd
