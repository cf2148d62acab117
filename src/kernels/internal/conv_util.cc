#include "kernels/internal/conv_util.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "graph/dtype.h"


namespace tfd::conv {

int OutputSize(tflite::Padding padding, int in, int filter, int stride, int dilation) {
  const int effective_filter = (filter - 1) * dilation + 1;
  if (stride <= 0) return 0;
  if (padding == tflite::Padding::SAME) return (in + stride - 1) / stride;
  return (in + stride - effective_filter) / stride;
}

namespace {

// TFLite's ComputePaddingWithOffset: half the total padding before, the odd
// one after.
int PaddingBefore(int stride, int dilation, int in, int filter, int out, int* offset) {
  const int effective_filter = (filter - 1) * dilation + 1;
  int total = (out - 1) * stride + effective_filter - in;
  total = std::max(total, 0);
  *offset = total % 2;
  return total / 2;
}

void CheckPadding(const KernelContext& ctx, tflite::Padding padding) {
  if (padding != tflite::Padding::SAME && padding != tflite::Padding::VALID)
    ctx.Fail("unknown padding {}", static_cast<int>(padding));
}

}  // namespace

Window ComputeWindow(const KernelContext& ctx, tflite::Padding padding, int stride_h, int stride_w, int dilation_h,
                     int dilation_w, int in_h, int in_w, int filter_h, int filter_w) {
  CheckPadding(ctx, padding);
  if (stride_h <= 0 || stride_w <= 0) ctx.Fail("strides must be positive, got {}x{} (HxW)", stride_h, stride_w);
  if (dilation_h <= 0 || dilation_w <= 0)
    ctx.Fail("dilation factors must be positive, got {}x{} (HxW)", dilation_h, dilation_w);
  if (filter_h <= 0 || filter_w <= 0) ctx.Fail("filter size must be positive, got {}x{} (HxW)", filter_h, filter_w);
  Window w;
  w.out_height = OutputSize(padding, in_h, filter_h, stride_h, dilation_h);
  w.out_width = OutputSize(padding, in_w, filter_w, stride_w, dilation_w);
  if (w.out_height < 0 || w.out_width < 0)
    ctx.Fail("VALID padding: the {}x{} (HxW) window (dilated) does not fit the {}x{} input",
             (filter_h - 1) * dilation_h + 1, (filter_w - 1) * dilation_w + 1, in_h, in_w);
  w.pad_height = PaddingBefore(stride_h, dilation_h, in_h, filter_h, w.out_height, &w.pad_height_offset);
  w.pad_width = PaddingBefore(stride_w, dilation_w, in_w, filter_w, w.out_width, &w.pad_width_offset);
  return w;
}

Window TransposeWindow(const KernelContext& ctx, tflite::Padding padding, int stride_h, int stride_w, int out_h,
                       int out_w, int filter_h, int filter_w) {
  CheckPadding(ctx, padding);
  if (stride_h <= 0 || stride_w <= 0) ctx.Fail("strides must be positive, got {}x{} (HxW)", stride_h, stride_w);
  // TFLite computes the padding as for a convolution from the (given) output
  // size back to the input, whatever the actual input size is.
  Window w;
  const int in_h = std::max(OutputSize(padding, out_h, filter_h, stride_h, 1), 0);
  const int in_w = std::max(OutputSize(padding, out_w, filter_w, stride_w, 1), 0);
  w.out_height = out_h;
  w.out_width = out_w;
  w.pad_height = PaddingBefore(stride_h, 1, out_h, filter_h, in_h, &w.pad_height_offset);
  w.pad_width = PaddingBefore(stride_w, 1, out_w, filter_w, in_w, &w.pad_width_offset);
  return w;
}

void RequireQuantized(const KernelContext& ctx, const RuntimeTensor& t, const char* what) {
  if (!t.quant() || t.quant()->scale.empty())
    ctx.Fail("{} '{}' ({}) has no quantization parameters", what, t.name(), DTypeName(t.dtype));
}

void RequireZeroPoints(const KernelContext& ctx, const RuntimeTensor& t, const char* what) {
  const Quantization* q = t.quant();
  if (!q) return;
  for (int64_t zp : q->zero_point)
    if (zp != 0) ctx.Fail("{} '{}' must have zero points of 0 (symmetric quantization), has {}", what, t.name(), zp);
}

void RequireInt16ZeroPoints(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& output) {
  if (input.zero_point() != 0 || output.zero_point() != 0)
    ctx.Fail("int16 activations must have zero points of 0 (input {}, output {})", input.zero_point(),
             output.zero_point());
}

void RequireOutputTypeOfInput(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& output) {
  if (output.dtype != input.dtype)
    ctx.Fail("output type {} differs from input type {}", DTypeName(output.dtype), DTypeName(input.dtype));
}

void RequireBiasPerChannel(const KernelContext& ctx, const RuntimeTensor* bias, int channels) {
  if (bias != nullptr && bias->NumElements() != channels)
    ctx.Fail("bias has {} elements; expected {} (one per output channel)", bias->NumElements(), channels);
}

void RequireBiasType(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor* bias, DType want) {
  if (bias != nullptr && bias->dtype != want)
    ctx.Fail("{} input needs a {} bias, got {}", DTypeName(input.dtype), DTypeName(want), DTypeName(bias->dtype));
}

void RequireBiasTypeIn(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor* bias,
                       std::initializer_list<DType> allowed) {
  if (bias == nullptr) return;
  for (DType d : allowed)
    if (bias->dtype == d) return;
  ctx.Fail("{} input cannot take a {} bias", DTypeName(input.dtype), DTypeName(bias->dtype));
}

std::vector<float> FilterScales(const KernelContext& ctx, const RuntimeTensor& filter, int channels,
                                int channel_axis, const char* what) {
  RequireQuantized(ctx, filter, what);
  const Quantization& q = *filter.quant();
  if (q.scale.size() == 1) return std::vector<float>(static_cast<size_t>(channels), q.scale[0]);
  if (static_cast<int>(q.scale.size()) != channels)
    ctx.Fail("{} has {} per-channel scales; expected 1 or {} (one per output channel)", what, q.scale.size(),
             channels);
  if (q.axis < 0 || q.axis >= filter.rank() || filter.dim(q.axis) != channels)
    ctx.Fail("{} is quantized along dimension {} of shape {}; expected dimension {} with {} channels", what, q.axis,
             ShapeString(filter.shape), channel_axis, channels);
  return q.scale;
}

Requant PerChannelRequant(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& filter,
                          const RuntimeTensor& output, int channels, int channel_axis) {
  const std::vector<float> scales = FilterScales(ctx, filter, channels, channel_axis);
  Requant r;
  r.multiplier.resize(static_cast<size_t>(channels));
  r.shift.resize(static_cast<size_t>(channels));
  const double input_scale = input.scale();
  const double output_scale = output.scale();
  for (size_t c = 0; c < scales.size(); ++c) {
    const double effective = input_scale * static_cast<double>(scales[c]) / output_scale;
    qmath::QuantizeMultiplier(effective, &r.multiplier[c], &r.shift[c]);
  }
  return r;
}

double LegacyMultiplier(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& filter,
                        const RuntimeTensor* bias, const RuntimeTensor& output) {
  // The product is taken in float, as TFLite does.
  const double input_product_scale = static_cast<double>(input.scale() * filter.scale());
  if (bias != nullptr) {
    const double bias_scale = bias->scale();
    const double output_scale = output.scale();
    if (std::abs(input_product_scale - bias_scale) / output_scale > 0.02)
      ctx.Fail("bias scale {} must equal input scale * weight scale ({}), as TFLite requires", bias_scale,
               input_product_scale);
  }
  return input_product_scale / static_cast<double>(output.scale());
}

Requant SingleRequant(double real_multiplier) {
  Requant r;
  r.multiplier.resize(1);
  r.shift.resize(1);
  qmath::QuantizeMultiplier(real_multiplier, &r.multiplier[0], &r.shift[0]);
  return r;
}

void SymmetricQuantize(const float* values, int n, int8_t* quantized, float* scale) {
  constexpr int32_t kScale = 127;
  if (n <= 0) {
    *scale = 1;
    return;
  }
  const auto minmax = std::minmax_element(values, values + n);
  const float range = std::max(std::abs(*minmax.first), std::abs(*minmax.second));
  if (range == 0) {
    std::memset(quantized, 0, static_cast<size_t>(n));
    *scale = 1;
    return;
  }
  *scale = range / kScale;
  const float inverse = kScale / range;
  for (int i = 0; i < n; ++i) {
    const int32_t q = qmath::RoundToInt32(values[i] * inverse);
    quantized[i] = static_cast<int8_t>(std::min(kScale, std::max(-kScale, q)));
  }
}

void AsymmetricQuantize(const float* values, int n, int8_t* quantized, float* scale, int32_t* zero_point) {
  constexpr int32_t kMin = -128, kMax = 127;
  const double qmin = kMin, qmax = kMax;
  if (n <= 0) {
    *scale = 1;
    *zero_point = 0;
    return;
  }
  const auto minmax = std::minmax_element(values, values + n);
  const double rmin = std::min(0.0f, *minmax.first);
  const double rmax = std::max(0.0f, *minmax.second);
  if (rmin == rmax) {
    std::memset(quantized, 0, static_cast<size_t>(n));
    *scale = 1;
    *zero_point = 0;
    return;
  }
  const double s = (rmax - rmin) / (qmax - qmin);
  const double zero_point_from_min = qmin - rmin / s;
  const double zero_point_from_max = qmax - rmax / s;
  const double zero_point_from_min_error = std::abs(qmin) + std::abs(rmin / s);
  const double zero_point_from_max_error = std::abs(qmax) + std::abs(rmax / s);
  const double zp = zero_point_from_min_error < zero_point_from_max_error ? zero_point_from_min : zero_point_from_max;
  int32_t nudged;
  if (zp <= qmin) {
    nudged = kMin;
  } else if (zp >= qmax) {
    nudged = kMax;
  } else {
    nudged = static_cast<int8_t>(std::round(zp));
  }
  *scale = static_cast<float>(s);
  *zero_point = nudged;
  const float inverse = 1.0f / *scale;
  for (int i = 0; i < n; ++i) {
    const int32_t q = qmath::RoundToInt32(static_cast<float>(nudged) + values[i] * inverse);
    quantized[i] = static_cast<int8_t>(std::min(kMax, std::max(kMin, q)));
  }
}

void WidenFilter(const RuntimeTensor& filter, int32_t offset, std::vector<int16_t>* out) {
  if (filter.dtype == DType::UINT8) {
    Widen(filter.As<uint8_t>(), filter.NumElements(), offset, out);
  } else {
    Widen(filter.As<int8_t>(), filter.NumElements(), offset, out);
  }
}

TFD_VECTORIZE int32_t DotI16(const int16_t* a, const int16_t* b, int n) {
  int32_t acc = 0;
  for (int i = 0; i < n; ++i) acc += static_cast<int32_t>(a[i]) * b[i];
  return acc;
}

TFD_VECTORIZE int64_t DotI16Wide(const int16_t* a, const int16_t* b, int n) {
  int64_t acc = 0;
  for (int i = 0; i < n; ++i) acc += static_cast<int64_t>(static_cast<int32_t>(a[i]) * b[i]);
  return acc;
}

TFD_VECTORIZE int32_t DotI8(const int8_t* a, const int8_t* b, int n) {
  int32_t acc = 0;
  for (int i = 0; i < n; ++i) acc += static_cast<int32_t>(a[i]) * b[i];
  return acc;
}

float DotF(const float* a, const float* b, int n) {
  float acc = 0.0f;
  for (int i = 0; i < n; ++i) acc += a[i] * b[i];
  return acc;
}

TFD_VECTORIZE void MulAccF(float* acc, const float* a, const float* b, int n) {
  for (int i = 0; i < n; ++i) acc[i] += a[i] * b[i];
}

TFD_VECTORIZE void MulAccI16(int32_t* acc, const int16_t* a, const int16_t* b, int n) {
  for (int i = 0; i < n; ++i) acc[i] += static_cast<int32_t>(a[i]) * b[i];
}

TFD_VECTORIZE void MulAccI16Wide(int64_t* acc, const int16_t* a, const int16_t* b, int n) {
  for (int i = 0; i < n; ++i) acc[i] += static_cast<int64_t>(static_cast<int32_t>(a[i]) * b[i]);
}

void ReadInputSizes(const RuntimeTensor& input, Conv2DState& s) {
  s.batches = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.in_c = input.dim(3);
}

void PrepareUint8(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& filter,
                  const RuntimeTensor* bias, const RuntimeTensor& output, Activation act, Conv2DState& s) {
  if (filter.dtype != DType::UINT8) ctx.Fail("uint8 input needs a uint8 filter, got {}", DTypeName(filter.dtype));
  RequireBiasType(ctx, input, bias, DType::INT32);
  RequireQuantized(ctx, input, "input");
  RequireQuantized(ctx, output, "output");
  RequireQuantized(ctx, filter, "filter");
  if (filter.quant()->scale.size() != 1)
    ctx.Fail("per-channel quantization needs int8 or int16 activations; this uint8 filter has {} scales",
             filter.quant()->scale.size());
  s.input_offset = -input.zero_point();
  s.filter_offset = -filter.zero_point();
  s.output_offset = output.zero_point();
  s.requant = SingleRequant(LegacyMultiplier(ctx, input, filter, bias, output));
  s.requant.multiplier.resize(static_cast<size_t>(s.out_c), s.requant.multiplier[0]);
  s.requant.shift.resize(static_cast<size_t>(s.out_c), s.requant.shift[0]);
  s.quant_range = QuantActivationRange(ctx, act, output);
}

void PrepareHybridInput(const RuntimeTensor& input, Conv2DState& s) {
  s.quantized_input.resize(static_cast<size_t>(input.NumElements()));
  s.batch_scales.resize(static_cast<size_t>(s.batches));
  s.batch_zero_points.resize(static_cast<size_t>(s.batches));
}

void QuantizeHybridInput(const RuntimeTensor& input_t, bool symmetric, Conv2DState& s) {
  const float* input = input_t.As<float>();
  const int batch_size = static_cast<int>(input_t.NumElements() / std::max(s.batches, 1));
  for (int b = 0; b < s.batches; ++b) {
    const int64_t offset = static_cast<int64_t>(b) * batch_size;
    if (symmetric) {
      SymmetricQuantize(input + offset, batch_size, s.quantized_input.data() + offset, &s.batch_scales[b]);
      s.batch_zero_points[b] = 0;
      s.batch_scales[b] *= s.channel_scales[0];
    } else {
      AsymmetricQuantize(input + offset, batch_size, s.quantized_input.data() + offset, &s.batch_scales[b],
                         &s.batch_zero_points[b]);
    }
  }
}

void UpdateFilter16(const RuntimeTensor& filter, Conv2DState& s) {
  if (s.filter16_ready && filter.is_constant()) return;
  WidenFilter(filter, s.filter_offset, &s.filter16);
  s.filter16_ready = true;
}

void PrepareXnnpack(const KernelContext& ctx, Activation act, bool is_float, Conv2DState& s) {
  if (is_float) {
    s.xnn_float = true;
    xnn::F32ActivationClamp(act, &s.xnn_clamp);
    return;
  }
  const RuntimeTensor& output = ctx.output(0);
  s.xnn_scale = xnn::RequantScales(ctx.input(0), ctx.input(1), output, s.out_c);
  s.quant_range = xnn::ActivationRange(ctx, act, output);
}

}  // namespace tfd::conv
