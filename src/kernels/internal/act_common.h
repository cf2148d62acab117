#pragma once
// Shared pieces of the activation / quantization kernels (SOFTMAX, LOGISTIC,
// TANH, RELU*, LEAKY_RELU, PRELU, HARD_SWISH, L2_NORMALIZATION, QUANTIZE,
// DEQUANTIZE, CAST): dtype ranges, parameter checks, TFLite's power-of-two
// scale test.
#include <cmath>
#include <cstdint>
#include <limits>

#include "interpreter/kernel.h"
#include "kernels/internal/quant_math.h"

namespace tfd::act {

struct IntRange {
  int32_t min = 0;
  int32_t max = 0;
};

// Representable range of a quantized integer dtype.
inline IntRange QuantizedRange(DType t) {
  switch (t) {
    case DType::INT8: return {-128, 127};
    case DType::UINT8: return {0, 255};
    case DType::INT16: return {-32768, 32767};
    case DType::INT32: return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    default: return {0, 0};
  }
}

inline bool Is8Bit(DType t) { return t == DType::INT8 || t == DType::UINT8; }

// One input, one output, output shaped like the input.
inline void PrepareUnaryShape(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  ctx.ResizeOutput(0, ctx.input(0).shape);
}

// Fails unless input and output have the same dtype.
inline void RequireSameType(const KernelContext& ctx) {
  const DType in = ctx.input(0).dtype, out = ctx.output(0).dtype;
  if (in != out) ctx.Fail("input type {} and output type {} differ", DTypeName(in), DTypeName(out));
}

// Fails unless `t` carries per-tensor affine quantization with a positive
// scale (what every quantized kernel of this family reads).
inline void RequirePerTensorQuant(const KernelContext& ctx, const RuntimeTensor& t, const char* role) {
  const Quantization* q = t.quant();
  if (!q) ctx.Fail("{} tensor '{}' ({}) has no quantization parameters", role, t.name(), DTypeName(t.dtype));
  if (q->IsPerChannel()) ctx.Fail("{} tensor '{}' is quantized per channel; only per-tensor is supported here", role, t.name());
  if (!(q->scale[0] > 0.0f) || !std::isfinite(q->scale[0]))
    ctx.Fail("{} tensor '{}' has invalid scale {}", role, t.name(), q->scale[0]);
}

// TFLite's CheckedLog2: the rounded log2 of x, true when x is within 1e-3
// (in the exponent) of a power of two. Float arithmetic, as in TFLite.
inline bool CheckedLog2(float x, int* log2_rounded) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_rounded = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

// Multiplier and shift for the real factor input_scale / output_scale (as
// double, from the float scales).
struct Rescale {
  int32_t multiplier = 0;
  int shift = 0;
  int32_t Apply(int32_t x) const { return qmath::MultiplyByQuantizedMultiplier(x, multiplier, shift); }
};
inline Rescale MakeRescale(double real) {
  Rescale r;
  qmath::QuantizeMultiplier(real, &r.multiplier, &r.shift);
  return r;
}

}  // namespace tfd::act
