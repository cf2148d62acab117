#pragma once
// SELECT and SELECT_V2 take the same inputs and differ only in how the
// condition is matched to the values (equal shape, scalar or leading
// dimension, or full broadcasting).
#include "graph/dtype.h"
#include "interpreter/kernel.h"

namespace tfd {

// Three inputs (bool condition, x, y) and one output; x, y and the output of
// one type among bool, float32, uint8, int8, int16, int32, int64 (values are
// copied as they are, so quantized tensors need nothing more).
inline void CheckSelectInputs(const KernelContext& ctx) {
  ctx.CheckArity(3, 3, 1);
  const RuntimeTensor& cond = ctx.input(0);
  const RuntimeTensor& x = ctx.input(1);
  const RuntimeTensor& y = ctx.input(2);
  const RuntimeTensor& out = ctx.output(0);
  if (cond.dtype != DType::BOOL) ctx.Fail("condition must be bool, got {}", DTypeName(cond.dtype));
  if (x.dtype != y.dtype || out.dtype != x.dtype)
    ctx.Fail("value types differ ({}, {} -> {})", DTypeName(x.dtype), DTypeName(y.dtype), DTypeName(out.dtype));
  switch (x.dtype) {
    case DType::BOOL:
    case DType::FLOAT32:
    case DType::UINT8:
    case DType::INT8:
    case DType::INT16:
    case DType::INT32:
    case DType::INT64: break;
    default: ctx.Fail("unsupported type {}", DTypeName(x.dtype));
  }
}

}  // namespace tfd
