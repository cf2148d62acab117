#include "kernels/internal/fast_f32.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define TFD_AVX512F __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))

namespace tfd::fastf32 {

namespace {

TFD_AVX512F inline __m512 Finish(__m512 v, __m512 post, const Epilogue& e) {
  if (e.xnnpack) {
    v = _mm512_max_ps(v, _mm512_set1_ps(e.lo));  // v > lo ? v : lo
    return _mm512_min_ps(v, _mm512_set1_ps(e.hi));  // v < hi ? v : hi
  }
  v = _mm512_add_ps(v, post);
  v = _mm512_max_ps(_mm512_set1_ps(e.lo), v);  // lo > v ? lo : v, as std::max(v, lo)
  return _mm512_min_ps(_mm512_set1_ps(e.hi), v);  // hi < v ? hi : v, as std::min(v, hi)
}

inline float FinishScalar(float v, float post, const Epilogue& e) {
  if (e.xnnpack) {
    v = e.lo < v ? v : e.lo;
    return v < e.hi ? v : e.hi;
  }
  return std::min(std::max(v + post, e.lo), e.hi);
}

}  // namespace

void Gemm::Prepare(const float* weights, const float* bias, int n_, int k_, bool first, float lo, float hi) {
  n = n_;
  k = k_;
  np = (n + 15) / 16 * 16;
  bias_first = first;
  isa = fast8::SelectIsa();
  b.assign(static_cast<size_t>(np) * k, 0.0f);
  init.assign(static_cast<size_t>(np), 0.0f);
  post.assign(static_cast<size_t>(np), 0.0f);
  epilogue = {first, lo, hi};
  starts_at_negative_zero = false;
  for (int c = 0; c < n; ++c) {
    if (!first && bias != nullptr) post[c] = bias[c];
    float* blk = b.data() + static_cast<int64_t>(c / 16) * k * 16;
    for (int i = 0; i < k; ++i) blk[static_cast<int64_t>(i) * 16 + c % 16] = weights[static_cast<int64_t>(c) * k + i];
    if (bias_first && bias != nullptr) init[c] = bias[c];
    if (init[c] == 0.0f && std::signbit(init[c])) starts_at_negative_zero = true;
  }
}

namespace {

template <int MR, int NB>
TFD_AVX512F void Tile(const Gemm& g, const float* a, int64_t lda, int c0, float* out, int64_t ldc) {
  __m512 acc[MR][NB];
  for (int q = 0; q < NB; ++q) {
    const __m512 v = _mm512_loadu_ps(g.init.data() + c0 + q * 16);
    for (int r = 0; r < MR; ++r) acc[r][q] = v;
  }
  const float* b = g.b.data() + static_cast<int64_t>(c0 / 16) * g.k * 16;
  const int64_t bstride = static_cast<int64_t>(g.k) * 16;
  for (int i = 0; i < g.k; ++i) {
    __m512 w[NB];
    for (int q = 0; q < NB; ++q) w[q] = _mm512_loadu_ps(b + q * bstride + i * 16);
    for (int r = 0; r < MR; ++r) {
      const __m512 x = _mm512_set1_ps(a[r * lda + i]);
      for (int q = 0; q < NB; ++q) acc[r][q] = _mm512_add_ps(acc[r][q], _mm512_mul_ps(x, w[q]));
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int q = 0; q < NB; ++q) {
      const int c = c0 + q * 16;
      const int count = std::min(16, g.n - c);
      _mm512_mask_storeu_ps(out + r * ldc + c, static_cast<__mmask16>(count >= 16 ? 0xFFFF : (1u << count) - 1),
                            Finish(acc[r][q], _mm512_loadu_ps(g.post.data() + c), g.epilogue));
    }
}

template <int MR>
TFD_AVX512F void Rows(const Gemm& g, const float* a, int64_t lda, float* out, int64_t ldc) {
  int c = 0;
  for (; c + 64 <= g.np; c += 64) Tile<MR, 4>(g, a, lda, c, out, ldc);
  switch ((g.np - c) / 16) {
    case 3: Tile<MR, 3>(g, a, lda, c, out, ldc); break;
    case 2: Tile<MR, 2>(g, a, lda, c, out, ldc); break;
    case 1: Tile<MR, 1>(g, a, lda, c, out, ldc); break;
    default: break;
  }
}

TFD_AVX512F void RunAvx512(const Gemm& g, const float* a, int64_t lda, int m, float* out, int64_t ldc) {
  constexpr int kRows = 4;
  int i = 0;
  for (; i + kRows <= m; i += kRows) Rows<kRows>(g, a + i * lda, lda, out + i * ldc, ldc);
  switch (m - i) {
    case 3: Rows<3>(g, a + i * lda, lda, out + i * ldc, ldc); break;
    case 2: Rows<2>(g, a + i * lda, lda, out + i * ldc, ldc); break;
    case 1: Rows<1>(g, a + i * lda, lda, out + i * ldc, ldc); break;
    default: break;
  }
}

void RunPortable(const Gemm& g, const float* a, int64_t lda, int m, float* out, int64_t ldc) {
  for (int r = 0; r < m; ++r)
    for (int c0 = 0; c0 < g.np; c0 += 16) {
      float acc[16];
      for (int j = 0; j < 16; ++j) acc[j] = g.init[c0 + j];
      const float* b = g.b.data() + static_cast<int64_t>(c0 / 16) * g.k * 16;
      for (int i = 0; i < g.k; ++i) {
        const float x = a[r * lda + i];
        for (int j = 0; j < 16; ++j) {
          const float product = x * b[static_cast<int64_t>(i) * 16 + j];
          acc[j] = acc[j] + product;
        }
      }
      const int count = std::min(16, g.n - c0);
      for (int j = 0; j < count; ++j) out[r * ldc + c0 + j] = FinishScalar(acc[j], g.post[c0 + j], g.epilogue);
    }
}

TFD_AVX512F void DepthwiseAvx512(const float* const* x, const float* const* w, int count, const float* init,
                                const float* post, const Epilogue& e, int channels, float* out) {
  for (int c = 0; c < channels; c += 16) {
    const int n = std::min(16, channels - c);
    const __mmask16 lanes = static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1);
    __m512 acc = init ? _mm512_maskz_loadu_ps(lanes, init + c) : _mm512_setzero_ps();
    for (int i = 0; i < count; ++i)
      acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, x[i] + c), _mm512_maskz_loadu_ps(lanes, w[i] + c)));
    _mm512_mask_storeu_ps(out + c, lanes,
                          Finish(acc, post ? _mm512_maskz_loadu_ps(lanes, post + c) : _mm512_setzero_ps(), e));
  }
}

