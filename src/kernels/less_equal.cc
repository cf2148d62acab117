// LESS_EQUAL: a <= b, elementwise with broadcasting, to a bool output.
// float32, int16, int32, int64; int8/uint8 rescaled to a common scale as TFLite does
// (kernels/internal/elementwise_compare.h).
#include <functional>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_compare.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { elementwise::PrepareComparison(ctx, /*equality=*/false, "LESS_EQUAL"); }
void Eval(KernelContext& ctx) { elementwise::EvalComparison<std::less_equal<>>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(LESS_EQUAL, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LESS_EQUAL, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LESS_EQUAL, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LESS_EQUAL, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(LESS_EQUAL, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LESS_EQUAL, DType::INT64, Prepare, Eval);

}  // namespace tfd
