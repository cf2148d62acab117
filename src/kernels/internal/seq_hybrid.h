#pragma once
// Hybrid (float activations, int8 weights) helpers shared by the LSTM and
// SVDF kernels: TFLite's per-batch dynamic quantization of float vectors and
// its int8 matrix x quantized vector product accumulated into floats.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tfd::seq_hybrid {

// Symmetric: q = round(v * 127 / max|v|), scale max|v| / 127 (1 for an
// all-zero vector).
inline void SymmetricQuantize(const float* values, int size, int8_t* quantized, float* scale) {
  const auto minmax = std::minmax_element(values, values + size);
  const float range = std::max(std::abs(*minmax.first), std::abs(*minmax.second));
  if (range == 0) {
    std::memset(quantized, 0, static_cast<size_t>(size));
    *scale = 1;
    return;
  }
  *scale = range / 127;
  const float inverse = 127 / range;
  for (int i = 0; i < size; ++i) {
    const int32_t q = static_cast<int32_t>(std::round(values[i] * inverse));
    quantized[i] = static_cast<int8_t>(std::min(127, std::max(-127, q)));
  }
}

// Asymmetric over [min(0, min v), max(0, max v)] with a nudged zero point.
inline void AsymmetricQuantize(const float* values, int size, int8_t* quantized, float* scale, int32_t* offset) {
  const double qmin = -128, qmax = 127;
  const auto minmax = std::minmax_element(values, values + size);
  const float rmin = std::min(0.0f, *minmax.first), rmax = std::max(0.0f, *minmax.second);
  if (rmin == rmax) {
    *scale = 0;
    *offset = 0;
  } else {
    const double s = (rmax - rmin) / (qmax - qmin);
    const double zero_point_from_min = qmin - rmin / s;
    const double zero_point_from_max = qmax - rmax / s;
    const double error_from_min = std::abs(qmin) + std::abs(rmin / s);
    const double error_from_max = std::abs(qmax) + std::abs(rmax / s);
    const double zero_point = error_from_min < error_from_max ? zero_point_from_min : zero_point_from_max;
    int32_t nudged;
    if (zero_point < qmin) {
      nudged = -128;
    } else if (zero_point > qmax) {
      nudged = 127;
    } else {
      nudged = static_cast<int8_t>(std::round(zero_point));
    }
    *scale = static_cast<float>(s);
    *offset = nudged;
  }
  const float inverse = *scale == 0 ? 0 : static_cast<float>(1.0 / *scale);
  for (int i = 0; i < size; ++i) {
    const int32_t q = static_cast<int32_t>(std::round(static_cast<float>(*offset) + values[i] * inverse));
    quantized[i] = static_cast<int8_t>(std::min(127, std::max(-128, q)));
  }
}

// Quantizes n_batch rows of n_data values each.
struct QuantizedRows {
  std::vector<int8_t> values;
  std::vector<float> scales;
  std::vector<int32_t> offsets;  // all 0 when symmetric

  void Quantize(const float* data, int n_batch, int n_data, bool asymmetric) {
    values.resize(static_cast<size_t>(n_batch) * static_cast<size_t>(n_data));
    scales.assign(static_cast<size_t>(n_batch), 0.0f);
    offsets.assign(static_cast<size_t>(n_batch), 0);
    for (int b = 0; b < n_batch; ++b) {
      const size_t offset = static_cast<size_t>(b) * static_cast<size_t>(n_data);
      if (asymmetric) {
        AsymmetricQuantize(data + offset, n_data, values.data() + offset, &scales[static_cast<size_t>(b)],
                           &offsets[static_cast<size_t>(b)]);
      } else {
        SymmetricQuantize(data + offset, n_data, values.data() + offset, &scales[static_cast<size_t>(b)]);
      }
    }
  }
};

inline std::vector<int32_t> RowSums(const int8_t* matrix, int rows, int cols) {
  std::vector<int32_t> sums(static_cast<size_t>(rows), 0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) sums[static_cast<size_t>(r)] += matrix[r * cols + c];
  return sums;
}

// result[b, r] += (W[r, :] . q[b, :] - row_sum[r] * offset[b]) * scale[b] *
// matrix_scale, the float products rounded as the reference rounds them.
inline void MatmulAccumulate(const int8_t* matrix, float matrix_scale, int rows, int cols, const QuantizedRows& q,
                             int n_batch, const int32_t* row_sums, bool asymmetric, float* result) {
  for (int b = 0; b < n_batch; ++b) {
    const float scale = q.scales[static_cast<size_t>(b)] * matrix_scale;
    const int8_t* v = q.values.data() + static_cast<size_t>(b) * static_cast<size_t>(cols);
    for (int r = 0; r < rows; ++r) {
      int32_t dot = 0;
      const int8_t* w = matrix + r * cols;
      for (int c = 0; c < cols; ++c) dot += int32_t{w[c]} * v[c];
      if (asymmetric) dot -= row_sums[r] * q.offsets[static_cast<size_t>(b)];
      result[b * rows + r] += static_cast<float>(dot) * scale;
    }
  }
}

inline bool AllZero(const float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (v[i] != 0.0f) return false;
  return true;
}

}  // namespace tfd::seq_hybrid