// The first n floats of a vector (n in 1..16).
inline __mmask16 FloatMask(int n) { return static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1); }

// dst[i] = src[i] + 0.0f (n floats).
TFD_AVX512F inline void CopyPlusZeroAvx512(float* dst, const float* src, int n) {
  const __m512 zero = _mm512_setzero_ps();
  for (; n >= 16; n -= 16, dst += 16, src += 16) _mm512_storeu_ps(dst, _mm512_add_ps(_mm512_loadu_ps(src), zero));
  if (n > 0) {
    const __mmask16 m = FloatMask(n);
    _mm512_mask_storeu_ps(dst, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, src), zero));
  }
}

TFD_AVX512F inline void ZerosAvx512(float* dst, int n) {
  const __m512 zero = _mm512_setzero_ps();
  for (; n >= 16; n -= 16, dst += 16) _mm512_storeu_ps(dst, zero);
  if (n > 0) _mm512_mask_storeu_ps(dst, FloatMask(n), zero);
}

TFD_AVX512F void PackPatchesAvx512(const fast8::Patches& p, const float* input, int64_t begin, int64_t end, float* a) {
  const int fc = p.in_c;
  const int k = p.filter_h * p.filter_w * fc;
  const int span = p.filter_w * fc;
  int ox = static_cast<int>(begin % p.out_w);
  int oy = static_cast<int>(begin / p.out_w % p.out_h);
  int64_t b = begin / (static_cast<int64_t>(p.out_w) * p.out_h);
  for (int64_t row = begin; row < end; ++row, ++ox) {
    if (ox == p.out_w) {
      ox = 0;
      if (++oy == p.out_h) oy = 0, ++b;
    }
    const int iy0 = oy * p.stride_h - p.pad_h;
    const int ix0 = ox * p.stride_w - p.pad_w;
    float* d = a + (row - begin) * k;
    for (int fy = 0; fy < p.filter_h; ++fy, d += span) {
      const int iy = iy0 + fy * p.dilation_h;
      if (iy < 0 || iy >= p.in_h) {
        ZerosAvx512(d, span);
        continue;
      }
      const float* line = input + (b * p.in_h + iy) * p.in_w * fc;
      if (p.dilation_w == 1) {
        const int lo = std::min(std::max(0, -ix0), p.filter_w);
        const int hi = std::max(lo, std::min(p.filter_w, p.in_w - ix0));
        ZerosAvx512(d, lo * fc);
        CopyPlusZeroAvx512(d + lo * fc, line + static_cast<int64_t>(ix0 + lo) * fc, (hi - lo) * fc);
        ZerosAvx512(d + hi * fc, (p.filter_w - hi) * fc);
        continue;
      }
      for (int fx = 0; fx < p.filter_w; ++fx) {
        const int ix = ix0 + fx * p.dilation_w;
        if (ix < 0 || ix >= p.in_w) {
          ZerosAvx512(d + fx * fc, fc);
        } else {
          CopyPlusZeroAvx512(d + fx * fc, line + static_cast<int64_t>(ix) * fc, fc);
        }
      }
    }
  }
}

