#pragma once
// Axis handling shared by MEAN, SUM, REDUCE_MAX and REDUCE_MIN: TFLite's
// axis resolution (negative axes wrap, duplicates count once) and output
// shape (keep_dims keeps reduced dimensions as 1), and a walk that pairs
// every input element with its output element in row-major input order -
// the order TFLite's reference Reduce accumulates in.
#include <cstdint>
#include <vector>

#include "kernels/internal/shape_util.h"

namespace tfd::shape {

struct ReduceLayout {
  std::vector<int> axes;              // resolved: in [0, rank), no duplicates, in given order
  std::vector<int32_t> output_shape;  // as TFLite's ResizeOutputTensor computes it
  std::vector<int64_t> output_step;   // per input dimension: output stride, 0 if reduced
  int64_t reduced_count = 1;          // input elements folded into each output element
  int64_t output_count = 1;
};

// The checks every reduce op starts with: two inputs (data, axis) and one
// output, a data type TFLite reduces (float32, int32, int64, int8, uint8,
// int16), and an output of the input's type (`io_name` names the pair in the
// error, e.g. "SUM input and output").
void CheckReduceInputs(const KernelContext& ctx, const char* io_name);

// Reads the axis tensor (int32 or int64) and builds the layout; Fails on an
// axis outside [-rank, rank).
ReduceLayout MakeReduceLayout(const KernelContext& ctx, const std::vector<int32_t>& input_shape,
                              const RuntimeTensor& axis_tensor, bool keep_dims);

// Calls fn(input_index, output_index) for every input element, row-major.
template <typename Fn>
void ForEachReduced(const std::vector<int32_t>& input_shape, const ReduceLayout& layout, Fn&& fn) {
  const int64_t count = Product(input_shape);
  if (count == 0) return;
  const size_t rank = input_shape.size();
  std::vector<int32_t> pos(rank, 0);
  int64_t out = 0;
  for (int64_t i = 0; i < count; ++i) {
    fn(i, out);
    for (size_t d = rank; d-- > 0;) {
      out += layout.output_step[d];
      if (++pos[d] < input_shape[d]) break;
      out -= layout.output_step[d] * input_shape[d];
      pos[d] = 0;
    }
  }
}

// out[o] = fold of op over the inputs reduced into o, starting from `init`
// (which is what an output with no inputs keeps).
template <typename T, typename Op>
void ReduceInto(const RuntimeTensor& in, const ReduceLayout& layout, T init, Op&& op, T* out) {
  for (int64_t o = 0; o < layout.output_count; ++o) out[o] = init;
  const T* src = in.As<T>();
  ForEachReduced(in.shape, layout, [&](int64_t i, int64_t o) { out[o] = op(out[o], src[i]); });
}

}  // namespace tfd::shape
