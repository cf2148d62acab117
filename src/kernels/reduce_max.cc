// REDUCE_MAX: see kernels/internal/reduce_extremum.h.
#include <functional>

#include "kernels/internal/reduce_extremum.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { shape::PrepareReduceExtremum(ctx, "REDUCE_MAX input and output"); }
void Eval(KernelContext& ctx) { shape::EvalReduceExtremum<std::greater<>>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(REDUCE_MAX, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MAX, DType::INT16, Prepare, Eval);

}  // namespace tfd
