#pragma once
// XNNPACK's quantized arithmetic and the TFLite XNNPACK delegate's rules for
// which nodes it takes: the pieces of the `xnnpack` arithmetic profile (see
// interpreter/kernel_registry.h) shared by the xnnpack-flavor kernels.
//
// Arithmetic (QS8 = int8, QU8 = uint8, QC8 = int8 with per-channel weights):
// - convolution / depthwise / fully connected accumulate exactly like TFLite
//   (int32 sums of zero-point-adjusted products plus bias) but requantize in
//   single precision: float(acc) * scale, clamp, round half to even, + zero
//   point, with scale = input_scale * filter_scale / output_scale computed in
//   float. TFLite uses a Q31 multiplier with double rounding, half away.
// - add: both inputs multiplied by 21-bit fixed-point ratios of their scales
//   to the output scale, summed with a rounding bias, one arithmetic shift.
// - fused activations become a quantized [min, max] rounded half to even
//   (TFLite rounds half away).
// - multiply, global average pooling (MEAN over height and width): the same
//   float requantization of an exact int32 product or sum.
// - convert float -> 8-bit (QUANTIZE): x * (1 / scale) in float, rounded
//   half to even (TFLite: x / scale, half away).
// - convert 8-bit -> 8-bit (QUANTIZE requantizing), LEAKY_RELU: the centered
//   input times an integer multiplier round(256 * ratio), plus 128, shifted
//   right by 8 (round half up; TFLite: a Q31 multiplier, half away).
// - subtract: add with the second input's ratio negated.
// - bilinear resize (RESIZE_BILINEAR): 11-bit fixed-point weights, values
//   interpolated as stored, round half up (TFLite: 10-bit weights and
//   rounding half away for int8; float weights for uint8).
// - sigmoid (LOGISTIC): a 256-entry table of the float sigmoid of each input
//   value, scaled to the output and rounded half to even.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "interpreter/kernel.h"
#include "kernels/internal/activation.h"

