// MAXIMUM: the larger of two values, elementwise with broadcasting; see
// kernels/internal/elementwise_extremum.h.
#include <functional>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_extremum.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { elementwise::PrepareExtremum(ctx); }
void Eval(KernelContext& ctx) { elementwise::EvalExtremum<std::greater<>>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(MAXIMUM, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MAXIMUM, DType::INT64, Prepare, Eval);

}  // namespace tfd
