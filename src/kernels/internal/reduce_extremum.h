#pragma once
// REDUCE_MAX and REDUCE_MIN share everything but the pick: reduction over the
// axes in input 1 (int32/int64; negative and duplicate axes allowed; may be
// computed at run time), keep_dims as in the options. float32, int32, int64,
// int8, uint8, int16; quantized input and output must share scale and zero
// point (TFLite requires it), so stored values are compared directly. An
// output with nothing to reduce keeps the pick's start value (TFLite's).
#include <functional>
#include <limits>
#include <type_traits>

#include "kernels/internal/shape_reduce.h"

namespace tfd::shape {

struct ReduceExtremumState : KernelState {
  ReduceLayout layout;
};

// `io_name` names the pair in errors, e.g. "REDUCE_MAX input and output".
inline void PrepareReduceExtremum(KernelContext& ctx, const char* io_name) {
  CheckReduceInputs(ctx, io_name);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& axis = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  if ((in.dtype == DType::INT8 || in.dtype == DType::UINT8 || in.dtype == DType::INT16) && !SameQuantization(in, out))
    ctx.Fail("input and output must share scale and zero point (input {} / {}, output {} / {})", in.scale(),
             in.zero_point(), out.scale(), out.zero_point());
  if (!ctx.values_known(axis)) return;  // sized while running
  auto state = std::make_unique<ReduceExtremumState>();
  state->layout = MakeReduceLayout(ctx, in.shape, axis, ctx.options_or_default<tflite::ReducerOptionsT>().keep_dims);
  ctx.ResizeOutput(0, state->layout.output_shape);
  ctx.state = std::move(state);
}

// `Pick` is std::greater<> (max, starting at lowest()) or std::less<> (min,
// starting at max()).
template <typename Pick>
void EvalReduceExtremum(KernelContext& ctx) {
  const auto& s = ctx.state_as<ReduceExtremumState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  auto reduce = [&](auto tag) {
    using T = decltype(tag);
    constexpr bool kMax = std::is_same_v<Pick, std::greater<>>;
    const T start = kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    ReduceInto<T>(in, s.layout, start, [](T acc, T v) { return Pick{}(v, acc) ? v : acc; }, out.As<T>());
  };
  switch (in.dtype) {
    case DType::FLOAT32: return reduce(float{});
    case DType::INT32: return reduce(int32_t{});
    case DType::INT64: return reduce(int64_t{});
    case DType::INT8: return reduce(int8_t{});
    case DType::UINT8: return reduce(uint8_t{});
    default: return reduce(int16_t{});
  }
}

}  // namespace tfd::shape
