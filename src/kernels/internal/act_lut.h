#pragma once
// Lookup tables used by TFLite's quantized activations:
//  - 8-bit tables: the function evaluated in float for each of the 256
//    inputs (TFLite's LUTPopulate / PopulateLookupTable);
//  - int16 tables: 513 samples with linear interpolation (LUTPopulate for
//    int16, used by int16 SOFTMAX);
//  - the fixed sigmoid table of TFLite's int16 LOGISTIC/TANH kernels.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace tfd::actlut {

// 256 entries indexed by the input's bit pattern read as uint8.
template <typename T, typename Fn>
void Populate8Bit(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                  Fn transform, T* table) {
  static_assert(sizeof(T) == 1, "8-bit tables only");
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  const float inverse_scale = 1.0f / output_scale;
  for (int32_t v = kMin; v <= kMax; ++v) {
    const float real = input_scale * static_cast<float>(v - input_zero_point);
    const float rescaled = std::round(static_cast<float>(transform(real)) * inverse_scale);
    const int32_t q = static_cast<int32_t>(rescaled + static_cast<float>(output_zero_point));
    table[static_cast<uint8_t>(static_cast<T>(v))] = static_cast<T>(std::max(kMin, std::min(kMax, q)));
  }
}

// 512 intervals over the int16 input range plus one end point; each sample is
// biased by half the interpolation error at the interval midpoint (TFLite's
// LUTPopulate<int16_t> evaluated in double, as SOFTMAX does).
template <typename Fn>
void PopulateInt16(double input_scale, int32_t input_zero_point, double output_scale, int32_t output_zero_point,
                   Fn transform, int16_t* table /* 513 entries */) {
  const double input_min = input_scale * (-32768 - input_zero_point);
  const double input_max = input_scale * (32767 - input_zero_point);
  const double output_min = output_scale * (-32768 - output_zero_point);
  const double output_max = output_scale * (32767 - output_zero_point);
  constexpr int kSteps = 512;
  const double step = (input_max - input_min) / kSteps;
  const double half_step = step / 2;
  const double output_scaling_inv = 65536.0 / (output_max - output_min);
  auto clamp16 = [](double v) { return static_cast<int16_t>(std::min(std::max(v, -32768.0), 32767.0)); };
  for (int i = 0; i < kSteps; ++i) {
    const double val = transform(input_min + i * step);
    const double val_mid = transform(input_min + i * step + half_step);
    const double val_next = transform(input_min + (i + 1) * step);
    const double sample = std::round(val * output_scaling_inv);
    const double mid_interp = std::round((val_next * output_scaling_inv + std::round(val * output_scaling_inv)) / 2);
    const double mid = std::round(val_mid * output_scaling_inv);
    const double bias = std::round((mid_interp - mid) / 2);
    table[i] = clamp16(sample - bias);
  }
  table[kSteps] = clamp16(std::round(transform(input_max) * output_scaling_inv));
}

// Linear interpolation in a 513-entry int16 table.
inline int16_t LookupInt16(int16_t value, const int16_t* table) {
  const int index = 256 + (value >> 7);
  const int32_t offset = value & 0x7f;
  const int32_t base = table[index];
  const int32_t slope = table[index + 1] - table[index];
  const int32_t delta = (slope * offset + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

// sigmoid(i / 24) in unsigned Q0.16 (65535 for the last entry): the table
// TFLite's int16 LOGISTIC and TANH reference kernels interpolate in.
extern const uint16_t kSigmoidTableQ16[256];

// Input rescaling of the int16 LOGISTIC/TANH table kernels: the input is
// brought to the scale 1/(3*4096) (so +-2^17 spans +-10.7) by
// (x * multiplier + round) >> shift.
struct Int16TableRescale {
  int32_t multiplier = 0;
  int shift = 0;
  int32_t Apply(int16_t x) const {
    const int32_t round = shift > 0 ? (1 << (shift - 1)) : 0;
    return (static_cast<int32_t>(x) * multiplier + round) >> shift;
  }
};

// For a power-of-two input scale with left shift 0 or 1 (TFLite's preferred
// int16 case) the multiplier is just 3 << shift.
inline Int16TableRescale Int16TableRescaleForPot(int left_shift) { return {3 << left_shift, 0}; }

// General input scale: the multiplier is scale * 3 * 4096 doubled until it
// exceeds 32767/2, counting the doublings as the right shift.
inline Int16TableRescale Int16TableRescaleForScale(double input_scale) {
  double multiplier = input_scale * 4096.0 * 3.0;
  int shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    ++shift;
    multiplier *= 2.0;
  }
  return {static_cast<int32_t>(multiplier), shift};
}

// sigmoid of an int16 input rescaled as above; output scale 1/32768.
inline int16_t Int16LogisticFromTable(int32_t scaled) {
  const uint32_t abs_value = static_cast<uint32_t>(scaled < 0 ? -static_cast<int64_t>(scaled) : scaled);
  // Table step is 1/24 = 2^9 units of the 1/(3*4096) input scale.
  const uint32_t index = abs_value >> 9;
  uint32_t result;
  if (index >= 255) {
    result = 0x7FFFu << 10;
  } else {
    const uint32_t a = kSigmoidTableQ16[index];
    const uint32_t b = kSigmoidTableQ16[index + 1];
    const uint32_t frac = abs_value & 0x1ff;
    result = (a << 9) + frac * (b - a);  // unsigned wrap when b < a cannot happen: table increases
  }
  // sigmoid(-x) = 1 - sigmoid(x); rounding to Q0.15 with the >> 10.
  result = scaled >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1;
  return static_cast<int16_t>(result >> 10);
}

// tanh(x) = 2 sigmoid(2x) - 1 on the same table; output scale 1/32768.
inline int16_t Int16TanhFromTable(int32_t scaled) {
  const uint32_t abs_value = static_cast<uint32_t>(scaled < 0 ? -static_cast<int64_t>(scaled) : scaled);
  // The doubled argument makes the table step 2^8 units.
  const uint32_t index = abs_value >> 8;
  int32_t result;
  if (index >= 255) {
    result = static_cast<int32_t>(0xFFFFu << 8);
  } else {
    const uint32_t a = kSigmoidTableQ16[index];
    const uint32_t b = kSigmoidTableQ16[index + 1];
    const uint32_t frac = abs_value & 0xFF;
    result = static_cast<int32_t>((a << 8) + frac * (b - a));
  }
  result = scaled >= 0 ? (result - (1 << (14 + 9)) + (1 << (9 - 2))) : (-result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1);
  return static_cast<int16_t>(result >> (9 - 1));
}

}  // namespace tfd::actlut
