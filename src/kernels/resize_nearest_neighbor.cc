// RESIZE_NEAREST_NEIGHBOR (NHWC) to the size in input 1 (int32 [height,
// width], possibly computed at run time). Source pixels are chosen as the
// TFLite runtime (2.1x, the oracle's) does: reference_ops::GetNearestNeighbor
// (float scale, floor - or round with align_corners; half_pixel_centers adds
// 0.5), except that uint8 without either flag takes optimized_ops' 16.16
// fixed-point scale ((in << 16) / out + 1), which can pick a different pixel
// than the float scale (e.g. 26 -> 22 columns, column 11). Newer TFLite
// releases send int8 through that fixed-point path too; the oracle's does not.
#include <algorithm>
#include <cmath>

#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& size = ctx.input(1);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "RESIZE_NEAREST_NEIGHBOR input and output");
  if (in.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(in.shape));
  if (size.dtype != DType::INT32 || size.rank() != 1 || size.NumElements() != 2)
    ctx.Fail("size must be an int32 tensor of shape [2], is {} {}", DTypeName(size.dtype), ShapeString(size.shape));
  if (!ctx.values_known(size)) return;  // sized while running
  const int32_t h = size.As<int32_t>()[0], w = size.As<int32_t>()[1];
  if (h < 0 || w < 0) ctx.Fail("output size must not be negative, is [{}, {}]", h, w);
  if ((in.dim(1) == 0 || in.dim(2) == 0) && int64_t{in.dim(0)} * in.dim(3) * h * w > 0)
    ctx.Fail("cannot resize an input with no pixels ({})", ShapeString(in.shape));
  ctx.ResizeOutput(0, {in.dim(0), h, w, in.dim(3)});
}

int32_t NearestFloat(int32_t out_pos, int32_t in_size, int32_t out_size, bool align_corners, bool half_pixel) {
  const float scale = (align_corners && out_size > 1)
                          ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                          : static_cast<float>(in_size) / static_cast<float>(out_size);
  const float offset = half_pixel ? 0.5f : 0.0f;
  const float scaled = (static_cast<float>(out_pos) + offset) * scale;
  int32_t v = std::min(static_cast<int32_t>(align_corners ? std::round(scaled) : std::floor(scaled)), in_size - 1);
  if (half_pixel) v = std::max(v, 0);
  return v;
}

std::vector<int32_t> SourceIndices(int32_t in_size, int32_t out_size, bool align_corners, bool half_pixel, bool fixed_point) {
  std::vector<int32_t> idx(static_cast<size_t>(out_size));
  const int64_t fixed_scale = fixed_point ? (int64_t{in_size} << 16) / out_size + 1 : 0;
  for (int32_t i = 0; i < out_size; ++i)
    idx[static_cast<size_t>(i)] = fixed_point ? static_cast<int32_t>(std::min<int64_t>((i * fixed_scale) >> 16, in_size - 1))
                                              : NearestFloat(i, in_size, out_size, align_corners, half_pixel);
  return idx;
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const auto o = ctx.options_or_default<tflite::ResizeNearestNeighborOptionsT>();
  const size_t size = *DTypeSize(in.dtype);
  const bool fixed_point = in.dtype == DType::UINT8 && !o.align_corners && !o.half_pixel_centers;
  const int32_t in_h = in.dim(1), in_w = in.dim(2), depth = in.dim(3);
  const std::vector<int32_t> ys = SourceIndices(in_h, out.dim(1), o.align_corners, o.half_pixel_centers, fixed_point);
  const std::vector<int32_t> xs = SourceIndices(in_w, out.dim(2), o.align_corners, o.half_pixel_centers, fixed_point);
  uint8_t* dst = out.data;
  for (int32_t b = 0; b < in.dim(0); ++b)
    for (int32_t y : ys)
      for (int32_t x : xs) {
        const int64_t from = ((int64_t{b} * in_h + y) * in_w + x) * depth;
        shape::CopyElements(dst, in.data + static_cast<size_t>(from) * size, depth, size);
        dst += static_cast<size_t>(depth) * size;
      }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(RESIZE_NEAREST_NEIGHBOR, Prepare, Eval);

}  // namespace tfd
