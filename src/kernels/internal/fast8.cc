#include "kernels/internal/fast8.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels/internal/quant_math.h"
#include "kernels/internal/xnnpack.h"

// GCC 12 warns about the intrinsics headers' own undefined-vector idiom
// (_mm256_undefined_si256's self-initialization, through
// _mm512_reduce_add_epi64).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#define TFD_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define TFD_AVX2 __attribute__((target("avx2")))

namespace tfd::fast8 {

Isa SelectIsa() {
  const char* env = std::getenv("TFLITE_DOCTOR_SIMD");
  const std::string forced = env != nullptr ? env : "";
  if (forced == "portable") return Isa::kPortable;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512vnni");
  const bool avx2 = __builtin_cpu_supports("avx2");
  // A forced tier the CPU lacks falls to the best one below it (never an
  // illegal instruction); any other value is ignored, as "portable" was
  // the only one read before.
  if (avx512 && forced != "avx2") return Isa::kAvx512Vnni;
  if (avx2) return Isa::kAvx2;
#endif
  return Isa::kPortable;
}

namespace {

int RoundUp(int v, int to) { return (v + to - 1) / to * to; }

uint32_t U(int32_t v) { return static_cast<uint32_t>(v); }
int32_t S(uint32_t v) { return static_cast<int32_t>(v); }

}  // namespace

// ---- Requantization ----

void Requant::Init(const conv::Conv2DState& s, int channels, bool is_signed) {
  const int cp = RoundUp(channels, 16);
  out_signed = is_signed;
  xnnpack = !s.xnn_scale.empty();
  output_zero_point = s.output_offset;
  qmin = s.quant_range.min;
  qmax = s.quant_range.max;
  simd_ok = true;
  if (xnnpack) {
    scale.assign(static_cast<size_t>(cp), 0.0f);
    for (int c = 0; c < channels; ++c) scale[c] = s.xnn_scale[c];
    return;
  }
  multiplier.assign(static_cast<size_t>(cp), 0);
  shift.assign(static_cast<size_t>(cp), 0);
  left_shift.assign(static_cast<size_t>(cp), 0);
  right_shift.assign(static_cast<size_t>(cp), 0);
  for (int c = 0; c < channels; ++c) {
    multiplier[c] = s.requant.multiplier[c];
    shift[c] = s.requant.shift[c];
    left_shift[c] = shift[c] > 0 ? shift[c] : 0;
    right_shift[c] = shift[c] > 0 ? 0 : -shift[c];
    if (left_shift[c] > 31 || right_shift[c] > 31) simd_ok = false;
  }
}

int32_t Requant::Scalar(int32_t acc, int c) const {
  if (xnnpack) return xnn::Requantize(acc, scale[c], output_zero_point, qmin, qmax);
  // conv::Requantize's arithmetic, and the SIMD lanes': the zero point's add wraps.
  const int32_t v = qmath::MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]);
  return qmath::Clamp<int32_t>(qmath::WrappingAdd(v, output_zero_point), qmin, qmax);
}

namespace {

// (a * b + nudge) / 2^31 truncated toward zero, for the low 32 bits of each
// 64-bit lane (SaturatingRoundingDoublingHighMul without its overflow case).
TFD_AVX512 inline __m512i HighMul64(__m512i a, __m512i b) {
  const __m512i zero = _mm512_setzero_si512();
  const __m512i p = _mm512_mul_epi32(a, b);
  const __mmask8 neg = _mm512_cmplt_epi64_mask(p, zero);
  __m512i v = _mm512_add_epi64(
      p, _mm512_mask_blend_epi64(neg, _mm512_set1_epi64(1LL << 30), _mm512_set1_epi64(1 - (1LL << 30))));
  const __mmask8 vneg = _mm512_cmplt_epi64_mask(v, zero);
  v = _mm512_mask_add_epi64(v, vneg, v, _mm512_set1_epi64((1LL << 31) - 1));
  return _mm512_srai_epi64(v, 31);
}

// 16 accumulators of channels c..c+15 to 16 output values (in the low bytes
// of the lanes), exactly as Requant::Scalar.
TFD_AVX512 inline __m512i RequantTflite16(__m512i acc, const Requant& r, int c) {
  const __m512i mult = _mm512_loadu_si512(r.multiplier.data() + c);
  const __m512i lsh = _mm512_loadu_si512(r.left_shift.data() + c);
  const __m512i rsh = _mm512_loadu_si512(r.right_shift.data() + c);
  const __m512i x = _mm512_sllv_epi32(acc, lsh);
  // Saturating rounding doubling high multiply: (x * m + nudge) / 2^31,
  // truncated toward zero, in 64-bit lanes for the even and odd elements.
  const __m512i even = HighMul64(x, mult);
  const __m512i odd = HighMul64(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32));
  __m512i h = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  const __m512i int_min = _mm512_set1_epi32(INT32_MIN);
  const __mmask16 overflow = _mm512_cmpeq_epi32_mask(x, int_min) & _mm512_cmpeq_epi32_mask(mult, int_min);
  h = _mm512_mask_mov_epi32(h, overflow, _mm512_set1_epi32(INT32_MAX));
  // Rounding divide by 2^rsh, ties away from zero.
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, rsh), one);
  const __m512i rem = _mm512_and_si512(h, mask);
  const __m512i threshold = _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(h, 31));
  __m512i q = _mm512_srav_epi32(h, rsh);
  q = _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(rem, threshold), q, one);
  q = _mm512_add_epi32(q, _mm512_set1_epi32(r.output_zero_point));
  q = _mm512_max_epi32(q, _mm512_set1_epi32(r.qmin));
  return _mm512_min_epi32(q, _mm512_set1_epi32(r.qmax));
}

TFD_AVX512 inline __m512i RequantXnn16(__m512i acc, const Requant& r, int c) {
  __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(r.scale.data() + c));
  v = _mm512_max_ps(v, _mm512_set1_ps(static_cast<float>(r.qmin - r.output_zero_point)));
  v = _mm512_min_ps(v, _mm512_set1_ps(static_cast<float>(r.qmax - r.output_zero_point)));
  return _mm512_add_epi32(_mm512_cvtps_epi32(v), _mm512_set1_epi32(r.output_zero_point));
}

