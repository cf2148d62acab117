#pragma once
// The float16 scheme, as the converter writes it: every float32 constant a
// node reads is stored as float16 and widened back by a DEQUANTIZE node at
// the start of the graph; activations and arithmetic stay float32.
#include <cstddef>

#include "graph/model.h"

namespace tfd::quantize {

struct Float16Summary {
  size_t tensors = 0;  // constants stored as float16 (one DEQUANTIZE each)
};

// tfd::Error naming the problem for a model that is not float32 (already
// quantized, or constants already stored compactly) or has several subgraphs.
Model RewriteFloat16(const Model& model, Float16Summary* summary = nullptr);

}  // namespace tfd::quantize
