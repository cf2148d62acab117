// SPACE_TO_BATCH_ND: zero-pads the M spatial dimensions after the batch
// (paddings: [M, 2]) and moves block_shape[M]-sized blocks of them into the
// batch: output batch index = block offset (row-major) * N + n. block_shape
// and paddings are int32 or int64 and may be computed at run time. The pad
// value is 0, or the output zero point for quantized tensors.
#include <cstring>

#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct SpaceToBatchState : KernelState {
  std::vector<int64_t> block, pad_before;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(3, 3, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& block_tensor = ctx.input(1);
  const RuntimeTensor& paddings_tensor = ctx.input(2);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "SPACE_TO_BATCH_ND input and output");
  if (block_tensor.rank() != 1) ctx.Fail("block_shape must be 1-D, has shape {}", ShapeString(block_tensor.shape));
  const int m = static_cast<int>(block_tensor.NumElements());
  if (m < 1 || 1 + m > in.rank())
    ctx.Fail("block_shape has {} entries; the input {} needs 1 to {}", m, ShapeString(in.shape), in.rank() - 1);
  if (paddings_tensor.rank() != 2 || paddings_tensor.dim(0) != m || paddings_tensor.dim(1) != 2)
    ctx.Fail("paddings must have shape [{}, 2], has {}", m, ShapeString(paddings_tensor.shape));
  if (!ctx.values_known(block_tensor) || !ctx.values_known(paddings_tensor)) return;  // sized while running
  auto state = std::make_unique<SpaceToBatchState>();
  state->block = shape::IndexValues(ctx, block_tensor, "block_shape");
  const std::vector<int64_t> paddings = shape::IndexValues(ctx, paddings_tensor, "paddings");
  std::vector<int32_t> out_shape = in.shape;
  int64_t batch = in.dim(0);
  for (int i = 0; i < m; ++i) {
    const int64_t block = state->block[static_cast<size_t>(i)];
    const int64_t before = paddings[static_cast<size_t>(2 * i)], after = paddings[static_cast<size_t>(2 * i + 1)];
    if (block < 1) ctx.Fail("block_shape entry {} is {}, must be positive", i, block);
    if (before < 0 || after < 0) ctx.Fail("paddings for spatial dimension {} are negative ({}, {})", i, before, after);
    const int64_t padded = in.dim(1 + i) + before + after;
    if (padded % block != 0)
      ctx.Fail("padded size {} of spatial dimension {} is not a multiple of block size {}", padded, i, block);
    out_shape[static_cast<size_t>(1 + i)] = shape::CheckedDim(ctx, padded / block, "paddings");
    batch *= block;
    state->pad_before.push_back(before);
  }
  out_shape[0] = shape::CheckedDim(ctx, batch, "block_shape");
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<SpaceToBatchState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const size_t size = *DTypeSize(in.dtype);
  const size_t m = s.block.size();
  const int64_t inner = shape::Product(in.shape, 1 + m, in.shape.size());
  const std::vector<int64_t> in_strides = shape::Strides(in.shape);
  const std::vector<int32_t> out_spatial(out.shape.begin() + 1, out.shape.begin() + 1 + static_cast<long>(m));
  // The fill element: zero, or the zero point of a quantized output.
  std::vector<uint8_t> fill(size, 0);
  if (out.quant() != nullptr && (out.dtype == DType::UINT8 || out.dtype == DType::INT8)) {
    fill[0] = static_cast<uint8_t>(out.zero_point());
  } else if (out.quant() != nullptr && out.dtype == DType::INT16) {
    const int16_t zp = static_cast<int16_t>(out.zero_point());
    std::memcpy(fill.data(), &zp, sizeof(zp));
  }
  const int64_t in_batch = in.dim(0);
  uint8_t* dst = out.data;
  std::vector<int64_t> offset(m);
  for (int64_t ob = 0; ob < out.dim(0); ++ob) {
    // Position inside the block, row-major over block_shape.
    int64_t k = ob / in_batch;
    for (size_t i = m; i-- > 0;) {
      offset[i] = k % s.block[i];
      k /= s.block[i];
    }
    const int64_t n = ob % in_batch;
    shape::ForEachIndex(out_spatial, [&](const std::vector<int32_t>& pos) {
      int64_t from = n * in_strides[0];
      bool inside = true;
      for (size_t i = 0; i < m && inside; ++i) {
        const int64_t p = pos[i] * s.block[i] + offset[i] - s.pad_before[i];
        inside = p >= 0 && p < in.dim(static_cast<int>(1 + i));
        from += p * in_strides[1 + i];
      }
      if (inside) {
        shape::CopyElements(dst, in.data + static_cast<size_t>(from) * size, inner, size);
      } else {
        for (int64_t j = 0; j < inner; ++j) std::memcpy(dst + static_cast<size_t>(j) * size, fill.data(), size);
      }
      dst += static_cast<size_t>(inner) * size;
    });
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(SPACE_TO_BATCH_ND, Prepare, Eval);

}  // namespace tfd
