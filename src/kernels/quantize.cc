// QUANTIZE: float -> int8/uint8/int16 (per-tensor, or per-channel along the
// output's quantized dimension), and requantization between integer types
// with a new scale and zero point: int8/uint8 -> int8/uint8, int16 ->
// int8/int16/int32, int32 -> int8/int16 (the pairs TFLite supports).
//   Per-tensor float: round(x / scale) with the division in double and ties
//     away from zero, plus the zero point, saturated (TFLite's builtin kernel).
//   Per-channel float: the same with float division (TFLite's reference
//     PerChannelQuantize, which its builtin kernel calls).
//   Requantize: (q - zp_in) * (scale_in / scale_out) with TFLite's fixed-point
//     multiplier, plus zp_out, saturated.
//
// xnnpack flavor (float32 -> int8/uint8, int8 -> int8, uint8 -> uint8): the
// nodes TFLite's XNNPACK delegate takes, computed as XNNPACK's CONVERT
// (kernels/internal/xnnpack.h): x * (1 / scale) rounded half to even; or
// (q - zp_in) * round(256 * ratio), rounded half up, in 1/256 steps.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/xnnpack.h"

namespace tfd {
namespace {

struct QuantizeState : KernelState {
  // float input
  bool per_channel = false;
  float scale = 0.0f;
  int32_t zero_point = 0;
  std::vector<float> scales;        // per channel
  std::vector<int32_t> zero_points;  // per channel
  int64_t outer = 1, channels = 1, inner = 1;
  // integer input
  act::Rescale rescale;
  int32_t input_zero_point = 0;
  // xnnpack flavor
  bool xnn = false;
  float xnn_inv_scale = 0;     // float input: 1 / output scale
  int32_t xnn_multiplier = 0;  // 8-bit input: round(256 * in / out)
};

bool RequantizePairSupported(DType in, DType out) {
  switch (in) {
    case DType::INT8:
    case DType::UINT8: return out == DType::INT8 || out == DType::UINT8;
    case DType::INT16: return out == DType::INT8 || out == DType::INT16 || out == DType::INT32;
    case DType::INT32: return out == DType::INT8 || out == DType::INT16;
    default: return false;
  }
}

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  const Quantization* q = out.quant();
  if (!q) ctx.Fail("output tensor '{}' has no affine quantization", out.name());
  auto state = std::make_unique<QuantizeState>();
  if (in.dtype == DType::FLOAT32) {
    if (out.dtype != DType::INT8 && out.dtype != DType::UINT8 && out.dtype != DType::INT16)
      ctx.Fail("float32 can be quantized to int8, uint8 or int16, not {}", DTypeName(out.dtype));
    if (q->IsPerChannel()) {
      const int axis = q->axis;
      if (axis < 0 || axis >= out.rank()) ctx.Fail("quantized dimension {} out of range for rank {}", axis, out.rank());
      if (static_cast<int64_t>(q->scale.size()) != out.dim(axis))
        ctx.Fail("{} scales for dimension {} of size {}", q->scale.size(), axis, out.dim(axis));
      state->per_channel = true;
      state->scales = q->scale;
      state->zero_points.assign(q->scale.size(), 0);
      for (size_t i = 0; i < q->zero_point.size() && i < q->scale.size(); ++i)
        state->zero_points[i] = static_cast<int32_t>(q->zero_point[i]);
      state->channels = out.dim(axis);
      for (int d = 0; d < axis; ++d) state->outer *= out.dim(d);
      for (int d = axis + 1; d < out.rank(); ++d) state->inner *= out.dim(d);
    } else {
      act::RequirePerTensorQuant(ctx, out, "output");
      state->scale = out.scale();
      state->zero_point = out.zero_point();
    }
  } else {
    if (!RequantizePairSupported(in.dtype, out.dtype))
      ctx.Fail("requantizing {} to {} is not supported", DTypeName(in.dtype), DTypeName(out.dtype));
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (in.dtype == DType::INT16 && out.dtype == DType::INT16 && (in.zero_point() != 0 || out.zero_point() != 0))
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    state->rescale = act::MakeRescale(static_cast<double>(in.scale()) / static_cast<double>(out.scale()));
    state->input_zero_point = in.zero_point();
    state->zero_point = out.zero_point();
  }
  ctx.state = std::move(state);
}

// Saturating conversion of an already rounded value (NaN goes to the
// minimum, as TFLite's int conversion does on x86).
template <typename T>
T SaturateRounded(double v) {
  constexpr double kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  if (!(v >= kMin)) return std::numeric_limits<T>::min();
  if (v > kMax) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

template <typename T>
void EvalFromFloat(KernelContext& ctx, const QuantizeState& s) {
  const float* x = ctx.input(0).As<float>();
  T* y = ctx.output(0).As<T>();
  if (!s.per_channel) {
    const double scale = s.scale;
    const int64_t n = ctx.output(0).NumElements();
    for (int64_t i = 0; i < n; ++i) y[i] = SaturateRounded<T>(std::round(static_cast<double>(x[i]) / scale) + s.zero_point);
    return;
  }
  int64_t i = 0;
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t c = 0; c < s.channels; ++c) {
      const float scale = s.scales[static_cast<size_t>(c)];
      const double zp = s.zero_points[static_cast<size_t>(c)];
      for (int64_t k = 0; k < s.inner; ++k, ++i) y[i] = SaturateRounded<T>(static_cast<double>(std::round(x[i] / scale)) + zp);
    }
  }
}

