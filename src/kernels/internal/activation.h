#pragma once
// Fused activations (RELU, RELU6, RELU_N1_TO_1) as clamping ranges.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "interpreter/kernel.h"
#include "kernels/internal/quant_math.h"

namespace tfd {

using Activation = tflite::ActivationFunctionType;

struct FloatRange {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
  float Apply(float v) const { return std::min(std::max(v, min), max); }
};

struct QuantRange {
  int32_t min = 0;
  int32_t max = 0;
};

// TANH and SIGN_BIT are not fused activations any kernel accepts: Fail.
inline FloatRange FloatActivationRange(const KernelContext& ctx, Activation act) {
  switch (act) {
    case Activation::NONE: return {};
    case Activation::RELU: return {0.0f, std::numeric_limits<float>::infinity()};
    case Activation::RELU6: return {0.0f, 6.0f};
    case Activation::RELU_N1_TO_1: return {-1.0f, 1.0f};
    default: ctx.Fail("unsupported fused activation {}", tflite::EnumNameActivationFunctionType(act));
  }
}

// The output type's range narrowed by the activation, in quantized units of
// `output` (TFLite's CalculateActivationRangeQuantized).
inline QuantRange QuantActivationRange(const KernelContext& ctx, Activation act, const RuntimeTensor& output) {
  int32_t qmin, qmax;
  switch (output.dtype) {
    case DType::INT8: qmin = -128; qmax = 127; break;
    case DType::UINT8: qmin = 0; qmax = 255; break;
    case DType::INT16: qmin = -32768; qmax = 32767; break;
    case DType::INT32: qmin = std::numeric_limits<int32_t>::min(); qmax = std::numeric_limits<int32_t>::max(); break;
    default: ctx.Fail("no quantized range for output type {}", DTypeName(output.dtype));
  }
  const float scale = output.scale();
  const int32_t zero_point = output.zero_point();
  // A tiny output scale takes f / scale out of int32, and TFLite refuses the
  // node (its check compares with INT32_MAX as a float, 2^31, which passes
  // and converts, as x86 and WebAssembly do, to INT32_MIN; the zero point
  // then wraps).
  auto quantize = [&](float f) {
    const float q = qmath::Round(f / scale);
    if (!(q >= -2147483648.0f && q <= 2147483648.0f))
      ctx.Fail("fused activation bound {} is {} at the output's scale {}: outside int32", f, q, scale);
    return qmath::WrappingAdd(zero_point, qmath::TruncateToInt32(q));
  };
  switch (act) {
    case Activation::NONE: return {qmin, qmax};
    case Activation::RELU: return {std::max(qmin, quantize(0.0f)), qmax};
    case Activation::RELU6: return {std::max(qmin, quantize(0.0f)), std::min(qmax, quantize(6.0f))};
    case Activation::RELU_N1_TO_1: return {std::max(qmin, quantize(-1.0f)), std::min(qmax, quantize(1.0f))};
    default: ctx.Fail("unsupported fused activation {}", tflite::EnumNameActivationFunctionType(act));
  }
}

}  // namespace tfd
