// MEAN over the axes in input 1 (int32/int64; negative and duplicate axes
// allowed; may be computed at run time), keep_dims as in the options.
// float32: sum in input order, then divide. int32/int64: integer sum and
// truncating division. Quantized types follow the kernels the TFLite runtime
// registers by default (Register_MEAN's optimized variant; checked against
// the oracle with its XNNPACK delegate kept out of the way):
//  - int8/uint8, keep_dims, 4-D input, axes exactly {1, 2} (as written, not
//    after wrapping negative axes): the optimized 4-D kernels - raw sum times
//    a multiplier for in/(count*out) scale (computed in float), plus
//    out_zp - round(in_zp*in/out);
//  - otherwise, same scale and zero point: raw sum / count, truncating;
//  - otherwise QuantizedMeanOrSum's float rescale,
//    round(sum/count * in/out - in_zp * in/out) + out_zp, clamped
//    (int16 4-D means included: the optimized kernel has no int16 4-D path).
// An empty input gives NaN (float) or 0.
//
// xnnpack flavor (int8, uint8): the nodes TFLite's XNNPACK delegate takes (a
// mean over height and width, or width, of a 4-D input: global average
// pooling), with
// XNNPACK's arithmetic: the exact int32 sum of the centered inputs, times
// in_scale / (out_scale * count) in float, rounded half to even.
// float32: XNNPACK's global average pooling: its summation tree
// (kernels/internal/xnnpack_f32.h) times 1.0f / count.
#include <cmath>
#include <limits>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/quant_math.h"
#include "kernels/internal/shape_reduce.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/xnnpack_f32.h"

