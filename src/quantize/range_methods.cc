#include "quantize/range_methods.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
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

// KL divergence (TensorRT's entropy calibration, adapted to an asymmetric
// range): P is the histogram over the bins [lo, hi] keeps, the mass outside
// added to its edge bins; Q is the same bins merged into the 256 int8 levels
// (each level's mass spread evenly over its non-empty bins), as 8 bits see
// them. The clipping whose KL(P || Q) is least loses least information.
double KlDivergence(const TensorStatistics& s, double lo, double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const double w = BinWidth(s);
  const int bins = static_cast<int>(s.histogram.size());
  const int b0 = std::clamp(static_cast<int>(std::floor((lo - s.min) / w)), 0, bins - 1);
  const int b1 = std::clamp(static_cast<int>(std::ceil((hi - s.min) / w)), b0 + 1, bins);
  const int n = b1 - b0;
  std::vector<double> p(static_cast<size_t>(n));
  double below = 0, above = 0;
  for (int b = 0; b < bins; ++b) {
    const double c = static_cast<double>(s.histogram[static_cast<size_t>(b)]);
    if (b < b0) below += c;
    else if (b >= b1) above += c;
    else p[static_cast<size_t>(b - b0)] = c;
  }
  std::vector<double> q(static_cast<size_t>(n), 0.0);
  constexpr int kLevels = 256;
  for (int level = 0; level < kLevels; ++level) {
    const int first = static_cast<int>(static_cast<int64_t>(level) * n / kLevels);
    const int last = static_cast<int>(static_cast<int64_t>(level + 1) * n / kLevels);
    double mass = 0;
    int nonzero = 0;
    for (int b = first; b < last; ++b) mass += p[static_cast<size_t>(b)], nonzero += p[static_cast<size_t>(b)] > 0;
    for (int b = first; b < last; ++b)
      if (p[static_cast<size_t>(b)] > 0) q[static_cast<size_t>(b)] = mass / nonzero;
  }
  p.front() += below;
  p.back() += above;
  double total_p = 0, total_q = 0;
  for (int b = 0; b < n; ++b) total_p += p[static_cast<size_t>(b)], total_q += q[static_cast<size_t>(b)];
  if (total_p <= 0 || total_q <= 0) return 0;
  double kl = 0;
  for (int b = 0; b < n; ++b) {
    const double pb = p[static_cast<size_t>(b)] / total_p;
    if (pb <= 0) continue;
    const double qb = std::max(q[static_cast<size_t>(b)] / total_q, 1e-12);
    kl += pb * std::log(pb / qb);
  }
  return kl;
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
  // MSE and entropy: one shrink factor for both ends, in steps of 1% down to 20%.
  auto cost = [&](double a) {
    return m.kind == RangeMethodKind::kEntropy ? KlDivergence(s, s.min * a, s.max * a)
                                               : ExpectedSquaredError(s, s.min * a, s.max * a);
  };
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
