#include "kernels/internal/seq_fixedpoint.h"

namespace tfd::seq_fixed {
namespace {

// 32-bit counterparts of the helpers in the header, for the Q3.28 Newton
// iteration below.
int32_t Wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v))); }

int32_t SaturatingShiftLeft32(int32_t x, int exponent) {
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - exponent)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return Wrap32(int64_t{x} * (int64_t{1} << exponent));
}

int CountLeadingZeros(uint32_t x) {
  if (x == 0) return 32;
  int n = 0;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    ++n;
  }
  return n;
}

}  // namespace

void InvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift, int32_t* multiplier, int* shift) {
  if (input <= 1) {
    // 0 and 1 are handled as 1 (the reference avoids an overflow this way).
    *multiplier = std::numeric_limits<int32_t>::max();
    *shift = 0;
    return;
  }
  *shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++*shift;
  }
  const unsigned max_left_shift_bits = static_cast<unsigned>(CountLeadingZeros(static_cast<uint32_t>(input)) - 1);
  const unsigned left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  *shift -= static_cast<int>(left_shift_bit_pairs);
  input <<= 2 * left_shift_bit_pairs;
  // Newton-Raphson on Q3.28 values, starting from x = 1.
  const int32_t fixed_input = input >> 1;
  const int32_t half_input = qmath::RoundingDivideByPOT(fixed_input, 1);
  const int32_t half_three = (1 << 28) + (1 << 27);
  int32_t x = 1 << 28;
  for (int i = 0; i < 5; ++i) {
    // x^3 is Q9.22; back to Q3.28.
    const int32_t x3 = SaturatingShiftLeft32(
        qmath::SaturatingRoundingDoublingHighMul(qmath::SaturatingRoundingDoublingHighMul(x, x), x), 6);
    const int32_t difference = Wrap32(int64_t{qmath::SaturatingRoundingDoublingHighMul(half_three, x)} -
                                      qmath::SaturatingRoundingDoublingHighMul(half_input, x3));
    x = SaturatingShiftLeft32(difference, 3);
  }
  const int32_t half_sqrt_2 = 1518500250;
  x = qmath::SaturatingRoundingDoublingHighMul(x, half_sqrt_2);
  *multiplier = x;
  if (*shift < 0) {
    *multiplier = Wrap32(int64_t{*multiplier} * (int64_t{1} << -*shift));
    *shift = 0;
  }
  *shift *= reverse_shift;
}

}  // namespace tfd::seq_fixed
