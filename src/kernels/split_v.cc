// SPLIT_V: cuts input 0 along `axis` (input 2, one int32/int64 element) into
// pieces of size_splits (input 1, int32 or int64; one entry may be -1 for
// "the rest").
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct SplitVState : KernelState {
  int axis = 0;
};

void Prepare(KernelContext& ctx) {
  const auto options = ctx.options_or_default<tflite::SplitVOptionsT>();
  ctx.CheckArity(3, 3, ctx.num_outputs());
  if (options.num_splits != 0 && static_cast<size_t>(options.num_splits) != ctx.num_outputs())
    ctx.Fail("num_splits is {} but the node has {} outputs", options.num_splits, ctx.num_outputs());
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& sizes_tensor = ctx.input(1);
  const RuntimeTensor& axis_tensor = ctx.input(2);
  shape::MovableElementSize(ctx, in.dtype);
  for (size_t o = 0; o < ctx.num_outputs(); ++o) shape::CheckSameType(ctx, in, ctx.output(o), "SPLIT_V input and output");
  if (sizes_tensor.rank() != 1) ctx.Fail("size_splits must be 1-D, has shape {}", ShapeString(sizes_tensor.shape));
  if (static_cast<size_t>(sizes_tensor.NumElements()) != ctx.num_outputs())
    ctx.Fail("size_splits has {} entries for {} outputs", sizes_tensor.NumElements(), ctx.num_outputs());
  if (!ctx.values_known(sizes_tensor) || !ctx.values_known(axis_tensor)) return;  // sized while running
  auto state = std::make_unique<SplitVState>();
  state->axis = shape::NormalizeAxis(ctx, shape::ScalarIndexValue(ctx, axis_tensor, "axis"), in.rank(), "axis");
  const int64_t dim = in.shape[static_cast<size_t>(state->axis)];
  std::vector<int64_t> sizes = shape::IndexValues(ctx, sizes_tensor, "size_splits");
  int64_t known = 0;
  int rest = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (rest != -1) ctx.Fail("size_splits has more than one -1");
      rest = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      ctx.Fail("size_splits has a negative entry {}", sizes[i]);
    } else {
      known += sizes[i];
    }
  }
  if (rest != -1) {
    if (known > dim) ctx.Fail("size_splits add up to {}, more than the dimension size {}", known, dim);
    sizes[static_cast<size_t>(rest)] = dim - known;
  } else if (known != dim) {
    ctx.Fail("size_splits add up to {}, dimension {} has size {}", known, state->axis, dim);
  }
  for (size_t o = 0; o < ctx.num_outputs(); ++o) {
    std::vector<int32_t> out_shape = in.shape;
    out_shape[static_cast<size_t>(state->axis)] = static_cast<int32_t>(sizes[o]);
    ctx.ResizeOutput(o, out_shape);
  }
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<SplitVState>();
  const RuntimeTensor& in = ctx.input(0);
  const size_t size = *DTypeSize(in.dtype);
  const int64_t outer = shape::Product(in.shape, 0, static_cast<size_t>(s.axis));
  const int64_t inner = shape::Product(in.shape, static_cast<size_t>(s.axis) + 1, in.shape.size());
  const uint8_t* src = in.data;
  for (int64_t k = 0; k < outer; ++k) {
    for (size_t o = 0; o < ctx.num_outputs(); ++o) {
      RuntimeTensor& out = ctx.output(o);
      const int64_t chunk = out.shape[static_cast<size_t>(s.axis)] * inner;
      if (chunk == 0) continue;  // an empty piece may have no storage at all
      shape::CopyElements(out.data + static_cast<size_t>(k * chunk) * size, src, chunk, size);
      src += static_cast<size_t>(chunk) * size;
    }
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(SPLIT_V, Prepare, Eval);

}  // namespace tfd
