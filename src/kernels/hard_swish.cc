// HARD_SWISH: x * relu6(x + 3) / 6.
//   float32: computed in float.
// xnnpack flavor (float32): XNNPACK's order of operations
// (kernels/internal/xnnpack_f32.h).
//   int8, uint8: TFLite's 16-bit fixed-point kernel. The input is moved to a
//   "hires" scale (input_scale / 128), rescaled once to the output scale and
//   once to a "reluish" scale on which +-3.0 maps to +-32768, the latter is
//   saturated and mapped to [0, 1], and the two are multiplied with a
//   truncating doubling high-multiply (TFLite picked truncation there to
//   cancel the bias of the rounding multiplies).
#include <algorithm>
#include <limits>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/xnnpack_f32.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_fixedpoint.h"

namespace tfd {
namespace {

struct HardSwishState : KernelState {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int16_t output_multiplier = 0;  // Q0.15
  int output_exponent = 0;        // <= 0
  int16_t reluish_multiplier = 0;  // Q0.15
  int reluish_exponent = 0;
};

// A Q0.31 multiplier rounded to Q0.15 (saturating at the top).
int16_t ToQ15(int32_t q31) {
  if (q31 >= std::numeric_limits<int32_t>::max() - (1 << 15)) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((q31 + (1 << 15)) >> 16);
}

int16_t SaturatingLeftShift(int16_t value, int amount) {
  const int64_t v = static_cast<int64_t>(value) * (int64_t{1} << amount);
  return static_cast<int16_t>(std::min<int64_t>(32767, std::max<int64_t>(-32768, v)));
}

// Like SatRoundDoublingHighMul but truncating toward zero (ARM's SQDMULH).
int16_t SaturatingDoublingHighMul(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((static_cast<int32_t>(a) * static_cast<int32_t>(b)) / (1 << 15));
}

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  act::RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<HardSwishState>();
  if (act::Is8Bit(in.dtype)) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    state->input_zero_point = in.zero_point();
    state->output_zero_point = out.zero_point();
    // All in float, as TFLite computes them.
    const float hires_input_scale = (1.0f / 128.0f) * in.scale();
    const float reluish_scale = 3.0f / 32768.0f;
    int32_t q31 = 0;
    qmath::QuantizeMultiplier(static_cast<double>(hires_input_scale / out.scale()), &q31, &state->output_exponent);
    state->output_multiplier = ToQ15(q31);
    if (state->output_exponent > 0)
      ctx.Fail("output scale {} is too small for input scale {} (needs output_scale > input_scale / 128)", out.scale(),
               in.scale());
    qmath::QuantizeMultiplier(static_cast<double>(hires_input_scale / reluish_scale), &q31, &state->reluish_exponent);
    state->reluish_multiplier = ToQ15(q31);
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const HardSwishState& s) {
  using actfp::RoundDivPot;
  using actfp::SatRoundDoublingHighMul;
  const T* in = ctx.input(0).As<T>();
  T* out = ctx.output(0).As<T>();
  const int64_t n = ctx.output(0).NumElements();
  for (int64_t i = 0; i < n; ++i) {
    const int16_t x = static_cast<int16_t>(static_cast<int32_t>(in[i]) - s.input_zero_point);
    // Left-shift by 7 (always fits: |x| <= 255) for precision: the "hires" scale.
    const int16_t hires = static_cast<int16_t>(x * (1 << 7));
    // x on the output scale, before the final right shift.
    const int16_t preshift_output = SatRoundDoublingHighMul<int16_t>(hires, s.output_multiplier);
    // x on the scale where 3.0 is 32768, saturating: the left shift is split so
    // that only the last bit can saturate.
    int16_t reluish = hires;
    if (s.reluish_exponent > 0) reluish = SaturatingLeftShift(reluish, s.reluish_exponent - 1);
    reluish = SatRoundDoublingHighMul<int16_t>(reluish, s.reluish_multiplier);
    if (s.reluish_exponent > 0) reluish = SaturatingLeftShift(reluish, 1);
    if (s.reluish_exponent < 0) reluish = RoundDivPot<int16_t>(reluish, -s.reluish_exponent);
    // [-1, 1] -> [0, 1], i.e. relu6(x + 3) / 6.
    reluish = static_cast<int16_t>((static_cast<int32_t>(reluish) + (1 << 15)) >> 1);
    const int16_t preshift = SaturatingDoublingHighMul(reluish, preshift_output);
    const int32_t v = RoundDivPot<int16_t>(preshift, -s.output_exponent) + s.output_zero_point;
    out[i] = static_cast<T>(std::min<int32_t>(std::numeric_limits<T>::max(), std::max<int32_t>(std::numeric_limits<T>::min(), v)));
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<HardSwishState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: {
      const float* x = ctx.input(0).As<float>();
      float* y = ctx.output(0).As<float>();
      const int64_t n = ctx.output(0).NumElements();
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] * std::min(6.0f, std::max(0.0f, x[i] + 3.0f)) / 6.0f;
      return;
    }
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitHardSwishNode: float32 in and out (XNNPACK of the
// oracle's version has no 8-bit hard swish).
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 1 || ctx.outputs.size() != 1 || !ctx.inputs[0] || !ctx.outputs[0]) return false;
  return ctx.inputs[0]->dtype == DType::FLOAT32 && ctx.outputs[0]->dtype == DType::FLOAT32;
}

void EvalXnnpack(KernelContext& ctx) {
  const float* x = ctx.input(0).As<float>();
  float* y = ctx.output(0).As<float>();
  const int64_t n = ctx.output(0).NumElements();
  for (int64_t i = 0; i < n; ++i) y[i] = xnn::HardSwishF32(x[i]);
}

}  // namespace

TFD_REGISTER_KERNEL(HARD_SWISH, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(HARD_SWISH, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(HARD_SWISH, DType::UINT8, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(HARD_SWISH, DType::FLOAT32, XnnpackAccepts, Prepare, EvalXnnpack);

}  // namespace tfd
