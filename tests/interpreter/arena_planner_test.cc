// The arena plan: tensors alive at the same time never share bytes, and the
// lifetime index finds exactly what a scan of every placed tensor finds (the
// plans are identical to the straightforward quadratic planner's).
#include "interpreter/arena_planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace tfd {
namespace {

// The planner as first written: for each tensor, biggest first, scan every
// placed one.
ArenaPlan QuadraticPlan(const std::vector<ArenaRequest>& requests) {
  ArenaPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return requests[a].size > requests[b].size; });
  std::vector<size_t> placed;
  for (size_t id : order) {
    const auto& p = requests[id];
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t q : placed)
      if (requests[q].first <= p.last && p.first <= requests[q].last) busy.push_back({plan.offsets[q], plan.offsets[q] + requests[q].size});
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [lo, hi] : busy) {
      if (offset + p.size <= lo) break;
      offset = std::max(offset, hi);
    }
    plan.offsets[id] = offset;
    plan.size = std::max(plan.size, offset + p.size);
    placed.push_back(id);
  }
  return plan;
}

std::vector<ArenaRequest> RandomGraphRequests(std::mt19937& rng, int n, int steps, int max_life) {
  std::vector<ArenaRequest> r;
  for (int i = 0; i < n; ++i) {
    int first = static_cast<int>(rng() % static_cast<unsigned>(steps + 1)) - 1;  // -1: a graph input
    int life = static_cast<int>(rng() % static_cast<unsigned>(max_life + 1));
    size_t size = 64 * (1 + rng() % 64);
    if (rng() % 8 == 0) size = 64;  // many ties: the order among equals matters
    r.push_back({size, first, std::min(first + life, steps)});
  }
  return r;
}

TEST(ArenaPlanner, SameAsScanningEveryPlacedTensor) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 300; ++trial) {
    int n = 1 + static_cast<int>(rng() % 200), steps = 1 + static_cast<int>(rng() % 150);
    int max_life = static_cast<int>(rng() % 3 == 0 ? steps : 1 + rng() % 8);
    auto requests = RandomGraphRequests(rng, n, steps, max_life);
    ArenaPlan fast = PlanArena(requests), slow = QuadraticPlan(requests);
    ASSERT_EQ(fast.offsets, slow.offsets) << "trial " << trial;
    ASSERT_EQ(fast.size, slow.size) << "trial " << trial;
  }
}

TEST(ArenaPlanner, TensorsAliveTogetherNeverShareBytes) {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 100; ++trial) {
    auto requests = RandomGraphRequests(rng, 150, 60, 20);
    ArenaPlan plan = PlanArena(requests);
    size_t shared = 0;
    for (size_t a = 0; a < requests.size(); ++a)
      for (size_t b = a + 1; b < requests.size(); ++b) {
        bool alive_together = requests[a].first <= requests[b].last && requests[b].first <= requests[a].last;
        bool bytes_overlap = plan.offsets[a] < plan.offsets[b] + requests[b].size &&
                             plan.offsets[b] < plan.offsets[a] + requests[a].size;
        ASSERT_FALSE(alive_together && bytes_overlap) << "trial " << trial << " tensors " << a << ", " << b;
        shared += !alive_together && bytes_overlap;
        ASSERT_LE(plan.offsets[a] + requests[a].size, plan.size);
      }
    EXPECT_GT(shared, 0u) << "trial " << trial << ": no reuse at all";
  }
}

TEST(ArenaPlanner, LongChainPingPongsBetweenTwoBuffers) {
  // 100,000 tensors, each alive for two steps (the CLI test times this size).
  std::vector<ArenaRequest> chain;
  for (int i = 0; i < 100000; ++i) chain.push_back({64, i - 1, i});
  ArenaPlan plan = PlanArena(chain);
  EXPECT_EQ(plan.size, 128u);
  for (size_t i = 2; i < chain.size(); ++i) ASSERT_EQ(plan.offsets[i], plan.offsets[i - 2]) << i;
}

TEST(ArenaPlanner, NothingToPlace) {
  ArenaPlan plan = PlanArena({});
  EXPECT_EQ(plan.size, 0u);
  EXPECT_TRUE(plan.offsets.empty());
}

}  // namespace
}  // namespace tfd
