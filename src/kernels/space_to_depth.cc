// SPACE_TO_DEPTH (NHWC): folds block_size x block_size spatial blocks into
// channels: [N, H, W, C] -> [N, H/b, W/b, C*b*b].
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "SPACE_TO_DEPTH input and output");
  if (in.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(in.shape));
  const int32_t b = ctx.options_or_default<tflite::SpaceToDepthOptionsT>().block_size;
  if (b < 1) ctx.Fail("block_size must be positive, is {}", b);
  if (in.dim(1) % b != 0 || in.dim(2) % b != 0)
    ctx.Fail("height {} and width {} must be multiples of block_size {}", in.dim(1), in.dim(2), b);
  ctx.ResizeOutput(0, {in.dim(0), in.dim(1) / b, in.dim(2) / b,
                       shape::CheckedDim(ctx, int64_t{in.dim(3)} * b * b, "block_size")});
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const int32_t b = ctx.options_or_default<tflite::SpaceToDepthOptionsT>().block_size;
  const size_t size = *DTypeSize(in.dtype);
  const int32_t in_h = in.dim(1), in_w = in.dim(2), in_c = in.dim(3);
  uint8_t* dst = out.data;
  for (int32_t n = 0; n < out.dim(0); ++n)
    for (int32_t h = 0; h < out.dim(1); ++h)
      for (int32_t w = 0; w < out.dim(2); ++w)
        for (int32_t dh = 0; dh < b; ++dh)
          for (int32_t dw = 0; dw < b; ++dw) {
            const int64_t from = ((static_cast<int64_t>(n) * in_h + h * b + dh) * in_w + w * b + dw) * in_c;
            shape::CopyElements(dst, in.data + static_cast<size_t>(from) * size, in_c, size);
            dst += static_cast<size_t>(in_c) * size;
          }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(SPACE_TO_DEPTH, Prepare, Eval);

}  // namespace tfd
