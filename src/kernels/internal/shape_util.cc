#include "kernels/internal/shape_util.h"

#include <limits>

namespace tfd::shape {

bool IsMovableType(DType t) {
  switch (t) {
    case DType::FLOAT32:
    case DType::INT8:
    case DType::UINT8:
    case DType::INT16:
    case DType::INT32:
    case DType::INT64:
    case DType::BOOL:
      return true;
    default:
      return false;
  }
}

size_t MovableElementSize(const KernelContext& ctx, DType t, const char* what) {
  if (!IsMovableType(t)) ctx.Fail("unsupported {} type {}", what, DTypeName(t));
  return *DTypeSize(t);
}

std::vector<int64_t> IndexValues(const KernelContext& ctx, const RuntimeTensor& t, const char* what) {
  const int64_t n = t.NumElements();
  std::vector<int64_t> out(static_cast<size_t>(n < 0 ? 0 : n));
  if (t.dtype == DType::INT32) {
    const int32_t* p = t.As<int32_t>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  } else if (t.dtype == DType::INT64) {
    const int64_t* p = t.As<int64_t>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  } else {
    ctx.Fail("{} must be int32 or int64, is {}", what, DTypeName(t.dtype));
  }
  return out;
}

int64_t ScalarIndexValue(const KernelContext& ctx, const RuntimeTensor& t, const char* what) {
  if (t.NumElements() != 1) ctx.Fail("{} must have exactly one element, has shape {}", what, ShapeString(t.shape));
  return IndexValues(ctx, t, what)[0];
}

int NormalizeAxis(const KernelContext& ctx, int64_t axis, int rank, const char* what) {
  if (axis < -rank || axis >= rank) ctx.Fail("{} {} is out of range for rank {}", what, axis, rank);
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

int64_t Product(const std::vector<int32_t>& shape, size_t from, size_t to) {
  int64_t n = 1;
  for (size_t i = from; i < to && i < shape.size(); ++i) n *= shape[i];
  return n;
}

int32_t CheckedDim(const KernelContext& ctx, int64_t value, const char* what) {
  if (value < 0 || value > std::numeric_limits<int32_t>::max())
    ctx.Fail("{} gives an invalid dimension {}", what, value);
  return static_cast<int32_t>(value);
}

void CheckSameType(const KernelContext& ctx, const RuntimeTensor& a, const RuntimeTensor& b, const char* what) {
  if (a.dtype != b.dtype) ctx.Fail("{}: types differ ({} vs {})", what, DTypeName(a.dtype), DTypeName(b.dtype));
}

bool SameQuantization(const RuntimeTensor& a, const RuntimeTensor& b) {
  return a.scale() == b.scale() && a.zero_point() == b.zero_point();
}

std::vector<int64_t> Strides(const std::vector<int32_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
  return s;
}

namespace {

template <typename T>
void StridedCopyTyped(const T* src, const std::vector<int32_t>& in_shape, const std::vector<int64_t>& start,
                      const std::vector<int64_t>& step, const std::vector<int32_t>& out_shape, T* dst) {
  const std::vector<int64_t> strides = Strides(in_shape);
  std::vector<int64_t> offset_step(strides.size());
  int64_t base = 0;
  for (size_t d = 0; d < strides.size(); ++d) {
    base += start[d] * strides[d];
    offset_step[d] = step[d] * strides[d];
  }
  int64_t o = 0;
  ForEachIndex(out_shape, [&](const std::vector<int32_t>& pos) {
    int64_t offset = base;
    for (size_t d = 0; d < pos.size(); ++d) offset += pos[d] * offset_step[d];
    dst[o++] = src[offset];
  });
}

}  // namespace

void StridedCopy(const uint8_t* src, const std::vector<int32_t>& in_shape, size_t element_size,
                 const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                 const std::vector<int32_t>& out_shape, uint8_t* dst) {
  switch (element_size) {
    case 1: return StridedCopyTyped(src, in_shape, start, step, out_shape, dst);
    case 2:
      return StridedCopyTyped(reinterpret_cast<const uint16_t*>(src), in_shape, start, step, out_shape,
                              reinterpret_cast<uint16_t*>(dst));
    case 4:
      return StridedCopyTyped(reinterpret_cast<const uint32_t*>(src), in_shape, start, step, out_shape,
                              reinterpret_cast<uint32_t*>(dst));
    default:
      return StridedCopyTyped(reinterpret_cast<const uint64_t*>(src), in_shape, start, step, out_shape,
                              reinterpret_cast<uint64_t*>(dst));
  }
}

}  // namespace tfd::shape
