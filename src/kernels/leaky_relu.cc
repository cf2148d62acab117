// LEAKY_RELU: x > 0 ? x : alpha * x. float32; int8, uint8 and int16 (zero
// points 0) with TFLite's two requantizations: the identity branch by
// input_scale / output_scale, the negative branch by
// input_scale * alpha / output_scale.
#include <algorithm>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"

namespace tfd {
namespace {

struct LeakyReluState : KernelState {
  float alpha = 0.0f;
  act::Rescale identity, negative;
  int32_t input_zero_point = 0, output_zero_point = 0;
};

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  act::RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<LeakyReluState>();
  state->alpha = ctx.options_or_default<tflite::LeakyReluOptionsT>().alpha;
  if (in.dtype == DType::INT8 || in.dtype == DType::UINT8 || in.dtype == DType::INT16) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (in.dtype == DType::INT16 && (in.zero_point() != 0 || out.zero_point() != 0))
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    // Float products and quotients, widened afterwards: TFLite's exact inputs.
    state->negative = act::MakeRescale(static_cast<double>(in.scale() * state->alpha / out.scale()));
    state->identity = act::MakeRescale(static_cast<double>(in.scale() / out.scale()));
    state->input_zero_point = in.zero_point();
    state->output_zero_point = out.zero_point();
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const LeakyReluState& s) {
  const T* in = ctx.input(0).As<T>();
  T* out = ctx.output(0).As<T>();
  const act::IntRange range = act::QuantizedRange(ctx.output(0).dtype);
  const int64_t n = ctx.output(0).NumElements();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = static_cast<int32_t>(in[i]) - s.input_zero_point;
    const int32_t v = s.output_zero_point + (x >= 0 ? s.identity.Apply(x) : s.negative.Apply(x));
    out[i] = static_cast<T>(std::min(std::max(v, range.min), range.max));
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<LeakyReluState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: {
      const float* in = ctx.input(0).As<float>();
      float* out = ctx.output(0).As<float>();
      const int64_t n = ctx.output(0).NumElements();
      // alpha may exceed 1 or be negative, so this is not max(x, alpha * x).
      for (int64_t i = 0; i < n; ++i) out[i] = in[i] > 0 ? in[i] : in[i] * s.alpha;
      return;
    }
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    case DType::INT16: return EvalQuantized<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(LEAKY_RELU, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LEAKY_RELU, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LEAKY_RELU, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LEAKY_RELU, DType::INT16, Prepare, Eval);

}  // namespace tfd
