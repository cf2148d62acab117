// UNPACK: splits a tensor along `axis` into its `num` slices, each with that
// dimension removed.
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct UnpackState : KernelState {
  int axis = 0;
};

void Prepare(KernelContext& ctx) {
  const auto options = ctx.options_or_default<tflite::UnpackOptionsT>();
  const RuntimeTensor& in = ctx.input(0);
  shape::MovableElementSize(ctx, in.dtype);
  if (in.rank() == 0) ctx.Fail("cannot unpack a scalar");
  auto state = std::make_unique<UnpackState>();
  state->axis = shape::NormalizeAxis(ctx, options.axis, in.rank(), "axis");
  const int32_t dim = in.shape[static_cast<size_t>(state->axis)];
  if (options.num != dim) ctx.Fail("num is {} but dimension {} has size {}", options.num, state->axis, dim);
  ctx.CheckArity(1, 1, static_cast<size_t>(dim));
  std::vector<int32_t> out_shape = in.shape;
  out_shape.erase(out_shape.begin() + state->axis);
  for (size_t o = 0; o < ctx.num_outputs(); ++o) {
    shape::CheckSameType(ctx, in, ctx.output(o), "UNPACK input and output");
    ctx.ResizeOutput(o, out_shape);
  }
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<UnpackState>();
  const RuntimeTensor& in = ctx.input(0);
  const size_t size = *DTypeSize(in.dtype);
  const int64_t outer = shape::Product(in.shape, 0, static_cast<size_t>(s.axis));
  const int64_t inner = shape::Product(in.shape, static_cast<size_t>(s.axis) + 1, in.shape.size());
  const uint8_t* src = in.data;
  for (int64_t k = 0; k < outer; ++k) {
    for (size_t o = 0; o < ctx.num_outputs(); ++o) {
      shape::CopyElements(ctx.output(o).data + static_cast<size_t>(k * inner) * size, src, inner, size);
      src += static_cast<size_t>(inner) * size;
    }
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(UNPACK, Prepare, Eval);

}  // namespace tfd
