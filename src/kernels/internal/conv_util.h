#pragma once
// Pieces shared by the convolution family (CONV_2D, DEPTHWISE_CONV_2D,
// TRANSPOSE_CONV, FULLY_CONNECTED, BATCH_MATMUL, the pools): output sizes and
// padding as TFLite computes them, the tensor checks and the fixed-point
// multipliers of quantized kernels, the on-the-fly input quantization of
// hybrid kernels (float activations, int8 weights), small inner loops, and
// the state and Prepare steps CONV_2D and DEPTHWISE_CONV_2D have in common.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "interpreter/kernel.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/quant_math.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/xnnpack_f32.h"

// The integer inner loops are plain loops the compiler can turn into SIMD
// (pmaddwd and friends) once vectorization is on; the build's -O2 leaves it
// off, so they ask for it. A float dot product stays scalar (reassociating
// its sum would change the rounding); float loops vectorize only across
// independent sums, each kept in its own order.
#if defined(__GNUC__) && !defined(__clang__)
#define TFD_VECTORIZE __attribute__((optimize("tree-vectorize")))
#else
#define TFD_VECTORIZE
#endif

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

// Fails unless int16 activations (input and output) have zero points of 0.
void RequireInt16ZeroPoints(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& output);

// ---- Tensor checks ----

// Fails unless the output has the input's type.
void RequireOutputTypeOfInput(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& output);

// Fails unless the bias, if any, has one element per output channel.
void RequireBiasPerChannel(const KernelContext& ctx, const RuntimeTensor* bias, int channels);

// Fails unless the bias, if any, is of type `want` ("... needs a ... bias").
void RequireBiasType(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor* bias, DType want);

// Fails unless the bias, if any, is of one of the `allowed` types ("... cannot
// take a ... bias").
void RequireBiasTypeIn(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor* bias,
                       std::initializer_list<DType> allowed);

// ---- Hybrid input quantization (TFLite's portable_tensor_utils) ----

// Symmetric to [-127, 127]: scale = max|v| / 127; all-zero input gives scale 1.
void SymmetricQuantize(const float* values, int n, int8_t* quantized, float* scale);
// Asymmetric to [-128, 127] with a nudged zero point; constant input gives
// scale 1, zero point 0.
void AsymmetricQuantize(const float* values, int n, int8_t* quantized, float* scale, int32_t* zero_point);

// ---- Inner loops ----

// out = values + offset as int16, resized to n (integer activations and
// weights: every integer path shares one int16 dot product).
template <typename T>
void Widen(const T* values, int64_t n, int32_t offset, std::vector<int16_t>* out) {
  out->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) (*out)[i] = static_cast<int16_t>(values[i] + offset);
}
// An int8 or uint8 filter widened with the filter offset added.
void WidenFilter(const RuntimeTensor& filter, int32_t offset, std::vector<int16_t>* out);

// acc + bias of output channel c to the output type as TFLite does: the
// fixed-point rescale (the 32- or 64-bit form, by Acc), the output zero point
// (wrapping, as the runtime's int32 add does when the rescale saturated near
// INT32_MAX), the activation clamp.
template <typename Out, typename Acc>
Out Requantize(Acc acc, const Requant& r, int c, int32_t output_offset, QuantRange range) {
  const int32_t scaled = qmath::MultiplyByQuantizedMultiplier(acc, r.multiplier[c], r.shift[c]);
  return qmath::Clamp<Out>(qmath::WrappingAdd(scaled, output_offset), range.min, range.max);
}

// An 8-bit layer's int32 accumulator plus its bias, wrapping on overflow as
// TFLite's int32 accumulation does (a bias near the int32 limit, as a
// quantizer can write for a channel with tiny weights), without the
// undefined behaviour of signed overflow.
inline int32_t AddBias(int32_t acc, int32_t bias) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(bias));
}
// The same for 16x8's int64 biases: a hostile (or absurd) bias near the
// int64 limits wraps as the runtime's two's-complement add does, not UB.
inline int64_t AddBias(int64_t acc, int64_t bias) {
  return static_cast<int64_t>(static_cast<uint64_t>(acc) + static_cast<uint64_t>(bias));
}

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
// acc[i] += a[i] * b[i]: n independent sums, each one more term in its order.
void MulAccF(float* acc, const float* a, const float* b, int n);
void MulAccI16Wide(int64_t* acc, const int16_t* a, const int16_t* b, int n);


