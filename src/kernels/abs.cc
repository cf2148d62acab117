// ABS: absolute value, elementwise. float32; int32 (|INT32_MIN| wraps);
// int8 and quantized int16 (zero points 0) with TFLite's requantization when
// input and output scales differ; int16 without quantization as plain
// integers.
#include <cmath>
#include <cstdlib>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_unary.h"
#include "kernels/internal/quant_math.h"

namespace tfd {
namespace {

struct AbsState : KernelState {
  bool quantized = false;
  bool needs_rescale = false;
  int32_t input_offset = 0, output_offset = 0;
  int32_t multiplier = 0;
  int shift = 0;
};

void Prepare(KernelContext& ctx) {
  elementwise::PrepareUnary(ctx, {DType::FLOAT32, DType::INT8, DType::INT16, DType::INT32}, "ABS");
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<AbsState>();
  // int16 may be quantized or not; int8 is always quantized.
  if (in.dtype == DType::INT8 || (in.dtype == DType::INT16 && in.quant())) {
    elementwise::RequireQuantized(ctx, "ABS");
    state->quantized = true;
    state->input_offset = in.zero_point();
    state->output_offset = out.zero_point();
    if (in.dtype == DType::INT16 && (state->input_offset != 0 || state->output_offset != 0))
      ctx.Fail("int16 ABS needs zero points of 0 (got {} -> {})", state->input_offset, state->output_offset);
    state->needs_rescale = in.scale() != out.scale();
    // TFLite divides the scales in float.
    if (state->needs_rescale) qmath::QuantizeMultiplier(in.scale() / out.scale(), &state->multiplier, &state->shift);
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const AbsState& s) {
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  elementwise::ApplyUnary<T>(ctx, [&](T x) {
    const int32_t value = std::abs(x - s.input_offset);
    const int32_t result = s.needs_rescale
                               ? qmath::MultiplyByQuantizedMultiplier(value, s.multiplier, s.shift) + s.output_offset
                               : value + s.output_offset;
    return static_cast<T>(std::min(std::max(result, kMin), kMax));
  });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<AbsState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return elementwise::ApplyUnary<float>(ctx, [](float x) { return std::abs(x); });
    case DType::INT32:
      return elementwise::ApplyUnary<int32_t>(ctx, [](int32_t x) {
        return x < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(x)) : x;
      });
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::INT16:
      if (s.quantized) return EvalQuantized<int16_t>(ctx, s);
      return elementwise::ApplyUnary<int16_t>(ctx, [](int16_t x) { return static_cast<int16_t>(std::abs(int32_t{x})); });
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(ABS, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(ABS, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(ABS, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(ABS, DType::INT32, Prepare, Eval);

}  // namespace tfd
