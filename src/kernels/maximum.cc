// MAXIMUM: the larger of two values, elementwise with broadcasting.
// float32, int8, uint8, int16, int32, int64. Quantized tensors are compared
// on their raw values, as TFLite does (it assumes matching quantization).
// For float, a NaN in the first input yields the second input (TFLite's
// "a > b ? a : b").
#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_binary.h"

namespace tfd {
namespace {

struct State : KernelState {
  BroadcastIndex index;
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<State>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
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

template <typename T>
void Apply(KernelContext& ctx, const State& s) {
  elementwise::ApplyBinary<T, T>(ctx, s.index, [](T x, T y) { return x > y ? x : y; });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<State>();
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32: return Apply<float>(ctx, s);
    case DType::INT8: return Apply<int8_t>(ctx, s);
    case DType::UINT8: return Apply<uint8_t>(ctx, s);
    case DType::INT16: return Apply<int16_t>(ctx, s);
    case DType::INT32: return Apply<int32_t>(ctx, s);
    case DType::INT64: return Apply<int64_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(MAXIMUM, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT64, Prepare, Eval);

}  // namespace tfd
