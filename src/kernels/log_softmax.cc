// LOG_SOFTMAX over the last axis: x - max - log(sum(exp(x - max))).
//   float32: computed in float.
//   int8, uint8: TFLite's builtin kernel, float arithmetic on the 256-entry
//     table exp(-input_scale * d) with output scale 16/256 and zero point 127
//     (int8) or 255 (uint8); results rounded half to even (std::rint).
#include <algorithm>
#include <cmath>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"

namespace tfd {
namespace {

struct LogSoftmaxState : KernelState {
  int64_t rows = 0, depth = 0;
  float table[256] = {};  // table[255 - d] = exp(-input_scale * d)
  float input_scale = 0.0f, output_scale = 0.0f;
  int32_t output_zero_point = 0;
};

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  act::RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.rank() < 1) ctx.Fail("input must have at least one dimension");
  auto state = std::make_unique<LogSoftmaxState>();
  state->depth = in.dim(-1);
  state->rows = state->depth > 0 ? in.NumElements() / state->depth : 0;
  if (act::Is8Bit(in.dtype)) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (out.scale() != 16.0f / 256) ctx.Fail("output scale must be 16/256, got {}", out.scale());
    const int32_t zp = in.dtype == DType::INT8 ? 127 : 255;
    if (out.zero_point() != zp) ctx.Fail("output zero point must be {}, got {}", zp, out.zero_point());
    state->input_scale = in.scale();
    state->output_scale = out.scale();
    state->output_zero_point = out.zero_point();
    const float scale = -in.scale() * 1.0f;  // beta is 1
    for (int v = 0; v <= 255; ++v) state->table[255 - v] = std::exp(scale * static_cast<float>(v));
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

void EvalFloat(KernelContext& ctx, const LogSoftmaxState& s) {
  const float* x = ctx.input(0).As<float>();
  float* y = ctx.output(0).As<float>();
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    const float max = *std::max_element(x, x + s.depth);
    float sum = 0.0f;
    for (int64_t c = 0; c < s.depth; ++c) sum += std::exp(x[c] - max);
    const float log_sum = std::log(sum);
    for (int64_t c = 0; c < s.depth; ++c) y[c] = x[c] - max - log_sum;
  }
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const LogSoftmaxState& s) {
  const T* x = ctx.input(0).As<T>();
  T* y = ctx.output(0).As<T>();
  const act::IntRange range = act::QuantizedRange(ctx.output(0).dtype);
  for (int64_t r = 0; r < s.rows; ++r, x += s.depth, y += s.depth) {
    const T max = *std::max_element(x, x + s.depth);
    const float* table = s.table + 255 - max;
    float sum = 0.0f;
    for (int64_t c = 0; c < s.depth; ++c) sum += table[x[c]];
    const float log_sum = std::log(sum);
    // (input_scale * (x - max) - log_sum) / output_scale, in TFLite's order of operations.
    const float scale = s.input_scale / s.output_scale;
    const float offset = (s.input_scale * static_cast<float>(max) + log_sum) / s.output_scale;
    for (int64_t c = 0; c < s.depth; ++c) {
      const float log_prob = scale * static_cast<float>(x[c]) - offset;
      const int32_t q = static_cast<int32_t>(std::rint(log_prob) + static_cast<float>(s.output_zero_point));
      y[c] = static_cast<T>(std::min(std::max(q, range.min), range.max));
    }
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<LogSoftmaxState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return EvalFloat(ctx, s);
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(LOG_SOFTMAX, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LOG_SOFTMAX, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LOG_SOFTMAX, DType::UINT8, Prepare, Eval);

}  // namespace tfd
