#pragma once
// Helpers shared by the data-movement and reduction kernels (RESHAPE,
// TRANSPOSE, CONCATENATION, SLICE, PAD, MEAN, ...): reading index tensors,
// normalising axes, element sizes for type-agnostic copies, and walking
// multi-dimensional index spaces.
#include <cstdint>
#include <cstring>
#include <vector>

#include <fmt/ranges.h>

#include "graph/dtype.h"
#include "interpreter/kernel.h"
#include "interpreter/kernel_registry.h"

namespace tfd::shape {

// The dtypes TFLite's data-movement kernels accept (they only copy bytes).
bool IsMovableType(DType t);

// Bytes per element of a movable dtype; Fails (naming `what`) otherwise.
size_t MovableElementSize(const KernelContext& ctx, DType t, const char* what = "input");

// Requires `t` to be int32 or int64 (index-like tensors: shapes, axes,
// paddings, sizes) and returns its values widened to int64.
std::vector<int64_t> IndexValues(const KernelContext& ctx, const RuntimeTensor& t, const char* what);

// One int32/int64 value (a scalar or a single-element tensor).
int64_t ScalarIndexValue(const KernelContext& ctx, const RuntimeTensor& t, const char* what);

// `axis` in [-rank, rank) mapped to [0, rank); Fails otherwise.
int NormalizeAxis(const KernelContext& ctx, int64_t axis, int rank, const char* what);

// Product of shape[from, to).
int64_t Product(const std::vector<int32_t>& shape, size_t from, size_t to);
inline int64_t Product(const std::vector<int32_t>& shape) { return Product(shape, 0, shape.size()); }

// A value that must fit a tensor dimension (int32 and non-negative).
int32_t CheckedDim(const KernelContext& ctx, int64_t value, const char* what);

// Same dtype for every input and output in the list; Fails otherwise.
void CheckSameType(const KernelContext& ctx, const RuntimeTensor& a, const RuntimeTensor& b, const char* what);

// Whether two tensors share their (per-tensor) quantization parameters.
bool SameQuantization(const RuntimeTensor& a, const RuntimeTensor& b);

// Row-major strides of a shape, in elements.
std::vector<int64_t> Strides(const std::vector<int32_t>& shape);

// Calls fn(position) for every index of `shape` in row-major order.
template <typename Fn>
void ForEachIndex(const std::vector<int32_t>& shape, Fn&& fn) {
  const int64_t count = Product(shape);
  if (count == 0) return;
  std::vector<int32_t> pos(shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    fn(static_cast<const std::vector<int32_t>&>(pos));
    for (size_t d = shape.size(); d-- > 0;) {
      if (++pos[d] < shape[d]) break;
      pos[d] = 0;
    }
  }
}

// Whether every output of the node has zero elements.
inline bool EmptyOutputs(const KernelContext& ctx) {
  for (const RuntimeTensor* out : ctx.outputs)
    if (out != nullptr && out->NumElements() > 0) return false;
  return true;
}

// Copies `count` elements of `size` bytes (memcpy that accepts count 0 and
// null pointers).
inline void CopyElements(void* dst, const void* src, int64_t count, size_t size) {
  if (count > 0) std::memcpy(dst, src, static_cast<size_t>(count) * size);
}

// Gathers a strided box of a row-major array `src` of shape in_shape: the
// output element at position p (row-major over out_shape, same rank) is
// src[start[d] + p[d] * step[d]]. Steps may be negative; every addressed
// element must exist.
void StridedCopy(const uint8_t* src, const std::vector<int32_t>& in_shape, size_t element_size,
                 const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                 const std::vector<int32_t>& out_shape, uint8_t* dst);

}  // namespace tfd::shape

// Registers a kernel for every dtype IsMovableType accepts (the first input's
// dtype selects the kernel).
#define TFD_SHAPE_REGISTER_MOVABLE(OP, PREPARE, EVAL)      \
  TFD_REGISTER_KERNEL(OP, ::tfd::DType::FLOAT32, PREPARE, EVAL); \
  TFD_REGISTER_KERNEL(OP, ::tfd::DType::INT8, PREPARE, EVAL);    \
  TFD_REGISTER_KERNEL(OP, ::tfd::DType::UINT8, PREPARE, EVAL);   \
  TFD_REGISTER_KERNEL(OP, ::tfd::DType::INT16, PREPARE, EVAL);   \
  TFD_REGISTER_KERNEL(OP, ::tfd::DType::INT32, PREPARE, EVAL);   \
  TFD_REGISTER_KERNEL(OP, ::tfd::DType::INT64, PREPARE, EVAL);   \
  TFD_REGISTER_KERNEL(OP, ::tfd::DType::BOOL, PREPARE, EVAL)
