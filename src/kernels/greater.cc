// GREATER: a > b, elementwise with broadcasting, to a bool output.
// float32, int16, int32, int64; int8/uint8 rescaled to a common scale as TFLite does
// (kernels/internal/elementwise_compare.h).
#include <functional>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_compare.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { elementwise::PrepareComparison(ctx, /*equality=*/false, "GREATER"); }
void Eval(KernelContext& ctx) { elementwise::EvalComparison<std::greater<>>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(GREATER, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(GREATER, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(GREATER, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(GREATER, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(GREATER, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(GREATER, DType::INT64, Prepare, Eval);

}  // namespace tfd
