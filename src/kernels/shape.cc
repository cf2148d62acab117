// SHAPE: the input's shape as a 1-D int32 or int64 tensor (the output
// tensor's type, which must agree with the out_type option when present).
// Any input type: only the shape is read.
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& out = ctx.output(0);
  if (out.dtype != DType::INT32 && out.dtype != DType::INT64)
    ctx.Fail("output type must be int32 or int64, is {}", DTypeName(out.dtype));
  if (const auto* options = ctx.options<tflite::ShapeOptionsT>())
    if (options->out_type != out.dtype && options->out_type != DType::FLOAT32)  // FLOAT32: the schema default, unset
      ctx.Fail("out_type {} differs from the output tensor's type {}", DTypeName(options->out_type), DTypeName(out.dtype));
  ctx.ResizeOutput(0, {ctx.input(0).rank()});
}

void Eval(KernelContext& ctx) {
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  for (int d = 0; d < in.rank(); ++d) {
    if (out.dtype == DType::INT32) {
      out.As<int32_t>()[d] = in.shape[static_cast<size_t>(d)];
    } else {
      out.As<int64_t>()[d] = in.shape[static_cast<size_t>(d)];
    }
  }
}

}  // namespace

TFD_REGISTER_KERNEL(SHAPE, std::nullopt, Prepare, Eval);

}  // namespace tfd
