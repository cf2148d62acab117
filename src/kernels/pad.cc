// PAD and PADV2 (TFLite implements both in one kernel): surrounds the input
// with paddings[d] = (before, after) elements per dimension (input 1, shape
// [rank, 2], int32 or int64). The fill value is PADV2's constant_values
// (input 2, one element of the input's type, quantized like the output), or
// else 0 - for quantized uint8/int8/int16 the output zero point.
#include <cstring>

#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct PadState : KernelState {
  std::vector<int64_t> before;
  std::vector<uint8_t> fill;  // one element's bytes
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 3, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& paddings_tensor = ctx.input(1);
  const RuntimeTensor* constant = ctx.optional_input(2);
  const RuntimeTensor& out = ctx.output(0);
  const size_t size = shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, out, "PAD input and output");
  if (paddings_tensor.rank() != 2 || paddings_tensor.dim(0) != in.rank() || paddings_tensor.dim(1) != 2)
    ctx.Fail("paddings must have shape [{}, 2], has {}", in.rank(), ShapeString(paddings_tensor.shape));
  const bool quantized = in.quant() != nullptr && (in.dtype == DType::UINT8 || in.dtype == DType::INT8 || in.dtype == DType::INT16);
  auto state = std::make_unique<PadState>();
  state->fill.assign(size, 0);
  if (constant != nullptr) {
    shape::CheckSameType(ctx, in, *constant, "PAD constant_values and input");
    if (constant->NumElements() != 1) ctx.Fail("constant_values must have one element, has shape {}", ShapeString(constant->shape));
    if ((quantized || in.dtype == DType::UINT8) && !shape::SameQuantization(*constant, out))
      ctx.Fail("constant_values is quantized differently from the output (scale {} zero point {} vs {} {})",
               constant->scale(), constant->zero_point(), out.scale(), out.zero_point());
    if (!ctx.values_known(*constant)) return;  // read while running
    std::memcpy(state->fill.data(), constant->data, size);
  } else if (quantized || in.dtype == DType::UINT8) {
    const int32_t zp = out.zero_point();
    const int32_t lo = in.dtype == DType::UINT8 ? 0 : (in.dtype == DType::INT8 ? -128 : -32768);
    const int32_t hi = in.dtype == DType::UINT8 ? 255 : (in.dtype == DType::INT8 ? 127 : 32767);
    if (zp < lo || zp > hi) ctx.Fail("output zero point {} is outside the {} range", zp, DTypeName(in.dtype));
    if (in.dtype == DType::INT16) {
      const int16_t v = static_cast<int16_t>(zp);
      std::memcpy(state->fill.data(), &v, size);
    } else {
      state->fill[0] = static_cast<uint8_t>(static_cast<int8_t>(zp));
    }
  }
  if (!ctx.values_known(paddings_tensor)) return;  // sized while running
  const std::vector<int64_t> paddings = shape::IndexValues(ctx, paddings_tensor, "paddings");
  std::vector<int32_t> out_shape;
  for (int d = 0; d < in.rank(); ++d) {
    const int64_t before = paddings[static_cast<size_t>(2 * d)], after = paddings[static_cast<size_t>(2 * d + 1)];
    if (before < 0 || after < 0) ctx.Fail("paddings for dimension {} are negative ({}, {})", d, before, after);
    state->before.push_back(before);
    out_shape.push_back(shape::CheckedDim(ctx, in.shape[static_cast<size_t>(d)] + before + after, "paddings"));
  }
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

template <typename T>
void Pad(const RuntimeTensor& in, RuntimeTensor& out, const PadState& s) {
  T fill;
  std::memcpy(&fill, s.fill.data(), sizeof(T));
  const std::vector<int64_t> strides = shape::Strides(in.shape);
  const T* src = in.As<T>();
  T* dst = out.As<T>();
  int64_t o = 0;
  shape::ForEachIndex(out.shape, [&](const std::vector<int32_t>& pos) {
    int64_t offset = 0;
    for (size_t d = 0; d < pos.size(); ++d) {
      const int64_t p = pos[d] - s.before[d];
      if (p < 0 || p >= in.shape[d]) {
        dst[o++] = fill;
        return;
      }
      offset += p * strides[d];
    }
    dst[o++] = src[offset];
  });
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<PadState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  switch (*DTypeSize(in.dtype)) {
    case 1: return Pad<uint8_t>(in, out, s);
    case 2: return Pad<uint16_t>(in, out, s);
    case 4: return Pad<uint32_t>(in, out, s);
    default: return Pad<uint64_t>(in, out, s);
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(PAD, Prepare, Eval);
TFD_SHAPE_REGISTER_MOVABLE(PADV2, Prepare, Eval);

}  // namespace tfd