// Requantizes and stores `count` (<= 16) bytes.
TFD_AVX512 inline void Store16(__m512i acc, const Requant& r, int c, uint8_t* out, int count) {
  if (!r.simd_ok) {
    alignas(64) int32_t lanes[16];
    _mm512_store_si512(lanes, acc);
    for (int j = 0; j < count; ++j) out[j] = static_cast<uint8_t>(r.Scalar(lanes[j], c + j));
    return;
  }
  const __m512i q = r.xnnpack ? RequantXnn16(acc, r, c) : RequantTflite16(acc, r, c);
  const __m128i bytes = _mm512_cvtepi32_epi8(q);
  _mm_mask_storeu_epi8(out, static_cast<__mmask16>(count >= 16 ? 0xFFFF : (1u << count) - 1), bytes);
}

// The same two requantizations in 8 AVX2 lanes. AVX2 has no 64-bit
// arithmetic shift: bits 31..62 of a 64-bit lane are the same after a
// logical one, and the high multiply's result lies in them.
TFD_AVX2 inline __m256i HighMul64Avx2(__m256i a, __m256i b) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i p = _mm256_mul_epi32(a, b);
  const __m256i neg = _mm256_cmpgt_epi64(zero, p);
  __m256i v = _mm256_add_epi64(
      p, _mm256_blendv_epi8(_mm256_set1_epi64x(1LL << 30), _mm256_set1_epi64x(1 - (1LL << 30)), neg));
  // (v + 2^31 - 1) >> 31 for negative v: the division truncates toward zero.
  v = _mm256_add_epi64(v, _mm256_and_si256(_mm256_cmpgt_epi64(zero, v), _mm256_set1_epi64x((1LL << 31) - 1)));
  return _mm256_srli_epi64(v, 31);
}

TFD_AVX2 inline __m256i RequantTflite8(__m256i acc, const Requant& r, int c) {
  const __m256i mult = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r.multiplier.data() + c));
  const __m256i lsh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r.left_shift.data() + c));
  const __m256i rsh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r.right_shift.data() + c));
  const __m256i x = _mm256_sllv_epi32(acc, lsh);
  // Saturating rounding doubling high multiply, even and odd elements in
  // 64-bit lanes (the low 32 bits of each result).
  const __m256i even = HighMul64Avx2(x, mult);
  const __m256i odd = HighMul64Avx2(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32));
  __m256i h = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  const __m256i int_min = _mm256_set1_epi32(INT32_MIN);
  const __m256i overflow = _mm256_and_si256(_mm256_cmpeq_epi32(x, int_min), _mm256_cmpeq_epi32(mult, int_min));
  h = _mm256_blendv_epi8(h, _mm256_set1_epi32(INT32_MAX), overflow);
  // Rounding divide by 2^rsh, ties away from zero.
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, rsh), one);
  const __m256i rem = _mm256_and_si256(h, mask);
  const __m256i threshold = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(h, 31));
  __m256i q = _mm256_srav_epi32(h, rsh);
  q = _mm256_sub_epi32(q, _mm256_cmpgt_epi32(rem, threshold));  // + 1 where rem > threshold
  q = _mm256_add_epi32(q, _mm256_set1_epi32(r.output_zero_point));
  q = _mm256_max_epi32(q, _mm256_set1_epi32(r.qmin));
  return _mm256_min_epi32(q, _mm256_set1_epi32(r.qmax));
}

TFD_AVX2 inline __m256i RequantXnn8(__m256i acc, const Requant& r, int c) {
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(r.scale.data() + c));
  v = _mm256_max_ps(v, _mm256_set1_ps(static_cast<float>(r.qmin - r.output_zero_point)));
  v = _mm256_min_ps(v, _mm256_set1_ps(static_cast<float>(r.qmax - r.output_zero_point)));
  return _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(r.output_zero_point));
}

// The low byte of each of 8 int32 lanes, in the low 8 bytes.
TFD_AVX2 inline __m128i LowBytes8(__m256i v) {
  const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  //
                                        0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i b = _mm256_shuffle_epi8(v, pick);
  return _mm_unpacklo_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
}

// Stores `count` (<= 8) bytes.
TFD_AVX2 inline void StoreBytes8(__m128i bytes, uint8_t* out, int count) {
  if (count >= 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
    return;
  }
  const uint64_t all = static_cast<uint64_t>(_mm_cvtsi128_si64(bytes));
  std::memcpy(out, &all, static_cast<size_t>(count));
}

// Requantizes channels c..c+7 and stores `count` (<= 8) bytes.
TFD_AVX2 inline void Store8(__m256i acc, const Requant& r, int c, uint8_t* out, int count) {
  if (!r.simd_ok) {
    alignas(32) int32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc);
    for (int j = 0; j < count; ++j) out[j] = static_cast<uint8_t>(r.Scalar(lanes[j], c + j));
    return;
  }
  StoreBytes8(LowBytes8(r.xnnpack ? RequantXnn8(acc, r, c) : RequantTflite8(acc, r, c)), out, count);
}

}  // namespace

// ---- GEMM ----

void Gemm::Prepare(const void* weights, bool weights_signed, bool in_signed, const int32_t* bias, int n_, int k_,
                   int32_t input_offset, int32_t filter_offset, const conv::Conv2DState& s, bool out_signed) {
  n = n_;
  k = k_;
  kp = RoundUp(std::max(k, 1), 4);
  np = RoundUp(n, 16);
  input_signed = in_signed;
  isa = SelectIsa();
  const int32_t a_shift = in_signed ? 128 : 0;
  const int32_t b_shift = weights_signed ? 0 : -128;
  const int32_t ia = input_offset - a_shift;
  row_factor = filter_offset - b_shift;
  pad_value = static_cast<uint8_t>(-input_offset + a_shift);
  b.assign(static_cast<size_t>(np) * kp, 0);
  col.assign(static_cast<size_t>(np), 0);
  for (int c = 0; c < n; ++c) {
    uint32_t colsum = 0;
    int8_t* blk = b.data() + static_cast<int64_t>(c / 16) * kp * 16;
    for (int i = 0; i < k; ++i) {
      const int64_t at = static_cast<int64_t>(c) * k + i;
      const int32_t w = weights_signed ? static_cast<const int8_t*>(weights)[at]
                                       : static_cast<int32_t>(static_cast<const uint8_t*>(weights)[at]) + b_shift;
      blk[(i / 4) * 64 + (c % 16) * 4 + i % 4] = static_cast<int8_t>(w);
      colsum += U(w);
    }
    col[c] = S(U(bias ? bias[c] : 0) + U(ia) * colsum + U(k) * U(ia) * U(row_factor));
  }
  rq.Init(s, n, out_signed);
}

