#pragma once
// The float shadow of a quantized model: the same graph with every quantized
// tensor in float32, constant weights and biases dequantized, and QUANTIZE /
// DEQUANTIZE nodes removed. Running it beside the deployed model isolates the
// error of activation quantization: the shadow's weights carry the same
// rounding as the deployed ones, so weight rounding cannot be seen this way.
#include "graph/model.h"

namespace tfd {

Model MakeFloatShadow(const Model& quantized);

}  // namespace tfd
