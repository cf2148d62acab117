// SOFTMAX over the last axis with beta: exp(beta * (x - max)) / sum.
//   float32: computed in float.
//   int8 -> int8, uint8 -> uint8, int8/uint8 -> int16: TFLite's builtin kernel
//     (the "optimized" one the default resolver registers), which is float
//     arithmetic on a 256-entry table exp(-input_scale * beta * d) for
//     d = max - x. (TFLite's reference kernel uses gemmlowp fixed point
//     instead; the shipped runtime does not.)
//   int16 -> int16: TFLite's int16 kernel: exp and 1/(1+x) from 513-entry
//     interpolated tables, zero points 0, output scale 1/32768.
//
// xnnpack flavor (float32): the nodes TFLite's XNNPACK delegate takes (beta
// exactly 1, float32 in and out), with XNNPACK's softmax: its own exp and
// summation order, then a multiplication by 1 / sum (xnnpack_f32.h).
#include <algorithm>
#include <cmath>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_lut.h"
#include "kernels/internal/xnnpack_f32.h"
#include "kernels/internal/quant_math.h"

namespace tfd {
namespace {

struct SoftmaxState : KernelState {
  float beta = 1.0f;
  int64_t rows = 0, depth = 0;
  // 8-bit input: table[255 - d] = exp(-input_scale * beta * d).
  float table[256] = {};
  float output_scale = 0.0f;
  int32_t output_zero_point = 0;
  // int16 input.
  int16_t exp_table[513] = {};
  int16_t reciprocal_table[513] = {};
  act::Rescale input_rescale;  // to the exp table's input scale 10/65535
};

bool AllowedPair(DType in, DType out) {
  if (in == DType::FLOAT32 || in == DType::INT16) return out == in;
  if (in == DType::INT8 || in == DType::UINT8) return out == in || out == DType::INT16;
  return false;
}

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (!AllowedPair(in.dtype, out.dtype))
    ctx.Fail("unsupported input/output types {} -> {}", DTypeName(in.dtype), DTypeName(out.dtype));
  if (in.rank() < 1) ctx.Fail("input must have at least one dimension");
  auto state = std::make_unique<SoftmaxState>();
  state->beta = ctx.options_or_default<tflite::SoftmaxOptionsT>().beta;
  state->depth = in.dim(-1);
  state->rows = state->depth > 0 ? in.NumElements() / state->depth : 0;
  if (in.dtype != DType::FLOAT32) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    state->output_scale = out.scale();
    state->output_zero_point = out.zero_point();
  }
  if (in.dtype == DType::INT8 && out.dtype == DType::INT8) {
    if (out.zero_point() != -128) ctx.Fail("int8 output zero point must be -128, got {}", out.zero_point());
    if (std::abs(out.scale() - 1.0f / 256) > 0.001f / 256) ctx.Fail("int8 output scale must be 1/256, got {}", out.scale());
  }
  if (act::Is8Bit(in.dtype)) {
    const float scale = -in.scale() * state->beta;
    for (int v = 0; v <= 255; ++v) state->table[255 - v] = std::exp(scale * static_cast<float>(v));
  } else if (in.dtype == DType::INT16) {
    if (in.zero_point() != 0 || out.zero_point() != 0)
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    if (std::abs(out.scale() - 1.0f / 32768) > 0.001f / 32768) ctx.Fail("int16 output scale must be 1/32768, got {}", out.scale());
    // exp on [-10, 0] and 1/(1+x) on [0, 1], both with outputs in Q0.15 (double, as TFLite).
    const double range = 65535.0;
    actlut::PopulateInt16(10.0 / range, 32767, 2.0 / range, 0, [](double x) { return std::exp(x); }, state->exp_table);
    actlut::PopulateInt16(1.0 / range, -32768, 2.0 / range, 0, [](double x) { return 1.0 / (1.0 + x); },
                          state->reciprocal_table);
    // Differences are rescaled so that [-65535, 0] spans [-10, 0]; scale * beta is a float product.
    state->input_rescale = act::MakeRescale(static_cast<double>(in.scale() * state->beta) / (10.0 / 65535.0));
  }
  ctx.state = std::move(state);
}

void EvalFloat(KernelContext& ctx, const SoftmaxState& s) {
  const float* x = ctx.input(0).As<float>();
  float* y = ctx.output(0).As<float>();
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    const float max = *std::max_element(x, x + s.depth);
    float sum = 0.0f;
    for (int64_t c = 0; c < s.depth; ++c) {
      y[c] = std::exp((x[c] - max) * s.beta);
      sum += y[c];
    }
    for (int64_t c = 0; c < s.depth; ++c) y[c] /= sum;
  }
}

