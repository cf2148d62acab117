#include "interpreter/arena_planner.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace tfd {
namespace {

// Intervals over [0, steps) stored at the O(log steps) nodes of a segment
// tree that cover them exactly; a query visits only subtrees holding some
// interval and intersecting the query range.
class LifetimeIndex {
 public:
  explicit LifetimeIndex(int steps) : steps_(std::max(steps, 1)), at_(4 * static_cast<size_t>(steps_)), held_(at_.size(), 0) {}

  void Insert(int lo, int hi, int id) { Insert(1, 0, steps_ - 1, lo, hi, id); }

  // Calls f(id) for every stored interval overlapping [lo, hi] (an interval
  // stored at several nodes may be reported more than once).
  template <typename F>
  void ForEachOverlapping(int lo, int hi, F&& f) const { Query(1, 0, steps_ - 1, lo, hi, f); }

 private:
  void Insert(size_t node, int l, int r, int lo, int hi, int id) {
    ++held_[node];
    if (lo <= l && r <= hi) {
      at_[node].push_back(id);
      return;
    }
    int m = l + (r - l) / 2;
    if (lo <= m) Insert(2 * node, l, m, lo, hi, id);
    if (hi > m) Insert(2 * node + 1, m + 1, r, lo, hi, id);
  }

  template <typename F>
  void Query(size_t node, int l, int r, int lo, int hi, F& f) const {
    if (held_[node] == 0 || hi < l || r < lo) return;
    for (int id : at_[node]) f(id);  // covers [l, r], which meets [lo, hi]
    if (l == r) return;
    int m = l + (r - l) / 2;
    Query(2 * node, l, m, lo, hi, f);
    Query(2 * node + 1, m + 1, r, lo, hi, f);
  }

  int steps_;
  std::vector<std::vector<int>> at_;
  std::vector<int> held_;  // intervals stored in the subtree (with repeats)
};

}  // namespace

ArenaPlan PlanArena(const std::vector<ArenaRequest>& requests) {
  ArenaPlan plan;
  plan.offsets.assign(requests.size(), 0);
  if (requests.empty()) return plan;
  int lo = requests[0].first, hi = requests[0].last;
  for (const auto& r : requests) {
    lo = std::min(lo, r.first);
    hi = std::max(hi, r.last);
  }
  std::vector<int> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return requests[static_cast<size_t>(a)].size > requests[static_cast<size_t>(b)].size; });

  LifetimeIndex placed(hi - lo + 1);
  std::vector<int> seen(requests.size(), -1);  // dedupes one query's repeats
  std::vector<std::pair<size_t, size_t>> busy;
  for (int id : order) {
    const ArenaRequest& p = requests[static_cast<size_t>(id)];
    busy.clear();
    placed.ForEachOverlapping(p.first - lo, p.last - lo, [&](int q) {
      if (seen[static_cast<size_t>(q)] == id) return;
      seen[static_cast<size_t>(q)] = id;
      size_t off = plan.offsets[static_cast<size_t>(q)];
      busy.push_back({off, off + requests[static_cast<size_t>(q)].size});
    });
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [b_lo, b_hi] : busy) {
      if (offset + p.size <= b_lo) break;
      offset = std::max(offset, b_hi);
    }
    plan.offsets[static_cast<size_t>(id)] = offset;
    plan.size = std::max(plan.size, offset + p.size);
    placed.Insert(p.first - lo, p.last - lo, id);
  }
  return plan;
}

}  // namespace tfd
