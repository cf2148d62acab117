#pragma once
// Fast float32 convolution sums for the "fast" CONV_2D kernels, identical to
// the exact kernels' bit for bit: each output channel keeps its own sum in
// the exact kernel's order (reference: 0, then + patch[i] * w[i] for i in
// tap order, the bias added by the caller; xnnpack: the bias, then the same
// products), every product rounded before it is added (no FMA: this file is
// compiled with -ffp-contract=off). SIMD runs across output channels only,
// 16 independent sums a vector, so no sum is reassociated.
// Dispatch: AVX-512 when fast8::SelectIsa picks it, else portable (no AVX2
// tier here: TFLITE_DOCTOR_SIMD=avx2 runs these portable).
#include <cstdint>
#include <vector>

#include "kernels/internal/fast8.h"

namespace tfd::fastf32 {

// The epilogue of each profile, exactly: reference: std::min(std::max(v +
// post, lo), hi) (post: the bias, or 0); xnnpack: v = lo < v ? v : lo, then
// v < hi ? v : hi (F32Clamp), with the bias already in the sum.
struct Epilogue {
  bool xnnpack = false;
  float lo = 0, hi = 0;
};

struct Gemm {
  int n = 0, k = 0, np = 0;
  bool bias_first = false;
  std::vector<float> b;     // [np / 16][k][16], zero beyond n
  std::vector<float> init;  // per channel: the bias (bias_first) or 0
  std::vector<float> post;  // per channel: the bias added after (reference) or 0
  Epilogue epilogue;
  fast8::Isa isa = fast8::Isa::kPortable;
  // Whether a sum starts at -0 (a bias of -0 in the xnnpack order). Only
  // then can the sign of a zero input show: a sum that starts at +0 never
  // becomes -0 by adding, and adding any zero to a nonzero sum leaves it.
  bool starts_at_negative_zero = false;

  // weights: n rows of k values; bias may be nullptr. bias_first: xnnpack.
  void Prepare(const float* weights, const float* bias, int n, int k, bool bias_first, float lo, float hi);
  // a: m rows of k values at a + i * lda; outputs to out + i * ldc (n each).
  void Run(const float* a, int64_t lda, int m, float* out, int64_t ldc) const;
};

// Depthwise, multiplier 1, one output pixel: v = init[c] (or 0 when init is
// nullptr), then + x_i[c] * w_i[c] for each listed tap in order, then the
// epilogue (post: per channel, reference only).
void DepthwisePixel(fast8::Isa isa, const float* const* x, const float* const* w, int count, const float* init,
                    const float* post, const Epilogue& e, int channels, float* out);

// A convolution's im2col rows for output positions [begin, end), k =
// filter_h * filter_w * in_c floats each at a + (row - begin) * k: the
// input value + 0 (as the exact kernels' patches hold it: -0 becomes +0)
// where the tap is inside, 0 outside.
void PackPatches(fast8::Isa isa, const fast8::Patches& p, const float* input, int64_t begin, int64_t end, float* a);

// Depthwise, multiplier 1, `pixels` neighbouring output pixels whose taps
// are all inside the input: pixel j's tap i reads x0 + j * step + off[i]
// (channels floats) with weights w[i]; each channel's sum as
// DepthwisePixel's, same order, stored at out + j * channels. Taps at most
// 64.
void DepthwiseInterior(fast8::Isa isa, const float* x0, int64_t step, const int64_t* off, const float* const* w,
                       int count, const float* init, const float* post, const Epilogue& e, int channels, int pixels,
                       float* out);

}  // namespace tfd::fastf32
