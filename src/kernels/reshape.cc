// RESHAPE: same bytes, new shape. The shape comes from the second input when
// it is a 1-D int32 tensor (possibly computed at run time), else from the
// options' new_shape (where the legacy [0] means a scalar). One dimension may
// be -1 and is inferred from the element count.
#include "interpreter/kernel_registry.h"
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

// Where the new shape comes from, as TFLite decides it.
bool ShapeFromTensor(const KernelContext& ctx) {
  const RuntimeTensor* shape = ctx.optional_input(1);
  return shape != nullptr && shape->rank() == 1 && shape->dtype == DType::INT32;
}

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  // TFLite's RESHAPE moves any element type: complex64 too, as RFFT2D's
  // spectrum goes through it in YAMNet.
  if (in.dtype != DType::COMPLEX64) shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, out, "RESHAPE input and output");

  std::vector<int64_t> requested;
  if (ShapeFromTensor(ctx)) {
    const RuntimeTensor& shape_tensor = ctx.input(1);
    if (!ctx.values_known(shape_tensor)) return;  // sized while running
    requested = shape::IndexValues(ctx, shape_tensor, "shape");
  } else {
    const auto* options = ctx.options<tflite::ReshapeOptionsT>();
    if (options == nullptr) {
      if (ctx.optional_input(1) != nullptr)
        ctx.Fail("shape input must be a 1-D int32 tensor (is {} {}) when there is no new_shape option",
                 DTypeName(ctx.input(1).dtype), ShapeString(ctx.input(1).shape));
      ctx.Fail("no shape input and no new_shape option");
    }
    requested.assign(options->new_shape.begin(), options->new_shape.end());
    if (requested.size() == 1 && requested[0] == 0) requested.clear();  // legacy scalar
  }

  const int64_t input_count = in.NumElements();
  int stretch = -1;
  int64_t known = 1;
  for (size_t i = 0; i < requested.size(); ++i) {
    if (requested[i] == -1) {
      if (stretch != -1) ctx.Fail("new shape has more than one -1 ({})", fmt::join(requested, ", "));
      stretch = static_cast<int>(i);
    } else if (requested[i] < 0) {
      ctx.Fail("new shape has a negative dimension {}", requested[i]);
    } else {
      known *= requested[i];
    }
  }
  if (stretch != -1) {
    if (known == 0) {
      if (input_count != 0) ctx.Fail("cannot infer the -1 dimension: the other dimensions multiply to 0");
      requested[static_cast<size_t>(stretch)] = 0;
    } else {
      requested[static_cast<size_t>(stretch)] = input_count / known;
    }
    known *= requested[static_cast<size_t>(stretch)];
  }
  if (known != input_count)
    ctx.Fail("cannot reshape {} ({} elements) to [{}] ({} elements)", ShapeString(in.shape), input_count,
             fmt::join(requested, ", "), known);
  std::vector<int32_t> out_shape;
  for (int64_t d : requested) out_shape.push_back(shape::CheckedDim(ctx, d, "new shape"));
  ctx.ResizeOutput(0, out_shape);
}

void Eval(KernelContext& ctx) {
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  if (out.data != in.data) shape::CopyElements(out.data, in.data, in.NumElements(), *DTypeSize(in.dtype));
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(RESHAPE, Prepare, Eval);
TFD_REGISTER_KERNEL(RESHAPE, DType::COMPLEX64, Prepare, Eval);

}  // namespace tfd
