// LOGICAL_AND: elementwise logical and of two bool tensors, with broadcasting.
#include <functional>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_logical.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { elementwise::PrepareLogical(ctx, "LOGICAL_AND"); }

}  // namespace

TFD_REGISTER_KERNEL(LOGICAL_AND, DType::BOOL, Prepare, elementwise::EvalLogical<std::logical_and<>>);

}  // namespace tfd