// Output rounding of TFLite's table kernel: round half away from zero, except
// that uint8 outputs are computed as (int)(p + 0.5f) (its non-ARM64 path, which
// is what the x86/WebAssembly builds run; ARM64 rounds with std::round, which
// differs only when p + 0.5f rounds up across an integer in float).
template <typename Out>
int32_t QuantizeProbability(float p, int32_t zero_point) {
  if constexpr (std::is_same_v<Out, uint8_t>) {
    return qmath::WrappingAdd(qmath::TruncateToInt32(p + 0.5f), zero_point);
  } else {
    return qmath::WrappingAdd(qmath::RoundToInt32(p), zero_point);
  }
}

template <typename In, typename Out>
void EvalTable(KernelContext& ctx, const SoftmaxState& s) {
  const In* x = ctx.input(0).As<In>();
  Out* y = ctx.output(0).As<Out>();
  const act::IntRange range = act::QuantizedRange(ctx.output(0).dtype);
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    const int32_t max = *std::max_element(x, x + s.depth);
    // exp(beta * scale * (x - max)) is table[255 - max + x].
    const float* table = s.table + 255 - max;
    float sum = 0.0f;
    for (int64_t c = 0; c < s.depth; ++c) sum += table[x[c]];
    const float inverse = 1.0f / (sum * s.output_scale);
    for (int64_t c = 0; c < s.depth; ++c) {
      const int32_t q = QuantizeProbability<Out>(table[x[c]] * inverse, s.output_zero_point);
      y[c] = static_cast<Out>(std::min(std::max(q, range.min), range.max));
    }
  }
}

void EvalInt16(KernelContext& ctx, const SoftmaxState& s) {
  const int16_t* x = ctx.input(0).As<int16_t>();
  int16_t* y = ctx.output(0).As<int16_t>();
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    const int16_t max = *std::max_element(x, x + s.depth);
    // exp(x - max) in Q0.15, kept in the output row; the sum is Q16.15.
    int32_t sum = 0;
    for (int64_t c = 0; c < s.depth; ++c) {
      const int32_t scaled = s.input_rescale.Apply(static_cast<int32_t>(x[c]) - max);
      // Recentered from [-65535, 0] to the table's [-32768, 32767].
      const int32_t centered = std::min(std::max(scaled + 32767, -32768), 32767);
      y[c] = actlut::LookupInt16(static_cast<int16_t>(centered), s.exp_table);
      sum += y[c];
    }
    // 1 / sum: normalize sum to [1, 2) as 1 + x, look up 1/(1+x).
    const int headroom_plus_one = __builtin_clz(static_cast<uint32_t>(sum));
    const int32_t shifted_sum = static_cast<int32_t>(((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int32_t centered_sum = std::min(std::max(shifted_sum - ((1 << 15) + (1 << 16)), -32768), 32767);
    const int16_t reciprocal = actlut::LookupInt16(static_cast<int16_t>(centered_sum), s.reciprocal_table);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int64_t c = 0; c < s.depth; ++c) {
      const int32_t v = static_cast<int32_t>((static_cast<int64_t>(y[c]) * reciprocal + round) >> right_shift);
      y[c] = static_cast<int16_t>(std::min(std::max(v, 0), 32767));
    }
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<SoftmaxState>();
  const DType in = ctx.input(0).dtype, out = ctx.output(0).dtype;
  if (in == DType::FLOAT32) return EvalFloat(ctx, s);
  if (in == DType::INT16) return EvalInt16(ctx, s);
  if (in == DType::INT8 && out == DType::INT8) return EvalTable<int8_t, int8_t>(ctx, s);
  if (in == DType::INT8 && out == DType::INT16) return EvalTable<int8_t, int16_t>(ctx, s);
  if (in == DType::UINT8 && out == DType::UINT8) return EvalTable<uint8_t, uint8_t>(ctx, s);
  if (in == DType::UINT8 && out == DType::INT16) return EvalTable<uint8_t, int16_t>(ctx, s);
  ctx.Fail("unsupported input/output types {} -> {}", DTypeName(in), DTypeName(out));
}

// ---- xnnpack flavor ----

// The delegate's VisitSoftmaxNode: beta exactly 1.0f, one float32 input and
// output.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 1 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* in = ctx.inputs[0];
  const RuntimeTensor* out = ctx.outputs[0];
  if (in == nullptr || out == nullptr) return false;
  if (in->dtype != DType::FLOAT32 || out->dtype != DType::FLOAT32) return false;
  return ctx.options_or_default<tflite::SoftmaxOptionsT>().beta == 1.0f;
}

void EvalXnnpack(KernelContext& ctx) {
  const auto& s = ctx.state_as<SoftmaxState>();
  const float* x = ctx.input(0).As<float>();
  float* y = ctx.output(0).As<float>();
  for (int64_t r = 0; r < s.rows; ++r) xnn::SoftmaxRowF32(x + r * s.depth, y + r * s.depth, s.depth);
}

}  // namespace

TFD_REGISTER_KERNEL(SOFTMAX, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SOFTMAX, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(SOFTMAX, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(SOFTMAX, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(SOFTMAX, DType::FLOAT32, XnnpackAccepts, Prepare, EvalXnnpack);

}  // namespace tfd
