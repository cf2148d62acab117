// FLOOR_MOD: the remainder of floor division, with the sign of the divisor,
// elementwise with broadcasting. float32 (from fmod; a zero divisor gives
// nan), int32, int64, int16, int8 (a zero divisor is an error, as in TFLite).
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_binary.h"

namespace tfd {
namespace {

struct FloorModState : KernelState {
  BroadcastIndex index;
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<FloorModState>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32:
    case DType::INT32:
    case DType::INT64:
    case DType::INT16:
    case DType::INT8: break;
    default:
      ctx.Fail("unsupported type {} (FLOOR_MOD takes float32, int32, int64, int16 and int8)", DTypeName(ctx.output(0).dtype));
  }
  ctx.state = std::move(state);
}

// Truncated remainder, moved into the divisor's sign (TFLite's FloorMod).
template <typename T>
T FloorMod(T x, T y) {
  T trunc_mod;
  if constexpr (std::is_integral_v<T>) {
    trunc_mod = (y == -1) ? T{0} : static_cast<T>(x % y);  // MIN % -1 would overflow
  } else {
    trunc_mod = std::fmod(x, y);
  }
  return (trunc_mod != 0) && ((y < 0) != (trunc_mod < 0)) ? static_cast<T>(trunc_mod + y) : trunc_mod;
}

template <typename T>
void Apply(KernelContext& ctx, const FloorModState& s) {
  if constexpr (std::is_integral_v<T>) {
    const RuntimeTensor& divisor = ctx.input(1);
    const T* d = divisor.As<T>();
    for (int64_t i = 0; i < divisor.NumElements(); ++i)
      if (d[i] == 0) ctx.Fail("division by zero");
  }
  elementwise::ApplyBinary<T, T>(ctx, s.index, [](T x, T y) { return FloorMod(x, y); });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<FloorModState>();
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32: return Apply<float>(ctx, s);
    case DType::INT32: return Apply<int32_t>(ctx, s);
    case DType::INT64: return Apply<int64_t>(ctx, s);
    case DType::INT16: return Apply<int16_t>(ctx, s);
    case DType::INT8: return Apply<int8_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(FLOOR_MOD, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(FLOOR_MOD, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(FLOOR_MOD, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(FLOOR_MOD, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(FLOOR_MOD, DType::INT8, Prepare, Eval);

}  // namespace tfd
