// LOGICAL_AND: elementwise logical and of two bool tensors, with broadcasting.
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
  if (ctx.input(0).dtype != DType::BOOL) ctx.Fail("LOGICAL_AND takes bool inputs, got {}", DTypeName(ctx.input(0).dtype));
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  elementwise::ApplyBinary<uint8_t, uint8_t>(ctx, ctx.state_as<State>().index,
                                             [](uint8_t x, uint8_t y) { return static_cast<uint8_t>((x != 0) && (y != 0)); });
}

}  // namespace

TFD_REGISTER_KERNEL(LOGICAL_AND, DType::BOOL, Prepare, Eval);

}  // namespace tfd
