#pragma once
// TFLite's fixed-point arithmetic for quantized kernels: real multipliers as
// a Q31 integer and a power-of-two shift, and its exact rounding rules.
// Quantized kernels must use these to be bit-exact with TFLite.
#include <cmath>
#include <cstdint>
#include <limits>

namespace tfd::qmath {

// std::round: halves away from zero, which is what TFLite's TfLiteRound does.
inline float Round(float x) { return std::round(x); }
inline double Round(double x) { return std::round(x); }

// A float to int32 conversion defined for every value, as the runtime's own
// conversions behave: x86's cvttss2si and the WebAssembly build's lowering
// give INT32_MIN for NaN and for any value outside int32's range. C++ leaves
// that undefined; TFLite reaches it on real inputs (a hybrid kernel's input
// row whose largest value is so small that 127 / max overflows to inf).
template <typename F>
inline int32_t TruncateToInt32(F x) {
  constexpr F kTwo31 = static_cast<F>(2147483648.0);
  if (!(x >= -kTwo31 && x < kTwo31)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(x);
}
// TfLiteRound then the conversion above.
inline int32_t RoundToInt32(float x) { return TruncateToInt32(Round(x)); }
inline int32_t RoundToInt32(double x) { return TruncateToInt32(Round(x)); }
// a + b wrapping on overflow, as the runtime's two's-complement add does: a
// zero point added to the INT32_MIN of an out-of-range conversion above must
// not be signed overflow.
inline int32_t WrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// real ≈ multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).
void QuantizeMultiplier(double real, int32_t* multiplier, int* shift);
// For real in (0, 1): shift <= 0.
void QuantizeMultiplierSmallerThanOneExp(double real, int32_t* multiplier, int* left_shift);
// For real > 1: shift >= 0.
void QuantizeMultiplierGreaterThanOne(double real, int32_t* multiplier, int* left_shift);

// (a * b * 2) >> 32 rounded to nearest, saturating the one overflow case.
inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  int32_t high = static_cast<int32_t>((ab + nudge) / (1LL << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : high;
}

// x / 2^exponent rounded to nearest, ties away from zero.
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * multiplier * 2^(shift - 31) with TFLite's double rounding.
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  int left_shift = shift > 0 ? shift : 0;
  int right_shift = shift > 0 ? 0 : -shift;
  return RoundingDivideByPOT(
      SaturatingRoundingDoublingHighMul(static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift), multiplier),
      right_shift);
}

inline int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, int32_t multiplier, int left_shift) {
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -left_shift);
}

inline int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, int32_t multiplier, int left_shift) {
  return SaturatingRoundingDoublingHighMul(static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift), multiplier);
}

// The 64-bit accumulator form used by int16 (16x8) kernels: x in int48 range.
inline int32_t MultiplyByQuantizedMultiplier(int64_t x, int32_t multiplier, int shift) {
  const int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - shift;
  const int64_t rounded = x * static_cast<int64_t>(reduced) + (static_cast<int64_t>(1) << (total_shift - 1));
  return static_cast<int32_t>(rounded >> total_shift);
}

template <typename T>
inline T Clamp(int32_t v, int32_t lo, int32_t hi) {
  return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
}

}  // namespace tfd::qmath
