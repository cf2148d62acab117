#pragma once
// IEEE 754 binary16 <-> binary32 conversion (DEQUANTIZE of float16 weights,
// CAST to and from float16).
#include <cmath>
#include <cstdint>
#include <cstring>

namespace tfd::act {

// Exact: every half value is representable as a float.
inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1f;
  const uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // inf or NaN (payload kept)
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;  // +-0
  } else {
    // Subnormal half: mantissa * 2^-24, exactly representable as a normal float.
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    std::memcpy(&bits, &magnitude, sizeof(bits));
    bits |= sign;
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// Round to nearest, ties to even (Eigen's float_to_half_rtne); overflow to
// infinity, NaN stays NaN.
inline uint16_t FloatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t abs_bits = bits & 0x7fffffffu;
  if (abs_bits >= 0x7f800000u) {
    // inf, or NaN made quiet.
    return static_cast<uint16_t>(sign | 0x7c00u | (abs_bits > 0x7f800000u ? 0x200u | ((abs_bits >> 13) & 0x3ffu) : 0u));
  }
  if (abs_bits >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to >= 65520: inf
  if (abs_bits < 0x38800000u) {
    // Below the smallest normal half (2^-14): a subnormal multiple of 2^-24.
    float magnitude;
    std::memcpy(&magnitude, &abs_bits, sizeof(magnitude));
    const float scaled = magnitude * 16777216.0f;  // exact: times 2^24
    // nearbyint rounds ties to even in the default rounding mode.
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(scaled)));
  }
  // Normal: rebias the exponent, round the 13 dropped mantissa bits to even.
  const uint32_t rebased = abs_bits - ((127u - 15u) << 23);
  const uint32_t lsb = (rebased >> 13) & 1u;
  const uint32_t rounded = rebased + 0xfffu + lsb;
  return static_cast<uint16_t>(sign | (rounded >> 13));
}

}  // namespace tfd::act