TFD_VECTORIZE int32_t Gemm::PackRow(const void* x, uint8_t* dst) const {
  const uint8_t* src = static_cast<const uint8_t*>(x);
  uint32_t sum = 0;
  if (input_signed) {
    for (int i = 0; i < k; ++i) dst[i] = static_cast<uint8_t>(src[i] ^ 0x80);
  } else if (src != dst) {
    std::memcpy(dst, src, static_cast<size_t>(k));
  }
  if (row_factor != 0)
    for (int i = 0; i < k; ++i) sum += dst[i];
  std::memset(dst + k, 0, static_cast<size_t>(kp - k));
  return static_cast<int32_t>(sum);
}

namespace {

TFD_AVX512 int32_t RowSumAvx512(const uint8_t* row, int k) {
  __m512i acc = _mm512_setzero_si512();
  const __m512i zero = _mm512_setzero_si512();
  int i = 0;
  for (; i + 64 <= k; i += 64) acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_loadu_si512(row + i), zero));
  if (i < k) {
    const __mmask64 tail = (~0ULL) >> (64 - (k - i));
    acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(tail, row + i), zero));
  }
  return static_cast<int32_t>(static_cast<uint32_t>(_mm512_reduce_add_epi64(acc)));
}

TFD_AVX2 int32_t RowSumAvx2(const uint8_t* row, int k) {
  __m256i acc = _mm256_setzero_si256();
  const __m256i zero = _mm256_setzero_si256();
  int i = 0;
  for (; i + 32 <= k; i += 32)
    acc = _mm256_add_epi64(acc, _mm256_sad_epu8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + i)), zero));
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc);
  uint32_t sum = static_cast<uint32_t>(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
  for (; i < k; ++i) sum += row[i];
  return static_cast<int32_t>(sum);
}

}  // namespace

int32_t Gemm::RowSum(const uint8_t* row) const {
  if (row_factor == 0) return 0;
  if (isa == Isa::kAvx512Vnni) return RowSumAvx512(row, k);
  if (isa == Isa::kAvx2) return RowSumAvx2(row, k);
  uint32_t sum = 0;
  for (int i = 0; i < k; ++i) sum += row[i];
  return static_cast<int32_t>(sum);
}

TFD_VECTORIZE void ToUnsigned(const uint8_t* src, int64_t n, uint8_t* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(src[i] ^ 0x80);
}

namespace {

// The first n bytes of a 64-byte vector (n in 1..64).
inline uint64_t ByteMask(int n) { return n >= 64 ? ~0ULL : (~0ULL) >> (64 - n); }

TFD_AVX512 inline void CopyBytesAvx512(uint8_t* dst, const uint8_t* src, int n) {
  for (; n >= 64; n -= 64, dst += 64, src += 64) _mm512_storeu_si512(dst, _mm512_loadu_si512(src));
  if (n > 0) {
    const __mmask64 m = ByteMask(n);
    _mm512_mask_storeu_epi8(dst, m, _mm512_maskz_loadu_epi8(m, src));
  }
}

TFD_AVX512 inline void FillBytesAvx512(uint8_t* dst, __m512i value, int n) {
  for (; n >= 64; n -= 64, dst += 64) _mm512_storeu_si512(dst, value);
  if (n > 0) _mm512_mask_storeu_epi8(dst, ByteMask(n), value);
}

// The fx range [lo, hi) of a filter row whose taps fall inside the input
// (dilation 1), for a patch starting at column ix0.
inline void InsideColumns(const Patches& p, int ix0, int* lo, int* hi) {
  *lo = std::min(std::max(0, -ix0), p.filter_w);
  *hi = std::max(*lo, std::min(p.filter_w, p.in_w - ix0));
}

TFD_AVX512 void PackPatchesAvx512(const Gemm& g, const Patches& p, const uint8_t* input, int64_t begin, int64_t end,
                                  uint8_t* a, int32_t* rowsum) {
  const int fc = p.in_c;
  const int span = p.filter_w * fc;
  const __m512i pad = _mm512_set1_epi8(static_cast<char>(g.pad_value));
  const __m512i zero = _mm512_setzero_si512();
  // (b, oy, ox) of `begin`, then stepped (no divisions per row).
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
    uint8_t* dst = a + (row - begin) * g.kp;
    uint8_t* d = dst;
    for (int fy = 0; fy < p.filter_h; ++fy, d += span) {
      const int iy = iy0 + fy * p.dilation_h;
      if (iy < 0 || iy >= p.in_h) {
        FillBytesAvx512(d, pad, span);
        continue;
      }
      const uint8_t* line = input + (b * p.in_h + iy) * p.in_w * fc;
      if (p.dilation_w == 1) {
        int lo, hi;
        InsideColumns(p, ix0, &lo, &hi);
        FillBytesAvx512(d, pad, lo * fc);
        CopyBytesAvx512(d + lo * fc, line + static_cast<int64_t>(ix0 + lo) * fc, (hi - lo) * fc);
        FillBytesAvx512(d + hi * fc, pad, (p.filter_w - hi) * fc);
        continue;
      }
      for (int fx = 0; fx < p.filter_w; ++fx) {
        const int ix = ix0 + fx * p.dilation_w;
        if (ix < 0 || ix >= p.in_w) {
          FillBytesAvx512(d + fx * fc, pad, fc);
        } else {
          CopyBytesAvx512(d + fx * fc, line + static_cast<int64_t>(ix) * fc, fc);
        }
      }
    }
    FillBytesAvx512(dst + g.k, zero, g.kp - g.k);
    if (g.row_factor != 0) rowsum[row - begin] = RowSumAvx512(dst, g.k);
  }
}

