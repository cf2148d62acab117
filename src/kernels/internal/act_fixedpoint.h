#pragma once
// gemmlowp-style fixed-point numbers and the transcendental approximations
// TFLite's quantized activations are built on (exp on negative values,
// tanh, logistic, 1/(1+x)). Results must be bit-identical to gemmlowp's
// scalar code, so every rounding and saturation rule below mirrors it:
// products are rounding doubling high-multiplies, power-of-two rescales
// round to nearest (ties away from zero) and saturate, and 16-bit additions
// wrap except where gemmlowp saturates (AddSaturatingIf16Bit).
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tfd::actfp {

// Raw-integer primitives, for int16_t and int32_t.

template <typename T>
inline T WrapAdd(T a, T b) {
  return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) + static_cast<std::make_unsigned_t<T>>(b));
}
template <typename T>
inline T WrapSub(T a, T b) {
  return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) - static_cast<std::make_unsigned_t<T>>(b));
}
template <typename T>
inline T WrapNeg(T a) {
  return WrapSub<T>(0, a);
}

// (a * b * 2) / 2^bits rounded to nearest; the single overflow case
// (min * min) saturates to max.
template <typename T>
inline T SatRoundDoublingHighMul(T a, T b) {
  constexpr int kBits = 8 * sizeof(T);
  if (a == b && a == std::numeric_limits<T>::min()) return std::numeric_limits<T>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << (kBits - 2)) : (1 - (int64_t{1} << (kBits - 2)));
  // Division truncates toward zero, as gemmlowp's does.
  return static_cast<T>((ab + nudge) / (int64_t{1} << (kBits - 1)));
}

// x / 2^exponent, rounded to nearest with ties away from zero.
template <typename T>
inline T RoundDivPot(T x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = static_cast<int32_t>(x) & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<T>((static_cast<int32_t>(x) >> exponent) + (remainder > threshold ? 1 : 0));
}

// x * 2^exponent: saturating for exponent > 0, rounding for exponent < 0.
template <typename T>
inline T SatRoundMulPot(T x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundDivPot<T>(x, -exponent);
  constexpr int kBits = 8 * sizeof(T);
  const int64_t threshold = (int64_t{1} << (kBits - 1 - exponent)) - 1;
  if (x > threshold) return std::numeric_limits<T>::max();
  if (x < -threshold) return std::numeric_limits<T>::min();
  return static_cast<T>(static_cast<int64_t>(x) * (int64_t{1} << exponent));
}

// A 32-bit constant given in Q0.31-style units, narrowed to T's width the
// way gemmlowp narrows its constants (rounding shift).
template <typename T>
inline T Constant(int32_t raw32) {
  return static_cast<T>(RoundDivPot<int32_t>(raw32, 32 - 8 * static_cast<int>(sizeof(T))));
}

// A fixed-point value with `I` integer bits in a T: real = raw / 2^(bits-1-I).
template <typename T, int I>
struct Fx {
  static constexpr int kBits = 8 * sizeof(T);
  static constexpr int kFracBits = kBits - 1 - I;
  T raw = 0;

  static Fx FromRaw(T r) { return Fx{r}; }
  static Fx Zero() { return Fx{0}; }
  static Fx One() { return Fx{I == 0 ? std::numeric_limits<T>::max() : static_cast<T>(T{1} << (I == 0 ? 0 : kFracBits))}; }
  template <int Exponent>
  static Fx ConstantPot() {
    static_assert(kFracBits + Exponent < kBits - 1, "not representable");
    return Fx{static_cast<T>(T{1} << (kFracBits + Exponent))};
  }
  friend Fx operator+(Fx a, Fx b) { return Fx{WrapAdd(a.raw, b.raw)}; }
  friend Fx operator-(Fx a, Fx b) { return Fx{WrapSub(a.raw, b.raw)}; }
  friend Fx operator-(Fx a) { return Fx{WrapNeg(a.raw)}; }
};

template <typename T, int A, int B>
inline Fx<T, A + B> operator*(Fx<T, A> a, Fx<T, B> b) {
  return Fx<T, A + B>{SatRoundDoublingHighMul(a.raw, b.raw)};
}

// Changes the number of integer bits, rescaling the raw value.
template <int Dst, typename T, int Src>
inline Fx<T, Dst> Rescale(Fx<T, Src> x) {
  return Fx<T, Dst>{SatRoundMulPot<T>(x.raw, Src - Dst)};
}

// Same raw bits, value multiplied by 2^E (exact).
template <int E, typename T, int I>
inline Fx<T, I + E> ExactMulByPot(Fx<T, I> x) {
  return Fx<T, I + E>{x.raw};
}

template <int E, typename T, int I>
inline Fx<T, I> SatRoundMulByPot(Fx<T, I> x) {
  return Fx<T, I>{SatRoundMulPot<T>(x.raw, E)};
}

// (a + b) / 2 rounded to nearest, ties away from zero.
template <typename T, int I>
inline Fx<T, I> RoundingHalfSum(Fx<T, I> a, Fx<T, I> b) {
  const int64_t sum = static_cast<int64_t>(a.raw) + static_cast<int64_t>(b.raw);
  const int64_t sign = sum >= 0 ? 1 : -1;
  return Fx<T, I>{static_cast<T>((sum + sign) / 2)};
}

