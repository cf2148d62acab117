// SLICE: the box starting at `begin` with extent `size` (inputs 1 and 2,
// int32 or int64; a size of -1 means "to the end of the dimension").
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct SliceState : KernelState {
  std::vector<int64_t> begin;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(3, 3, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& begin_tensor = ctx.input(1);
  const RuntimeTensor& size_tensor = ctx.input(2);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "SLICE input and output");
  if (begin_tensor.rank() != 1 || size_tensor.rank() != 1)
    ctx.Fail("begin and size must be 1-D (shapes {} and {})", ShapeString(begin_tensor.shape), ShapeString(size_tensor.shape));
  if (begin_tensor.NumElements() != in.rank() || size_tensor.NumElements() != in.rank())
    ctx.Fail("begin and size need {} entries (the input rank), have {} and {}", in.rank(), begin_tensor.NumElements(),
             size_tensor.NumElements());
  if (!ctx.values_known(begin_tensor) || !ctx.values_known(size_tensor)) return;  // sized while running
  auto state = std::make_unique<SliceState>();
  state->begin = shape::IndexValues(ctx, begin_tensor, "begin");
  const std::vector<int64_t> size = shape::IndexValues(ctx, size_tensor, "size");
  std::vector<int32_t> out_shape;
  for (size_t d = 0; d < in.shape.size(); ++d) {
    const int64_t dim = in.shape[d], b = state->begin[d];
    if (b < 0 || b > dim) ctx.Fail("begin {} is out of range for dimension {} of size {}", b, d, dim);
    int64_t n = size[d];
    if (n == -1) {
      n = dim - b;
    } else if (n < 0) {
      ctx.Fail("size {} for dimension {} is invalid (only -1 may be negative)", n, d);
    } else if (b + n > dim) {
      ctx.Fail("begin {} + size {} exceeds dimension {} of size {}", b, n, d, dim);
    }
    out_shape.push_back(static_cast<int32_t>(n));
  }
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<SliceState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  shape::StridedCopy(in.data, in.shape, *DTypeSize(in.dtype), s.begin, std::vector<int64_t>(s.begin.size(), 1),
                     out.shape, out.data);
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(SLICE, Prepare, Eval);

}  // namespace tfd
