// BATCH_TO_SPACE_ND: the inverse of SPACE_TO_BATCH_ND. Input batch index
// b = block offset (row-major over block_shape) * N + n spreads into the M
// spatial dimensions, which are then cropped (crops: [M, 2]). block_shape and
// crops are int32 or int64 and may be computed at run time.
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct BatchToSpaceState : KernelState {
  std::vector<int64_t> block, crop_before;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(3, 3, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& block_tensor = ctx.input(1);
  const RuntimeTensor& crops_tensor = ctx.input(2);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "BATCH_TO_SPACE_ND input and output");
  if (block_tensor.rank() != 1) ctx.Fail("block_shape must be 1-D, has shape {}", ShapeString(block_tensor.shape));
  const int m = static_cast<int>(block_tensor.NumElements());
  if (m < 1 || 1 + m > in.rank())
    ctx.Fail("block_shape has {} entries; the input {} needs 1 to {}", m, ShapeString(in.shape), in.rank() - 1);
  if (crops_tensor.rank() != 2 || crops_tensor.dim(0) != m || crops_tensor.dim(1) != 2)
    ctx.Fail("crops must have shape [{}, 2], has {}", m, ShapeString(crops_tensor.shape));
  if (!ctx.values_known(block_tensor) || !ctx.values_known(crops_tensor)) return;  // sized while running
  auto state = std::make_unique<BatchToSpaceState>();
  state->block = shape::IndexValues(ctx, block_tensor, "block_shape");
  const std::vector<int64_t> crops = shape::IndexValues(ctx, crops_tensor, "crops");
  std::vector<int32_t> out_shape = in.shape;
  int64_t blocks = 1;
  for (int i = 0; i < m; ++i) {
    const int64_t block = state->block[static_cast<size_t>(i)];
    const int64_t before = crops[static_cast<size_t>(2 * i)], after = crops[static_cast<size_t>(2 * i + 1)];
    if (block < 1) ctx.Fail("block_shape entry {} is {}, must be positive", i, block);
    if (before < 0 || after < 0) ctx.Fail("crops for spatial dimension {} are negative ({}, {})", i, before, after);
    const int64_t full = in.dim(1 + i) * block;
    if (before + after > full) ctx.Fail("crops ({}, {}) exceed spatial dimension {} of size {}", before, after, i, full);
    out_shape[static_cast<size_t>(1 + i)] = shape::CheckedDim(ctx, full - before - after, "crops");
    blocks *= block;
    state->crop_before.push_back(before);
  }
  if (in.dim(0) % blocks != 0) ctx.Fail("batch {} is not a multiple of the block count {}", in.dim(0), blocks);
  out_shape[0] = static_cast<int32_t>(in.dim(0) / blocks);
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<BatchToSpaceState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const size_t size = *DTypeSize(in.dtype);
  const size_t m = s.block.size();
  const int64_t inner = shape::Product(in.shape, 1 + m, in.shape.size());
  const std::vector<int64_t> out_strides = shape::Strides(out.shape);
  const std::vector<int32_t> in_spatial(in.shape.begin() + 1, in.shape.begin() + 1 + static_cast<long>(m));
  const int64_t out_batch = out.dim(0);
  if (out_batch == 0) return;
  const uint8_t* src = in.data;
  std::vector<int64_t> offset(m);
  for (int64_t ib = 0; ib < in.dim(0); ++ib) {
    int64_t k = ib / out_batch;
    for (size_t i = m; i-- > 0;) {
      offset[i] = k % s.block[i];
      k /= s.block[i];
    }
    const int64_t n = ib % out_batch;
    shape::ForEachIndex(in_spatial, [&](const std::vector<int32_t>& pos) {
      int64_t to = n * out_strides[0];
      bool inside = true;
      for (size_t i = 0; i < m && inside; ++i) {
        const int64_t p = pos[i] * s.block[i] + offset[i] - s.crop_before[i];
        inside = p >= 0 && p < out.dim(static_cast<int>(1 + i));
        to += p * out_strides[1 + i];
      }
      if (inside) shape::CopyElements(out.data + static_cast<size_t>(to) * size, src, inner, size);
      src += static_cast<size_t>(inner) * size;
    });
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(BATCH_TO_SPACE_ND, Prepare, Eval);

}  // namespace tfd
