#pragma once
// MAXIMUM and MINIMUM share everything but the pick: elementwise with
// broadcasting over float32, int8, uint8, int16, int32, int64. Quantized
// tensors are compared on their raw values, as TFLite does (it assumes
// matching quantization). The result is TFLite's "a > b ? a : b" (or "<"), so
// for float a NaN in the first input yields the second input.
#include <functional>
#include <memory>

#include "interpreter/kernel.h"
#include "kernels/internal/elementwise_binary.h"

namespace tfd::elementwise {

struct ExtremumState : KernelState {
  BroadcastIndex index;
};

inline void PrepareExtremum(KernelContext& ctx) {
  auto state = std::make_unique<ExtremumState>();
  state->index = PrepareBroadcastBinary(ctx);
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32:
    case DType::INT8:
    case DType::UINT8:
    case DType::INT16:
    case DType::INT32:
    case DType::INT64: break;
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
  ctx.state = std::move(state);
}

// `Pick` is std::greater<> (MAXIMUM) or std::less<> (MINIMUM): the first
// input wins when Pick(a, b) holds, else the second.
template <typename Pick>
void EvalExtremum(KernelContext& ctx) {
  const auto& s = ctx.state_as<ExtremumState>();
  auto apply = [&](auto tag) {
    using T = decltype(tag);
    ApplyBinary<T, T>(ctx, s.index, [](T x, T y) { return Pick{}(x, y) ? x : y; });
  };
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32: return apply(float{});
    case DType::INT8: return apply(int8_t{});
    case DType::UINT8: return apply(uint8_t{});
    case DType::INT16: return apply(int16_t{});
    case DType::INT32: return apply(int32_t{});
    case DType::INT64: return apply(int64_t{});
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

}  // namespace tfd::elementwise
