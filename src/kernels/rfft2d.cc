// RFFT2D: 2-D FFT of the innermost two dimensions of a real float32 tensor,
// cropped or zero-padded to fft_length = [height, width] (powers of two, as
// TFLite requires), keeping width / 2 + 1 frequencies: complex64
// [..., height, width / 2 + 1], the layout of tf.signal.rfft2d.
//
// Computed in double precision like TFLite (which uses Ooura's fft2d in
// double) and rounded to float at the end.
#include <cmath>
#include <complex>
#include <memory>
#include <vector>

#include "interpreter/kernel_registry.h"

namespace tfd {
namespace {

using Complex = std::complex<double>;

struct RfftState : KernelState {
  int fft_height = 0, fft_width = 0;
  int input_height = 0, input_width = 0;
  int64_t slices = 0;
};

bool IsPowerOfTwo(int32_t v) { return v > 0 && (v & (v - 1)) == 0; }

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& fft_length = ctx.input(1);
  const RuntimeTensor& output = ctx.output(0);
  if (input.dtype != DType::FLOAT32) ctx.Fail("input must be float32, is {}", DTypeName(input.dtype));
  if (input.rank() < 2) ctx.Fail("input needs at least 2 dimensions, has shape {}", ShapeString(input.shape));
  if (fft_length.dtype != DType::INT32 || fft_length.rank() != 1 || fft_length.dim(0) != 2)
    ctx.Fail("fft_length must be an int32 vector of 2 values, is {} {}", DTypeName(fft_length.dtype),
             ShapeString(fft_length.shape));
  if (output.dtype != DType::COMPLEX64) ctx.Fail("output must be complex64, is {}", DTypeName(output.dtype));
  // A computed fft_length is read when the model runs.
  if (!ctx.values_known(fft_length)) return;
  auto s = std::make_unique<RfftState>();
  s->fft_height = fft_length.As<int32_t>()[0];
  s->fft_width = fft_length.As<int32_t>()[1];
  if (!IsPowerOfTwo(s->fft_height) || !IsPowerOfTwo(s->fft_width))
    ctx.Fail("fft_length must be powers of two, is [{}, {}]", s->fft_height, s->fft_width);
  s->input_height = input.dim(-2);
  s->input_width = input.dim(-1);
  s->slices = input.NumElements() / (int64_t{s->input_height} * s->input_width);
  if (s->input_height == 0 || s->input_width == 0) s->slices = 0;
  std::vector<int32_t> shape = input.shape;
  shape[shape.size() - 2] = s->fft_height;
  shape[shape.size() - 1] = s->fft_width / 2 + 1;
  ctx.ResizeOutput(0, shape);
  ctx.state = std::move(s);
}

// In-place forward FFT (e^{-2 pi i k n / N}) of a power-of-two length.
class Fft {
 public:
  explicit Fft(int n) : n_(n), twiddles_(static_cast<size_t>(n / 2)) {
    const double pi = std::acos(-1.0);
    for (int k = 0; k < n / 2; ++k) {
      const double angle = 2.0 * pi * k / n;
      twiddles_[static_cast<size_t>(k)] = Complex(std::cos(angle), -std::sin(angle));
    }
  }

  void operator()(Complex* a) const {
    for (int i = 1, j = 0; i < n_; ++i) {
      int bit = n_ >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) std::swap(a[i], a[j]);
    }
    for (int len = 2; len <= n_; len <<= 1) {
      const int step = n_ / len;
      for (int start = 0; start < n_; start += len)
        for (int k = 0; k < len / 2; ++k) {
          const Complex t = twiddles_[static_cast<size_t>(k * step)] * a[start + k + len / 2];
          a[start + k + len / 2] = a[start + k] - t;
          a[start + k] += t;
        }
    }
  }

 private:
  int n_;
  std::vector<Complex> twiddles_;
};

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<RfftState>();
  const float* input = ctx.input(0).As<float>();
  auto* output = ctx.output(0).As<std::complex<float>>();
  const int height = s.fft_height, width = s.fft_width, kept = width / 2 + 1;
  const int rows = std::min(s.input_height, height), cols = std::min(s.input_width, width);
  const Fft row_fft(width), column_fft(height);
  std::vector<Complex> row(static_cast<size_t>(width)), column(static_cast<size_t>(height));
  std::vector<Complex> spectrum(static_cast<size_t>(height) * kept);
  for (int64_t slice = 0; slice < s.slices; ++slice) {
    const float* in = input + slice * s.input_height * s.input_width;
    // Rows: real FFT of each (cropped, zero-padded) row.
    for (int r = 0; r < height; ++r) {
      std::fill(row.begin(), row.end(), Complex());
      if (r < rows)
        for (int c = 0; c < cols; ++c) row[static_cast<size_t>(c)] = in[r * s.input_width + c];
      row_fft(row.data());
      std::copy(row.begin(), row.begin() + kept, spectrum.begin() + static_cast<long>(r) * kept);
    }
    // Columns: complex FFT of each kept frequency.
    std::complex<float>* out = output + slice * height * kept;
    for (int k = 0; k < kept; ++k) {
      for (int r = 0; r < height; ++r) column[static_cast<size_t>(r)] = spectrum[static_cast<size_t>(r * kept + k)];
      column_fft(column.data());
      for (int r = 0; r < height; ++r)
        out[r * kept + k] = std::complex<float>(static_cast<float>(column[static_cast<size_t>(r)].real()),
                                                static_cast<float>(column[static_cast<size_t>(r)].imag()));
    }
  }
}

}  // namespace

TFD_REGISTER_KERNEL(RFFT2D, DType::FLOAT32, Prepare, Eval);

}  // namespace tfd