// PackPatchesAvx512's spans (each filter row's in-input columns copied at
// once, the output position stepped) with library copies and fills, and
// AVX2 byte sums.
TFD_AVX2 void PackPatchesAvx2(const Gemm& g, const Patches& p, const uint8_t* input, int64_t begin, int64_t end,
                              uint8_t* a, int32_t* rowsum) {
  const int fc = p.in_c;
  const size_t span = static_cast<size_t>(p.filter_w) * fc;
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
    uint8_t* dst = a + (row - begin) * g.kp;
    uint8_t* d = dst;
    for (int fy = 0; fy < p.filter_h; ++fy, d += span) {
      const int iy = iy0 + fy * p.dilation_h;
      if (iy < 0 || iy >= p.in_h) {
        std::memset(d, g.pad_value, span);
        continue;
      }
      const uint8_t* line = input + (b * p.in_h + iy) * p.in_w * fc;
      if (p.dilation_w == 1) {
        int lo, hi;
        InsideColumns(p, ix0, &lo, &hi);
        std::memset(d, g.pad_value, static_cast<size_t>(lo) * fc);
        std::memcpy(d + lo * fc, line + static_cast<int64_t>(ix0 + lo) * fc, static_cast<size_t>(hi - lo) * fc);
        std::memset(d + hi * fc, g.pad_value, static_cast<size_t>(p.filter_w - hi) * fc);
        continue;
      }
      for (int fx = 0; fx < p.filter_w; ++fx) {
        const int ix = ix0 + fx * p.dilation_w;
        if (ix < 0 || ix >= p.in_w) {
          std::memset(d + fx * fc, g.pad_value, static_cast<size_t>(fc));
        } else {
          std::memcpy(d + fx * fc, line + static_cast<int64_t>(ix) * fc, static_cast<size_t>(fc));
        }
      }
    }
    std::memset(dst + g.k, 0, static_cast<size_t>(g.kp - g.k));
    if (g.row_factor != 0) rowsum[row - begin] = RowSumAvx2(dst, g.k);
  }
}

void PackPatchesPortable(const Gemm& g, const Patches& p, const uint8_t* input, int64_t begin, int64_t end, uint8_t* a,
                         int32_t* rowsum) {
  const int fc = p.in_c;
  for (int64_t row = begin; row < end; ++row) {
    const int ox = static_cast<int>(row % p.out_w);
    const int oy = static_cast<int>(row / p.out_w % p.out_h);
    const int64_t b = row / (static_cast<int64_t>(p.out_w) * p.out_h);
    const int iy0 = oy * p.stride_h - p.pad_h;
    const int ix0 = ox * p.stride_w - p.pad_w;
    uint8_t* dst = a + (row - begin) * g.kp;
    uint8_t* d = dst;
    for (int fy = 0; fy < p.filter_h; ++fy) {
      const int iy = iy0 + fy * p.dilation_h;
      for (int fx = 0; fx < p.filter_w; ++fx, d += fc) {
        const int ix = ix0 + fx * p.dilation_w;
        if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) {
          std::memset(d, g.pad_value, static_cast<size_t>(fc));
        } else {
          std::memcpy(d, input + ((b * p.in_h + iy) * p.in_w + ix) * fc, static_cast<size_t>(fc));
        }
      }
    }
    std::memset(dst + g.k, 0, static_cast<size_t>(g.kp - g.k));
    if (g.row_factor != 0) {
      uint32_t sum = 0;
      for (int i = 0; i < g.k; ++i) sum += dst[i];
      rowsum[row - begin] = static_cast<int32_t>(sum);
    }
  }
}

}  // namespace

void Gemm::PackPatches(const Patches& p, const uint8_t* input, int64_t begin, int64_t end, uint8_t* a,
                       int32_t* rowsum) const {
  if (isa == Isa::kAvx512Vnni) {
    PackPatchesAvx512(*this, p, input, begin, end, a, rowsum);
  } else if (isa == Isa::kAvx2) {
    PackPatchesAvx2(*this, p, input, begin, end, a, rowsum);
  } else {
    PackPatchesPortable(*this, p, input, begin, end, a, rowsum);
  }
}

namespace {

template <int MR, int NB>
TFD_AVX512 void GemmTile(const Gemm& g, const uint8_t* a, const int32_t* rowsum, int c0, uint8_t* out, int64_t ldc) {
  __m512i acc[MR][NB];
  for (int r = 0; r < MR; ++r)
    for (int q = 0; q < NB; ++q) acc[r][q] = _mm512_setzero_si512();
  const int8_t* b = g.b.data() + static_cast<int64_t>(c0 / 16) * g.kp * 16;
  const int64_t bstride = static_cast<int64_t>(g.kp) * 16;
  const int groups = g.kp / 4;
  for (int kg = 0; kg < groups; ++kg) {
    __m512i w[NB];
    for (int q = 0; q < NB; ++q) w[q] = _mm512_loadu_si512(b + q * bstride + kg * 64);
    for (int r = 0; r < MR; ++r) {
      int32_t bytes;
      std::memcpy(&bytes, a + static_cast<int64_t>(r) * g.kp + kg * 4, 4);
      const __m512i x = _mm512_set1_epi32(bytes);
      for (int q = 0; q < NB; ++q) acc[r][q] = _mm512_dpbusd_epi32(acc[r][q], x, w[q]);
    }
  }
  for (int r = 0; r < MR; ++r) {
    const __m512i row = _mm512_set1_epi32(S(U(g.row_factor) * U(rowsum ? rowsum[r] : 0)));
    for (int q = 0; q < NB; ++q) {
      const int c = c0 + q * 16;
      __m512i v = _mm512_add_epi32(acc[r][q], _mm512_loadu_si512(g.col.data() + c));
      v = _mm512_add_epi32(v, row);
      Store16(v, g.rq, c, out + r * ldc + c, std::min(16, g.n - c));
    }
  }
}

template <int MR>
TFD_AVX512 void GemmRows(const Gemm& g, const uint8_t* a, const int32_t* rowsum, uint8_t* out, int64_t ldc) {
  int c = 0;
  for (; c + 64 <= g.np; c += 64) GemmTile<MR, 4>(g, a, rowsum, c, out, ldc);
  switch ((g.np - c) / 16) {
    case 3: GemmTile<MR, 3>(g, a, rowsum, c, out, ldc); break;
    case 2: GemmTile<MR, 2>(g, a, rowsum, c, out, ldc); break;
    case 1: GemmTile<MR, 1>(g, a, rowsum, c, out, ldc); break;
    default: break;
  }
}

TFD_AVX512 void RunAvx512(const Gemm& g, const uint8_t* a, const int32_t* rowsum, int m, uint8_t* out, int64_t ldc) {
  constexpr int kRows = 4;
  int i = 0;
  auto rs = [&](int row) { return rowsum ? rowsum + row : nullptr; };
  for (; i + kRows <= m; i += kRows)
    GemmRows<kRows>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc);
  switch (m - i) {
    case 3: GemmRows<3>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc); break;
    case 2: GemmRows<2>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc); break;
    case 1: GemmRows<1>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc); break;
    default: break;
  }
}