namespace tfd {
namespace {

enum class QuantPath { kNone, kFourDim, kSameScale, kRescale };

struct MeanState : KernelState {
  shape::ReduceLayout layout;
  QuantPath path = QuantPath::kNone;
  int32_t multiplier = 0;
  int shift = 0;
  int32_t bias = 0;  // 8-bit 4-D kernels: output zero point minus the rescaled input one
  bool xnn = false;   // xnnpack flavor
  float xnn_scale = 0;
};

bool IsSpatialMean(const RuntimeTensor& in, const RuntimeTensor& axis, bool keep_dims) {
  if (!keep_dims || in.rank() != 4 || axis.NumElements() != 2) return false;
  int64_t a0, a1;
  if (axis.dtype == DType::INT32) {
    a0 = axis.As<int32_t>()[0];
    a1 = axis.As<int32_t>()[1];
  } else {
    a0 = axis.As<int64_t>()[0];
    a1 = axis.As<int64_t>()[1];
  }
  return (a0 == 1 && a1 == 2) || (a0 == 2 && a1 == 1);
}

void Prepare(KernelContext& ctx) {
  shape::CheckReduceInputs(ctx, "MEAN input and output");
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& axis = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  const bool quantized = in.dtype == DType::INT8 || in.dtype == DType::UINT8 || in.dtype == DType::INT16;
  if (quantized && (!in.quant() || !out.quant())) ctx.Fail("quantized MEAN needs quantization parameters on input and output");
  if (in.dtype == DType::INT16 && (in.zero_point() != 0 || out.zero_point() != 0))
    ctx.Fail("int16 MEAN needs zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
  if (!ctx.values_known(axis)) return;  // sized while running
  const bool keep_dims = ctx.options_or_default<tflite::ReducerOptionsT>().keep_dims;
  auto state = std::make_unique<MeanState>();
  state->layout = shape::MakeReduceLayout(ctx, in.shape, axis, keep_dims);
  if (quantized) {
    if (in.dtype != DType::INT16 && IsSpatialMean(in, axis, keep_dims)) {
      state->path = QuantPath::kFourDim;
      // The optimized 8-bit kernels fold the count into the multiplier, in float.
      const float count = static_cast<float>(in.dim(1) * in.dim(2));
      qmath::QuantizeMultiplier(static_cast<double>(in.scale() / (count * out.scale())), &state->multiplier, &state->shift);
      float zp_shift = static_cast<float>(in.zero_point()) * in.scale() / out.scale();
      zp_shift = zp_shift > 0 ? zp_shift + 0.5f : zp_shift - 0.5f;
      state->bias = out.zero_point() - static_cast<int32_t>(zp_shift);
    } else if (shape::SameQuantization(in, out)) {
      state->path = QuantPath::kSameScale;
    } else {
      state->path = QuantPath::kRescale;
    }
  }
  ctx.ResizeOutput(0, state->layout.output_shape);
  ctx.state = std::move(state);
}

template <typename T, typename Acc>
std::vector<Acc> Sums(const RuntimeTensor& in, const shape::ReduceLayout& layout) {
  std::vector<Acc> sums(static_cast<size_t>(layout.output_count), Acc(0));
  const T* src = in.As<T>();
  shape::ForEachReduced(in.shape, layout, [&](int64_t i, int64_t o) {
    // Wrapping like TFLite's integer accumulators.
    if constexpr (std::is_integral_v<Acc>) {
      using U = std::make_unsigned_t<Acc>;
      sums[static_cast<size_t>(o)] = static_cast<Acc>(static_cast<U>(sums[static_cast<size_t>(o)]) + static_cast<U>(src[i]));
    } else {
      sums[static_cast<size_t>(o)] += src[i];
    }
  });
  return sums;
}

// The xnnpack flavor's float mean of a 4-D NHWC input over {1, 2} or {2}:
// for each (batch[, row]) and channel, the rows reduced are the spatial
// positions in order, `channels` apart.
void EvalFloatXnnpack(const RuntimeTensor& in, RuntimeTensor& out, const MeanState& s) {
  const int64_t channels = in.dim(3);
  const int64_t rows = s.layout.reduced_count;
  const int64_t groups = in.NumElements() / (rows * channels);
  const float scale = 1.0f / static_cast<float>(rows);
  const float* x = in.As<float>();
  float* y = out.As<float>();
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t c = 0; c < channels; ++c)
      y[g * channels + c] = xnn::GlobalSumF32(x + g * rows * channels + c, rows, channels) * scale;
}

void EvalFloat(const RuntimeTensor& in, RuntimeTensor& out, const MeanState& s) {
  if (s.xnn) return EvalFloatXnnpack(in, out, s);
  const std::vector<float> sums = Sums<float, float>(in, s.layout);
  const float count = static_cast<float>(s.layout.reduced_count);
  for (size_t o = 0; o < sums.size(); ++o) out.As<float>()[o] = sums[o] / count;
}

template <typename T>
void EvalInteger(const RuntimeTensor& in, RuntimeTensor& out, const MeanState& s) {
  const std::vector<int64_t> sums = Sums<T, int64_t>(in, s.layout);
  for (size_t o = 0; o < sums.size(); ++o) out.As<T>()[o] = static_cast<T>(sums[o] / s.layout.reduced_count);
}

template <typename T>
void EvalQuantized(const RuntimeTensor& in, RuntimeTensor& out, const MeanState& s) {
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  const int32_t in_zp = in.zero_point(), out_zp = out.zero_point();
  const int32_t count = static_cast<int32_t>(s.layout.reduced_count);
  T* dst = out.As<T>();
  const std::vector<int32_t> sums = Sums<T, int32_t>(in, s.layout);
  if (s.xnn) {
    const QuantRange range = xnn::TypeRange(out.dtype);
    for (size_t o = 0; o < sums.size(); ++o)
      dst[o] = static_cast<T>(xnn::Requantize(sums[o] - count * in_zp, s.xnn_scale, out_zp, range.min, range.max));
    return;
  }
  switch (s.path) {
    case QuantPath::kFourDim:
      if constexpr (!std::is_same_v<T, int16_t>) {
        for (size_t o = 0; o < sums.size(); ++o)
          dst[o] = qmath::Clamp<T>(qmath::MultiplyByQuantizedMultiplier(sums[o], s.multiplier, s.shift) + s.bias, kMin, kMax);
      }
      break;
    case QuantPath::kSameScale:
      for (size_t o = 0; o < sums.size(); ++o) dst[o] = static_cast<T>(sums[o] / count);
      break;
    default: {
      const float scale = in.scale() / out.scale();
      const float bias = static_cast<float>(-in_zp) * scale;
      for (size_t o = 0; o < sums.size(); ++o) {
        const float mean = static_cast<float>(sums[o]) / static_cast<float>(count);
        float result = std::min(std::round(mean * scale + bias) + static_cast<float>(out_zp), static_cast<float>(kMax));
        result = std::max(result, static_cast<float>(kMin));
        dst[o] = static_cast<T>(result);
      }
    }
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<MeanState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  if (in.NumElements() == 0) {
    // TFLite fills the output with quiet NaN of the type: 0 for integers.
    for (int64_t o = 0; o < out.NumElements(); ++o) {
      if (out.dtype == DType::FLOAT32) out.As<float>()[o] = std::numeric_limits<float>::quiet_NaN();
    }
    if (out.dtype != DType::FLOAT32) std::fill(out.data, out.data + out.bytes, uint8_t{0});
    return;
  }
  switch (in.dtype) {
    case DType::FLOAT32: return EvalFloat(in, out, s);
    case DType::INT32: return EvalInteger<int32_t>(in, out, s);
    case DType::INT64: return EvalInteger<int64_t>(in, out, s);
    case DType::INT8: return EvalQuantized<int8_t>(in, out, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(in, out, s);
    default: return EvalQuantized<int16_t>(in, out, s);
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitMeanNode (checked against the oracle's --delegation):
// a 4-D input and an output of one type, float32 or 8-bit with per-tensor
// quantization, constant int32 axes {1, 2}, {2, 1} or {2}, keep_dims
// or not, and (8-bit) an input-to-output scale ratio XNNPACK's global
// average pooling accepts, [2^-8, 2^8).
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 2 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* in = ctx.inputs[0];
  const RuntimeTensor* axes = ctx.inputs[1];
  const RuntimeTensor* out = ctx.outputs[0];
  if (in == nullptr || axes == nullptr || out == nullptr) return false;
  const DType t = in->dtype;
  const bool f32 = t == DType::FLOAT32 && out->dtype == t;
  if (!f32 && ((t != DType::INT8 && t != DType::UINT8) || !xnn::PerTensor8(*in, t) || !xnn::PerTensor8(*out, t)))
    return false;
  if (in->rank() != 4 || !axes->is_constant() || axes->dtype != DType::INT32 || axes->rank() != 1) return false;
  const int32_t* a = axes->As<int32_t>();
  // Width alone, or height and width in either order (as written: -3 and -2
  // are refused); with or without keep_dims.
  if (axes->NumElements() == 1) {
    if (a[0] != 2) return false;
  } else if (axes->NumElements() != 2 || std::min(a[0], a[1]) != 1 || std::max(a[0], a[1]) != 2) {
    return false;
  }
  if (f32) return true;
  const float ratio = in->scale() / out->scale();
  return ratio >= 0x1.0p-8f && ratio < 0x1.0p+8f;
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<MeanState>();
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  s.xnn = true;
  if (in.dtype != DType::FLOAT32) s.xnn_scale = in.scale() / (out.scale() * static_cast<float>(s.layout.reduced_count));
}

}  // namespace

TFD_REGISTER_KERNEL(MEAN, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MEAN, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MEAN, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(MEAN, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MEAN, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MEAN, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(MEAN, DType::FLOAT32, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(MEAN, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(MEAN, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);

}  // namespace tfd
