// The Poisson bootstrap the audit uses for the spread of its scores.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "data/preprocess/bootstrap.h"

namespace tfd {
namespace {

TEST(BootstrapTest, WeightsArePoissonOneAndDependOnlyOnSeedAndIndex) {
  double sum = 0, sq = 0;
  size_t n = 0;
  for (size_t i = 0; i < 200; ++i) {
    auto w = BootstrapWeights(7, i, 500);
    EXPECT_EQ(w, BootstrapWeights(7, i, 500));  // the same every time
    for (uint32_t v : w) sum += v, sq += static_cast<double>(v) * v, ++n;
  }
  double mean = sum / static_cast<double>(n), var = sq / static_cast<double>(n) - mean * mean;
  EXPECT_NEAR(mean, 1.0, 0.01);
  EXPECT_NEAR(var, 1.0, 0.02);
  EXPECT_NE(BootstrapWeights(7, 0, 500), BootstrapWeights(7, 1, 500));
  EXPECT_NE(BootstrapWeights(7, 0, 500), BootstrapWeights(8, 0, 500));
}

TEST(BootstrapTest, SpreadOfAMeanMatchesItsStandardError) {
  // 400 coin flips with p = 0.3, several seeds: the 95% interval is about
  // +-1.96 sqrt(p(1-p)/n) = +-0.045 around the sample mean, and covers it.
  for (uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution coin(0.3);
    BootstrapMean m;
    for (size_t i = 0; i < 400; ++i) m.Add(coin(rng) ? 1.0 : 0.0, BootstrapWeights(seed, i, kBootstrapReplicates));
    Interval s = m.Spread();
    double se = std::sqrt(m.mean() * (1 - m.mean()) / 400);
    EXPECT_LT(s.lo, m.mean());
    EXPECT_GT(s.hi, m.mean());
    EXPECT_NEAR(s.hi - s.lo, 2 * 1.96 * se, 0.25 * 2 * 1.96 * se) << "seed " << seed;
  }
}

TEST(BootstrapTest, DifferencesArePairedItemByItem) {
  // Two scores that differ by a constant 0.01 on every item, with large
  // item-to-item variation: unpaired, the difference would drown; paired,
  // it is exactly 0.01 in every replicate.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  BootstrapMean a, b, c;
  for (size_t i = 0; i < 100; ++i) {
    auto w = BootstrapWeights(kBootstrapSeed, i, kBootstrapReplicates);
    double x = u(rng);
    a.Add(x + 0.01, w);
    b.Add(x, w);
    c.Add(u(rng), w);
  }
  Interval d = a.DifferenceSpread(b);
  EXPECT_NEAR(d.lo, 0.01, 1e-9);
  EXPECT_NEAR(d.hi, 0.01, 1e-9);
  // Independent scores: the interval of their difference is wide and holds 0
  // when their means are close.
  Interval e = b.DifferenceSpread(c);
  EXPECT_GT(e.hi - e.lo, 0.1);
  Interval same = b.DifferenceSpread(b);
  EXPECT_EQ(same.lo, 0.0);
  EXPECT_EQ(same.hi, 0.0);
}

}  // namespace
}  // namespace tfd
