#include "quantize/calibration_audit.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <string_view>

#include <fmt/format.h>

namespace tfd::quantize {
namespace {

// Pearson correlation of each value with its right-hand neighbour, per
// channel, averaged over channels; NaN when every value is equal.
double NeighbourCorrelation(const std::vector<float>& v, int h, int w, int c) {
  double total = 0;
  int counted = 0;
  for (int ch = 0; ch < c; ++ch) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    double n = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x + 1 < w; ++x) {
        const double a = v[(static_cast<size_t>(y) * w + x) * c + ch];
        const double b = v[(static_cast<size_t>(y) * w + x + 1) * c + ch];
        sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b, n += 1;
      }
    const double cov = sab / n - (sa / n) * (sb / n);
    const double va = saa / n - (sa / n) * (sa / n), vb = sbb / n - (sb / n) * (sb / n);
    if (va <= 0 || vb <= 0) continue;
    total += cov / std::sqrt(va * vb);
    ++counted;
  }
  return counted ? total / counted : std::nan("");
}

}  // namespace

CalibrationAudit AuditCalibration(const Model& model, const std::vector<CalibrationSample>& samples,
                                  std::optional<std::pair<float, float>> declared) {
  CalibrationAudit a;
  a.samples = samples.size();
  a.declared_range = declared;
  a.too_few_samples = !samples.empty() && samples.size() < kFewSamples;
  bool any = false;
  for (const auto& s : samples) {
    if (s.empty() || s[0].dtype != DType::FLOAT32) continue;
    const size_t n = s[0].bytes.size() / 4;
    for (size_t i = 0; i < n; ++i) {
      float v;
      std::memcpy(&v, s[0].bytes.data() + 4 * i, 4);
      a.value_min = any ? std::min(a.value_min, v) : v;
      a.value_max = any ? std::max(a.value_max, v) : v;
      any = true;
    }
  }
  // Findings about the values come after the noise check's.
  std::vector<std::string> value_findings;
  if (any && declared) {
    const double lo = declared->first, hi = declared->second, width = hi - lo;
    const double beyond = std::max(lo - a.value_min, a.value_max - hi);
    const double covered = (std::min<double>(a.value_max, hi) - std::max<double>(a.value_min, lo)) / width;
    if (width > 0 && (beyond > kBeyondShare * width || covered < kCoveredShare)) {
      a.outside_declared = true;
      value_findings.push_back(fmt::format(
          "the calibration values span [{:.4g}, {:.4g}] but the model declares inputs in [{:.4g}, {:.4g}] (its metadata's "
          "normalization): {}; check the preprocessing (e.g. [0, 1) data for a [-1, 1] model)",
          a.value_min, a.value_max, lo, hi,
          beyond > kBeyondShare * width ? "values fall outside it"
                                        : fmt::format("they cover {:.0f}% of it", 100 * std::max(covered, 0.0))));
    }
  }
  if (a.too_few_samples)
    value_findings.push_back(fmt::format("only {} calibration samples: activation ranges from fewer than {} rest on too "
                                     "little data (100 to 500 are typical)",
                                     samples.size(), kFewSamples));
  std::set<std::string_view> seen;
  for (const auto& s : samples) {
    if (s.empty()) continue;
    std::string_view key(reinterpret_cast<const char*>(s[0].bytes.data()), s[0].bytes.size());
    if (!seen.insert(key).second) ++a.duplicates;
  }
  const Subgraph& g = model.main();
  if (!g.inputs.empty() && !samples.empty() && !samples[0].empty()) {
    const TensorData& first = samples[0][0];
    std::vector<int32_t> shape = first.shape;
    // [N,]H,W[,C]: a leading batch of 1 dropped, a missing channel added.
    if (shape.size() == 4 && shape[0] == 1) shape.erase(shape.begin());
    if (shape.size() == 2) shape.push_back(1);
    const bool image = shape.size() == 3 && shape[0] >= 2 && shape[1] >= 2 && shape[2] >= 1 && shape[2] <= 4 &&
                       first.dtype == DType::FLOAT32;
    (void)g;
    if (image) {
      a.image_input = true;
      double total = 0;
      int counted = 0;
      for (const auto& s : samples) {
        std::vector<float> v(s[0].bytes.size() / 4);
        std::memcpy(v.data(), s[0].bytes.data(), v.size() * 4);
        if (v.size() != static_cast<size_t>(shape[0]) * shape[1] * shape[2]) continue;
        const double r = NeighbourCorrelation(v, shape[0], shape[1], shape[2]);
        if (std::isfinite(r)) total += r, ++counted;
      }
      a.neighbour_correlation = counted ? total / counted : 0.0;
      a.looks_like_noise = counted > 0 && a.neighbour_correlation < kNoiseCorrelation;
      if (a.looks_like_noise)
        a.findings.push_back(fmt::format(
            "the calibration inputs look like noise, not images: neighbouring pixels correlate at {:.2f} on average "
            "(photos: well above {}); ranges calibrated on noise misrepresent the model's real activations",
            a.neighbour_correlation, kNoiseCorrelation));
    }
  }
  a.findings.insert(a.findings.end(), value_findings.begin(), value_findings.end());
  if (a.duplicates)
    a.findings.push_back(fmt::format("{} of {} calibration samples duplicate an earlier one", a.duplicates, a.samples));
  return a;
}

}  // namespace tfd::quantize
