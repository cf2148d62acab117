// EQUAL: a == b, elementwise with broadcasting, to a bool output.
// float32, int16, int32, int64, bool, string; int8/uint8 rescaled to a common scale as TFLite does
// (kernels/internal/elementwise_compare.h).
#include <functional>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_compare.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { elementwise::PrepareComparison(ctx, /*equality=*/true, "EQUAL"); }
void Eval(KernelContext& ctx) { elementwise::EvalComparison<std::equal_to<>>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(EQUAL, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(EQUAL, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(EQUAL, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(EQUAL, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(EQUAL, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(EQUAL, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(EQUAL, DType::BOOL, Prepare, Eval);
TFD_REGISTER_KERNEL(EQUAL, DType::STRING, Prepare, Eval);

}  // namespace tfd
