// EXPAND_DIMS: inserts a size-1 dimension at `axis` (second input, int32 or
// int64, one element; negative counts from the end of the output shape).
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& axis_tensor = ctx.input(1);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "EXPAND_DIMS input and output");
  if (!ctx.values_known(axis_tensor)) return;  // sized while running
  const int64_t axis = shape::ScalarIndexValue(ctx, axis_tensor, "axis");
  const int out_rank = in.rank() + 1;
  const int at = shape::NormalizeAxis(ctx, axis, out_rank, "axis");
  std::vector<int32_t> out_shape = in.shape;
  out_shape.insert(out_shape.begin() + at, 1);
  ctx.ResizeOutput(0, out_shape);
}

void Eval(KernelContext& ctx) {
  const RuntimeTensor& in = ctx.input(0);
  shape::CopyElements(ctx.output(0).data, in.data, in.NumElements(), *DTypeSize(in.dtype));
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(EXPAND_DIMS, Prepare, Eval);

}  // namespace tfd
