#pragma once
// The clamping activations RELU, RELU6 and RELU_N1_TO_1 as standalone ops.
// Quantized versions requantize from the input scale to the output scale
// (input and output quantization may differ) and clamp at the real bounds
// expressed in output units, as TFLite's QuantizedReluX does.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "kernels/internal/act_common.h"
#include "kernels/internal/quant_math.h"

namespace tfd::act {

struct ReluBounds {
  float min = 0.0f;
  float max = std::numeric_limits<float>::infinity();
  bool allow_int16 = true;
};

struct ReluState : KernelState {
  ReluBounds bounds;
  Rescale rescale;
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  IntRange clamp;
};

inline void PrepareRelu(KernelContext& ctx, const ReluBounds& bounds) {
  PrepareUnaryShape(ctx);
  RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<ReluState>();
  state->bounds = bounds;
  if (in.dtype == DType::INT16 && !bounds.allow_int16) ctx.Fail("int16 is not supported (TFLite has no int16 kernel for this op)");
  const bool quantized = Is8Bit(in.dtype) || in.dtype == DType::INT16;
  if (in.dtype != DType::FLOAT32 && !quantized) ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  if (quantized) {
    RequirePerTensorQuant(ctx, in, "input");
    RequirePerTensorQuant(ctx, out, "output");
    if (in.dtype == DType::INT16 && (in.zero_point() != 0 || out.zero_point() != 0))
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    // float / float, then widened: TFLite's exact multiplier input.
    state->rescale = MakeRescale(static_cast<double>(in.scale() / out.scale()));
    state->input_zero_point = in.zero_point();
    state->output_zero_point = out.zero_point();
    const IntRange range = QuantizedRange(out.dtype);
    const int32_t zp = out.zero_point();
    const float scale = out.scale();
    auto quantize = [&](float bound) { return qmath::WrappingAdd(zp, qmath::RoundToInt32(bound / scale)); };
    state->clamp.min = std::max(range.min, quantize(bounds.min));
    state->clamp.max = std::isinf(bounds.max) ? range.max : std::min(range.max, quantize(bounds.max));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalReluQuantized(KernelContext& ctx, const ReluState& s) {
  const T* in = ctx.input(0).As<T>();
  T* out = ctx.output(0).As<T>();
  const int64_t n = ctx.output(0).NumElements();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = s.output_zero_point + s.rescale.Apply(static_cast<int32_t>(in[i]) - s.input_zero_point);
    out[i] = static_cast<T>(std::min(std::max(v, s.clamp.min), s.clamp.max));
  }
}

inline void EvalRelu(KernelContext& ctx) {
  const auto& s = ctx.state_as<ReluState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: {
      const float* in = ctx.input(0).As<float>();
      float* out = ctx.output(0).As<float>();
      const int64_t n = ctx.output(0).NumElements();
      for (int64_t i = 0; i < n; ++i) out[i] = std::min(std::max(in[i], s.bounds.min), s.bounds.max);
      return;
    }
    case DType::INT8: return EvalReluQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalReluQuantized<uint8_t>(ctx, s);
    case DType::INT16: return EvalReluQuantized<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace tfd::act
