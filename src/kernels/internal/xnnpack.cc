#include "kernels/internal/xnnpack.h"

#include "kernels/internal/xnnpack_f32.h"

#include <cstring>
#include <limits>

namespace tfd::xnn {

QuantRange ActivationRange(const KernelContext& ctx, Activation act, const RuntimeTensor& output) {
  const float inf = std::numeric_limits<float>::infinity();
  float lo = -inf, hi = inf;
  switch (act) {
    case Activation::NONE: break;
    case Activation::RELU: lo = 0.0f; break;
    case Activation::RELU6: lo = 0.0f; hi = 6.0f; break;
    case Activation::RELU_N1_TO_1: lo = -1.0f; hi = 1.0f; break;
    default: ctx.Fail("unsupported fused activation {}", tflite::EnumNameActivationFunctionType(act));
  }
  const bool is_signed = output.dtype == DType::INT8;
  const float qmin = is_signed ? -128.0f : 0.0f, qmax = is_signed ? 127.0f : 255.0f;
  const float scale = output.scale();
  const float zero_point = static_cast<float>(output.zero_point());
  auto quantize = [&](float v) {
    const float q = std::min(std::max(v / scale + zero_point, qmin), qmax);
    return static_cast<int32_t>(std::nearbyint(q));
  };
  return {quantize(lo), quantize(hi)};
}

namespace {

AddParams PrepareAddRatios(const KernelContext& ctx, const RuntimeTensor& a, const RuntimeTensor& b,
                           const RuntimeTensor& output, Activation act, float a_ratio, float b_ratio) {
  const float max_ratio = std::max(std::fabs(a_ratio), std::fabs(b_ratio));
  // The delegate refuses ratios outside [2^-10, 2^8), so the exponent is in
  // [-10, 7] and the shift in [13, 30].
  if (!(max_ratio >= 0x1.0p-10f && max_ratio < 0x1.0p+8f))
    ctx.Fail("input-to-output scale ratio {} is outside XNNPACK's range", max_ratio);
  uint32_t bits;
  std::memcpy(&bits, &max_ratio, sizeof bits);
  const int exponent = static_cast<int>(bits >> 23) - 127;
  AddParams p;
  p.shift = static_cast<uint32_t>(20 - exponent);
  // The larger ratio becomes a 21-bit multiplier in [2^20, 2^21).
  auto multiplier = [&](float ratio) {
    const float scaled = std::ldexp(std::fabs(ratio), static_cast<int>(p.shift));
    const int32_t m = static_cast<int32_t>(std::nearbyint(scaled));
    return std::signbit(ratio) ? -m : m;
  };
  p.a_multiplier = multiplier(a_ratio);
  p.b_multiplier = multiplier(b_ratio);
  p.bias = (INT32_C(1) << (p.shift - 1)) - p.a_multiplier * a.zero_point() - p.b_multiplier * b.zero_point();
  p.output_zero_point = output.zero_point();
  p.range = ActivationRange(ctx, act, output);
  return p;
}

}  // namespace

AddParams PrepareAdd(const KernelContext& ctx, const RuntimeTensor& a, const RuntimeTensor& b,
                     const RuntimeTensor& output, Activation act) {
  return PrepareAddRatios(ctx, a, b, output, act, a.scale() / output.scale(), b.scale() / output.scale());
}

AddParams PrepareSubtract(const KernelContext& ctx, const RuntimeTensor& a, const RuntimeTensor& b,
                          const RuntimeTensor& output, Activation act) {
  return PrepareAddRatios(ctx, a, b, output, act, a.scale() / output.scale(), -(b.scale() / output.scale()));
}

std::vector<int32_t> SigmoidTable(float input_scale, int32_t input_zero_point, float output_scale,
                                  int32_t output_zero_point, DType dtype) {
  const QuantRange range = TypeRange(dtype);
  const float inv_output_scale = 1.0f / output_scale;
  std::vector<int32_t> table;
  for (int32_t i = range.min; i <= range.max; ++i) {
    const float x = input_scale * static_cast<float>(i - input_zero_point);
    // sigmoid(x) / output scale, from the side where exp does not overflow.
    const float scaled = x < 0.0f ? inv_output_scale / (1.0f + std::exp(-x))
                                  : inv_output_scale - inv_output_scale / (1.0f + std::exp(x));
    float y = std::nearbyint(scaled) + static_cast<float>(output_zero_point);
    y = std::min(std::max(y, static_cast<float>(range.min)), static_cast<float>(range.max));
    table.push_back(static_cast<int32_t>(y));
  }
  return table;
}

bool Quantized8(const RuntimeTensor& t, DType dtype, int channel_axis) {
  if (t.dtype != dtype) return false;
  const Quantization* q = t.quant();
  if (q == nullptr || q->zero_point.size() != q->scale.size()) return false;
  if (q->scale.size() == 1) return q->axis == 0 || channel_axis >= 0;
  if (dtype != DType::INT8 || channel_axis < 0 || q->axis != channel_axis) return false;
  if (t.rank() <= channel_axis || static_cast<int64_t>(q->scale.size()) != t.dim(channel_axis)) return false;
  for (int64_t z : q->zero_point)
    if (z != 0) return false;
  return true;
}

bool StaticBias(const RuntimeTensor* bias, bool per_channel_allowed) {
  if (bias == nullptr || !bias->is_constant() || bias->dtype != DType::INT32 || bias->rank() != 1) return false;
  const Quantization* q = bias->quant();
  if (q == nullptr || q->axis != 0) return false;
  return per_channel_allowed || q->scale.size() == 1;
}

bool ActivationSupported(Activation act) {
  return act == Activation::NONE || act == Activation::RELU || act == Activation::RELU6 ||
         act == Activation::RELU_N1_TO_1;
}

bool AcceptsAddOrSub8(const KernelContext& ctx, Activation act) {
  if (ctx.inputs.size() != 2 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* a = ctx.inputs[0];
  const RuntimeTensor* b = ctx.inputs[1];
  const RuntimeTensor* out = ctx.outputs[0];
  if (a == nullptr || b == nullptr || out == nullptr) return false;
  const DType t = out->dtype;
  if (t != DType::UINT8 && t != DType::INT8) return false;
  if (!PerTensor8(*a, t) || !PerTensor8(*b, t) || !PerTensor8(*out, t)) return false;
  for (const RuntimeTensor* in : {a, b}) {
    const float ratio = in->scale() / out->scale();
    if (!(ratio >= 1.0f / 1024.0f && ratio < 256.0f)) return false;
  }
  return ActivationSupported(act);
}

bool AcceptsConvolution(const KernelContext& ctx, const ConvolutionParams& p) {
  if (ctx.inputs.size() != 3 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* input = ctx.inputs[0];
  const RuntimeTensor* filter = ctx.inputs[1];
  const RuntimeTensor* bias = ctx.inputs[2];
  const RuntimeTensor* output = ctx.outputs[0];
  if (input == nullptr || filter == nullptr || output == nullptr) return false;
  if (input->rank() != 4 || filter->rank() != 4 || output->rank() != 4) return false;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.dilation_h <= 0 || p.dilation_w <= 0) return false;
  const DType t = input->dtype;
  if (t == DType::FLOAT32) {
    if (output->dtype != t || !StaticF32(ctx, filter) || !StaticF32(ctx, bias) || bias->rank() != 1) return false;
    F32Clamp clamp;
    return F32ActivationClamp(p.activation, &clamp);
  }
  if (t != DType::UINT8 && t != DType::INT8) return false;
  if (!filter->is_constant() || !PerTensor8(*input, t) || !PerTensor8(*output, t)) return false;
  if (!Quantized8(*filter, t, t == DType::INT8 ? p.filter_channel_axis : -1)) return false;
  if (!StaticBias(bias, /*per_channel_allowed=*/true)) return false;
  return ActivationSupported(p.activation);
}

std::vector<float> RequantScales(const RuntimeTensor& input, const RuntimeTensor& filter,
                                 const RuntimeTensor& output, int channels) {
  const std::vector<float>& filter_scales = filter.quant()->scale;
  std::vector<float> scales(static_cast<size_t>(channels));
  for (size_t c = 0; c < scales.size(); ++c)
    scales[c] = RequantScale(input.scale(), filter_scales[filter_scales.size() == 1 ? 0 : c], output.scale());
  return scales;
}

}  // namespace tfd::xnn
