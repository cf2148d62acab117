#pragma once
// ARG_MAX / ARG_MIN share everything but the comparison: the index of the
// extreme value along `axis` (input 1, one int32/int64 element, may be
// computed at run time), as int32 or int64 (the output tensor's type). Ties
// keep the first index, as TFLite's strict comparison does.
#include "kernels/internal/shape_util.h"

namespace tfd::shape {

void PrepareArgMinMax(KernelContext& ctx, DType option_output_type);
// is_max selects ARG_MAX (greater) or ARG_MIN (less).
void EvalArgMinMax(KernelContext& ctx, bool is_max);

}  // namespace tfd::shape
