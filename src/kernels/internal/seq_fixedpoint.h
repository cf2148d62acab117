#pragma once
// 16-bit fixed-point math as TFLite's integer LSTM uses it (gemmlowp's
// FixedPoint<int16_t, N>): logistic and tanh on Q(N).(15-N) values, plus the
// inverse square root behind its integer layer normalisation.
//
// Every intermediate is rounded, saturated or wrapped exactly where the
// reference does it, because the LSTM state feeds back through these
// functions and a one-step difference grows over time steps. Integer bits are
// runtime parameters here instead of template arguments.
#include <cstdint>
#include <limits>

#include "kernels/internal/quant_math.h"

namespace tfd::seq_fixed {

// int16 arithmetic wraps like the reference's int16 operations (the sum is
// computed in int and narrowed).
inline int16_t Wrap(int32_t v) { return static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(v))); }
inline int16_t Add(int16_t a, int16_t b) { return Wrap(int32_t{a} + b); }
inline int16_t Sub(int16_t a, int16_t b) { return Wrap(int32_t{a} - b); }
inline int16_t Neg(int16_t a) { return Wrap(-int32_t{a}); }

inline int16_t SaturatingAdd(int16_t a, int16_t b) {
  const int32_t sum = int32_t{a} + b;
  return static_cast<int16_t>(sum < -32768 ? -32768 : (sum > 32767 ? 32767 : sum));
}

// (a * b) / 2^15 rounded to nearest; -1 * -1 saturates to the maximum.
inline int16_t HighMul(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = int32_t{a} * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

inline int16_t RoundingDivideByPOT(int16_t x, int exponent) {
  const int32_t mask = (1 << exponent) - 1;
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// x * 2^exponent: a saturating left shift or a rounding right shift.
inline int16_t SaturatingRoundingMultiplyByPOT(int16_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
  const int32_t threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return std::numeric_limits<int16_t>::max();
  if (x < -threshold) return std::numeric_limits<int16_t>::min();
  return Wrap(int32_t{x} * (1 << exponent));
}

// A 32-bit Q0.31 constant as the 16-bit reference narrows it.
inline int16_t Constant(int32_t q31) { return static_cast<int16_t>(qmath::RoundingDivideByPOT(q31, 16)); }

// 1.0 in a format with `integer_bits` (Q0.15 saturates to the maximum).
inline int16_t One(int integer_bits) {
  return integer_bits == 0 ? std::numeric_limits<int16_t>::max() : static_cast<int16_t>(1 << (15 - integer_bits));
}

// exp(a) for a in [-1/4, 0), a and result in Q0.15.
inline int16_t ExpOnQuarterInterval(int16_t a) {
  const int16_t constant_term = Constant(1895147668);  // exp(-1/8)
  const int16_t one_third = Constant(715827883);
  // Taylor expansion around -1/8: x = a + 1/8.
  const int16_t x = Add(a, static_cast<int16_t>(1 << 12));
  const int16_t x2 = HighMul(x, x);
  const int16_t x3 = HighMul(x2, x);
  const int16_t x4 = HighMul(x2, x2);
  const int16_t x4_over_4 = SaturatingRoundingMultiplyByPOT(x4, -2);
  const int16_t poly = SaturatingRoundingMultiplyByPOT(Add(HighMul(Add(x4_over_4, x3), one_third), x2), -1);
  return SaturatingAdd(constant_term, HighMul(constant_term, Add(x, poly)));
}

// exp(a) for a <= 0 given with `integer_bits`; result in Q0.15.
inline int16_t ExpOnNegativeValues(int16_t a, int integer_bits) {
  const int fractional_bits = 15 - integer_bits;
  const int16_t one_quarter = static_cast<int16_t>(1 << (fractional_bits - 2));
  const int16_t mask = static_cast<int16_t>(one_quarter - 1);
  const int16_t a_mod_quarter_minus_quarter = Sub(static_cast<int16_t>(a & mask), one_quarter);
  int16_t result = ExpOnQuarterInterval(SaturatingRoundingMultiplyByPOT(a_mod_quarter_minus_quarter, integer_bits));
  const int16_t remainder = Sub(a_mod_quarter_minus_quarter, a);
  // exp(-2^k) factors for each set bit of the remainder (barrel shifter).
  struct Step {
    int exponent;
    int32_t multiplier;
  };
  static constexpr Step kSteps[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                    {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Step& s : kSteps) {
    if (integer_bits <= s.exponent) continue;
    const int shift = fractional_bits + s.exponent;
    if (remainder & (1 << shift)) result = HighMul(result, Constant(s.multiplier));
  }
  if (integer_bits > 5) {
    const int16_t clamp = Constant(-(1 << (36 - integer_bits)));  // -32
    if (a < clamp) result = 0;
  }
  if (a == 0) result = One(0);
  return result;
}

// Newton-Raphson for 1 / (1 + x) style divisions, x in Q0.15 (0, 1); returns
// the Q2.13 estimate of 1 / ((1 + x) / 2).
inline int16_t InverseHalfDenominator(int16_t half_denominator) {
  const int16_t constant_48_over_17 = Constant(1515870810);
  const int16_t constant_neg_32_over_17 = Constant(-1010580540);
  const int16_t one_q2 = One(2);
  int16_t x = Add(constant_48_over_17, HighMul(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; ++i) {
    const int16_t half_denominator_times_x = HighMul(half_denominator, x);
    const int16_t one_minus = Sub(one_q2, half_denominator_times_x);
    x = Add(x, SaturatingRoundingMultiplyByPOT(HighMul(x, one_minus), 2));
  }
  return x;
}

inline int16_t RoundingHalfSum(int16_t a, int16_t b) {
  const int32_t sum = int32_t{a} + b;
  const int32_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int16_t>((sum + sign) / 2);
}

// (1 - x) / (1 + x) for x in (0, 1), Q0.15.
inline int16_t OneMinusXOverOnePlusX(int16_t a) {
  const int16_t x = InverseHalfDenominator(RoundingHalfSum(a, One(0)));
  return SaturatingRoundingMultiplyByPOT(Sub(x, One(2)), 2);
}

// 1 / (1 + x) for x in (0, 1), Q0.15.
inline int16_t OneOverOnePlusX(int16_t a) {
  const int16_t x = InverseHalfDenominator(RoundingHalfSum(a, One(0)));
  // x / 2 reinterpreted as Q1.14, then rescaled to Q0.15.
  return SaturatingRoundingMultiplyByPOT(x, 1);
}

// tanh of a Q(integer_bits) value, result in Q0.15.
inline int16_t Tanh(int16_t a, int integer_bits) {
  if (a == 0) return 0;
  const bool negative = a < 0;
  const int16_t n = negative ? a : Neg(a);
  // exp(2n) reads n with one more integer bit.
  const int16_t t = OneMinusXOverOnePlusX(ExpOnNegativeValues(n, integer_bits + 1));
  return negative ? Neg(t) : t;
}

// 1 / (1 + exp(-a)) of a Q(integer_bits) value, result in Q0.15.
inline int16_t Logistic(int16_t a, int integer_bits) {
  if (a == 0) return Constant(1 << 30);
  const bool positive = a > 0;
  const int16_t abs_a = positive ? a : Neg(a);
  const int16_t result_if_positive = OneOverOnePlusX(ExpOnNegativeValues(Neg(abs_a), integer_bits));
  return positive ? result_if_positive : Sub(One(0), result_if_positive);
}

// TFLite's GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a Q31
// multiplier and shift (reverse_shift -1 turns it into a left shift).
void InvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift, int32_t* multiplier, int* shift);

}  // namespace tfd::seq_fixed
