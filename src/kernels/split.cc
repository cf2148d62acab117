// SPLIT: input 0 is the axis (int32, one element), input 1 the tensor; the
// tensor is cut into num_splits equal parts along the axis.
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct SplitState : KernelState {
  int axis = 0;
};

void Prepare(KernelContext& ctx) {
  const auto options = ctx.options_or_default<tflite::SplitOptionsT>();
  if (options.num_splits <= 0) ctx.Fail("num_splits must be positive, is {}", options.num_splits);
  ctx.CheckArity(2, 2, static_cast<size_t>(options.num_splits));
  const RuntimeTensor& axis_tensor = ctx.input(0);
  const RuntimeTensor& in = ctx.input(1);
  shape::MovableElementSize(ctx, in.dtype);
  for (size_t o = 0; o < ctx.num_outputs(); ++o) shape::CheckSameType(ctx, in, ctx.output(o), "SPLIT input and output");
  if (!ctx.values_known(axis_tensor)) return;  // sized while running
  auto state = std::make_unique<SplitState>();
  state->axis = shape::NormalizeAxis(ctx, shape::ScalarIndexValue(ctx, axis_tensor, "axis"), in.rank(), "axis");
  const int32_t dim = in.shape[static_cast<size_t>(state->axis)];
  if (dim % options.num_splits != 0)
    ctx.Fail("dimension {} of size {} does not split into {} equal parts", state->axis, dim, options.num_splits);
  std::vector<int32_t> out_shape = in.shape;
  out_shape[static_cast<size_t>(state->axis)] = dim / options.num_splits;
  for (size_t o = 0; o < ctx.num_outputs(); ++o) ctx.ResizeOutput(o, out_shape);
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<SplitState>();
  const RuntimeTensor& in = ctx.input(1);
  const size_t size = *DTypeSize(in.dtype);
  const int64_t outer = shape::Product(in.shape, 0, static_cast<size_t>(s.axis));
  const int64_t inner = shape::Product(in.shape, static_cast<size_t>(s.axis) + 1, in.shape.size());
  const int64_t chunk = ctx.output(0).shape[static_cast<size_t>(s.axis)] * inner;
  const uint8_t* src = in.data;
  for (int64_t k = 0; k < outer; ++k) {
    for (size_t o = 0; o < ctx.num_outputs(); ++o) {
      shape::CopyElements(ctx.output(o).data + static_cast<size_t>(k * chunk) * size, src, chunk, size);
      src += static_cast<size_t>(chunk) * size;
    }
  }
}

}  // namespace

// The first input is the axis: the kernel is chosen whatever its type.
TFD_REGISTER_KERNEL(SPLIT, std::nullopt, Prepare, Eval);

}  // namespace tfd
