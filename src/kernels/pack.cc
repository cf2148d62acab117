// PACK: stacks values_count tensors of one shape along a new dimension at
// `axis` (in [-(rank+1), rank]). Quantized inputs must share the output's
// scale and zero point (TFLite does not requantize here).
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct PackState : KernelState {
  int axis = 0;
};

void Prepare(KernelContext& ctx) {
  const auto options = ctx.options_or_default<tflite::PackOptionsT>();
  if (options.values_count <= 0) ctx.Fail("values_count must be positive, is {}", options.values_count);
  ctx.CheckArity(static_cast<size_t>(options.values_count), static_cast<size_t>(options.values_count), 1);
  const RuntimeTensor& first = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  shape::MovableElementSize(ctx, first.dtype);
  shape::CheckSameType(ctx, first, out, "PACK input 0 and output");
  const bool quantized = first.dtype == DType::INT8 || first.dtype == DType::UINT8 || first.dtype == DType::INT16;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const RuntimeTensor& t = ctx.input(i);
    shape::CheckSameType(ctx, first, t, "PACK inputs");
    if (t.shape != first.shape) ctx.Fail("input {} has shape {}, input 0 has {}", i, ShapeString(t.shape), ShapeString(first.shape));
    if (quantized && !shape::SameQuantization(t, out))
      ctx.Fail("input {} is quantized differently from the output (scale {} zero point {} vs {} {})", i, t.scale(),
               t.zero_point(), out.scale(), out.zero_point());
  }
  auto state = std::make_unique<PackState>();
  state->axis = shape::NormalizeAxis(ctx, options.axis, first.rank() + 1, "axis");
  std::vector<int32_t> out_shape = first.shape;
  out_shape.insert(out_shape.begin() + state->axis, options.values_count);
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<PackState>();
  const RuntimeTensor& first = ctx.input(0);
  const size_t size = *DTypeSize(first.dtype);
  const int64_t outer = shape::Product(first.shape, 0, static_cast<size_t>(s.axis));
  const int64_t inner = shape::Product(first.shape, static_cast<size_t>(s.axis), first.shape.size());
  uint8_t* dst = ctx.output(0).data;
  for (int64_t k = 0; k < outer; ++k) {
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      shape::CopyElements(dst, ctx.input(i).data + static_cast<size_t>(k * inner) * size, inner, size);
      dst += static_cast<size_t>(inner) * size;
    }
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(PACK, Prepare, Eval);

}  // namespace tfd
