#pragma once
// The custom op the Edge TPU compiler (edgetpu_compiler) folds the ops it
// maps into: a compiled executable for the Edge TPU that only libedgetpu
// runs (edgetpu::kCustomOp in libedgetpu's edgetpu.h).
#include "graph/model.h"

namespace tfd {

inline constexpr const char* kEdgeTpuCustomOp = "edgetpu-custom-op";

inline bool IsEdgeTpuCustomOp(const OpCode& code) { return code.IsCustom() && code.custom_code == kEdgeTpuCustomOp; }

}  // namespace tfd