void PackPatchesPortable(const fast8::Patches& p, const float* input, int64_t begin, int64_t end, float* a) {
  const int fc = p.in_c;
  const int k = p.filter_h * p.filter_w * fc;
  for (int64_t row = begin; row < end; ++row) {
    const int ox = static_cast<int>(row % p.out_w);
    const int oy = static_cast<int>(row / p.out_w % p.out_h);
    const int64_t b = row / (static_cast<int64_t>(p.out_w) * p.out_h);
    float* d = a + (row - begin) * k;
    for (int fy = 0; fy < p.filter_h; ++fy) {
      const int iy = oy * p.stride_h - p.pad_h + fy * p.dilation_h;
      for (int fx = 0; fx < p.filter_w; ++fx, d += fc) {
        const int ix = ox * p.stride_w - p.pad_w + fx * p.dilation_w;
        if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) {
          std::fill(d, d + fc, 0.0f);
          continue;
        }
        const float* src = input + ((b * p.in_h + iy) * p.in_w + ix) * fc;
        for (int c = 0; c < fc; ++c) d[c] = src[c] + 0.0f;
      }
    }
  }
}

TFD_AVX512F void DepthwiseInteriorAvx512(const float* x0, int64_t step, const int64_t* off, const float* const* w,
                                         int count, const float* init, const float* post, const Epilogue& e,
                                         int channels, int pixels, float* out) {
  constexpr int kMaxTaps = 64;
  __m512 wv[kMaxTaps];
  int j = 0;
  const int C = channels;
  if ((C == 1 || C == 2 || C == 4 || C == 8) && step == C) {
    // 16 / C pixels per vector: lane l is channel l % C of pixel l / C.
    const int per = 16 / C;
    alignas(64) int32_t lane_channel[16];
    for (int l = 0; l < 16; ++l) lane_channel[l] = l % C;
    const __m512i idx = _mm512_load_si512(lane_channel);
    const __mmask16 m = FloatMask(C);
    for (int i = 0; i < count; ++i) wv[i] = _mm512_permutexvar_ps(idx, _mm512_maskz_loadu_ps(m, w[i]));
    const __m512 vinit = init ? _mm512_permutexvar_ps(idx, _mm512_maskz_loadu_ps(m, init)) : _mm512_setzero_ps();
    const __m512 vpost = post ? _mm512_permutexvar_ps(idx, _mm512_maskz_loadu_ps(m, post)) : _mm512_setzero_ps();
    for (; j + per <= pixels; j += per) {
      const float* x = x0 + j * step;
      __m512 acc = vinit;
      for (int i = 0; i < count; ++i) acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_loadu_ps(x + off[i]), wv[i]));
      _mm512_storeu_ps(out + static_cast<int64_t>(j) * C, Finish(acc, vpost, e));
    }
    if (j == pixels) return;
  }
  for (int c = 0; c < C; c += 16) {
    const int n = std::min(16, C - c);
    const __mmask16 lanes = FloatMask(n);
    for (int i = 0; i < count; ++i) wv[i] = _mm512_maskz_loadu_ps(lanes, w[i] + c);
    const __m512 vinit = init ? _mm512_maskz_loadu_ps(lanes, init + c) : _mm512_setzero_ps();
    const __m512 vpost = post ? _mm512_maskz_loadu_ps(lanes, post + c) : _mm512_setzero_ps();
    for (int q = j; q < pixels; ++q) {
      const float* x = x0 + q * step + c;
      __m512 acc = vinit;
      for (int i = 0; i < count; ++i)
        acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, x + off[i]), wv[i]));
      _mm512_mask_storeu_ps(out + static_cast<int64_t>(q) * C + c, lanes, Finish(acc, vpost, e));
    }
  }
}

}  // namespace

