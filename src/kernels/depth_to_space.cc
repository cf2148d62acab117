// DEPTH_TO_SPACE (NHWC): moves blocks of block_size x block_size channel
// groups into space: [N, H, W, C] -> [N, H*b, W*b, C/(b*b)].
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "DEPTH_TO_SPACE input and output");
  if (in.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(in.shape));
  const int32_t b = ctx.options_or_default<tflite::DepthToSpaceOptionsT>().block_size;
  if (b < 1) ctx.Fail("block_size must be positive, is {}", b);
  if (in.dim(3) % (b * b) != 0) ctx.Fail("depth {} is not a multiple of block_size^2 = {}", in.dim(3), b * b);
  ctx.ResizeOutput(0, {in.dim(0), shape::CheckedDim(ctx, int64_t{in.dim(1)} * b, "block_size"),
                       shape::CheckedDim(ctx, int64_t{in.dim(2)} * b, "block_size"), in.dim(3) / (b * b)});
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const int32_t b = ctx.options_or_default<tflite::DepthToSpaceOptionsT>().block_size;
  const size_t size = *DTypeSize(in.dtype);
  const int32_t out_h = out.dim(1), out_w = out.dim(2), out_c = out.dim(3);
  const int32_t in_h = in.dim(1), in_w = in.dim(2), in_c = in.dim(3);
  uint8_t* dst = out.data;
  for (int32_t n = 0; n < out.dim(0); ++n)
    for (int32_t h = 0; h < out_h; ++h)
      for (int32_t w = 0; w < out_w; ++w) {
        // The output row of out_c channels is one contiguous run of the input's depth.
        const int64_t channel = static_cast<int64_t>((h % b) * b + (w % b)) * out_c;
        const int64_t from = ((static_cast<int64_t>(n) * in_h + h / b) * in_w + w / b) * in_c + channel;
        shape::CopyElements(dst, in.data + static_cast<size_t>(from) * size, out_c, size);
        dst += static_cast<size_t>(out_c) * size;
      }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(DEPTH_TO_SPACE, Prepare, Eval);

}  // namespace tfd