// AVX2 has no non-saturating u8 x s8 dot product (vpmaddubsw saturates at
// int16), so each 4-byte group is widened to int16 and summed in exact
// int32 pairs (vpmaddwd): a packed block of 16 channels is taken as two
// halves of 8, a half's 32 bytes (4 channels x 4 bytes per 128-bit lane)
// as two vectors of 4 channels x 2 pair sums, added across the k groups;
// the pairs are folded (vphaddd, which wraps as the int32 sum does) once at
// the end. MR rows share each widened weight vector.
template <int MR>
TFD_AVX2 void GemmTileAvx2(const Gemm& g, const uint8_t* a, const int32_t* rowsum, int c0, uint8_t* out,
                           int64_t ldc) {
  __m256i lo[MR], hi[MR];  // channels c0..c0+3, c0+4..c0+7: two pair sums each
  for (int r = 0; r < MR; ++r) lo[r] = hi[r] = _mm256_setzero_si256();
  const int8_t* b = g.b.data() + static_cast<int64_t>(c0 / 16) * g.kp * 16 + (c0 % 16) * 4;
  const int groups = g.kp / 4;
  for (int kg = 0; kg < groups; ++kg, b += 64) {
    const __m256i w_lo = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)));
    const __m256i w_hi = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16)));
    for (int r = 0; r < MR; ++r) {
      int32_t bytes;
      std::memcpy(&bytes, a + static_cast<int64_t>(r) * g.kp + kg * 4, 4);
      const __m256i x = _mm256_cvtepu8_epi16(_mm_set1_epi32(bytes));
      lo[r] = _mm256_add_epi32(lo[r], _mm256_madd_epi16(x, w_lo));
      hi[r] = _mm256_add_epi32(hi[r], _mm256_madd_epi16(x, w_hi));
    }
  }
  const __m256i col = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g.col.data() + c0));
  const int count = std::min(8, g.n - c0);
  for (int r = 0; r < MR; ++r) {
    // hadd: channels 0 1 4 5 | 2 3 6 7; the 64-bit permute puts them in order.
    __m256i v = _mm256_permute4x64_epi64(_mm256_hadd_epi32(lo[r], hi[r]), 0xD8);
    v = _mm256_add_epi32(v, col);
    v = _mm256_add_epi32(v, _mm256_set1_epi32(S(U(g.row_factor) * U(rowsum ? rowsum[r] : 0))));
    Store8(v, g.rq, c0, out + r * ldc + c0, count);
  }
}

template <int MR>
TFD_AVX2 void GemmRowsAvx2(const Gemm& g, const uint8_t* a, const int32_t* rowsum, uint8_t* out, int64_t ldc) {
  // Halves past the last channel (n up to 8 short of np) are skipped.
  for (int c = 0; c < g.n; c += 8) GemmTileAvx2<MR>(g, a, rowsum, c, out, ldc);
}

TFD_AVX2 void RunAvx2(const Gemm& g, const uint8_t* a, const int32_t* rowsum, int m, uint8_t* out, int64_t ldc) {
  constexpr int kRows = 4;
  int i = 0;
  auto rs = [&](int row) { return rowsum ? rowsum + row : nullptr; };
  for (; i + kRows <= m; i += kRows)
    GemmRowsAvx2<kRows>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc);
  switch (m - i) {
    case 3: GemmRowsAvx2<3>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc); break;
    case 2: GemmRowsAvx2<2>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc); break;
    case 1: GemmRowsAvx2<1>(g, a + static_cast<int64_t>(i) * g.kp, rs(i), out + i * ldc, ldc); break;
    default: break;
  }
}

// The same sums in plain C++ (unsigned, so wrapping is defined), then the
// scalar requantization.
TFD_VECTORIZE void RunPortable(const Gemm& g, const uint8_t* a, const int32_t* rowsum, int m, uint8_t* out,
                               int64_t ldc) {
  const int groups = g.kp / 4;
  for (int i = 0; i < m; ++i) {
    const uint8_t* row = a + static_cast<int64_t>(i) * g.kp;
    const uint32_t rowterm = U(g.row_factor) * U(rowsum ? rowsum[i] : 0);
    for (int c0 = 0; c0 < g.np; c0 += 16) {
      uint32_t acc[16] = {};
      const int8_t* b = g.b.data() + static_cast<int64_t>(c0 / 16) * g.kp * 16;
      for (int kg = 0; kg < groups; ++kg)
        for (int j = 0; j < 16; ++j)
          for (int t = 0; t < 4; ++t)
            acc[j] += U(static_cast<int32_t>(row[kg * 4 + t]) * b[kg * 64 + j * 4 + t]);
      const int count = std::min(16, g.n - c0);
      for (int j = 0; j < count; ++j)
        out[i * ldc + c0 + j] = static_cast<uint8_t>(g.rq.Scalar(S(acc[j] + rowterm + U(g.col[c0 + j])), c0 + j));
    }
  }
}

}  // namespace

void Gemm::Run(const uint8_t* a, const int32_t* rowsum, int m, void* out, int64_t ldc) const {
  uint8_t* o = static_cast<uint8_t*>(out);
  const int32_t* rs = row_factor != 0 ? rowsum : nullptr;
  if (isa == Isa::kAvx512Vnni) {
    RunAvx512(*this, a, rs, m, o, ldc);
  } else if (isa == Isa::kAvx2) {
    RunAvx2(*this, a, rs, m, o, ldc);
  } else {
    RunPortable(*this, a, rs, m, o, ldc);
  }
}

// ---- Depthwise ----

void Depthwise::Prepare(const void* weights, bool weights_signed, bool in_signed, const int32_t* bias_values,
                        int channels_, int taps_, int32_t in_offset, int32_t filter_offset,
                        const conv::Conv2DState& s, bool out_signed) {
  channels = channels_;
  taps = taps_;
  cp = RoundUp(channels, 16);
  input_offset = in_offset;
  input_signed = in_signed;
  isa = SelectIsa();
  w.assign(static_cast<size_t>(taps) * cp, 0);
  for (int t = 0; t < taps; ++t)
    for (int c = 0; c < channels; ++c) {
      const int64_t at = static_cast<int64_t>(t) * channels + c;
      const int32_t v = (weights_signed ? static_cast<const int8_t*>(weights)[at]
                                        : static_cast<int32_t>(static_cast<const uint8_t*>(weights)[at])) +
                        filter_offset;
      w[static_cast<size_t>(t) * cp + c] = static_cast<int32_t>(static_cast<uint16_t>(static_cast<int16_t>(v)));
    }
  bias.assign(static_cast<size_t>(cp), 0);
  if (bias_values)
    for (int c = 0; c < channels; ++c) bias[c] = bias_values[c];
  rq.Init(s, channels, out_signed);
  wlanes.clear();
  bias_lanes.clear();
  if (channels == 1 || channels == 2 || channels == 4 || channels == 8) {
    wlanes.resize(static_cast<size_t>(taps) * 16);
    for (int t = 0; t < taps; ++t)
      for (int l = 0; l < 16; ++l) wlanes[static_cast<size_t>(t) * 16 + l] = w[static_cast<size_t>(t) * cp + l % channels];
    bias_lanes.resize(16);
    for (int l = 0; l < 16; ++l) bias_lanes[l] = bias[l % channels];
    rq_lanes = rq;
    for (std::vector<int32_t>* v : {&rq_lanes.multiplier, &rq_lanes.shift, &rq_lanes.left_shift, &rq_lanes.right_shift})
      for (int l = 0; l < 16 && !v->empty(); ++l) (*v)[l] = (*v)[l % channels];
    for (int l = 0; l < 16 && !rq_lanes.scale.empty(); ++l) rq_lanes.scale[l] = rq_lanes.scale[l % channels];
  }
}

