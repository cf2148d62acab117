#pragma once
// Reading .tflite bytes into the in-memory model. Every structural problem
// (truncation, bad offsets, indices out of range...) becomes a tfd::Error with
// a one-line message; no input can crash the reader.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd {

// Parses and verifies. `source` names the input in error messages.
Model ReadModel(const std::vector<uint8_t>& bytes, const std::string& source);

// Reads the file at `path`, then ReadModel.
Model LoadModel(const std::string& path);

}  // namespace tfd
