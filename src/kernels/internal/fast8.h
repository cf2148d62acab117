#pragma once
// Fast 8-bit convolution arithmetic for the "fast" kernels that sit beside
// the exact ones (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, uint8 and
// int8, both arithmetic profiles). They never change an answer:
//
// - An 8-bit layer's accumulator sum (x + input_offset) * (w + filter_offset)
//   + bias is an integer computed mod 2^32 (TFLite's int32 accumulation
//   wraps the same way), so any summation order gives the same int32. The
//   fast GEMM computes it as u8 x s8 dot products of shifted operands, plus
//   per-row and per-channel correction terms that make the sum identical
//   (see Gemm). AVX-512 VNNI's vpdpbusd does not saturate; AVX2's vpmaddubsw
//   would (at int16), so the AVX2 tier widens both operands to int16 and
//   sums exact int32 pairs (vpmaddwd).
// - The accumulator then goes through the profile's own requantization,
//   per output element: TFLite's fixed-point MultiplyByQuantizedMultiplier
//   or XNNPACK's float "fp32" one, in SIMD lanes (16 with AVX-512, 8 with
//   AVX2) that compute exactly what conv::Requantize / xnn::Requantize
//   compute (tested on random and edge-case accumulators against them).
//
// Dispatch, per kernel when it is prepared: AVX-512 (F, BW, VL, DQ, VNNI)
// when the CPU has it, else AVX2, else a portable C++ path; all three use
// the same packed layouts (AVX2 takes a 16-channel block as two halves of
// 8) and give the same bytes. TFLITE_DOCTOR_SIMD=avx2 or =portable forces a
// lower tier (a tier the CPU lacks falls to the next one below; other
// values are ignored), so a machine without AVX-512 or AVX2 can be
// reproduced anywhere. The float kernels (fast_f32) have no AVX2 tier: they
// run portable unless the tier is AVX-512.
#include <cstdint>
#include <vector>

#include "kernels/internal/conv_util.h"

namespace tfd::fast8 {

enum class Isa { kPortable, kAvx2, kAvx512Vnni };

// The best path this CPU has, or the one TFLITE_DOCTOR_SIMD forces (see above).
Isa SelectIsa();

// Whether the input zero point (-input_offset) is a value of the input type.
// The fast kernels give a padded tap the zero point's byte, which adds
// nothing; the exact ones give it no term at all. The same only when that
// byte exists: a malformed model's uint8 zero point of -5 or 300 has none,
// and such a node is left to the exact kernels.
inline bool PaddingIsAByte(int32_t input_offset, bool in_signed) {
  const int64_t zero_point = -static_cast<int64_t>(input_offset);
  return in_signed ? zero_point >= -128 && zero_point <= 127 : zero_point >= 0 && zero_point <= 255;
}

// One requantization per output channel, either profile.
struct Requant {
  bool xnnpack = false;
  // TFLite: multiplier and shift (conv::Requant's), split for SIMD lanes.
  std::vector<int32_t> multiplier, shift, left_shift, right_shift;
  // XNNPACK: float scale per channel.
  std::vector<float> scale;
  int32_t output_zero_point = 0, qmin = 0, qmax = 0;
  bool simd_ok = true;  // every shift within what the SIMD lanes handle
  bool out_signed = false;

  // channels rounded up to 16; missing channels get harmless parameters.
  void Init(const conv::Conv2DState& s, int channels, bool out_signed);
  int32_t Scalar(int32_t acc, int c) const;
};

// Where a convolution's taps fall: NHWC input, output positions in (batch,
// y, x) order, taps in (fy, fx) order, each tap in_c bytes.
struct Patches {
  int in_h = 0, in_w = 0, in_c = 0;
  int filter_h = 1, filter_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_h = 0, pad_w = 0, out_h = 0, out_w = 0;
};

// The geometry of a conv or depthwise node's prepared state (both name
// their fields alike; the padding is the state's `window`).
template <typename State>
Patches PatchesOf(const State& s) {
  Patches p;
  p.in_h = s.in_h;
  p.in_w = s.in_w;
  p.in_c = s.in_c;
  p.filter_h = s.filter_h;
  p.filter_w = s.filter_w;
  p.stride_h = s.stride_h;
  p.stride_w = s.stride_w;
  p.dilation_h = s.dilation_h;
  p.dilation_w = s.dilation_w;
  p.pad_h = s.window.pad_height;
  p.pad_w = s.window.pad_width;
  p.out_h = s.out_h;
  p.out_w = s.out_w;
  return p;
}

// dst[i] = src[i] ^ 0x80: int8 values as the unsigned x + 128 the GEMM's A
// holds, once per tensor instead of once per patch that reads a value.
void ToUnsigned(const uint8_t* src, int64_t n, uint8_t* dst);

// out[m][n] = requant(dot(A[m], B[n]) + row_factor * rowsum(A[m]) + col[n]),
// A: rows of u8 packed with `kp` bytes (k values, then zeros), B: the
// weights as s8, packed [n/16][kp/4][16][4] (channels beyond n are zero).
//
// With A = x + a_shift (int8 input: x + 128; uint8: x) and B = w + b_shift
// (int8 weights: w; uint8: w - 128), x + io = A + ia and w + fo = B + fb
// where ia = io - a_shift, fb = fo - b_shift, so
//   sum (x + io)(w + fo) = dot(A, B) + fb * rowsum(A) + ia * colsum(B) + k * ia * fb,
// all mod 2^32; col[n] holds bias + the last two terms.
struct Gemm {
  int n = 0, k = 0, kp = 0, np = 0;
  bool input_signed = false;     // A = x ^ 0x80
  uint8_t pad_value = 0;         // A's value for a tap outside the input (x = -io)
  int32_t row_factor = 0;        // fb
  std::vector<int8_t> b;
  std::vector<int32_t> col;
  Requant rq;
  Isa isa = Isa::kPortable;

