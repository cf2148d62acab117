// REDUCE_MAX over the axes in input 1 (int32/int64; negative and duplicate
// axes allowed; may be computed at run time), keep_dims as in the options.
// float32, int32, int64, int8, uint8, int16; quantized input and output
// must share scale and zero point (TFLite requires it), so stored values are
// compared directly. An output with nothing to reduce keeps TFLite's start
// value, std::numeric_limits<T>::lowest().
#include <limits>

#include "kernels/internal/shape_reduce.h"

namespace tfd {
namespace {

struct ReduceMaxState : KernelState {
  shape::ReduceLayout layout;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& axis = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  switch (in.dtype) {
    case DType::FLOAT32: case DType::INT32: case DType::INT64: case DType::INT8: case DType::UINT8: case DType::INT16: break;
    default: ctx.Fail("unsupported input type {}", DTypeName(in.dtype));
  }
  shape::CheckSameType(ctx, in, out, "REDUCE_MAX input and output");
  if ((in.dtype == DType::INT8 || in.dtype == DType::UINT8 || in.dtype == DType::INT16) && !shape::SameQuantization(in, out))
    ctx.Fail("input and output must share scale and zero point (input {} / {}, output {} / {})", in.scale(),
             in.zero_point(), out.scale(), out.zero_point());
  if (!ctx.values_known(axis)) return;  // sized while running
  auto state = std::make_unique<ReduceMaxState>();
  state->layout = shape::MakeReduceLayout(ctx, in.shape, axis, ctx.options_or_default<tflite::ReducerOptionsT>().keep_dims);
  ctx.ResizeOutput(0, state->layout.output_shape);
  ctx.state = std::move(state);
}

template <typename T>
void Reduce(const RuntimeTensor& in, RuntimeTensor& out, const shape::ReduceLayout& layout) {
  shape::ReduceInto<T>(in, layout, std::numeric_limits<T>::lowest(), [](T acc, T v) { return v > acc ? v : acc; }, out.As<T>());
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<ReduceMaxState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  switch (in.dtype) {
    case DType::FLOAT32: return Reduce<float>(in, out, s.layout);
    case DType::INT32: return Reduce<int32_t>(in, out, s.layout);
    case DType::INT64: return Reduce<int64_t>(in, out, s.layout);
    case DType::INT8: return Reduce<int8_t>(in, out, s.layout);
    case DType::UINT8: return Reduce<uint8_t>(in, out, s.layout);
    default: return Reduce<int16_t>(in, out, s.layout);
  }
}

}  // namespace

TFD_REGISTER_KERNEL(REDUCE_MAX, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT16, Prepare, Eval);

}  // namespace tfd