void PackPatches(fast8::Isa isa, const fast8::Patches& p, const float* input, int64_t begin, int64_t end, float* a) {
  if (isa == fast8::Isa::kAvx512Vnni) return PackPatchesAvx512(p, input, begin, end, a);
  PackPatchesPortable(p, input, begin, end, a);
}

void DepthwiseInterior(fast8::Isa isa, const float* x0, int64_t step, const int64_t* off, const float* const* w,
                       int count, const float* init, const float* post, const Epilogue& e, int channels, int pixels,
                       float* out) {
  if (isa == fast8::Isa::kAvx512Vnni && count <= 64)
    return DepthwiseInteriorAvx512(x0, step, off, w, count, init, post, e, channels, pixels, out);
  std::vector<const float*> x(static_cast<size_t>(count));
  for (int j = 0; j < pixels; ++j) {
    for (int i = 0; i < count; ++i) x[i] = x0 + j * step + off[i];
    DepthwisePixel(isa, x.data(), w, count, init, post, e, channels, out + static_cast<int64_t>(j) * channels);
  }
}

void DepthwisePixel(fast8::Isa isa, const float* const* x, const float* const* w, int count, const float* init,
                    const float* post, const Epilogue& e, int channels, float* out) {
  if (isa == fast8::Isa::kAvx512Vnni) return DepthwiseAvx512(x, w, count, init, post, e, channels, out);
  for (int c = 0; c < channels; ++c) {
    float acc = init ? init[c] : 0.0f;
    for (int i = 0; i < count; ++i) {
      const float product = x[i][c] * w[i][c];
      acc = acc + product;
    }
    out[c] = FinishScalar(acc, post ? post[c] : 0.0f, e);
  }
}

void Gemm::Run(const float* a, int64_t lda, int m, float* out, int64_t ldc) const {
  if (isa == fast8::Isa::kAvx512Vnni) {
    RunAvx512(*this, a, lda, m, out, ldc);
  } else {
    RunPortable(*this, a, lda, m, out, ldc);
  }
}

}  // namespace tfd::fastf32
