#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "graph/model.h"

namespace tfd {

// TFLite's spelling in lower case: "float32", "int8", "uint8"...
std::string DTypeName(DType t);
std::optional<DType> DTypeFromName(std::string_view name);

// Bytes per element for fixed-size types; nullopt for string, resource,
// variant and int4 (packed two per byte).
std::optional<size_t> DTypeSize(DType t);

// Number of elements of a static shape; nullopt if a dimension is negative
// or the product overflows.
std::optional<int64_t> ElementCount(const std::vector<int32_t>& shape);

// "[1, 224, 224, 3]"; with a signature, dynamic dims print as -1.
std::string ShapeString(const std::vector<int32_t>& shape);

}  // namespace tfd
