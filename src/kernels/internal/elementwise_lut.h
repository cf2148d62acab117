#pragma once
// Lookup tables for quantized unary functions, built as TFLite's LUTPopulate
// (kernels/internal/common.h) builds them: for 8-bit types one entry per
// input value; for int16 513 samples with a bias that centres the linear
// interpolation error, looked up with 7-bit interpolation.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tfd::elementwise {

// 256 entries, indexed by the input's bit pattern (as uint8).
template <typename T>
struct Lut8 {
  std::array<T, 256> table{};
  T Lookup(T value) const { return table[static_cast<uint8_t>(value)]; }
};

// All arithmetic in float, in TFLite's order, so the tables are identical.
template <typename T, typename Fn>
Lut8<T> PopulateLut8(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                     Fn transform) {
  static_assert(std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>);
  Lut8<T> lut;
  const float inverse_scale = 1 / output_scale;
  const int32_t maxval = std::numeric_limits<T>::max();
  const int32_t minval = std::numeric_limits<T>::min();
  for (int32_t val = minval; val <= maxval; ++val) {
    const float dequantized = input_scale * static_cast<float>(val - input_zero_point);
    const float transformed = transform(dequantized);
    const float rescaled = std::round(transformed * inverse_scale);
    const float shifted = rescaled + static_cast<float>(output_zero_point);
    // TFLite converts with a plain cast; saturate first so that infinities
    // and huge values stay defined here (they clamp to the range anyway).
    const int32_t quantized = std::isnan(shifted) ? minval
                              : shifted >= 2147483648.0f ? maxval
                              : shifted < -2147483648.0f ? minval
                                                         : static_cast<int32_t>(shifted);
    lut.table[static_cast<uint8_t>(static_cast<T>(val))] = static_cast<T>(std::max(std::min(maxval, quantized), minval));
  }
  return lut;
}

struct Lut16 {
  std::array<int16_t, 513> table{};
  // The top 9 bits pick a segment; the low 7 interpolate within it.
  int16_t Lookup(int16_t value) const {
    const uint16_t index = static_cast<uint16_t>(256 + (value >> 7));
    const int16_t offset = static_cast<int16_t>(value & 0x7f);
    const int16_t base = table[index];
    const int16_t slope = static_cast<int16_t>(table[index + 1] - table[index]);
    const int delta = (slope * offset + 64) >> 7;
    return static_cast<int16_t>(base + delta);
  }
};

template <typename Fn>
Lut16 PopulateLut16(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                    Fn transform) {
  Lut16 lut;
  const float input_min = input_scale * static_cast<float>(std::numeric_limits<int16_t>::min() - input_zero_point);
  const float input_max = input_scale * static_cast<float>(std::numeric_limits<int16_t>::max() - input_zero_point);
  const float output_min = output_scale * static_cast<float>(std::numeric_limits<int16_t>::min() - output_zero_point);
  const float output_max = output_scale * static_cast<float>(std::numeric_limits<int16_t>::max() - output_zero_point);
  const int nb_steps = 512;
  const float step = (input_max - input_min) / nb_steps;
  const float half_step = step / 2;
  const float output_scaling_inv = static_cast<float>(65536) / (output_max - output_min);
  const float table_min = std::numeric_limits<int16_t>::min();
  const float table_max = std::numeric_limits<int16_t>::max();
  for (int i = 0; i < nb_steps; ++i) {
    const float val = transform(input_min + static_cast<float>(i) * step);
    const float val_midpoint = transform(input_min + static_cast<float>(i) * step + half_step);
    const float val_next = transform(input_min + static_cast<float>(i + 1) * step);
    const float sample_val = std::round(val * output_scaling_inv);
    const float midpoint_interp_val = std::round((val_next * output_scaling_inv + std::round(val * output_scaling_inv)) / 2);
    const float midpoint_val = std::round(val_midpoint * output_scaling_inv);
    const float midpoint_err = midpoint_interp_val - midpoint_val;
    const float bias = std::round(midpoint_err / 2);
    lut.table[static_cast<size_t>(i)] = static_cast<int16_t>(std::min(std::max(sample_val - bias, table_min), table_max));
  }
  lut.table[nb_steps] = static_cast<int16_t>(
      std::min(std::max(std::round(transform(input_max) * output_scaling_inv), table_min), table_max));
  return lut;
}

}  // namespace tfd::elementwise
