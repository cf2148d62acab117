// COMPLEX_ABS: |z| of each element, complex64 -> float32 and
// complex128 -> float64 (std::abs on std::complex, as TFLite).
#include <complex>

#include "interpreter/kernel_registry.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& output = ctx.output(0);
  DType expected;
  if (input.dtype == DType::COMPLEX64) {
    expected = DType::FLOAT32;
  } else if (input.dtype == DType::COMPLEX128) {
    expected = DType::FLOAT64;
  } else {
    ctx.Fail("input must be complex64 or complex128, is {}", DTypeName(input.dtype));
  }
  if (output.dtype != expected)
    ctx.Fail("output of a {} input must be {}, is {}", DTypeName(input.dtype), DTypeName(expected), DTypeName(output.dtype));
  ctx.ResizeOutput(0, input.shape);
}

template <typename T>
void Abs(const RuntimeTensor& input, RuntimeTensor& output) {
  const auto* in = input.As<std::complex<T>>();
  T* out = output.As<T>();
  const int64_t n = input.NumElements();
  for (int64_t i = 0; i < n; ++i) out[i] = std::abs(in[i]);
}

void Eval(KernelContext& ctx) {
  const RuntimeTensor& input = ctx.input(0);
  if (input.dtype == DType::COMPLEX64) {
    Abs<float>(input, ctx.output(0));
  } else {
    Abs<double>(input, ctx.output(0));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(COMPLEX_ABS, DType::COMPLEX64, Prepare, Eval);
TFD_REGISTER_KERNEL(COMPLEX_ABS, DType::COMPLEX128, Prepare, Eval);

}  // namespace tfd
