// TILE: repeats the input multiples[d] times along each dimension d
// (multiples: input 1, int32 or int64, one entry per dimension).
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& multiples_tensor = ctx.input(1);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "TILE input and output");
  if (multiples_tensor.rank() != 1 || multiples_tensor.NumElements() != in.rank())
    ctx.Fail("multiples must be 1-D with {} entries (the input rank), has shape {}", in.rank(),
             ShapeString(multiples_tensor.shape));
  if (!ctx.values_known(multiples_tensor)) return;  // sized while running
  const std::vector<int64_t> multiples = shape::IndexValues(ctx, multiples_tensor, "multiples");
  std::vector<int32_t> out_shape;
  for (size_t d = 0; d < multiples.size(); ++d) {
    if (multiples[d] < 0) ctx.Fail("multiple {} for dimension {} is negative", multiples[d], d);
    out_shape.push_back(shape::CheckedDim(ctx, in.shape[d] * multiples[d], "multiples"));
  }
  ctx.ResizeOutput(0, out_shape);
}

template <typename T>
void Tile(const RuntimeTensor& in, RuntimeTensor& out) {
  const std::vector<int64_t> strides = shape::Strides(in.shape);
  const T* src = in.As<T>();
  T* dst = out.As<T>();
  int64_t o = 0;
  shape::ForEachIndex(out.shape, [&](const std::vector<int32_t>& pos) {
    int64_t offset = 0;
    for (size_t d = 0; d < pos.size(); ++d) offset += (pos[d] % in.shape[d]) * strides[d];
    dst[o++] = src[offset];
  });
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  switch (*DTypeSize(in.dtype)) {
    case 1: return Tile<uint8_t>(in, out);
    case 2: return Tile<uint16_t>(in, out);
    case 4: return Tile<uint32_t>(in, out);
    default: return Tile<uint64_t>(in, out);
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(TILE, Prepare, Eval);

}  // namespace tfd
