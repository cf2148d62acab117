#include "data/audio/resample.h"

#include <algorithm>
#include <cmath>

namespace tfd {
namespace {

// Zero crossings of the sinc on each side of a sample: the kernel's length
// trades the sharpness of the cut-off against time.
constexpr int kHalfZeroCrossings = 16;

double Blackman(double x) {  // x in [-1, 1]
  const double pi = 3.14159265358979323846;
  return 0.42 + 0.5 * std::cos(pi * x) + 0.08 * std::cos(2 * pi * x);
}

}  // namespace

std::vector<float> Resample(const std::vector<float>& in, uint32_t from_hz, uint32_t to_hz) {
  if (from_hz == to_hz || in.empty()) return in;
  const double pi = 3.14159265358979323846;
  const double ratio = static_cast<double>(to_hz) / from_hz;
  // Cut-off relative to the input rate: its Nyquist when going up, the
  // output's when going down.
  const double cutoff = std::min(1.0, ratio);
  const double half_width = kHalfZeroCrossings / cutoff;  // in input samples
  const size_t out_n = static_cast<size_t>(std::floor(static_cast<double>(in.size()) * ratio));
  std::vector<float> out(out_n);
  const long last = static_cast<long>(in.size()) - 1;
  for (size_t j = 0; j < out_n; ++j) {
    const double t = static_cast<double>(j) / ratio;  // the output sample's time, in input samples
    const long first = std::max(0L, static_cast<long>(std::ceil(t - half_width)));
    const long end = std::min(last, static_cast<long>(std::floor(t + half_width)));
    double sum = 0;
    for (long i = first; i <= end; ++i) {
      const double d = static_cast<double>(i) - t;
      const double x = d * cutoff;
      const double sinc = std::abs(x) < 1e-12 ? 1.0 : std::sin(pi * x) / (pi * x);
      sum += in[static_cast<size_t>(i)] * cutoff * sinc * Blackman(d / half_width);
    }
    out[j] = static_cast<float>(sum);
  }
  return out;
}

}  // namespace tfd
