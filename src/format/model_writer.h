#pragma once
// Writing the in-memory model back to .tflite bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd {

struct WriteOptions {
  // Store constant data after the flatbuffer with offset/size references, as
  // TFLite does for models over 2 GiB. Chosen automatically when needed.
  bool external_buffers = false;
};

// Verifies the model first (tfd::Error if it is inconsistent).
std::vector<uint8_t> WriteModel(const Model& model, const WriteOptions& options = {});

void SaveModel(const Model& model, const std::string& path, const WriteOptions& options = {});

}  // namespace tfd
