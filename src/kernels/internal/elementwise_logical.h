#pragma once
// LOGICAL_AND and LOGICAL_OR: the same bool broadcasting kernel; only the
// connective differs.
#include <memory>

#include "interpreter/kernel.h"
#include "kernels/internal/elementwise_binary.h"

namespace tfd::elementwise {

struct LogicalState : KernelState {
  BroadcastIndex index;
};

// `op_name` names the operator in the error for non-bool inputs.
inline void PrepareLogical(KernelContext& ctx, const char* op_name) {
  auto state = std::make_unique<LogicalState>();
  state->index = PrepareBroadcastBinary(ctx);
  if (ctx.input(0).dtype != DType::BOOL) ctx.Fail("{} takes bool inputs, got {}", op_name, DTypeName(ctx.input(0).dtype));
  ctx.state = std::move(state);
}

// `Connective` is std::logical_and<> or std::logical_or<> (bools stored as bytes).
template <typename Connective>
void EvalLogical(KernelContext& ctx) {
  ApplyBinary<uint8_t, uint8_t>(ctx, ctx.state_as<LogicalState>().index, [](uint8_t x, uint8_t y) {
    return static_cast<uint8_t>(Connective{}(x != 0, y != 0));
  });
}

}  // namespace tfd::elementwise
