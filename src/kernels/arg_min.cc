// ARG_MIN: index of the smallest value along the axis in input 1 (first one
// on ties), as int32 or int64. Shared logic: internal/shape_arg_min_max.
#include "kernels/internal/shape_arg_min_max.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  shape::PrepareArgMinMax(ctx, ctx.options_or_default<tflite::ArgMinOptionsT>().output_type);
}

void Eval(KernelContext& ctx) { shape::EvalArgMinMax(ctx, /*is_max=*/false); }

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(ARG_MIN, Prepare, Eval);

}  // namespace tfd
