#pragma once
// The spread of a mean over a stream of items, and of the difference
// between two means over the same items, without keeping the items: the
// Poisson bootstrap. In each of R replicates every item is counted w times,
// w drawn from Poisson(1) (the limit of resampling n items with
// replacement), so a replicate's mean is sum(w x) / sum(w), accumulated as
// items stream by. The weights are a function of (seed, item index,
// replicate) only: the same item gets the same weights for every metric,
// candidate and pass, so differences between candidates are paired, and
// the result is the same on every run and machine.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tfd {

inline constexpr int kBootstrapReplicates = 1000;
inline constexpr uint64_t kBootstrapSeed = 20240611;

// Poisson(1) counts of item `index` in each replicate.
std::vector<uint32_t> BootstrapWeights(uint64_t seed, size_t index, int replicates);

struct Interval {
  double lo = 0, hi = 0;
};

// A mean, its value on all items and in each replicate.
class BootstrapMean {
 public:
  explicit BootstrapMean(int replicates = kBootstrapReplicates)
      : sum_(static_cast<size_t>(replicates), 0.0), weight_(static_cast<size_t>(replicates), 0.0) {}
  void Add(double x, const std::vector<uint32_t>& weights);
  size_t count() const { return count_; }
  double mean() const { return count_ ? total_ / static_cast<double>(count_) : 0.0; }
  // Central `level` percentile interval of the mean over the replicates
  // (those with some weight).
  Interval Spread(double level = 0.95) const;
  // The same for this mean minus `other`'s, replicate by replicate (both
  // fed the same items with the same weights).
  Interval DifferenceSpread(const BootstrapMean& other, double level = 0.95) const;

 private:
  std::vector<double> sum_, weight_;
  double total_ = 0;
  size_t count_ = 0;
};

}  // namespace tfd
