// SQUEEZE: drops the listed size-1 dimensions (negative indices allowed), or
// every size-1 dimension when squeeze_dims is empty. Bytes are unchanged.
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "SQUEEZE input and output");
  const auto options = ctx.options_or_default<tflite::SqueezeOptionsT>();
  const int rank = in.rank();
  std::vector<bool> drop(static_cast<size_t>(rank), false);
  if (options.squeeze_dims.empty()) {
    for (int d = 0; d < rank; ++d) drop[static_cast<size_t>(d)] = in.shape[static_cast<size_t>(d)] == 1;
  } else {
    for (int32_t axis : options.squeeze_dims) {
      const int d = shape::NormalizeAxis(ctx, axis, rank, "squeeze dimension");
      if (in.shape[static_cast<size_t>(d)] != 1)
        ctx.Fail("cannot squeeze dimension {} of {}: its size is not 1", axis, ShapeString(in.shape));
      drop[static_cast<size_t>(d)] = true;
    }
  }
  std::vector<int32_t> out_shape;
  for (int d = 0; d < rank; ++d)
    if (!drop[static_cast<size_t>(d)]) out_shape.push_back(in.shape[static_cast<size_t>(d)]);
  ctx.ResizeOutput(0, out_shape);
}

void Eval(KernelContext& ctx) {
  const RuntimeTensor& in = ctx.input(0);
  shape::CopyElements(ctx.output(0).data, in.data, in.NumElements(), *DTypeSize(in.dtype));
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(SQUEEZE, Prepare, Eval);

}  // namespace tfd
