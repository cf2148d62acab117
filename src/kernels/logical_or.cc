// LOGICAL_OR: elementwise logical or of two bool tensors, with broadcasting.
#include <functional>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_logical.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { elementwise::PrepareLogical(ctx, "LOGICAL_OR"); }

}  // namespace

TFD_REGISTER_KERNEL(LOGICAL_OR, DType::BOOL, Prepare, elementwise::EvalLogical<std::logical_or<>>);

}  // namespace tfd
