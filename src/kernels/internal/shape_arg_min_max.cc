#include "kernels/internal/shape_arg_min_max.h"

namespace tfd::shape {
namespace {

struct ArgState : KernelState {
  int axis = 0;
};

template <typename T, typename Index, bool kMax>
void ArgTyped(const RuntimeTensor& in, RuntimeTensor& out, int axis) {
  const int64_t outer = Product(in.shape, 0, static_cast<size_t>(axis));
  const int64_t inner = Product(in.shape, static_cast<size_t>(axis) + 1, in.shape.size());
  const int64_t n = in.shape[static_cast<size_t>(axis)];
  const T* src = in.As<T>();
  Index* dst = out.As<Index>();
  if (inner == 1) {
    // The last axis (a segmentation map's classes): the same comparisons in
    // the same order over contiguous values, without branches.
    for (int64_t o = 0; o < outer; ++o) {
      const T* p = src + o * n;
      T best = p[0];
      Index best_index = 0;
      for (int64_t k = 1; k < n; ++k) {
        const T v = p[k];
        const bool better = kMax ? v > best : v < best;
        best = better ? v : best;
        best_index = better ? static_cast<Index>(k) : best_index;
      }
      dst[o] = best_index;
    }
    return;
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const T* p = src + o * n * inner + i;
      T best = p[0];
      Index best_index = 0;
      for (int64_t k = 1; k < n; ++k) {
        const T v = p[k * inner];
        if (kMax ? v > best : v < best) {
          best = v;
          best_index = static_cast<Index>(k);
        }
      }
      dst[o * inner + i] = best_index;
    }
}

template <typename T, bool kMax>
void ArgForType(const RuntimeTensor& in, RuntimeTensor& out, int axis) {
  if (out.dtype == DType::INT32) {
    ArgTyped<T, int32_t, kMax>(in, out, axis);
  } else {
    ArgTyped<T, int64_t, kMax>(in, out, axis);
  }
}

template <bool kMax>
void Arg(const RuntimeTensor& in, RuntimeTensor& out, int axis) {
  switch (in.dtype) {
    case DType::FLOAT32: return ArgForType<float, kMax>(in, out, axis);
    case DType::INT8: return ArgForType<int8_t, kMax>(in, out, axis);
    case DType::UINT8: return ArgForType<uint8_t, kMax>(in, out, axis);
    case DType::BOOL: return ArgForType<uint8_t, kMax>(in, out, axis);
    case DType::INT16: return ArgForType<int16_t, kMax>(in, out, axis);
    case DType::INT32: return ArgForType<int32_t, kMax>(in, out, axis);
    default: return ArgForType<int64_t, kMax>(in, out, axis);
  }
}

}  // namespace

void PrepareArgMinMax(KernelContext& ctx, DType option_output_type) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& axis_tensor = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  MovableElementSize(ctx, in.dtype);
  if (out.dtype != DType::INT32 && out.dtype != DType::INT64)
    ctx.Fail("output type must be int32 or int64, is {}", DTypeName(out.dtype));
  // FLOAT32 is the schema default, i.e. the option was not written.
  if (option_output_type != DType::FLOAT32 && option_output_type != out.dtype)
    ctx.Fail("output_type option {} differs from the output tensor's type {}", DTypeName(option_output_type),
             DTypeName(out.dtype));
  if (in.rank() == 0) ctx.Fail("input must have at least one dimension");
  if (axis_tensor.NumElements() != 1) ctx.Fail("axis must have one element, has shape {}", ShapeString(axis_tensor.shape));
  if (!ctx.values_known(axis_tensor)) return;  // sized while running
  auto state = std::make_unique<ArgState>();
  state->axis = NormalizeAxis(ctx, ScalarIndexValue(ctx, axis_tensor, "axis"), in.rank(), "axis");
  std::vector<int32_t> out_shape = in.shape;
  out_shape.erase(out_shape.begin() + state->axis);
  if (in.shape[static_cast<size_t>(state->axis)] == 0 && Product(out_shape) > 0)
    ctx.Fail("cannot take the arg {} over an empty dimension", ctx.opcode->Name());
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

void EvalArgMinMax(KernelContext& ctx, bool is_max) {
  const int axis = ctx.state_as<ArgState>().axis;
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  if (out.NumElements() == 0) return;
  if (is_max) {
    Arg<true>(in, out, axis);
  } else {
    Arg<false>(in, out, axis);
  }
}

}  // namespace tfd::shape
