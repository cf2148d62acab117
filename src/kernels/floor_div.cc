// FLOOR_DIV: floor(a / b) elementwise with broadcasting, computed in double
// as TFLite does. float32, int32, int16, int8 (plain integers, not
// quantized). A zero divisor is an error for every type, as in TFLite.
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_binary.h"

namespace tfd {
namespace {

struct FloorDivState : KernelState {
  BroadcastIndex index;
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<FloorDivState>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32:
    case DType::INT32:
    case DType::INT16:
    case DType::INT8: break;
    default: ctx.Fail("unsupported type {} (FLOOR_DIV takes float32, int32, int16 and int8)", DTypeName(ctx.output(0).dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void Apply(KernelContext& ctx, const FloorDivState& s) {
  const RuntimeTensor& divisor = ctx.input(1);
  const T* d = divisor.As<T>();
  for (int64_t i = 0; i < divisor.NumElements(); ++i)
    if (d[i] == 0) ctx.Fail("division by zero");
  elementwise::ApplyBinary<T, T>(ctx, s.index, [](T x, T y) {
    const double q = std::floor(static_cast<double>(x) / static_cast<double>(y));
    if constexpr (std::is_integral_v<T>) {
      // Only MIN / -1 leaves the type's range; going through int64 makes it
      // wrap to MIN instead of being an undefined conversion.
      return static_cast<T>(static_cast<int64_t>(q));
    } else {
      return static_cast<T>(q);
    }
  });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<FloorDivState>();
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32: return Apply<float>(ctx, s);
    case DType::INT32: return Apply<int32_t>(ctx, s);
    case DType::INT16: return Apply<int16_t>(ctx, s);
    case DType::INT8: return Apply<int8_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(FLOOR_DIV, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(FLOOR_DIV, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(FLOOR_DIV, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(FLOOR_DIV, DType::INT8, Prepare, Eval);

}  // namespace tfd