namespace {

TFD_AVX512 void PixelAvx512(const Depthwise& d, const void* const* px, const int* tap, int count, uint8_t* out) {
  const __m512i offset = _mm512_set1_epi32(d.input_offset);
  for (int c = 0; c < d.channels; c += 16) {
    const int n = std::min(16, d.channels - c);
    const __mmask16 lanes = static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1);
    __m512i acc = _mm512_loadu_si512(d.bias.data() + c);
    for (int i = 0; i < count; ++i) {
      const __m128i bytes = _mm_maskz_loadu_epi8(lanes, static_cast<const uint8_t*>(px[i]) + c);
      const __m512i x = d.input_signed ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
      // (x + io) fits in 16 bits; the weight lane's high half is 0, so the
      // pair sum is the one product.
      const __m512i xo = _mm512_add_epi32(x, offset);
      acc = _mm512_dpwssd_epi32(acc, xo, _mm512_loadu_si512(d.w.data() + static_cast<int64_t>(tap[i]) * d.cp + c));
    }
    Store16(acc, d.rq, c, out + c, n);
  }
}

// Up to 8 bytes at p (n of them; the rest 0) without reading past them.
TFD_AVX2 inline __m128i LoadBytes8(const uint8_t* p, int n) {
  if (n >= 8) return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  uint64_t v = 0;
  std::memcpy(&v, p, static_cast<size_t>(n));
  return _mm_cvtsi64_si128(static_cast<long long>(v));
}

template <bool kSigned>
TFD_AVX2 inline __m256i Widen8(__m128i bytes) {
  return kSigned ? _mm256_cvtepi8_epi32(bytes) : _mm256_cvtepu8_epi32(bytes);
}

// PixelAvx512 in 8 lanes: (x + io) and the weight both fit in 16 bits and
// the weight lane's high half is 0, so vpmaddwd's pair sum is the one
// product, exact.
template <bool kSigned>
TFD_AVX2 void PixelAvx2(const Depthwise& d, const void* const* px, const int* tap, int count, uint8_t* out) {
  const __m256i offset = _mm256_set1_epi32(d.input_offset);
  for (int c = 0; c < d.channels; c += 8) {
    const int n = std::min(8, d.channels - c);
    __m256i acc = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d.bias.data() + c));
    for (int i = 0; i < count; ++i) {
      const __m256i xo = _mm256_add_epi32(Widen8<kSigned>(LoadBytes8(static_cast<const uint8_t*>(px[i]) + c, n)), offset);
      const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d.w.data() + static_cast<int64_t>(tap[i]) * d.cp + c));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xo, w));
    }
    Store8(acc, d.rq, c, out + c, n);
  }
}

void PixelPortable(const Depthwise& d, const void* const* px, const int* tap, int count, uint8_t* out) {
  for (int c = 0; c < d.channels; ++c) {
    uint32_t acc = U(d.bias[c]);
    for (int i = 0; i < count; ++i) {
      const uint8_t raw = static_cast<const uint8_t*>(px[i])[c];
      const int32_t x = (d.input_signed ? static_cast<int32_t>(static_cast<int8_t>(raw)) : raw) + d.input_offset;
      const int32_t wv = static_cast<int16_t>(static_cast<uint16_t>(d.w[static_cast<int64_t>(tap[i]) * d.cp + c]));
      acc += U(x * wv);
    }
    out[c] = static_cast<uint8_t>(d.rq.Scalar(S(acc), c));
  }
}

}  // namespace

namespace {

// The taps inside the input of output pixel (oy, ox) of batch b, as Pixel
// takes them; returns their count.
int PixelTaps(const Patches& p, const uint8_t* input, int b, int oy, int ox, const void** px, int* tap) {
  const int iy0 = oy * p.stride_h - p.pad_h;
  const int ix0 = ox * p.stride_w - p.pad_w;
  int count = 0;
  for (int fy = 0; fy < p.filter_h; ++fy) {
    const int iy = iy0 + fy * p.dilation_h;
    if (iy < 0 || iy >= p.in_h) continue;
    for (int fx = 0; fx < p.filter_w; ++fx) {
      const int ix = ix0 + fx * p.dilation_w;
      if (ix < 0 || ix >= p.in_w) continue;
      px[count] = input + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c;
      tap[count++] = fy * p.filter_w + fx;
    }
  }
  return count;
}

// Pixel by pixel (the portable path, and filters with more taps than
// RowAvx512's lists hold).
void RowByPixel(const Depthwise& d, const Patches& p, const uint8_t* input, int b, int oy, uint8_t* out) {
  std::vector<const void*> px(static_cast<size_t>(d.taps));
  std::vector<int> tap(static_cast<size_t>(d.taps));
  for (int ox = 0; ox < p.out_w; ++ox) {
    const int count = PixelTaps(p, input, b, oy, ox, px.data(), tap.data());
    d.Pixel(px.data(), tap.data(), count, out + static_cast<int64_t>(ox) * d.channels);
  }
}

template <bool kSigned>
TFD_AVX512 inline __m512i Widen(__m128i bytes) {
  return kSigned ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
}

// Interior pixels [ox_lo, ox_hi) of a row (every tap column inside), taps
// `count` with byte offsets off[i] (see RowAvx512) and
// weight rows tap[i]: channels in blocks of 16, or with `lanes` (channels in
// {1, 2, 4, 8}, stride 1) 16 / channels pixels per vector. Returns the
// first pixel not done.
template <bool kSigned>
TFD_AVX512 int InteriorAvx512(const Depthwise& d, const Patches& p, const uint8_t* input, int64_t first, const int64_t* off,
                              const int* tap, int count, int ox_lo, int ox_hi, uint8_t* out) {
  const __m512i offset = _mm512_set1_epi32(d.input_offset);
  const int C = d.channels;
  if (!d.wlanes.empty() && p.stride_w == 1) {
    const int per = 16 / C;
    const __m512i bias = _mm512_loadu_si512(d.bias_lanes.data());
    int ox = ox_lo;
    for (; ox + per <= ox_hi; ox += per) {
      const uint8_t* base = input + first + static_cast<int64_t>(ox) * C;
      __m512i acc = bias;
      for (int i = 0; i < count; ++i) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + off[i]));
        const __m512i xo = _mm512_add_epi32(Widen<kSigned>(bytes), offset);
        acc = _mm512_dpwssd_epi32(acc, xo, _mm512_loadu_si512(d.wlanes.data() + static_cast<int64_t>(tap[i]) * 16));
      }
      Store16(acc, d.rq_lanes, 0, out + static_cast<int64_t>(ox) * C, 16);
    }
    return ox;
  }
  const int64_t step = static_cast<int64_t>(p.stride_w) * C;
  for (int c = 0; c < C; c += 16) {
    const int n = std::min(16, C - c);
    const __mmask16 lanes = static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1);
    const __m512i bias = _mm512_loadu_si512(d.bias.data() + c);
    const uint8_t* base = input + first + static_cast<int64_t>(ox_lo) * step + c;
    for (int ox = ox_lo; ox < ox_hi; ++ox, base += step) {
      __m512i acc = bias;
      for (int i = 0; i < count; ++i) {
        const __m128i bytes = _mm_maskz_loadu_epi8(lanes, base + off[i]);
        const __m512i xo = _mm512_add_epi32(Widen<kSigned>(bytes), offset);
        acc = _mm512_dpwssd_epi32(acc, xo, _mm512_loadu_si512(d.w.data() + static_cast<int64_t>(tap[i]) * d.cp + c));
      }
      Store16(acc, d.rq, c, out + static_cast<int64_t>(ox) * C + c, n);
    }
  }
  return ox_hi;
}

