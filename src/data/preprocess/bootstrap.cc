#include "data/preprocess/bootstrap.h"

#include <algorithm>
#include <cmath>

namespace tfd {

namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Poisson(1) by inversion of its distribution function.
uint32_t Poisson1(uint64_t bits) {
  double u = static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0);
  double p = 0.36787944117144233;  // e^-1
  double cdf = p;
  uint32_t k = 0;
  while (u > cdf && k < 20) {
    ++k;
    p /= k;
    cdf += p;
  }
  return k;
}

Interval Percentiles(std::vector<double> v, double level) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    double pos = q * static_cast<double>(v.size() - 1);
    size_t i = static_cast<size_t>(std::floor(pos));
    size_t j = std::min(i + 1, v.size() - 1);
    return v[i] + (pos - static_cast<double>(i)) * (v[j] - v[i]);
  };
  return {at((1 - level) / 2), at(1 - (1 - level) / 2)};
}

}  // namespace

std::vector<uint32_t> BootstrapWeights(uint64_t seed, size_t index, int replicates) {
  std::vector<uint32_t> w(static_cast<size_t>(replicates));
  uint64_t base = SplitMix64(seed ^ SplitMix64(static_cast<uint64_t>(index)));
  for (int b = 0; b < replicates; ++b) w[static_cast<size_t>(b)] = Poisson1(SplitMix64(base + static_cast<uint64_t>(b)));
  return w;
}

void BootstrapMean::Add(double x, const std::vector<uint32_t>& weights) {
  for (size_t b = 0; b < sum_.size() && b < weights.size(); ++b) {
    sum_[b] += weights[b] * x;
    weight_[b] += weights[b];
  }
  total_ += x;
  ++count_;
}

Interval BootstrapMean::Spread(double level) const {
  std::vector<double> v;
  for (size_t b = 0; b < sum_.size(); ++b)
    if (weight_[b] > 0) v.push_back(sum_[b] / weight_[b]);
  return Percentiles(std::move(v), level);
}

Interval BootstrapMean::DifferenceSpread(const BootstrapMean& other, double level) const {
  std::vector<double> v;
  for (size_t b = 0; b < sum_.size() && b < other.sum_.size(); ++b)
    if (weight_[b] > 0 && other.weight_[b] > 0) v.push_back(sum_[b] / weight_[b] - other.sum_[b] / other.weight_[b]);
  return Percentiles(std::move(v), level);
}

}  // namespace tfd