namespace tfd::xnn {

// ---- Arithmetic ----

// Requantization scale for one output channel, in float like XNNPACK.
inline float RequantScale(float input_scale, float filter_scale, float output_scale) {
  const float product = input_scale * filter_scale;
  return product / output_scale;
}

// XNNPACK's "fp32" requantization of an int32 accumulator.
inline int32_t Requantize(int32_t acc, float scale, int32_t zero_point, int32_t qmin, int32_t qmax) {
  float v = static_cast<float>(acc) * scale;
  v = std::min(std::max(v, static_cast<float>(qmin - zero_point)), static_cast<float>(qmax - zero_point));
  return static_cast<int32_t>(std::nearbyint(v)) + zero_point;
}

// The output range of a fused activation in the output's quantized units, as
// XNNPACK derives it from the delegate's float range: value / scale + zero
// point in float, clamped to the type, rounded half to even.
QuantRange ActivationRange(const KernelContext& ctx, Activation act, const RuntimeTensor& output);

// XNNPACK's QS8/QU8 ADD parameters.
struct AddParams {
  int32_t a_multiplier = 0, b_multiplier = 0;
  int32_t bias = 0;  // rounding term minus the zero-point products
  uint32_t shift = 0;
  int32_t output_zero_point = 0;
  QuantRange range;
};
AddParams PrepareAdd(const KernelContext& ctx, const RuntimeTensor& a, const RuntimeTensor& b,
                     const RuntimeTensor& output, Activation act);
inline int32_t Add(const AddParams& p, int32_t a, int32_t b) {
  const int32_t acc = p.bias + a * p.a_multiplier + b * p.b_multiplier;
  int32_t v = acc >> p.shift;  // arithmetic shift: the bias made it round half up
  v = std::min(std::max(v, p.range.min - p.output_zero_point), p.range.max - p.output_zero_point);
  return v + p.output_zero_point;
}

// XNNPACK's QS8/QU8 SUBTRACT: ADD with the second input's ratio negated.
AddParams PrepareSubtract(const KernelContext& ctx, const RuntimeTensor& a, const RuntimeTensor& b,
                          const RuntimeTensor& output, Activation act);

// The type's range, [-128, 127] or [0, 255].
inline QuantRange TypeRange(DType t) { return t == DType::INT8 ? QuantRange{-128, 127} : QuantRange{0, 255}; }

// Convert f32 -> QS8/QU8: `inv_scale` is 1.0f / output scale, in float. NaN
// saturates to the maximum, as the wasm SIMD kernel's magic-bias trick does.
inline int32_t QuantizeF32(float x, float inv_scale, int32_t zero_point, QuantRange range) {
  float v = x * inv_scale;
  if (std::isnan(v)) return range.max;
  v = std::min(std::max(v, static_cast<float>(range.min - zero_point)), static_cast<float>(range.max - zero_point));
  return static_cast<int32_t>(std::nearbyint(v)) + zero_point;
}

// The fixed-point rescale of CONVERT (QS8 -> QS8, QU8 -> QU8) and
// LEAKY_RELU: multiplier = round(256 * ratio) (half to even, in float).
inline int32_t Multiplier256(float ratio) { return static_cast<int32_t>(std::lrintf(256.0f * ratio)); }
inline int32_t Rescale256(int32_t centered, int32_t multiplier, int32_t zero_point, QuantRange range) {
  const int32_t v = ((centered * multiplier + 128) >> 8) + zero_point;  // arithmetic shift: half up
  return std::min(std::max(v, range.min), range.max);
}

// XNNPACK's S8/U8 bilinear interpolation (ibilinear micro-kernels, exact
// integer arithmetic): each fraction becomes an 11-bit weight
// lrintf(alpha * 2048) (half to even; 2048 possible); the top and bottom
// rows are blended along x as left * 2048 + (right - left) * weight_x, the
// two results along y the same way, and the 22-bit fixed-point sum is
// rounded half up by adding 2^21 and shifting right arithmetically.
inline int32_t ResizeWeightQ11(float alpha) { return static_cast<int32_t>(std::lrintf(alpha * 2048.0f)); }
inline int32_t BilinearQ11(int32_t tl, int32_t tr, int32_t bl, int32_t br, int32_t weight_x, int32_t weight_y) {
  const int32_t top = tl * 2048 + (tr - tl) * weight_x;
  const int32_t bottom = bl * 2048 + (br - bl) * weight_x;
  const int32_t acc = top * 2048 + (bottom - top) * weight_y;
  return (acc + (1 << 21)) >> 22;  // arithmetic shift
}

// XNNPACK's QS8/QU8 sigmoid table, indexed by the input value minus the
// type's minimum (output scale 1/256 and zero point -128 or 0 assumed by the
// delegate's rule).
std::vector<int32_t> SigmoidTable(float input_scale, int32_t input_zero_point, float output_scale,
                                  int32_t output_zero_point, DType dtype);

// ---- The delegate's rules (what it takes), on model metadata ----

// A tensor of an 8-bit quantized node the delegate can describe to XNNPACK:
// uint8 with one scale and zero point; int8 with one scale, or (when
// `channel_axis` >= 0) one scale per entry of that axis with zero points 0.
bool Quantized8(const RuntimeTensor& t, DType dtype, int channel_axis = -1);
// Per-tensor int8 / uint8 (the delegate's "QInt8 or QUInt8" check).
inline bool PerTensor8(const RuntimeTensor& t, DType dtype) { return Quantized8(t, dtype, -1); }
// An int32 bias, constant, 1-D, with quantization along axis 0.
bool StaticBias(const RuntimeTensor* bias, bool per_channel_allowed);
// Fused activations XNNPACK can apply (NONE, RELU, RELU_N1_TO_1, RELU6).
bool ActivationSupported(Activation act);

// The delegate's VisitAddNode and VisitSubNode rule for an 8-bit node: two
// inputs and an output of one 8-bit type with per-tensor quantization, each
// input-to-output scale ratio in [2^-10, 2^8), an activation it can clamp.
bool AcceptsAddOrSub8(const KernelContext& ctx, Activation act);

// What the delegate asks of a CONV_2D or DEPTHWISE_CONV_2D node (input,
// filter, bias; one output): 4-D input, filter and output; positive strides
// and dilations; an activation it can clamp. float32: static weights and a
// static 1-D float bias. 8-bit: per-tensor input and output, constant
// weights (int8 may be per-channel along `filter_channel_axis`, zero points
// 0) and a constant int32 bias.
struct ConvolutionParams {
  int stride_h, stride_w, dilation_h, dilation_w;
  Activation activation;
  int filter_channel_axis;
};
bool AcceptsConvolution(const KernelContext& ctx, const ConvolutionParams& p);

// One requantization scale per output channel (the filter's per-channel
// scales, or its one scale repeated).
std::vector<float> RequantScales(const RuntimeTensor& input, const RuntimeTensor& filter,
                                 const RuntimeTensor& output, int channels);

}  // namespace tfd::xnn
