// SUM over the axes in input 1 (int32/int64; negative and duplicate axes
// allowed; may be computed at run time), keep_dims as in the options.
// float32, int32, int64 add in their own type (integers wrap). int8/uint8
// with the output's scale and zero point add the stored values in the
// element type (wrapping, as TFLite's generic reducer does); with different
// parameters they take TFLite's optimized QuantizedMeanOrSum sum path:
// round(raw_sum * s + bias) + zero point with s = in/out scale and bias =
// -zp_in * s * count, cast to the type without clamping (TFLite wraps).
// int16 requires equal quantization and adds like int8.
#include <cmath>

#include "kernels/internal/quant_math.h"
#include "kernels/internal/shape_reduce.h"

namespace tfd {
namespace {

struct SumState : KernelState {
  shape::ReduceLayout layout;
  bool rescale = false;
};

void Prepare(KernelContext& ctx) {
  shape::CheckReduceInputs(ctx, "SUM input and output");
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& axis = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<SumState>();
  if (in.dtype == DType::INT8 || in.dtype == DType::UINT8) {
    state->rescale = !shape::SameQuantization(in, out);
    if (state->rescale && (!in.quant() || !out.quant()))
      ctx.Fail("input and output quantization differ but one of them has none");
  } else if (in.dtype == DType::INT16) {
    if (in.zero_point() != 0 || out.zero_point() != 0)
      ctx.Fail("int16 SUM needs zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    if (!shape::SameQuantization(in, out))
      ctx.Fail("int16 SUM needs the output scale to equal the input's ({} vs {})", out.scale(), in.scale());
  }
  if (!ctx.values_known(axis)) return;  // sized while running
  state->layout = shape::MakeReduceLayout(ctx, in.shape, axis, ctx.options_or_default<tflite::ReducerOptionsT>().keep_dims);
  ctx.ResizeOutput(0, state->layout.output_shape);
  ctx.state = std::move(state);
}

template <typename T>
void EvalPlain(const RuntimeTensor& in, RuntimeTensor& out, const SumState& s) {
  if constexpr (std::is_floating_point_v<T>) {
    shape::ReduceInto<T>(in, s.layout, T(0), [](T acc, T v) { return acc + v; }, out.As<T>());
  } else {
    using U = std::make_unsigned_t<T>;
    shape::ReduceInto<T>(in, s.layout, T(0), [](T acc, T v) { return static_cast<T>(static_cast<U>(acc) + static_cast<U>(v)); },
                         out.As<T>());
  }
}

template <typename T>
void EvalRescaled(const RuntimeTensor& in, RuntimeTensor& out, const SumState& s) {
  std::vector<int32_t> sums(static_cast<size_t>(s.layout.output_count), 0);
  const T* src = in.As<T>();
  shape::ForEachReduced(in.shape, s.layout, [&](int64_t i, int64_t o) { sums[static_cast<size_t>(o)] += src[i]; });
  const float scale = in.scale() / out.scale();
  const float bias = static_cast<float>(-in.zero_point()) * scale * static_cast<float>(s.layout.reduced_count);
  T* dst = out.As<T>();
  for (size_t o = 0; o < sums.size(); ++o) {
    // An output scale far below the input's takes the value out of int32:
    // converted and offset as the runtime's x86 and WebAssembly builds do.
    const int32_t value =
        qmath::WrappingAdd(qmath::RoundToInt32(static_cast<float>(sums[o]) * scale + bias), out.zero_point());
    dst[o] = static_cast<T>(value);
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<SumState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  switch (in.dtype) {
    case DType::FLOAT32: return EvalPlain<float>(in, out, s);
    case DType::INT32: return EvalPlain<int32_t>(in, out, s);
    case DType::INT64: return EvalPlain<int64_t>(in, out, s);
    case DType::INT16: return EvalPlain<int16_t>(in, out, s);
    case DType::INT8: return s.rescale ? EvalRescaled<int8_t>(in, out, s) : EvalPlain<int8_t>(in, out, s);
    default: return s.rescale ? EvalRescaled<uint8_t>(in, out, s) : EvalPlain<uint8_t>(in, out, s);
  }
}

}  // namespace

TFD_REGISTER_KERNEL(SUM, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SUM, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SUM, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(SUM, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(SUM, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(SUM, DType::INT16, Prepare, Eval);

}  // namespace tfd
