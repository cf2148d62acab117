#pragma once
// Streaming error statistics between a reference tensor (float) and a
// deployed one (dequantized), accumulated over many samples.
#include <cstdint>
#include <limits>
#include <vector>

namespace tfd {

// The deployed tensor's representable float range, when it is quantized.
struct QuantizedRange {
  double min = 0, max = 0;
  double scale = 0;
  int64_t zero_point = 0;
};

class ErrorStats {
 public:
  void Add(const float* reference, const float* deployed, int64_t n, const QuantizedRange* range = nullptr);

  int64_t count() const { return count_; }
  int64_t elements_per_sample() const { return elements_; }
  double mean_error() const;        // mean of deployed - reference
  double error_stddev() const;
  double max_abs_error() const { return max_abs_; }
  double mean_abs_error() const;
  double mean_squared_error() const;
  double rmse() const;
  // 10 log10(signal power / noise power); +inf when there is no error.
  double sqnr_db() const;
  double cosine() const;
  double reference_min() const { return ref_min_; }
  double reference_max() const { return ref_max_; }
  // Share of reference values outside the deployed tensor's range (clipped).
  double clipped_share() const;
  double clipped_low_share() const;
  double clipped_high_share() const;
  // The counts behind those shares: values compared against a range, and
  // those below and above it.
  int64_t range_count() const { return range_count_; }
  int64_t clipped_low_count() const { return clipped_low_; }
  int64_t clipped_high_count() const { return clipped_high_; }
  // Share of the squared error that clipping alone explains: the distance of
  // clipped reference values to the range's end, squared, over all squared
  // error. A few clipped outliers can dominate a layer's error.
  double clipping_error_share() const;

 private:
  int64_t count_ = 0, elements_ = 0;
  double sum_err_ = 0, sum_err2_ = 0, sum_abs_ = 0, max_abs_ = 0;
  double sum_ref2_ = 0, sum_dep2_ = 0, sum_ref_dep_ = 0, clip_err2_ = 0;
  double ref_min_ = std::numeric_limits<double>::infinity();
  double ref_max_ = -std::numeric_limits<double>::infinity();
  int64_t clipped_low_ = 0, clipped_high_ = 0, range_count_ = 0;
};

// Power ratio in dB with the conventions used everywhere in reports.
double PowerRatioDb(double signal, double noise);

}  // namespace tfd