  // weights: n rows of k values (int8 or uint8 by `weights_signed`), bias
  // (n values or nullptr), offsets as the reference kernels use them.
  void Prepare(const void* weights, bool weights_signed, bool input_signed, const int32_t* bias, int n, int k,
               int32_t input_offset, int32_t filter_offset, const conv::Conv2DState& s, bool out_signed);

  // Packs one row of k input values (plus zero tail) into dst (kp bytes);
  // returns its byte sum (needed when row_factor != 0).
  int32_t PackRow(const void* x, uint8_t* dst) const;
  // Whether rows of k input values can be A as they are (uint8 input, k a
  // multiple of 4): no copy, only their byte sums (RowSum, when needed).
  bool direct() const { return !input_signed && kp == k; }
  int32_t RowSum(const uint8_t* row) const;
  // A's rows for output positions [begin, end) (k = filter_h * filter_w *
  // in_c): each patch of `input` as A holds it (uint8, or ToUnsigned's
  // int8), a tap outside the input holding pad_value, zeros up to kp; and
  // their byte sums (rowsum[i] for row begin + i, when row_factor != 0).
  void PackPatches(const Patches& p, const uint8_t* input, int64_t begin, int64_t end, uint8_t* a,
                   int32_t* rowsum) const;

  // rows of A (m x kp, contiguous), rowsums (m values), output rows at
  // out + i * ldc (n bytes each).
  void Run(const uint8_t* a, const int32_t* rowsum, int m, void* out, int64_t ldc) const;
};

// Depthwise 8-bit, multiplier 1: per output pixel, channels in blocks of 16
// (AVX2: 8).
struct Depthwise {
  int channels = 0, cp = 0, taps = 0;
  int32_t input_offset = 0;
  bool input_signed = false;
  // (w + fo) per tap and channel, [taps][cp], as int32 with the value in the
  // low 16 bits and zero above (a pmaddwd operand).
  std::vector<int32_t> w;
  std::vector<int32_t> bias;  // per channel (0 where none), cp values
  Requant rq;
  Isa isa = Isa::kPortable;

  void Prepare(const void* weights, bool weights_signed, bool input_signed, const int32_t* bias, int channels,
               int taps, int32_t input_offset, int32_t filter_offset, const conv::Conv2DState& s, bool out_signed);
  // For channels in {1, 2, 4, 8}: w, bias and rq per lane of 16, lane l
  // holding channel l % channels, so that one vector covers 16 / channels
  // neighbouring output pixels (stride 1; AVX2 reads the first 8 lanes).
  // Empty otherwise.
  std::vector<int32_t> wlanes, bias_lanes;
  Requant rq_lanes;

  // One output pixel: `count` taps inside the input, pixel pointers px[i]
  // (channels bytes each) with their tap indices tap[i].
  void Pixel(const void* const* px, const int* tap, int count, void* out) const;
  // Output row oy of batch b (out_w pixels of `channels` bytes): Pixel's
  // sums over the taps inside the input, for every pixel of the row (its
  // interior without the per-pixel pointer lists).
  void Row(const Patches& p, const uint8_t* input, int b, int oy, uint8_t* out) const;
};

// XNNPACK's 8-bit bilinear blend (xnn::BilinearQ11) split in its two
// passes: `top` and `bottom` hold, for the output row's upper and lower
// input rows, tl * 2048 + (tr - tl) * wx per output column and channel (the
// horizontal pass, the same for every output row reading that input row);
// out[i] = (top[i] * 2048 + (bottom[i] - top[i]) * wy + 2^21) >> 22, the
// same int32 expression, n values stored as int8 or uint8.
void BlendRowsQ11(const int32_t* top, const int32_t* bottom, int32_t wy, int64_t n, void* out, Isa isa);

}  // namespace tfd::fast8
