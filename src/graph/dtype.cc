#include "graph/dtype.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tfd {

std::string DTypeName(DType t) {
  const char* name = tflite::EnumNameTensorType(t);
  if (name == nullptr || *name == '\0') return fmt::format("unknown_type_{}", static_cast<int>(t));
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<DType> DTypeFromName(std::string_view name) {
  for (DType t : tflite::EnumValuesTensorType()) {
    if (DTypeName(t) == name) return t;
  }
  return std::nullopt;
}

std::optional<size_t> DTypeSize(DType t) {
  switch (t) {
    case DType::FLOAT32: return 4;
    case DType::FLOAT16: return 2;
    case DType::BFLOAT16: return 2;
    case DType::INT32: return 4;
    case DType::UINT32: return 4;
    case DType::UINT8: return 1;
    case DType::INT8: return 1;
    case DType::INT64: return 8;
    case DType::UINT64: return 8;
    case DType::BOOL: return 1;
    case DType::INT16: return 2;
    case DType::UINT16: return 2;
    case DType::COMPLEX64: return 8;
    case DType::COMPLEX128: return 16;
    case DType::FLOAT64: return 8;
    default: return std::nullopt;
  }
}

std::optional<int64_t> ElementCount(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) {
    if (d < 0) return std::nullopt;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return std::nullopt;
    n *= d;
  }
  return n;
}

std::string ShapeString(const std::vector<int32_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

}  // namespace tfd
