#pragma once
// Pieces shared by the convolution family (CONV_2D, DEPTHWISE_CONV_2D,
// TRANSPOSE_CONV, FULLY_CONNECTED, BATCH_MATMUL, the pools): output sizes and
// padding as TFLite computes them, the fixed-point multipliers of quantized
// kernels, the on-the-fly input quantization of hybrid kernels (float
// activations, int8 weights) and small inner loops.
#include <cstdint>
#include <vector>

#include "interpreter/kernel.h"
#include "kernels/internal/quant_math.h"

namespace tfd::conv {

// ---- Windows and padding (TFLite's kernels/padding.h) ----

// Where a sliding window starts and how many positions it has, per axis.
struct Window {
  int out_height = 0, out_width = 0;
  int pad_height = 0, pad_width = 0;  // padding before the first row / column
  // 1 when the total padding is odd (the extra row / column goes after).
  int pad_height_offset = 0, pad_width_offset = 0;
};

// TFLite's ComputeOutSize: SAME -> ceil(in / stride); VALID ->
// (in - effective_filter) / stride + 1, effective_filter = (filter - 1) * dilation + 1.
int OutputSize(tflite::Padding padding, int in, int filter, int stride, int dilation);

// Output size and padding of a convolution or pool (ComputePaddingHeightWidth).
// Fails on non-positive strides / dilations and on windows that do not fit.
Window ComputeWindow(const KernelContext& ctx, tflite::Padding padding, int stride_h, int stride_w, int dilation_h,
                     int dilation_w, int in_h, int in_w, int filter_h, int filter_w);

// Padding of a transposed convolution whose output size is given: the same
// formula with input and output swapped.
Window TransposeWindow(const KernelContext& ctx, tflite::Padding padding, int stride_h, int stride_w, int out_h,
                       int out_w, int filter_h, int filter_w);

// ---- Quantization parameters ----

// One requantization (multiplier, exponent) per output channel; per-tensor
// weights repeat the same pair. Apply with
// qmath::MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]).
struct Requant {
  std::vector<int32_t> multiplier;
  std::vector<int> shift;
};

// The filter's scales, checked: one per tensor, or one per `channels` along
// `channel_axis` (TFLite requires the quantized dimension to have exactly that
// many entries). `what` names the tensor in errors.
std::vector<float> FilterScales(const KernelContext& ctx, const RuntimeTensor& filter, int channels,
                                int channel_axis, const char* what = "filter");

// TFLite's PopulateConvolutionQuantizationParams (per channel):
// input_scale * filter_scale[c] / output_scale, computed in double.
Requant PerChannelRequant(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& filter,
                          const RuntimeTensor& output, int channels, int channel_axis);

// TFLite's GetQuantizedConvolutionMultipler for per-tensor (legacy uint8,
// int8 FULLY_CONNECTED, BATCH_MATMUL): float(input_scale * filter_scale) /
// output_scale. With a bias, also TFLite's check that the bias scale is
// within 2% of an output step of input_scale * filter_scale.
double LegacyMultiplier(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& filter,
                        const RuntimeTensor* bias, const RuntimeTensor& output);

// Requant with one channel from a real multiplier.
Requant SingleRequant(double real_multiplier);

// Fails unless the tensor has affine quantization (a scale).
void RequireQuantized(const KernelContext& ctx, const RuntimeTensor& t, const char* what);

// Fails unless every zero point of `t` is 0 (int8 / int16 weights, int16
// activations).
void RequireZeroPoints(const KernelContext& ctx, const RuntimeTensor& t, const char* what);

// ---- Hybrid input quantization (TFLite's portable_tensor_utils) ----

// Symmetric to [-127, 127]: scale = max|v| / 127; all-zero input gives scale 1.
void SymmetricQuantize(const float* values, int n, int8_t* quantized, float* scale);
// Asymmetric to [-128, 127] with a nudged zero point; constant input gives
// scale 1, zero point 0.
void AsymmetricQuantize(const float* values, int n, int8_t* quantized, float* scale, int32_t* zero_point);

// ---- Inner loops ----

// sum a[i] * b[i] with 32-bit accumulation (products of 16-bit values).
int32_t DotI16(const int16_t* a, const int16_t* b, int n);
// sum a[i] * b[i] with 64-bit accumulation (16-bit activations, large depth).
int64_t DotI16Wide(const int16_t* a, const int16_t* b, int n);
// sum a[i] * b[i] for int8 (hybrid kernels).
int32_t DotI8(const int8_t* a, const int8_t* b, int n);
// sum a[i] * b[i] in float, in index order (TFLite's reference order).
float DotF(const float* a, const float* b, int n);
// acc[i] += a[i] * b[i] (depthwise channels).
void MulAccI16(int32_t* acc, const int16_t* a, const int16_t* b, int n);
void MulAccI16Wide(int64_t* acc, const int16_t* a, const int16_t* b, int n);

}  // namespace tfd::conv
