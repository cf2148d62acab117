#pragma once
// Fast float32 convolution sums for the "fast" CONV_2D kernels, identical to
// the exact kernels' bit for bit: each output channel keeps its own sum in
// the exact kernel's order (reference: 0, then + patch[i] * w[i] for i in
// tap order, the bias added by the caller; xnnpack: the bias, then the same
// products), every product rounded before it is added (no FMA: this file is
// compiled with -ffp-contract=off). SIMD runs across output channels only,
// 16 independent sums a vector, so no sum is reassociated.
// Dispatch as fast8 (AVX-512 unless TFLITE_DOCTOR_SIMD=portable).
#include <cstdint>
#include <vector>

#include "kernels/internal/fast8.h"

namespace tfd::fastf32 {

struct Gemm {
  int n = 0, k = 0, np = 0;
  bool bias_first = false;
  std::vector<float> b;     // [np / 16][k][16], zero beyond n
  std::vector<float> init;  // per channel: the bias (bias_first) or 0
  fast8::Isa isa = fast8::Isa::kPortable;

  // weights: n rows of k values; bias may be nullptr.
  void Prepare(const float* weights, const float* bias, int n, int k, bool bias_first);
  // a: m rows of k values at a + i * lda; sums to out + i * ldc (n each).
  void Run(const float* a, int64_t lda, int m, float* out, int64_t ldc) const;
};

// Depthwise, multiplier 1, one output pixel: out[c] = init[c] (or 0 when
// init is nullptr), then + x_i[c] * w_i[c] for each listed tap in order.
void DepthwisePixel(fast8::Isa isa, const float* const* x, const float* const* w, int count, const float* init,
                    int channels, float* out);

}  // namespace tfd::fastf32
