#include "quantize/range_methods.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "util/error.h"

namespace tfd::quantize {

RangeMethod ParseRangeMethod(const std::string& text) {
  RangeMethod m;
  if (text == "minmax") return m;
  if (text == "mse") {
    m.kind = RangeMethodKind::kMse;
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
  Fail("--calibration-method must be minmax, percentile:P or mse, got '{}'", text);
}

std::string RangeMethodName(const RangeMethod& m) {
  switch (m.kind) {
    case RangeMethodKind::kMinMax: return "minmax";
    case RangeMethodKind::kPercentile: return fmt::format("percentile:{}", m.percentile);
    case RangeMethodKind::kMse: return "mse";
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
  // MSE: one shrink factor for both ends, in steps of 1% down to 20%.
  double best_err = ExpectedSquaredError(s, s.min, s.max);
  double best = 1.0;
  for (int k = 99; k >= 20; --k) {
    const double a = k / 100.0;
    const double e = ExpectedSquaredError(s, s.min * a, s.max * a);
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
