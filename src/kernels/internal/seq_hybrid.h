#pragma once
// Hybrid (float activations, int8 weights) helpers shared by the LSTM and
// SVDF kernels: TFLite's per-batch dynamic quantization of float vectors and
// its int8 matrix x quantized vector product accumulated into floats.
#include <cstdint>
#include <vector>

#include "kernels/internal/conv_util.h"

namespace tfd::seq_hybrid {

// The per-row quantization is the one the hybrid FULLY_CONNECTED and
// BATCH_MATMUL use (TFLite shares it too): conv::SymmetricQuantize,
// conv::AsymmetricQuantize.

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
        conv::AsymmetricQuantize(data + offset, n_data, values.data() + offset, &scales[static_cast<size_t>(b)],
                                 &offsets[static_cast<size_t>(b)]);
      } else {
        conv::SymmetricQuantize(data + offset, n_data, values.data() + offset, &scales[static_cast<size_t>(b)]);
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
