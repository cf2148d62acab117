#include "quantize/calibration_audit.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "quantize/op_spec.h"

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
  return AuditCalibration(model, InMemoryFeed(samples), declared);
}

CalibrationAudit AuditCalibration(const Model& model, const SampleFeed& samples,
                                  std::optional<std::pair<float, float>> declared) {
  CalibrationAudit a;
  a.samples = samples.size;
  a.declared_range = declared;
  a.too_few_samples = samples.size > 0 && samples.size < kFewSamples;
  bool any = false;
  // Duplicates by a hash of input 0's bytes (a set of the bytes themselves
  // would hold every sample).
  std::set<size_t> seen;
  // The image check follows the first sample's shape: [N,]H,W[,C], a
  // leading batch of 1 dropped, a missing channel added.
  bool first = true, image = false;
  std::vector<int32_t> shape;
  auto learn_shape = [&](const CalibrationSample& s) {
    if (!first || s.empty()) return;
    const TensorData& t = s[0];
    first = false;
    shape = t.shape;
    if (shape.size() == 4 && shape[0] == 1) shape.erase(shape.begin());
    if (shape.size() == 2) shape.push_back(1);
    image = !model.main().inputs.empty() && shape.size() == 3 && shape[0] >= 2 && shape[1] >= 2 && shape[2] >= 1 &&
            shape[2] <= 4 && t.dtype == DType::FLOAT32;
  };
  // What each sample says, worked out on the sample threads (decoding is
  // most of the cost) and folded in sample order, so that the sums are the
  // same on any thread count.
  struct Facts {
    bool counted = false;  // a sample with an input
    size_t hash = 0;
    bool has_values = false;  // float32, at least one value
    float min = 0, max = 0;
    double correlation = std::nan("");
  };
  const SamplePlan plan = PlanSamples(samples, 0);
  // Several threads need the first sample's shape before they start.
  if (plan.threads > 1)
    for (size_t s = 0; s < samples.size && first; ++s) samples.visit_one(s, learn_shape);
  std::vector<Facts> facts(plan.slots);
  std::vector<std::vector<float>> scratch(static_cast<size_t>(plan.threads));
  double total = 0;
  int counted = 0;
  ProcessSamples(
      samples, plan,
      [&](size_t s, const CalibrationSample& sample, int worker) {
        Facts& f = facts[s % plan.slots];
        f = Facts{};
        if (sample.empty()) return;
        if (plan.threads == 1) learn_shape(sample);
        const TensorData& t = sample[0];
        f.counted = true;
        f.hash = std::hash<std::string_view>()(
            std::string_view(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size()));
        if (t.dtype != DType::FLOAT32) return;
        std::vector<float>& v = scratch[static_cast<size_t>(worker)];
        v.resize(t.bytes.size() / 4);
        std::memcpy(v.data(), t.bytes.data(), v.size() * 4);
        for (float x : v) {
          f.min = f.has_values ? std::min(f.min, x) : x;
          f.max = f.has_values ? std::max(f.max, x) : x;
          f.has_values = true;
        }
        if (image && v.size() == static_cast<size_t>(shape[0]) * shape[1] * shape[2])
          f.correlation = NeighbourCorrelation(v, shape[0], shape[1], shape[2]);
      },
      [&](size_t s) {
        const Facts& f = facts[s % plan.slots];
        if (!f.counted) return;
        if (!seen.insert(f.hash).second) ++a.duplicates;
        if (f.has_values) {
          a.value_min = any ? std::min(a.value_min, f.min) : f.min;
          a.value_max = any ? std::max(a.value_max, f.max) : f.max;
          any = true;
        }
        if (std::isfinite(f.correlation)) total += f.correlation, ++counted;
      });
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
                                     samples.size, kFewSamples));
  if (image) {
    a.image_input = true;
    a.neighbour_correlation = counted ? total / counted : 0.0;
    a.looks_like_noise = counted > 0 && a.neighbour_correlation < kNoiseCorrelation;
    if (a.looks_like_noise)
      a.findings.push_back(fmt::format(
          "the calibration inputs look like noise, not images: neighbouring pixels correlate at {:.2f} on average "
          "(photos: well above {}); ranges calibrated on noise misrepresent the model's real activations",
          a.neighbour_correlation, kNoiseCorrelation));
  }
  a.findings.insert(a.findings.end(), value_findings.begin(), value_findings.end());
  if (a.duplicates)
    a.findings.push_back(fmt::format("{} of {} calibration samples duplicate an earlier one", a.duplicates, a.samples));
  return a;
}

