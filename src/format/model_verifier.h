#pragma once
// Semantic checks on a parsed model: what the flatbuffer verifier cannot see
// (indices in range, constant data the size its shape says, sane shapes and
// quantization arrays). Shared by the reader and the writer.
#include <optional>
#include <string>

#include "graph/model.h"

namespace tfd {

// Largest rank we accept; TFLite kernels go up to 6 or 8, files never need more.
inline constexpr size_t kMaxRank = 16;

// The first problem found, as a phrase naming where it is; nullopt if none.
std::optional<std::string> FindModelProblem(const Model& model);

}  // namespace tfd
