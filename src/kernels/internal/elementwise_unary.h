#pragma once
// Shared pieces of the elementwise unary kernels (ABS, NEG, SQRT, EXP, ...).
#include <algorithm>
#include <initializer_list>
#include <string>

#include "graph/dtype.h"
#include "interpreter/kernel.h"

namespace tfd::elementwise {

// One input, one output of the same dtype (one of `allowed`) and shape.
inline void PrepareUnary(KernelContext& ctx, std::initializer_list<DType> allowed, const char* op) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (out.dtype != in.dtype) ctx.Fail("output type {} differs from input type {}", DTypeName(out.dtype), DTypeName(in.dtype));
  if (std::find(allowed.begin(), allowed.end(), in.dtype) == allowed.end()) {
    std::string names;
    for (DType t : allowed) names += (names.empty() ? "" : ", ") + DTypeName(t);
    ctx.Fail("{} does not take {} (supported: {})", op, DTypeName(in.dtype), names);
  }
  ctx.ResizeOutput(0, in.shape);
}

template <typename T, typename Fn>
void ApplyUnary(const KernelContext& ctx, Fn&& fn) {
  const T* in = ctx.input(0).As<T>();
  T* out = ctx.output(0).As<T>();
  const int64_t n = ctx.input(0).NumElements();
  for (int64_t i = 0; i < n; ++i) out[i] = fn(in[i]);
}

// Quantization parameters every quantized unary kernel needs on both sides.
inline void RequireQuantized(const KernelContext& ctx, const char* op) {
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (!in.quant() || !out.quant())
    ctx.Fail("{} on {} needs quantization parameters on input and output", op, DTypeName(in.dtype));
}

}  // namespace tfd::elementwise
