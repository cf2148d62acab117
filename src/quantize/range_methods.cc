#include "quantize/range_methods.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "util/error.h"

namespace tfd::quantize {

RangeMethod ParseRangeMethod(const std::string& text) {
  RangeMethod m;
  if (text == "minmax") return m;
  if (text == "mse") {
    m.kind = RangeMethodKind::kMse;
    return m;
  }
  if (text == "entropy") {
    m.kind = RangeMethodKind::kEntropy;
    return m;
  }
  const std::string prefix = "percentile:";
  if (text.rfind(prefix, 0) == 0) {
    const std::string num = text.substr(prefix.size());
    char* end = nullptr;
    double p = std::strtod(num.c_str(), &end);
    if (num.empty() || *end != '\0' || !(p > 50.0 && p <= 100.0))
      Fail("--calibration-method percentile:P needs 50 < P <= 100, got '{}'", text);
    m.kind = RangeMethodKind::kPercentile;
    m.percentile = p;
    return m;
  }
  Fail("--calibration-method must be minmax, percentile:P, mse or entropy, got '{}'", text);
}

std::string RangeMethodName(const RangeMethod& m) {
  switch (m.kind) {
    case RangeMethodKind::kMinMax: return "minmax";
    case RangeMethodKind::kPercentile: return fmt::format("percentile:{}", m.percentile);
    case RangeMethodKind::kMse: return "mse";
    case RangeMethodKind::kEntropy: return "entropy";
  }
  return "?";
}

namespace {

double BinWidth(const TensorStatistics& s) {
  return (static_cast<double>(s.max) - s.min) / static_cast<double>(s.histogram.size());
}

// The value below which `fraction` of the histogram's mass lies (linear
// within the bin).
double Quantile(const TensorStatistics& s, double fraction) {
  const double total = static_cast<double>(s.count);
  const double target = fraction * total;
  double acc = 0;
  const double w = BinWidth(s);
  for (size_t b = 0; b < s.histogram.size(); ++b) {
    const double n = static_cast<double>(s.histogram[b]);
    if (acc + n >= target && n > 0) return s.min + w * (static_cast<double>(b) + (target - acc) / n);
    acc += n;
  }
  return s.max;
}

double ExpectedSquaredError(const TensorStatistics& s, double lo, double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const double step = (hi - lo) / 255.0;
  const double rounding = step * step / 12.0;
  const double w = BinWidth(s);
  double err = 0;
  for (size_t b = 0; b < s.histogram.size(); ++b) {
    if (!s.histogram[b]) continue;
    const double c = s.min + w * (static_cast<double>(b) + 0.5);
    const double clip = c < lo ? lo - c : (c > hi ? c - hi : 0.0);
    err += static_cast<double>(s.histogram[b]) * (clip > 0 ? clip * clip : rounding);
  }
  return err;
}

// Entropy calibration as TensorRT defines it (Migacz, "8-bit Inference with
// TensorRT", GTC 2017; the same steps as MXNet's and NVIDIA
// pytorch-quantization's implementations). Over the 2048-bin histogram of
// |x|, each candidate threshold at bin i (from 128 up) is judged by
// KL(P || Q): P is the histogram's first i bins with every value beyond
// them folded into the last one (what clipping at i makes of the data); Q
// is the same i bins (without the outliers) merged into the integer levels
// the range gets (256 for a tensor with no negative value, whose range
// starts at 0; 128 per sign otherwise, as symmetric int8 has) and spread
// back evenly over each level's non-empty bins; both are smoothed (an
// empty bin gets 1e-4 of a count, taken from the others) so that a value
// Q lacks costs a finite penalty. The least divergence wins (the largest
// threshold among equals).
//
// The first bin holds the exact zeros of every ReLU output, a spike Q
// spreads over its whole level: KL would then favour levels one bin wide,
// clipping nearly everything (11.6 dB on VWW). As pytorch-quantization does,
// that bin counts as its neighbour does.
constexpr double kEps = 1e-4;  // the count an empty bin gets before KL

double SmoothedKl(std::vector<double>& p, std::vector<double>& q) {
  auto smooth = [](std::vector<double>& d) {
    size_t zeros = 0;
    for (double x : d) zeros += x <= 0;
    const size_t nonzeros = d.size() - zeros;
    if (nonzeros == 0) return false;
    const double take = kEps * static_cast<double>(zeros) / static_cast<double>(nonzeros);
    double total = 0;
    for (double& x : d) {
      x = x <= 0 ? kEps : std::max(x - take, kEps);
      total += x;
    }
    for (double& x : d) x /= total;
    return true;
  };
  if (!smooth(p) || !smooth(q)) return std::numeric_limits<double>::infinity();
  double kl = 0;
  for (size_t b = 0; b < p.size(); ++b) kl += p[b] * std::log(p[b] / q[b]);
  return kl;
}

// The threshold (a value of |x|) of least KL divergence.
double EntropyThreshold(const TensorStatistics& s) {
  const double abs_max = std::max(std::fabs(static_cast<double>(s.min)), std::fabs(static_cast<double>(s.max)));
  const int bins = static_cast<int>(s.abs_histogram.size());
  if (bins == 0 || abs_max <= 0) return abs_max;
  const int levels = s.min >= 0 ? 256 : 128;
  std::vector<double> h(s.abs_histogram.begin(), s.abs_histogram.end());
  if (bins > 1) h[0] = h[1];
  std::vector<double> beyond(static_cast<size_t>(bins) + 1, 0.0);  // beyond[i]: mass of bins i and up
  for (int b = bins - 1; b >= 0; --b) beyond[static_cast<size_t>(b)] = beyond[static_cast<size_t>(b) + 1] + h[static_cast<size_t>(b)];
  constexpr int kFirstCandidate = 128;
  double best_kl = std::numeric_limits<double>::infinity();
  int best = bins;
  std::vector<double> p, q, level_mass(static_cast<size_t>(levels)), level_bins(static_cast<size_t>(levels));
  for (int i = std::min(kFirstCandidate, bins); i <= bins; ++i) {
    p.assign(h.begin(), h.begin() + i);
    p.back() += beyond[static_cast<size_t>(i)];
    std::fill(level_mass.begin(), level_mass.end(), 0.0);
    std::fill(level_bins.begin(), level_bins.end(), 0.0);
    auto level_of = [&](int b) { return static_cast<size_t>(static_cast<int64_t>(b) * levels / i); };
    for (int b = 0; b < i; ++b) {
      const double c = h[static_cast<size_t>(b)];
      if (c > 0) level_mass[level_of(b)] += c, level_bins[level_of(b)] += 1;
    }
    q.assign(static_cast<size_t>(i), 0.0);
    for (int b = 0; b < i; ++b)
      if (h[static_cast<size_t>(b)] > 0) q[static_cast<size_t>(b)] = level_mass[level_of(b)] / level_bins[level_of(b)];
    const double kl = SmoothedKl(p, q);
    if (kl <= best_kl) best_kl = kl, best = i;
  }
  return abs_max * best / bins;
}

}  // namespace

std::pair<float, float> ChooseRange(const TensorStatistics& s, const RangeMethod& m) {
  if (!s.seen) return {0.0f, 0.0f};
  if (m.kind == RangeMethodKind::kMinMax || s.histogram.empty() || s.max <= s.min) return {s.min, s.max};
  if (m.kind == RangeMethodKind::kPercentile) {
    const double tail = (100.0 - m.percentile) / 100.0;
    double lo = tail > 0 ? Quantile(s, tail) : s.min;
    double hi = tail > 0 ? Quantile(s, 1.0 - tail) : s.max;
    return {static_cast<float>(std::max<double>(lo, s.min)), static_cast<float>(std::min<double>(hi, s.max))};
  }
  if (m.kind == RangeMethodKind::kEntropy) {
    const double t = EntropyThreshold(s);
    return {static_cast<float>(std::max<double>(s.min, -t)), static_cast<float>(std::min<double>(s.max, t))};
  }
  // MSE: one shrink factor for both ends, in steps of 1% down to 20%.
  auto cost = [&](double a) { return ExpectedSquaredError(s, s.min * a, s.max * a); };
  double best_err = cost(1.0);
  double best = 1.0;
  for (int k = 99; k >= 20; --k) {
    const double a = k / 100.0;
    const double e = cost(a);
    if (e < best_err) best_err = e, best = a;
  }
  return {static_cast<float>(s.min * best), static_cast<float>(s.max * best)};
}

AffineParams AsymmetricParams(float lo, float hi, int qmin, int qmax) {
  double l = std::min<double>(lo, 0.0), h = std::max<double>(hi, 0.0);
  if (h - l < 1e-9) h = l + 1e-9 * (qmax - qmin);
  AffineParams p;
  const double scale = (h - l) / (qmax - qmin);
  p.scale = static_cast<float>(scale);
  const double zp = qmin - l / scale;
  p.zero_point = static_cast<int32_t>(std::clamp<double>(std::round(zp), qmin, qmax));
  return p;
}

}  // namespace tfd::quantize
