#include "kernels/internal/fast_f32.h"

#include <immintrin.h>

#include <algorithm>

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
  for (int c = 0; c < n; ++c) {
    if (!first && bias != nullptr) post[c] = bias[c];
    float* blk = b.data() + static_cast<int64_t>(c / 16) * k * 16;
    for (int i = 0; i < k; ++i) blk[static_cast<int64_t>(i) * 16 + c % 16] = weights[static_cast<int64_t>(c) * k + i];
    if (bias_first && bias != nullptr) init[c] = bias[c];
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

}  // namespace

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
