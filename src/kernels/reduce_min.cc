// REDUCE_MIN: see kernels/internal/reduce_extremum.h.
#include <functional>

#include "kernels/internal/reduce_extremum.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { shape::PrepareReduceExtremum(ctx, "REDUCE_MIN input and output"); }
void Eval(KernelContext& ctx) { shape::EvalReduceExtremum<std::less<>>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(REDUCE_MIN, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MIN, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MIN, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MIN, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MIN, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(REDUCE_MIN, DType::INT16, Prepare, Eval);

}  // namespace tfd