namespace {

// Tensors whose int8 parameters come from calibrated ranges: every float
// activation calibration saw, except outputs of ops whose parameters are
// fixed by TFLite's spec (the op spec's fixed output rule).
std::vector<size_t> CalibratedTensors(const Model& model, const Calibration& cal) {
  const Subgraph& g = model.main();
  std::vector<bool> fixed(g.tensors.size(), false);
  for (const Operator& op : g.operators) {
    const std::optional<OpQuantSpec> spec = Int8Spec(model, op, {});
    if (spec && spec->output == OutputRule::kFixed)
      for (int32_t t : op.outputs)
        if (t >= 0) fixed[static_cast<size_t>(t)] = true;
  }
  std::vector<size_t> out;
  for (size_t t = 0; t < cal.tensors.size() && t < g.tensors.size(); ++t)
    if (cal.tensors[t].seen && !fixed[t] && cal.tensors[t].max > cal.tensors[t].min) out.push_back(t);
  return out;
}

}  // namespace

void AuditRangeSettling(const Model& model, const Calibration& cal, CalibrationAudit* audit) {
  const size_t n = cal.samples;
  const std::vector<size_t> tensors = CalibratedTensors(model, cal);
  if (n == 0 || tensors.empty() || cal.sample_min.size() != cal.tensors.size()) return;
  // Per tensor: the typical range is the mean of the samples' own minima
  // and maxima; its 95% margin after k samples is 1.96 sigma / sqrt(k)
  // (sigma: the spread of those extremes from sample to sample), so it is
  // within kSettledShare of its width after (1.96 sigma / (share width))^2.
  // (The extremes of the whole set are no measure: the largest value of a
  // long-tailed activation grows with every sample added.)
  double worst_needed = 0;
  for (size_t t : tensors) {
    const auto& lo = cal.sample_min[t];
    const auto& hi = cal.sample_max[t];
    double mean_lo = 0, mean_hi = 0;
    for (size_t s = 0; s < n; ++s) mean_lo += lo[s], mean_hi += hi[s];
    mean_lo /= static_cast<double>(n), mean_hi /= static_cast<double>(n);
    const double width = mean_hi - mean_lo;
    if (!(width > 0)) continue;
    double var_lo = 0, var_hi = 0;
    for (size_t s = 0; s < n; ++s)
      var_lo += (lo[s] - mean_lo) * (lo[s] - mean_lo), var_hi += (hi[s] - mean_hi) * (hi[s] - mean_hi);
    // With one sample there is no spread to measure: call it unknown.
    const double sigma = n > 1 ? std::sqrt(std::max(var_lo, var_hi) / static_cast<double>(n - 1)) : width;
    const double needed = std::pow(1.96 * sigma / (kSettledShare * width), 2.0);
    if (needed > worst_needed) {
      worst_needed = needed;
      audit->slowest_tensor = model.main().tensors[t].name;
      audit->range_margin = 1.96 * sigma / (width * std::sqrt(static_cast<double>(n)));
    }
  }
  audit->settling_checked = true;
  audit->samples_needed = std::max<size_t>(1, static_cast<size_t>(std::ceil(worst_needed)));
  audit->ranges_still_moving = audit->samples_needed > n;
  // The measurement replaces the rule of thumb (under kFewSamples).
  const std::string rule_of_thumb = fmt::format("only {} calibration samples:", n);
  audit->findings.erase(std::remove_if(audit->findings.begin(), audit->findings.end(),
                                       [&](const std::string& f) { return f.rfind(rule_of_thumb, 0) == 0; }),
                        audit->findings.end());
  audit->too_few_samples = audit->ranges_still_moving;
  if (audit->ranges_still_moving)
    audit->findings.push_back(fmt::format(
        "only {} calibration samples: the activation ranges are still moving (tensor '{}''s typical range is known "
        "only to within {:.0f}% of its width); about {} samples bring every tensor's within {:.0f}%",
        n, audit->slowest_tensor, 100 * audit->range_margin, audit->samples_needed, 100 * kSettledShare));
}

void AuditAgainstHeldOut(const Model& model, const Calibration& cal, const Calibration& held_out,
                         CalibrationAudit* audit) {
  const Subgraph& g = model.main();
  if (cal.tensors.size() != held_out.tensors.size()) return;
  audit->held_out_checked = true;
  auto distance = [&](size_t t) {
    const TensorStatistics &c = cal.tensors[t], &h = held_out.tensors[t];
    if (!c.seen || !h.seen || !(h.stddev > 0)) return -1.0;
    return std::hypot(c.mean - h.mean, c.stddev - h.stddev) / h.stddev;
  };
  double worst = -1;
  for (size_t t : CalibratedTensors(model, held_out)) {
    const double d = distance(t);
    if (d > worst) worst = d, audit->held_out_tensor = g.tensors[t].name;
  }
  if (worst < 0) return;
  audit->held_out_distance = worst;
  if (!g.outputs.empty()) audit->output_distance = std::max(0.0, distance(static_cast<size_t>(g.outputs[0])));
  audit->far_from_held_out = worst > kFarFromHeldOut;
  if (audit->far_from_held_out)
    audit->findings.push_back(fmt::format(
        "the model's activations on the calibration set are far from those on the held-out data: tensor '{}' is {:.1f} "
        "standard deviations away (mean and spread of its values; output 0: {:.1f}); the calibration set does not "
        "represent the data the model will see",
        audit->held_out_tensor, worst, audit->output_distance));
}

}  // namespace tfd::quantize
