#pragma once
// NumPy-style broadcasting of two operands, for elementwise binary kernels.
#include <cstdint>
#include <optional>
#include <vector>

namespace tfd {

// The broadcast result shape, or nullopt when the shapes are incompatible.
std::optional<std::vector<int32_t>> BroadcastShapes(const std::vector<int32_t>& a, const std::vector<int32_t>& b);

// For each element of the output (row-major), the flat indices of the two
// operands. Built once in Prepare; cheap to walk in Eval.
class BroadcastIndex {
 public:
  BroadcastIndex() = default;
  BroadcastIndex(const std::vector<int32_t>& a, const std::vector<int32_t>& b, const std::vector<int32_t>& out);
  bool trivial() const { return trivial_; }  // same shapes: indices are i, i

  // Calls fn(out_index, a_index, b_index) for every output element.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (trivial_) {
      for (int64_t i = 0; i < count_; ++i) fn(i, i, i);
      return;
    }
    const size_t rank = out_.size();
    std::vector<int32_t> pos(rank, 0);
    int64_t ia = 0, ib = 0;
    for (int64_t i = 0; i < count_; ++i) {
      fn(i, ia, ib);
      for (size_t d = rank; d-- > 0;) {
        ia += stride_a_[d];
        ib += stride_b_[d];
        if (++pos[d] < out_[d]) break;
        ia -= stride_a_[d] * out_[d];
        ib -= stride_b_[d] * out_[d];
        pos[d] = 0;
      }
    }
  }

 private:
  std::vector<int32_t> out_;
  std::vector<int64_t> stride_a_, stride_b_;
  int64_t count_ = 0;
  bool trivial_ = true;
};

}  // namespace tfd
