#include "kernels/internal/shape_reduce.h"

#include <algorithm>

namespace tfd::shape {

void CheckReduceInputs(const KernelContext& ctx, const char* io_name) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  switch (in.dtype) {
    case DType::FLOAT32: case DType::INT32: case DType::INT64: case DType::INT8: case DType::UINT8: case DType::INT16: break;
    default: ctx.Fail("unsupported input type {}", DTypeName(in.dtype));
  }
  CheckSameType(ctx, in, ctx.output(0), io_name);
}

ReduceLayout MakeReduceLayout(const KernelContext& ctx, const std::vector<int32_t>& input_shape,
                              const RuntimeTensor& axis_tensor, bool keep_dims) {
  ReduceLayout layout;
  const int rank = static_cast<int>(input_shape.size());
  // A scalar input reduces to a scalar whatever the axes say (TFLite
  // short-circuits axis resolution for rank 0).
  if (rank > 0) {
    for (int64_t a : IndexValues(ctx, axis_tensor, "axis")) {
      const int axis = NormalizeAxis(ctx, a, rank, "reduction axis");
      if (std::find(layout.axes.begin(), layout.axes.end(), axis) == layout.axes.end()) layout.axes.push_back(axis);
    }
  }
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int a : layout.axes) reduced[static_cast<size_t>(a)] = true;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[static_cast<size_t>(d)]) {
      layout.output_shape.push_back(input_shape[static_cast<size_t>(d)]);
    } else {
      layout.reduced_count *= input_shape[static_cast<size_t>(d)];
      if (keep_dims) layout.output_shape.push_back(1);
    }
  }
  // Output strides, mapped back onto the input dimensions.
  layout.output_step.assign(static_cast<size_t>(rank), 0);
  int64_t stride = 1;
  for (int d = rank; d-- > 0;) {
    if (reduced[static_cast<size_t>(d)]) continue;
    layout.output_step[static_cast<size_t>(d)] = stride;
    stride *= input_shape[static_cast<size_t>(d)];
  }
  layout.output_count = stride;
  return layout;
}

}  // namespace tfd::shape