// Plain addition for 32-bit raw values, saturating for 16-bit ones.
template <typename T, int I>
inline Fx<T, I> AddSaturatingIf16Bit(Fx<T, I> a, Fx<T, I> b) {
  if constexpr (sizeof(T) == 2) {
    const int32_t sum = static_cast<int32_t>(a.raw) + static_cast<int32_t>(b.raw);
    return Fx<T, I>{static_cast<T>(sum > 32767 ? 32767 : (sum < -32768 ? -32768 : sum))};
  } else {
    return a + b;
  }
}

// exp(x) for x in [-1/4, 0): Taylor expansion around -1/8.
template <typename T>
inline Fx<T, 0> ExpOnIntervalNegQuarterTo0(Fx<T, 0> a) {
  using F = Fx<T, 0>;
  const F exp_minus_one_eighth = F::FromRaw(Constant<T>(1895147668));
  const F one_third = F::FromRaw(Constant<T>(715827883));
  const F x = a + F::template ConstantPot<-3>();
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = SatRoundMulByPot<-2>(x4);
  const F poly = SatRoundMulByPot<-1>(((x4_over_4 + x3) * one_third) + x2);
  return AddSaturatingIf16Bit(exp_minus_one_eighth, exp_minus_one_eighth * (x + poly));
}

// exp(x) for x <= 0: exp of the remainder modulo 1/4, then a barrel shifter
// multiplying by exp(-2^k) for each set bit of the integer part.
template <typename T, int I>
inline Fx<T, 0> ExpOnNegativeValues(Fx<T, I> a) {
  using In = Fx<T, I>;
  using Out = Fx<T, 0>;
  constexpr int kFrac = In::kFracBits;
  const In one_quarter = In::template ConstantPot<-2>();
  const In mask = one_quarter - In::FromRaw(1);
  const In a_mod_quarter_minus_quarter = In::FromRaw(static_cast<T>(a.raw & mask.raw)) - one_quarter;
  Out result = ExpOnIntervalNegQuarterTo0(Rescale<0>(a_mod_quarter_minus_quarter));
  const T remainder = (a_mod_quarter_minus_quarter - a).raw;
  // exp(-2^k) for k = -2..4, as Q0.31 constants.
  constexpr int32_t kMultipliers[] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int k = -2; k <= 4; ++k) {
    if (I > k) {
      const int shift = kFrac + k;
      if (static_cast<int64_t>(remainder) & (int64_t{1} << shift)) {
        result = result * Out::FromRaw(Constant<T>(kMultipliers[k + 2]));
      }
    }
  }
  if constexpr (I > 5) {
    // Below -32 the result underflows to 0.
    const int64_t clamp = -(int64_t{1} << (kFrac + 5));
    if (a.raw < clamp) result = Out::Zero();
  }
  if (a.raw == 0) result = Out::One();
  return result;
}

// (1 - x) / (1 + x) for x in (0, 1): Newton-Raphson division.
template <typename T>
inline Fx<T, 0> OneMinusXOverOnePlusX(Fx<T, 0> a) {
  using F0 = Fx<T, 0>;
  using F2 = Fx<T, 2>;
  const F0 half_denominator = RoundingHalfSum(a, F0::One());
  const F2 c48_over_17 = F2::FromRaw(Constant<T>(1515870810));
  const F2 c_neg_32_over_17 = F2::FromRaw(Constant<T>(-1010580540));
  F2 x = c48_over_17 + half_denominator * c_neg_32_over_17;
  for (int i = 0; i < 3; ++i) {
    const F2 half_denominator_times_x = half_denominator * x;
    const F2 one_minus = F2::One() - half_denominator_times_x;
    x = x + Rescale<2>(x * one_minus);
  }
  return Rescale<0>(x - F2::One());
}

// 1 / (1 + x) for x in [0, 1): Newton-Raphson division.
template <typename T>
inline Fx<T, 0> OneOverOnePlusX(Fx<T, 0> a) {
  using F0 = Fx<T, 0>;
  using F2 = Fx<T, 2>;
  const F0 half_denominator = RoundingHalfSum(a, F0::One());
  const F2 c48_over_17 = F2::FromRaw(Constant<T>(1515870810));
  const F2 c_neg_32_over_17 = F2::FromRaw(Constant<T>(-1010580540));
  F2 x = c48_over_17 + half_denominator * c_neg_32_over_17;
  for (int i = 0; i < 3; ++i) {
    const F2 half_denominator_times_x = half_denominator * x;
    const F2 one_minus = F2::One() - half_denominator_times_x;
    x = x + Rescale<2>(x * one_minus);
  }
  return Rescale<0>(ExactMulByPot<-1>(x));
}

template <typename T, int I>
inline Fx<T, 0> Tanh(Fx<T, I> a) {
  using Out = Fx<T, 0>;
  if (a.raw == 0) return Out::Zero();
  const bool negative = a.raw < 0;
  const Fx<T, I> n = negative ? a : -a;  // n <= 0
  const Out t = OneMinusXOverOnePlusX(ExpOnNegativeValues(ExactMulByPot<1>(n)));
  return negative ? -t : t;
}

template <typename T, int I>
inline Fx<T, 0> Logistic(Fx<T, I> a) {
  using Out = Fx<T, 0>;
  if (a.raw == 0) return Out::FromRaw(Constant<T>(1 << 30));
  const bool positive = a.raw > 0;
  const Fx<T, I> abs_a = positive ? a : -a;
  const Out on_positive = OneOverOnePlusX(ExpOnNegativeValues(-abs_a));
  return positive ? on_positive : Out::One() - on_positive;
}

}  // namespace tfd::actfp