// One output row: the edge pixels by their own tap lists (PixelTaps), the
// interior (pixels whose every tap column is inside the input) by one list
// shared along the row. `pixel(px, tap, n, out)` and `interior(first, off,
// tap, count, ox_lo, ox_hi, out)`, which returns the next pixel, are a
// tier's loops.
template <typename Pixel, typename Interior>
void SplitRow(const Depthwise& d, const Patches& p, const uint8_t* input, int b, int oy, uint8_t* out, Pixel pixel,
              Interior interior) {
  constexpr int kMaxTaps = 64;
  const void* px[kMaxTaps];
  int tap[kMaxTaps];
  int64_t off[kMaxTaps];
  const int C = d.channels;
  // Pixels whose every tap column is inside: ix0 >= 0 and
  // ix0 + (filter_w - 1) * dilation_w < in_w, ix0 = ox * stride_w - pad_w.
  const int reach = (p.filter_w - 1) * p.dilation_w;
  int ox_lo = (p.pad_w + p.stride_w - 1) / p.stride_w;
  int ox_hi = p.in_w - 1 - reach + p.pad_w < 0 ? 0 : (p.in_w - 1 - reach + p.pad_w) / p.stride_w + 1;
  ox_lo = std::min(ox_lo, p.out_w);
  ox_hi = std::max(ox_lo, std::min(ox_hi, p.out_w));
  int ox = 0;
  if (ox_hi > ox_lo) {
    // The interior's taps: filter rows inside the input, every column.
    const int iy0 = oy * p.stride_h - p.pad_h;
    int count = 0;
    for (int fy = 0; fy < p.filter_h; ++fy) {
      const int iy = iy0 + fy * p.dilation_h;
      if (iy < 0 || iy >= p.in_h) continue;
      for (int fx = 0; fx < p.filter_w; ++fx) {
        off[count] = (static_cast<int64_t>(iy) * p.in_w + fx * p.dilation_w) * C;
        tap[count++] = fy * p.filter_w + fx;
      }
    }
    // Pixel ox's tap i is at input + first + ox * stride_w * C + off[i]
    // (first + ox * stride_w * C >= 0 inside the interior).
    const int64_t first = static_cast<int64_t>(b) * p.in_h * p.in_w * C - static_cast<int64_t>(p.pad_w) * C;
    for (; ox < ox_lo; ++ox) {
      const int n = PixelTaps(p, input, b, oy, ox, px, tap + count);
      pixel(px, tap + count, n, out + static_cast<int64_t>(ox) * C);
    }
    ox = interior(first, off, tap, count, ox_lo, ox_hi, out);
  }
  for (; ox < p.out_w; ++ox) {
    const int n = PixelTaps(p, input, b, oy, ox, px, tap);
    pixel(px, tap, n, out + static_cast<int64_t>(ox) * C);
  }
}

TFD_AVX512 void RowAvx512(const Depthwise& d, const Patches& p, const uint8_t* input, int b, int oy, uint8_t* out) {
  SplitRow(
      d, p, input, b, oy, out, [&](const void** px, const int* tap, int n, uint8_t* o) { PixelAvx512(d, px, tap, n, o); },
      [&](int64_t first, const int64_t* off, const int* tap, int count, int lo, int hi, uint8_t* o) {
        return d.input_signed ? InteriorAvx512<true>(d, p, input, first, off, tap, count, lo, hi, o)
                              : InteriorAvx512<false>(d, p, input, first, off, tap, count, lo, hi, o);
      });
}