template <typename In, typename Out>
void EvalRequantize(KernelContext& ctx, const QuantizeState& s) {
  const In* x = ctx.input(0).As<In>();
  Out* y = ctx.output(0).As<Out>();
  const act::IntRange range = act::QuantizedRange(ctx.output(0).dtype);
  const int64_t n = ctx.output(0).NumElements();
  for (int64_t i = 0; i < n; ++i) {
    // int32 inputs may wrap when the zero point is subtracted, as in TFLite.
    const int32_t centered = static_cast<int32_t>(static_cast<uint32_t>(x[i]) - static_cast<uint32_t>(s.input_zero_point));
    const int32_t v = s.rescale.Apply(centered) + s.zero_point;
    y[i] = static_cast<Out>(std::min(std::max(v, range.min), range.max));
  }
}

template <typename In>
void EvalRequantizeFrom(KernelContext& ctx, const QuantizeState& s) {
  switch (ctx.output(0).dtype) {
    case DType::INT8: return EvalRequantize<In, int8_t>(ctx, s);
    case DType::UINT8: return EvalRequantize<In, uint8_t>(ctx, s);
    case DType::INT16: return EvalRequantize<In, int16_t>(ctx, s);
    case DType::INT32: return EvalRequantize<In, int32_t>(ctx, s);
    default: ctx.Fail("unsupported output type {}", DTypeName(ctx.output(0).dtype));
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<QuantizeState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32:
      switch (ctx.output(0).dtype) {
        case DType::INT8: return EvalFromFloat<int8_t>(ctx, s);
        case DType::UINT8: return EvalFromFloat<uint8_t>(ctx, s);
        case DType::INT16: return EvalFromFloat<int16_t>(ctx, s);
        default: ctx.Fail("unsupported output type {}", DTypeName(ctx.output(0).dtype));
      }
    case DType::INT8: return EvalRequantizeFrom<int8_t>(ctx, s);
    case DType::UINT8: return EvalRequantizeFrom<uint8_t>(ctx, s);
    case DType::INT16: return EvalRequantizeFrom<int16_t>(ctx, s);
    case DType::INT32: return EvalRequantizeFrom<int32_t>(ctx, s);
    default: ctx.Fail("unsupported input type {}", DTypeName(ctx.input(0).dtype));
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitQuantizeNode: float32 to int8 or uint8, or int8 to
// int8 / uint8 to uint8 with an input-to-output scale ratio in [2^-8, 2^7]
// (XNNPACK's CONVERT); per-tensor quantization.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 1 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* in = ctx.inputs[0];
  const RuntimeTensor* out = ctx.outputs[0];
  if (in == nullptr || out == nullptr) return false;
  const DType t = out->dtype;
  if ((t != DType::INT8 && t != DType::UINT8) || !xnn::PerTensor8(*out, t)) return false;
  if (in->dtype == DType::FLOAT32) return in->quant() == nullptr || in->quant()->scale.empty();
  if (in->dtype != t || !xnn::PerTensor8(*in, t)) return false;
  const float ratio = in->scale() / out->scale();
  return ratio >= 0x1.0p-8f && ratio <= 0x1.0p+7f;
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<QuantizeState>();
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  s.xnn = true;
  if (in.dtype == DType::FLOAT32) s.xnn_inv_scale = 1.0f / out.scale();
  else s.xnn_multiplier = xnn::Multiplier256(in.scale() / out.scale());
}

template <typename T>
void EvalXnnpackTyped(KernelContext& ctx, const QuantizeState& s) {
  const RuntimeTensor& in = ctx.input(0);
  T* y = ctx.output(0).As<T>();
  const QuantRange range = xnn::TypeRange(ctx.output(0).dtype);
  const int64_t n = ctx.output(0).NumElements();
  if (in.dtype == DType::FLOAT32) {
    const float* x = in.As<float>();
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(xnn::QuantizeF32(x[i], s.xnn_inv_scale, s.zero_point, range));
    return;
  }
  const T* x = in.As<T>();
  for (int64_t i = 0; i < n; ++i)
    y[i] = static_cast<T>(xnn::Rescale256(x[i] - s.input_zero_point, s.xnn_multiplier, s.zero_point, range));
}

void EvalXnnpack(KernelContext& ctx) {
  const auto& s = ctx.state_as<QuantizeState>();
  if (ctx.output(0).dtype == DType::INT8) return EvalXnnpackTyped<int8_t>(ctx, s);
  EvalXnnpackTyped<uint8_t>(ctx, s);
}

}  // namespace

TFD_REGISTER_KERNEL(QUANTIZE, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(QUANTIZE, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(QUANTIZE, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(QUANTIZE, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(QUANTIZE, DType::INT32, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(QUANTIZE, DType::FLOAT32, XnnpackAccepts, XnnpackPrepare, EvalXnnpack);
TFD_REGISTER_XNNPACK_KERNEL(QUANTIZE, DType::INT8, XnnpackAccepts, XnnpackPrepare, EvalXnnpack);
TFD_REGISTER_XNNPACK_KERNEL(QUANTIZE, DType::UINT8, XnnpackAccepts, XnnpackPrepare, EvalXnnpack);

}  // namespace tfd
