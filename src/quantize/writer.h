#pragma once
// Writing the quantized model: never over its input, with an honest
// min_runtime_version (from the op versions and TFLite's release table in
// the tflite rules), through a temporary file renamed into place.
#include <cstddef>
#include <string>

#include "graph/model.h"

namespace tfd::quantize {

// tfd::Error when `output` names the same file as `input` (also through
// links or another spelling of the path).
void RequireDistinctPaths(const std::string& input, const std::string& output);

// The release the op versions need, per TFLite's table; "" when none known.
std::string RequiredRuntimeVersion(const Model& model);

// Sets the model's "min_runtime_version" metadata entry (added when absent)
// to `version`, as TFLite writes it: the string zero-padded to 16 bytes.
void SetMinRuntimeVersion(Model& model, const std::string& version);

struct WrittenModel {
  size_t bytes = 0;
  std::string min_runtime_version;
};

// SetMinRuntimeVersion(RequiredRuntimeVersion) then write to `output`.
WrittenModel WriteQuantizedModel(Model& model, const std::string& input, const std::string& output);

}  // namespace tfd::quantize
