#pragma once
// XNNPACK's float32 arithmetic for the xnnpack profile's float kernels.
//
// The runtime the profile mirrors is XNNPACK built for WebAssembly SIMD, whose
// f32 GEMM/IGEMM/DWCONV microkernels (the "splat" GEMMs, the unipass
// DWCONVs) keep one accumulator per output: it starts at the bias and each
// product is rounded, then added (wasm SIMD has no fused multiply-add), in the
// order of the packed weights:
// - GEMM (fully connected, 1x1 stride-1 unpadded convolution): input channels
//   in order;
// - IGEMM (other convolutions, and depthwise ones with a depth multiplier > 1):
//   kernel positions row by row, input channels inner; a tap outside the input
//   reads a zero row, so it still adds 0 * w;
// - DWCONV (depthwise, multiplier 1): the taps column by column (x outer, y
//   inner), padded taps again adding 0 * w.
// The fused activation is a clamp: max with the lower bound first, then min
// with the upper (so a -0 accumulator clamped at 0 becomes +0).
//
// xnnpack_f32.cc is compiled with -ffp-contract=off so the compiler never fuses
// these multiplies and adds into FMAs.
#include <cstdint>
#include <limits>

#include "interpreter/kernel.h"
#include "kernels/internal/activation.h"

namespace tfd::xnn {

struct F32Clamp {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
  // The wasm SIMD kernels' pseudo-min/max: the bound wins unless the value is
  // strictly inside (NaN-free inputs assumed).
  float Apply(float v) const {
    v = min < v ? v : min;
    return v < max ? v : max;
  }
};

// The delegate's output range for a fused activation it supports (NONE,
// RELU, RELU_N1_TO_1, RELU6); false for others.
bool F32ActivationClamp(Activation act, F32Clamp* clamp);

// acc + a[0]*w[0] + a[1]*w[w_stride] + ..., left to right, each product
// rounded to float before its add.
float MulAddF32(float acc, const float* a, const float* w, int64_t n, int64_t w_stride = 1);

// Depthwise taps: acc[c * multiplier + m] += x[c] * w[c * multiplier + m] for
// every input channel c, each product rounded before its add.
void MulAddChannelsF32(float* acc, const float* x, const float* w, int channels, int multiplier);

// RESIZE_BILINEAR as XNNPACK: the source coordinate of output index `o` is
// o * scale (align_corners, or neither option: TensorFlow's legacy mapping)
// or o * scale + (0.5 * scale - 0.5) clamped to [0, size - 1] (half-pixel);
// its integer part (truncated) is the first neighbour, the next one (at most
// size - 1) the second, the remainder the weight.
struct ResizeTap {
  int32_t lo = 0, hi = 0;
  float alpha = 0;
};
ResizeTap ResizeCoordinate(int32_t o, float scale, bool half_pixel, int32_t in_size);
// The blend: along x on the top and bottom rows (t + (r - l) * alpha_x, each
// step rounded), then along y between them.
float BilinearF32(float tl, float tr, float bl, float br, float alpha_x, float alpha_y);

// XNNPACK's f32 sigmoid (the wasm SIMD rr2-p5-div kernel): exp(-|x|) from a
// 2^n scaling and a degree-5 polynomial, e / (e + 1), mirrored for x >= 0;
// 0 past the denormal cutoff.
float SigmoidF32(float x);

// XNNPACK's f32 global average pooling sum of `rows` values (row r at
// x[r * stride]), in the wasm SIMD 7x / 7p7x kernels' order: rows in groups
// of 7, the first group ((r0 + r1) + r6) + ((r2 + r3) + (r4 + r5)), each
// later group ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + acc)), missing
// rows of the last group read as +0. The mean is this sum times
// 1.0f / rows.
float GlobalSumF32(const float* x, int64_t rows, int64_t stride);

// XNNPACK's f32 softmax of one row of n values (the wasm SIMD kernels):
// the maximum, then exp(x - max) by the rr2-p5 range reduction and degree-5
// polynomial (0 below the denormal cutoff), summed in four lanes (lane j
// holds elements j, j + 4, ... of the first n - n % 4, in order, from +0),
// reduced (lane0 + lane2) + (lane1 + lane3), the last n % 4 added one by
// one; each exp is then multiplied by 1.0f / sum.
void SoftmaxRowF32(const float* x, float* y, int64_t n);

// XNNPACK's f32 average-pooling window sum over its taps in indirection
// order (column by column: x outer, y inner; a tap outside the input reads
// +0), as the wasm SIMD 9x / 9p8x (and pixelwise) kernels add them: up to 9
// taps, missing ones +0, as ((t2 + t3) + (t4 + t5)) + (((t0 + t1) + t8) +
// (t6 + t7)); more than 9: that for the first 9, then groups of 8 (the last
// padded with +0) as ((t2 + t3) + (t4 + t5)) + (((t0 + t1) + acc) + (t6 + t7)).
float AvgPoolSumF32(const float* taps, int64_t n);

// XNNPACK's f32 hard swish: clamp(x + 3, 0, 6) * (x * (1/6 in float)).
float HardSwishF32(float x);

// The delegate's rule for a float32 tensor it can use as static weights:
// float32 and not quantized; constant, or the output of a DEQUANTIZE of a
// constant float16 tensor (which the delegate unpacks once, exactly as the
// DEQUANTIZE kernel computes it), or of a DENSIFY of a constant (sparse
// weights; observed taken with the oracle on face_detection_full_range_sparse),
// or a DEQUANTIZE of such a DENSIFY.
bool StaticF32(const KernelContext& ctx, const RuntimeTensor* t);
// Any tensor whose values the delegate knows before running, by the same
// walk (constant, or DENSIFY / float16 DEQUANTIZE of a constant).
bool StaticInput(const KernelContext& ctx, const RuntimeTensor* t);

}  // namespace tfd::xnn
