#include "analysis/compare/error_stats.h"

#include <algorithm>
#include <cmath>

namespace tfd {

double PowerRatioDb(double signal, double noise) {
  if (noise <= 0) return std::numeric_limits<double>::infinity();
  if (signal <= 0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

void ErrorStats::Add(const float* reference, const float* deployed, int64_t n, const QuantizedRange* range) {
  elements_ = n;
  for (int64_t i = 0; i < n; ++i) {
    const double r = reference[i], d = deployed[i], e = d - r;
    sum_err_ += e;
    sum_err2_ += e * e;
    sum_abs_ += std::abs(e);
    max_abs_ = std::max(max_abs_, std::abs(e));
    sum_ref2_ += r * r;
    sum_dep2_ += d * d;
    sum_ref_dep_ += r * d;
    ref_min_ = std::min(ref_min_, r);
    ref_max_ = std::max(ref_max_, r);
    if (range != nullptr) {
      // Half a step of slack: values that round to the end point are not clipped.
      const double slack = range->scale * 0.5;
      if (r < range->min - slack) {
        ++clipped_low_;
        clip_err2_ += (range->min - r) * (range->min - r);
      }
      if (r > range->max + slack) {
        ++clipped_high_;
        clip_err2_ += (r - range->max) * (r - range->max);
      }
    }
  }
  if (range != nullptr) range_count_ += n;
  count_ += n;
}

double ErrorStats::mean_error() const { return count_ ? sum_err_ / count_ : 0; }
double ErrorStats::mean_abs_error() const { return count_ ? sum_abs_ / count_ : 0; }
double ErrorStats::mean_squared_error() const { return count_ ? sum_err2_ / count_ : 0; }
double ErrorStats::rmse() const { return std::sqrt(mean_squared_error()); }
double ErrorStats::error_stddev() const {
  if (count_ == 0) return 0;
  const double mean = mean_error();
  return std::sqrt(std::max(0.0, sum_err2_ / count_ - mean * mean));
}
double ErrorStats::sqnr_db() const { return PowerRatioDb(sum_ref2_, sum_err2_); }
double ErrorStats::cosine() const {
  if (sum_ref2_ <= 0 || sum_dep2_ <= 0) return sum_ref2_ == sum_dep2_ ? 1.0 : 0.0;
  return sum_ref_dep_ / std::sqrt(sum_ref2_ * sum_dep2_);
}
double ErrorStats::clipped_share() const {
  return range_count_ ? static_cast<double>(clipped_low_ + clipped_high_) / range_count_ : 0;
}
double ErrorStats::clipping_error_share() const {
  return sum_err2_ > 0 ? std::min(1.0, clip_err2_ / sum_err2_) : 0;
}
double ErrorStats::clipped_low_share() const { return range_count_ ? static_cast<double>(clipped_low_) / range_count_ : 0; }
double ErrorStats::clipped_high_share() const { return range_count_ ? static_cast<double>(clipped_high_) / range_count_ : 0; }

}  // namespace tfd
