// L2_NORMALIZATION over the last axis: x / max(sqrt(sum(x^2)), 1e-6).
//   float32: computed in float.
//   uint8 (output scale 1/128, zero point 128) and int8 (1/128, zero point
//   0): TFLite's integer kernels. The sum of squared (q - zero_point) is
//   inverted with a fixed-point Newton-Raphson 1/sqrt, then each difference
//   is rescaled by it; the input scale cancels out.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_fixedpoint.h"

namespace tfd {
namespace {

struct L2NormState : KernelState {
  int64_t rows = 0, depth = 0;
  int32_t input_zero_point = 0;
};

// 1 / sqrt(input) as a multiplier and shift (TFLite's
// GetInvSqrtQuantizedMultiplierExp); reverse_shift -1 turns the right shift
// into MultiplyByQuantizedMultiplier's left-shift convention.
void InvSqrtMultiplier(int32_t input, int reverse_shift, int32_t* multiplier, int* shift) {
  if (input <= 1) {
    // 0 (all-zero row) is treated like 1.
    *multiplier = std::numeric_limits<int32_t>::max();
    *shift = 0;
    return;
  }
  *shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++*shift;
  }
  const int max_left_shift_bits = __builtin_clz(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  *shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;  // now in [2^27, 2^29)
  using F3 = actfp::Fx<int32_t, 3>;
  using F0 = actfp::Fx<int32_t, 0>;
  const F3 fixed_input = F3::FromRaw(input >> 1);
  const F3 half_input = actfp::SatRoundMulByPot<-1>(fixed_input);
  const F3 three_halves = F3::FromRaw((1 << 28) + (1 << 27));
  // Newton-Raphson for 1/sqrt from x = 1, five iterations.
  F3 x = F3::One();
  for (int i = 0; i < 5; ++i) {
    const F3 x3 = actfp::Rescale<3>(x * x * x);
    x = actfp::Rescale<3>(three_halves * x - half_input * x3);
  }
  const F0 half_sqrt2 = F0::FromRaw(1518500250);
  x = x * half_sqrt2;
  *multiplier = x.raw;
  if (*shift < 0) {
    *multiplier <<= -*shift;
    *shift = 0;
  }
  *shift *= reverse_shift;
}

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  act::RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.rank() < 1 || in.rank() > 4) ctx.Fail("input must have 1 to 4 dimensions, got {}", in.rank());
  const auto options = ctx.options_or_default<tflite::L2NormOptionsT>();
  if (options.fused_activation_function != tflite::ActivationFunctionType::NONE)
    ctx.Fail("fused activation {} is not supported (TFLite supports none)",
             tflite::EnumNameActivationFunctionType(options.fused_activation_function));
  auto state = std::make_unique<L2NormState>();
  state->depth = in.dim(-1);
  state->rows = state->depth > 0 ? in.NumElements() / state->depth : 0;
  if (act::Is8Bit(in.dtype)) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (out.scale() != 1.0f / 128) ctx.Fail("output scale must be 1/128, got {}", out.scale());
    const int32_t zp = in.dtype == DType::UINT8 ? 128 : 0;
    if (out.zero_point() != zp) ctx.Fail("output zero point must be {}, got {}", zp, out.zero_point());
    state->input_zero_point = in.zero_point();
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

void EvalFloat(KernelContext& ctx, const L2NormState& s) {
  const float* x = ctx.input(0).As<float>();
  float* y = ctx.output(0).As<float>();
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    float squares = 0.0f;
    for (int64_t c = 0; c < s.depth; ++c) squares += x[c] * x[c];
    const float norm = std::max(std::sqrt(squares), 1e-6f);
    for (int64_t c = 0; c < s.depth; ++c) y[c] = x[c] / norm;
  }
}

void EvalUint8(KernelContext& ctx, const L2NormState& s) {
  const uint8_t* x = ctx.input(0).As<uint8_t>();
  uint8_t* y = ctx.output(0).As<uint8_t>();
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    int32_t squares = 0;
    for (int64_t c = 0; c < s.depth; ++c) {
      const int32_t d = x[c] - s.input_zero_point;
      squares += d * d;
    }
    int32_t multiplier;
    int shift;
    InvSqrtMultiplier(squares, -1, &multiplier, &shift);
    for (int64_t c = 0; c < s.depth; ++c) {
      const int32_t d = x[c] - s.input_zero_point;
      const int32_t v = 128 + qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(128 * d, multiplier, shift);
      y[c] = static_cast<uint8_t>(std::min(255, std::max(0, v)));
    }
  }
}

void EvalInt8(KernelContext& ctx, const L2NormState& s) {
  const int8_t* x = ctx.input(0).As<int8_t>();
  int8_t* y = ctx.output(0).As<int8_t>();
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    int32_t squares = 0;
    for (int64_t c = 0; c < s.depth; ++c) {
      const int32_t d = x[c] - s.input_zero_point;
      squares += d * d;
    }
    int32_t multiplier;
    int shift;
    InvSqrtMultiplier(squares, -1, &multiplier, &shift);
    for (int64_t c = 0; c < s.depth; ++c) {
      const int32_t d = x[c] - s.input_zero_point;
      // The output scale 1/128 is folded into the shift.
      const int32_t v = qmath::MultiplyByQuantizedMultiplier(d, multiplier, shift + 7);
      y[c] = static_cast<int8_t>(std::min(127, std::max(-128, v)));
    }
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<L2NormState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return EvalFloat(ctx, s);
    case DType::UINT8: return EvalUint8(ctx, s);
    case DType::INT8: return EvalInt8(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(L2_NORMALIZATION, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(L2_NORMALIZATION, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(L2_NORMALIZATION, DType::INT8, Prepare, Eval);

}  // namespace tfd
