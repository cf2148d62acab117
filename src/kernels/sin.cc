// SIN: sine, elementwise.
// float32 only, the type TFLite's builtin kernel takes.
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_unary.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { elementwise::PrepareUnary(ctx, {DType::FLOAT32}, "SIN"); }
void Eval(KernelContext& ctx) { elementwise::ApplyUnary<float>(ctx, [](float x) { return std::sin(x); }); }

}  // namespace

TFD_REGISTER_KERNEL(SIN, DType::FLOAT32, Prepare, Eval);

}  // namespace tfd
