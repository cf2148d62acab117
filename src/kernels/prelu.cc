// PRELU: x >= 0 ? x : alpha * x with a learned alpha that broadcasts to the
// input (typically one slope per channel). float32; int8 and uint8 with
// TFLite's arithmetic: positive inputs rescaled by input_scale /
// output_scale, negative ones multiplied by (alpha - alpha_zp) in int32 and
// rescaled by input_scale * alpha_scale / output_scale.
#include <algorithm>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/broadcast.h"

namespace tfd {
namespace {

struct PreluState : KernelState {
  BroadcastIndex index;
  act::Rescale positive, negative;
  int32_t input_zero_point = 0, alpha_zero_point = 0, output_zero_point = 0;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& alpha = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  if (in.dtype != alpha.dtype || in.dtype != out.dtype)
    ctx.Fail("input, alpha and output types differ ({}, {} -> {})", DTypeName(in.dtype), DTypeName(alpha.dtype),
             DTypeName(out.dtype));
  const auto shape = BroadcastShapes(in.shape, alpha.shape);
  if (!shape) ctx.Fail("cannot broadcast alpha {} to input {}", ShapeString(alpha.shape), ShapeString(in.shape));
  // Alpha is shared along broadcast axes; the output keeps the input's shape.
  if (*shape != in.shape)
    ctx.Fail("alpha {} would grow the input {} to {}", ShapeString(alpha.shape), ShapeString(in.shape), ShapeString(*shape));
  ctx.ResizeOutput(0, *shape);
  auto state = std::make_unique<PreluState>();
  state->index = BroadcastIndex(in.shape, alpha.shape, *shape);
  if (act::Is8Bit(in.dtype)) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, alpha, "alpha");
    act::RequirePerTensorQuant(ctx, out, "output");
    // Float products and quotients, widened afterwards: TFLite's exact inputs.
    state->positive = act::MakeRescale(static_cast<double>(in.scale() / out.scale()));
    state->negative = act::MakeRescale(static_cast<double>(in.scale() * alpha.scale() / out.scale()));
    state->input_zero_point = in.zero_point();
    state->alpha_zero_point = alpha.zero_point();
    state->output_zero_point = out.zero_point();
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {} (TFLite's PRELU takes float32, int8 and uint8)", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const PreluState& s) {
  const T* in = ctx.input(0).As<T>();
  const T* alpha = ctx.input(1).As<T>();
  T* out = ctx.output(0).As<T>();
  const act::IntRange range = act::QuantizedRange(ctx.output(0).dtype);
  s.index.ForEach([&](int64_t i, int64_t ii, int64_t ia) {
    const int32_t x = static_cast<int32_t>(in[ii]) - s.input_zero_point;
    int32_t v;
    if (x >= 0) {
      v = s.positive.Apply(x);
    } else {
      const int32_t a = static_cast<int32_t>(alpha[ia]) - s.alpha_zero_point;
      v = s.negative.Apply(x * a);
    }
    v += s.output_zero_point;
    out[i] = static_cast<T>(std::min(std::max(v, range.min), range.max));
  });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<PreluState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: {
      const float* in = ctx.input(0).As<float>();
      const float* alpha = ctx.input(1).As<float>();
      float* out = ctx.output(0).As<float>();
      s.index.ForEach([&](int64_t i, int64_t ii, int64_t ia) { out[i] = in[ii] >= 0 ? in[ii] : in[ii] * alpha[ia]; });
      return;
    }
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(PRELU, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(PRELU, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(PRELU, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(PRELU, DType::INT16, Prepare, Eval);

}  // namespace tfd
