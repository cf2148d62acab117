#pragma once
// Fixed-point helpers that TFLite's quantized DIV, RSQRT and comparison
// kernels take from gemmlowp and kernels/internal/common.h: bit counting,
// reciprocal and inverse square root by Newton-Raphson in Q-formats, and a
// rounding shift that reproduces what TFLite computes for negative exponents.
#include <cstdint>
#include <limits>

#include "kernels/internal/quant_math.h"

namespace tfd::elementwise::fixedpoint {

inline int CountLeadingZeros(uint32_t x) { return x == 0 ? 32 : __builtin_clz(x); }

// Redundant sign bits (TFLite's CountLeadingSignBits for int32).
inline int CountLeadingSignBits(int32_t x) {
  if (x >= 0) return CountLeadingZeros(static_cast<uint32_t>(x)) - 1;
  if (x == std::numeric_limits<int32_t>::min()) return 0;
  return CountLeadingZeros(2 * static_cast<uint32_t>(-x) - 1);
}

// gemmlowp's RoundingDivideByPOT for any exponent. TFLite calls it with a
// negative exponent in corner cases (e.g. quantized comparisons with a scale
// >= 1); its shifts then behave as on x86/ARM64/wasm, where the shift count is
// taken modulo the operand width. We reproduce that instead of shifting by a
// negative amount (undefined behaviour in C++).
inline int32_t RoundingDivideByPOTWrapped(int32_t x, int exponent) {
  if (exponent >= 0 && exponent <= 31) return qmath::RoundingDivideByPOT(x, exponent);
  const int32_t mask = static_cast<int32_t>((uint64_t{1} << (static_cast<unsigned>(exponent) & 63u)) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> (static_cast<unsigned>(exponent) & 31u)) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp with the shift
// behaviour above for a positive `left_shift`.
inline int32_t MultiplySmallerThanOneExpWrapped(int32_t x, int32_t multiplier, int left_shift) {
  return RoundingDivideByPOTWrapped(qmath::SaturatingRoundingDoublingHighMul(x, multiplier), -left_shift);
}

// gemmlowp SaturatingRoundingMultiplyByPOT with a positive exponent: a left
// shift that saturates.
inline int32_t SaturatingShiftLeft(int32_t x, int exponent) {
  const int32_t threshold = static_cast<int32_t>((1u << (31 - exponent)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(static_cast<uint32_t>(x) << exponent);
}

// (a + b) / 2 rounded to nearest, halves away from zero (gemmlowp).
inline int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

// 1 / (1 + x) for x in [0, 1), both Q0.31, by three Newton-Raphson steps in
// Q2.29 (gemmlowp's one_over_one_plus_x_for_x_in_0_1).
inline int32_t OneOverOnePlusX(int32_t x) {
  using qmath::SaturatingRoundingDoublingHighMul;
  constexpr int32_t kOneQ0 = std::numeric_limits<int32_t>::max();
  constexpr int32_t kOneQ2 = 1 << 29;
  constexpr int32_t k48Over17 = 1515870810;     // Q2.29
  constexpr int32_t kNeg32Over17 = -1010580540;  // Q2.29
  const int32_t half_denominator = RoundingHalfSum(x, kOneQ0);  // Q0.31
  int32_t estimate = k48Over17 + SaturatingRoundingDoublingHighMul(half_denominator, kNeg32Over17);
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_estimate = SaturatingRoundingDoublingHighMul(half_denominator, estimate);
    const int32_t one_minus = kOneQ2 - half_denominator_times_estimate;
    // Q2 * Q2 is Q4; back to Q2 is a saturating left shift by 2.
    estimate = estimate + SaturatingShiftLeft(SaturatingRoundingDoublingHighMul(estimate, one_minus), 2);
  }
  // Halve (exactly, Q2 -> Q1) then Q1 -> Q0: a saturating left shift by 1.
  return SaturatingShiftLeft(estimate, 1);
}

// TFLite's GetReciprocal: 1/x as a Q0.31 value times 2^-num_bits_over_unit.
inline int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const int headroom_plus_one = CountLeadingZeros(static_cast<uint32_t>(x));
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  const int32_t shifted_sum_minus_one =
      static_cast<int32_t>((static_cast<uint32_t>(x) << headroom_plus_one) - (uint32_t{1} << 31));
  return OneOverOnePlusX(shifted_sum_minus_one);
}

// TFLite's GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a multiplier
// and shift, by five Newton-Raphson steps in Q3.28.
inline void GetInvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift, int32_t* output_inv_sqrt,
                                             int* output_shift) {
  using qmath::SaturatingRoundingDoublingHighMul;
  if (input <= 1) {
    // As TFLite: 0 (invalid) and 1 both give the largest multiplier.
    *output_inv_sqrt = std::numeric_limits<int32_t>::max();
    *output_shift = 0;
    return;
  }
  *output_shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++*output_shift;
  }
  const unsigned max_left_shift_bits = static_cast<unsigned>(CountLeadingZeros(static_cast<uint32_t>(input)) - 1);
  const unsigned left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  *output_shift -= static_cast<int>(left_shift_bit_pairs);
  input <<= 2 * left_shift_bit_pairs;
  // Q3.28 values.
  const int32_t fixed_input = input >> 1;
  const int32_t half_input = qmath::RoundingDivideByPOT(fixed_input, 1);
  constexpr int32_t kHalfThree = (1 << 28) + (1 << 27);
  int32_t x = 1 << 28;  // 1.0
  for (int i = 0; i < 5; ++i) {
    // x^3 is Q9 (three Q3 factors); back to Q3 is a saturating shift by 6.
    const int32_t x3 = SaturatingShiftLeft(
        SaturatingRoundingDoublingHighMul(SaturatingRoundingDoublingHighMul(x, x), x), 6);
    // Both products are Q6; back to Q3 is a saturating shift by 3.
    x = SaturatingShiftLeft(
        SaturatingRoundingDoublingHighMul(kHalfThree, x) - SaturatingRoundingDoublingHighMul(half_input, x3), 3);
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2)/2 in Q0.31
  x = SaturatingRoundingDoublingHighMul(x, kHalfSqrt2);
  *output_inv_sqrt = x;
  if (*output_shift < 0) {
    *output_inv_sqrt = static_cast<int32_t>(static_cast<uint32_t>(*output_inv_sqrt) << -*output_shift);
    *output_shift = 0;
  }
  *output_shift *= reverse_shift;
}

}  // namespace tfd::elementwise::fixedpoint
