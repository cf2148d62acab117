// GATHER: picks slices of the params tensor (input 0) along `axis` at the
// positions given by input 1 (int16, int32 or int64), with TFLite's
// batch_dims (leading dimensions shared by params and positions). Negative
// axis/batch_dims count from the end. Positions out of range are an error.
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct GatherState : KernelState {
  int axis = 0, batch_dims = 0;
  int64_t batch = 1, outer = 1, inner = 1, coords = 1;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& positions = ctx.input(1);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "GATHER input and output");
  if (positions.dtype != DType::INT32 && positions.dtype != DType::INT64 && positions.dtype != DType::INT16)
    ctx.Fail("positions must be int16, int32 or int64, are {}", DTypeName(positions.dtype));
  const auto options = ctx.options_or_default<tflite::GatherOptionsT>();
  auto s = std::make_unique<GatherState>();
  if (in.rank() == 0) ctx.Fail("cannot gather from a scalar");
  s->axis = shape::NormalizeAxis(ctx, options.axis, in.rank(), "axis");
  s->batch_dims = options.batch_dims < 0 ? options.batch_dims + positions.rank() : options.batch_dims;
  if (s->batch_dims < 0 || s->batch_dims > positions.rank())
    ctx.Fail("batch_dims {} is out of range for positions of rank {}", options.batch_dims, positions.rank());
  if (s->batch_dims > s->axis) ctx.Fail("batch_dims {} must not exceed axis {}", s->batch_dims, s->axis);
  for (int d = 0; d < s->batch_dims; ++d)
    if (in.shape[static_cast<size_t>(d)] != positions.shape[static_cast<size_t>(d)])
      ctx.Fail("batch dimension {} differs: params {} vs positions {}", d, ShapeString(in.shape), ShapeString(positions.shape));
  std::vector<int32_t> out_shape(in.shape.begin(), in.shape.begin() + s->axis);
  out_shape.insert(out_shape.end(), positions.shape.begin() + s->batch_dims, positions.shape.end());
  out_shape.insert(out_shape.end(), in.shape.begin() + s->axis + 1, in.shape.end());
  s->batch = shape::Product(in.shape, 0, static_cast<size_t>(s->batch_dims));
  s->outer = shape::Product(in.shape, static_cast<size_t>(s->batch_dims), static_cast<size_t>(s->axis));
  s->inner = shape::Product(in.shape, static_cast<size_t>(s->axis) + 1, in.shape.size());
  s->coords = shape::Product(positions.shape, static_cast<size_t>(s->batch_dims), positions.shape.size());
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(s);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<GatherState>();
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& positions = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  const size_t size = *DTypeSize(in.dtype);
  const int64_t axis_size = in.shape[static_cast<size_t>(s.axis)];
  auto position = [&](int64_t i) -> int64_t {
    switch (positions.dtype) {
      case DType::INT16: return positions.As<int16_t>()[i];
      case DType::INT32: return positions.As<int32_t>()[i];
      default: return positions.As<int64_t>()[i];
    }
  };
  for (int64_t i = 0; i < positions.NumElements(); ++i)
    if (position(i) < 0 || position(i) >= axis_size)
      ctx.Fail("position {} (at index {}) is out of range for dimension {} of size {}", position(i), i, s.axis, axis_size);
  const size_t chunk = static_cast<size_t>(s.inner) * size;
  uint8_t* dst = out.data;
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t c = 0; c < s.coords; ++c) {
        const int64_t from = ((b * s.outer + o) * axis_size + position(b * s.coords + c)) * s.inner;
        shape::CopyElements(dst, in.data + static_cast<size_t>(from) * size, s.inner, size);
        dst += chunk;
      }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(GATHER, Prepare, Eval);

}  // namespace tfd
