#include "kernels/internal/broadcast.h"

#include <algorithm>

namespace tfd {

std::optional<std::vector<int32_t>> BroadcastShapes(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int32_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

BroadcastIndex::BroadcastIndex(const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                               const std::vector<int32_t>& out)
    : out_(out) {
  count_ = 1;
  for (int32_t d : out) count_ *= d;
  trivial_ = a == b && a == out;
  const size_t rank = out.size();
  auto strides = [&](const std::vector<int32_t>& shape) {
    std::vector<int64_t> s(rank, 0);
    int64_t stride = 1;
    for (size_t i = shape.size(); i-- > 0;) {
      size_t d = i + (rank - shape.size());
      s[d] = shape[i] == 1 ? 0 : stride;
      stride *= shape[i];
    }
    return s;
  };
  stride_a_ = strides(a);
  stride_b_ = strides(b);
}

}  // namespace tfd