// InteriorAvx512 in 8 lanes: channels in blocks of 8, or with `lanes`
// (channels in {1, 2, 4, 8}, stride 1) 8 / channels pixels per vector.
template <bool kSigned>
TFD_AVX2 int InteriorAvx2(const Depthwise& d, const Patches& p, const uint8_t* input, int64_t first, const int64_t* off,
                          const int* tap, int count, int ox_lo, int ox_hi, uint8_t* out) {
  const __m256i offset = _mm256_set1_epi32(d.input_offset);
  const int C = d.channels;
  if (!d.wlanes.empty() && p.stride_w == 1) {
    const int per = 8 / C;
    const __m256i bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d.bias_lanes.data()));
    int ox = ox_lo;
    for (; ox + per <= ox_hi; ox += per) {
      const uint8_t* base = input + first + static_cast<int64_t>(ox) * C;
      __m256i acc = bias;
      for (int i = 0; i < count; ++i) {
        const __m256i xo =
            _mm256_add_epi32(Widen8<kSigned>(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(base + off[i]))), offset);
        const __m256i w =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d.wlanes.data() + static_cast<int64_t>(tap[i]) * 16));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xo, w));
      }
      Store8(acc, d.rq_lanes, 0, out + static_cast<int64_t>(ox) * C, 8);
    }
    return ox;
  }
  const int64_t step = static_cast<int64_t>(p.stride_w) * C;
  for (int c = 0; c < C; c += 8) {
    const int n = std::min(8, C - c);
    const __m256i bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d.bias.data() + c));
    const uint8_t* base = input + first + static_cast<int64_t>(ox_lo) * step + c;
    for (int ox = ox_lo; ox < ox_hi; ++ox, base += step) {
      __m256i acc = bias;
      for (int i = 0; i < count; ++i) {
        const __m256i xo = _mm256_add_epi32(Widen8<kSigned>(LoadBytes8(base + off[i], n)), offset);
        const __m256i w =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d.w.data() + static_cast<int64_t>(tap[i]) * d.cp + c));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xo, w));
      }
      Store8(acc, d.rq, c, out + static_cast<int64_t>(ox) * C + c, n);
    }
  }
  return ox_hi;
}

// SplitRow with the AVX2 pixel and interior loops.
template <bool kSigned>
TFD_AVX2 void RowAvx2(const Depthwise& d, const Patches& p, const uint8_t* input, int b, int oy, uint8_t* out) {
  SplitRow(
      d, p, input, b, oy, out,
      [&](const void** px, const int* tap, int n, uint8_t* o) { PixelAvx2<kSigned>(d, px, tap, n, o); },
      [&](int64_t first, const int64_t* off, const int* tap, int count, int lo, int hi, uint8_t* o) {
        return InteriorAvx2<kSigned>(d, p, input, first, off, tap, count, lo, hi, o);
      });
}

}  // namespace

void Depthwise::Row(const Patches& p, const uint8_t* input, int b, int oy, uint8_t* out) const {
  // The fixed tap lists hold 64 (filters up to 8x8); PixelTaps may append
  // after the interior's taps, so both together.
  if (isa == Isa::kAvx512Vnni && 2 * taps <= 64) {
    RowAvx512(*this, p, input, b, oy, out);
  } else if (isa == Isa::kAvx2 && 2 * taps <= 64) {
    if (input_signed) {
      RowAvx2<true>(*this, p, input, b, oy, out);
    } else {
      RowAvx2<false>(*this, p, input, b, oy, out);
    }
  } else {
    RowByPixel(*this, p, input, b, oy, out);
  }
}

namespace {

TFD_AVX512 void BlendRowsQ11Avx512(const int32_t* top, const int32_t* bottom, int32_t wy, int64_t n, uint8_t* out) {
  const __m512i w = _mm512_set1_epi32(wy);
  const __m512i half = _mm512_set1_epi32(1 << 21);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i t = _mm512_loadu_si512(top + i);
    const __m512i b = _mm512_loadu_si512(bottom + i);
    __m512i acc = _mm512_add_epi32(_mm512_slli_epi32(t, 11), _mm512_mullo_epi32(_mm512_sub_epi32(b, t), w));
    acc = _mm512_srai_epi32(_mm512_add_epi32(acc, half), 22);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(acc));
  }
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    const __m512i t = _mm512_maskz_loadu_epi32(m, top + i);
    const __m512i b = _mm512_maskz_loadu_epi32(m, bottom + i);
    __m512i acc = _mm512_add_epi32(_mm512_slli_epi32(t, 11), _mm512_mullo_epi32(_mm512_sub_epi32(b, t), w));
    acc = _mm512_srai_epi32(_mm512_add_epi32(acc, half), 22);
    _mm_mask_storeu_epi8(out + i, m, _mm512_cvtepi32_epi8(acc));
  }
}

TFD_AVX2 void BlendRowsQ11Avx2(const int32_t* top, const int32_t* bottom, int32_t wy, int64_t n, uint8_t* out) {
  const __m256i w = _mm256_set1_epi32(wy);
  const __m256i half = _mm256_set1_epi32(1 << 21);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i t = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(top + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bottom + i));
    __m256i acc = _mm256_add_epi32(_mm256_slli_epi32(t, 11), _mm256_mullo_epi32(_mm256_sub_epi32(b, t), w));
    acc = _mm256_srai_epi32(_mm256_add_epi32(acc, half), 22);
    StoreBytes8(LowBytes8(acc), out + i, 8);
  }
  for (; i < n; ++i) {
    const uint32_t acc = U(top[i]) * 2048u + (U(bottom[i]) - U(top[i])) * U(wy) + (1u << 21);
    out[i] = static_cast<uint8_t>(S(acc) >> 22);
  }
}

// Unsigned arithmetic: the same bits as the int32 expression, without
// undefined behaviour; the right shift is arithmetic, as in BilinearQ11.
TFD_VECTORIZE void BlendRowsQ11Portable(const int32_t* top, const int32_t* bottom, int32_t wy, int64_t n,
                                        uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t acc = U(top[i]) * 2048u + (U(bottom[i]) - U(top[i])) * U(wy) + (1u << 21);
    out[i] = static_cast<uint8_t>(S(acc) >> 22);
  }
}

}  // namespace

void BlendRowsQ11(const int32_t* top, const int32_t* bottom, int32_t wy, int64_t n, void* out, Isa isa) {
  if (isa == Isa::kAvx512Vnni) {
    BlendRowsQ11Avx512(top, bottom, wy, n, static_cast<uint8_t*>(out));
  } else if (isa == Isa::kAvx2) {
    BlendRowsQ11Avx2(top, bottom, wy, n, static_cast<uint8_t*>(out));
  } else {
    BlendRowsQ11Portable(top, bottom, wy, n, static_cast<uint8_t*>(out));
  }
}

void Depthwise::Pixel(const void* const* px, const int* tap, int count, void* out) const {
  if (isa == Isa::kAvx512Vnni) {
    PixelAvx512(*this, px, tap, count, static_cast<uint8_t*>(out));
  } else if (isa == Isa::kAvx2) {
    if (input_signed) {
      PixelAvx2<true>(*this, px, tap, count, static_cast<uint8_t*>(out));
    } else {
      PixelAvx2<false>(*this, px, tap, count, static_cast<uint8_t*>(out));
    }
  } else {
    PixelPortable(*this, px, tap, count, static_cast<uint8_t*>(out));
  }
}

}  // namespace tfd::fast8