// ---- CONV_2D and DEPTHWISE_CONV_2D ----

// What the two keep alike; each op's state derives from this and adds its own
// filter layout and scratch buffers.
struct Conv2DState : KernelState {
  int batches = 0, in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int filter_h = 0, filter_w = 0;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  Window window;
  FloatRange float_range;
  QuantRange quant_range;
  int32_t input_offset = 0, filter_offset = 0, output_offset = 0;
  Requant requant;
  // xnnpack flavor: one float requantization scale per output channel.
  std::vector<float> xnn_scale;
  // xnnpack flavor, float32: XNNPACK's summation order and clamp.
  bool xnn_float = false;
  xnn::F32Clamp xnn_clamp;
  // Integer filters as int16 with the filter offset added; filled once when
  // the filter is constant, else on every run.
  std::vector<int16_t> filter16;
  bool filter16_ready = false;
  // Hybrid: per output channel weight scales, per batch input quantization.
  std::vector<float> channel_scales;
  std::vector<int8_t> quantized_input;
  std::vector<float> batch_scales;
  std::vector<int32_t> batch_zero_points;

  // An 8-bit output from acc + bias of output channel c: XNNPACK's float
  // requantization (xnnpack flavor) or TFLite's fixed-point one.
  template <typename T, bool kXnnpack>
  T Requantize8(int32_t acc, int c) const {
    if constexpr (kXnnpack) {
      return static_cast<T>(xnn::Requantize(acc, xnn_scale[c], output_offset, quant_range.min, quant_range.max));
    } else {
      return Requantize<T>(acc, requant, c, output_offset, quant_range);
    }
  }
};

// Reads the NHWC input's batches, height, width and channels into s.
void ReadInputSizes(const RuntimeTensor& input, Conv2DState& s);

// With s's input and filter sizes read: the options' strides and dilations,
// the window they give and the output height and width.
template <typename Options>
void ComputeConv2DWindow(const KernelContext& ctx, const Options& options, Conv2DState& s) {
  s.stride_h = options.stride_h;
  s.stride_w = options.stride_w;
  s.dilation_h = options.dilation_h_factor;
  s.dilation_w = options.dilation_w_factor;
  s.window = ComputeWindow(ctx, options.padding, s.stride_h, s.stride_w, s.dilation_h, s.dilation_w, s.in_h, s.in_w,
                           s.filter_h, s.filter_w);
  s.out_h = s.window.out_height;
  s.out_w = s.window.out_width;
}

// uint8 activations with a per-tensor uint8 filter (TFLite's legacy scheme,
// zero points as offsets, one multiplier for every output channel).
void PrepareUint8(const KernelContext& ctx, const RuntimeTensor& input, const RuntimeTensor& filter,
                  const RuntimeTensor* bias, const RuntimeTensor& output, Activation act, Conv2DState& s);

// Hybrid: room for the input quantized per batch.
void PrepareHybridInput(const RuntimeTensor& input, Conv2DState& s);

// Hybrid: quantizes each batch of the float input on its own into
// s.quantized_input, asymmetrically, or symmetrically with the one filter
// scale folded into the batch scale (zero point 0).
void QuantizeHybridInput(const RuntimeTensor& input, bool symmetric, Conv2DState& s);

// Integer paths: widens the filter when it may have changed (not yet done, or
// not constant).
void UpdateFilter16(const RuntimeTensor& filter, Conv2DState& s);

// The xnnpack flavor's additions to Prepare: XNNPACK's clamp for float32,
// else its requantization scales and activation range.
void PrepareXnnpack(const KernelContext& ctx, Activation act, bool is_float, Conv2DState& s);

}  // namespace tfd::conv
