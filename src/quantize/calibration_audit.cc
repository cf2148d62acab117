#include "quantize/calibration_audit.h"

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

CalibrationAudit AuditCalibration(const Model& model, const std::vector<CalibrationSample>& samples) {
  CalibrationAudit a;
  a.samples = samples.size();
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
  if (a.duplicates)
    a.findings.push_back(fmt::format("{} of {} calibration samples duplicate an earlier one", a.duplicates, a.samples));
  return a;
}

}  // namespace tfd::quantize
