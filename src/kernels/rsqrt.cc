// RSQRT: 1 / sqrt(x), elementwise. float32; int8 with TFLite's fixed-point
// path: an inverse square root multiplier per input value (Newton-Raphson,
// GetInvSqrtQuantizedMultiplierExp) and an output rescale. Quantized inputs
// below the zero point (negative values) are an error, as in TFLite; the
// zero point itself gives the largest output.
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_fixedpoint.h"
#include "kernels/internal/elementwise_unary.h"
#include "kernels/internal/quant_math.h"

namespace tfd {
namespace {

constexpr int kShift = 20;  // headroom that keeps the intermediate an integer

struct RsqrtState : KernelState {
  int32_t input_offset = 0, output_offset = 0;
  int32_t multiplier = 0;
  int shift = 0;
};

void Prepare(KernelContext& ctx) {
  elementwise::PrepareUnary(ctx, {DType::FLOAT32, DType::INT8}, "RSQRT");
  auto state = std::make_unique<RsqrtState>();
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.dtype == DType::INT8) {
    elementwise::RequireQuantized(ctx, "RSQRT");
    state->input_offset = in.zero_point();
    state->output_offset = out.zero_point();
    // As TFLite: the square root and product in float, the reciprocal in double.
    const float denominator = std::sqrt(in.scale()) * out.scale();
    qmath::QuantizeMultiplier(1. / denominator, &state->multiplier, &state->shift);
  }
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<RsqrtState>();
  if (ctx.input(0).dtype == DType::FLOAT32) {
    elementwise::ApplyUnary<float>(ctx, [](float x) { return 1.f / std::sqrt(x); });
    return;
  }
  elementwise::ApplyUnary<int8_t>(ctx, [&](int8_t x) -> int8_t {
    const int32_t value = x - s.input_offset;
    if (value < 0) ctx.Fail("Rsqrt is only defined for positive values (input {} is below the zero point {})", x, s.input_offset);
    if (value == 0) return 127;  // TFLite: values near 0 give the largest output
    int32_t inv_sqrt_multiplier;
    int inv_sqrt_shift;
    elementwise::fixedpoint::GetInvSqrtQuantizedMultiplierExp(value, /*reverse_shift=*/-1, &inv_sqrt_multiplier,
                                                              &inv_sqrt_shift);
    const int32_t data = qmath::MultiplyByQuantizedMultiplier(int32_t{1}, inv_sqrt_multiplier, inv_sqrt_shift + kShift);
    const int32_t output = qmath::MultiplyByQuantizedMultiplier(data, s.multiplier, s.shift - kShift) + s.output_offset;
    return static_cast<int8_t>(std::min(127, std::max(-128, output)));
  });
}

}  // namespace

TFD_REGISTER_KERNEL(RSQRT, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(RSQRT, DType::INT8, Prepare, Eval);

}  // namespace tfd
