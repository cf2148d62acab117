#pragma once
// A conv's or fully connected layer's bias is stored at input scale x weight
// scale, and its kernel reads it so whatever scale the bias tensor declares.
// When the input's scale changes and the bias does not follow (a tensor's
// quantization edited after conversion), the kernel reads a bias off by the
// ratio. The input's scale is set by the layer producing it, so compare
// measures a layer's own error with its bias as it would be stored for the
// input it reads, and names the mismatch as evidence.
#include <optional>
#include <string>

#include "graph/model.h"

namespace tfd {

struct BiasScaleMismatch {
  std::string bias;   // the bias tensor
  std::string input;  // the input tensor whose scale it does not follow
  double stored = 0;  // the bias's declared scale (first channel)
  double read = 0;    // input scale x weight scale: the scale the kernel reads it at (first channel)
  double factor = 0;  // read / stored: how much larger the kernel's bias is than the stored one
};

// The mismatch of node `node` of `m`'s main subgraph, when it is a conv,
// depthwise conv, transpose conv or fully connected layer with a quantized
// bias whose scale differs from input scale x weight scale by more than
// rounding of the scales.
std::optional<BiasScaleMismatch> FindBiasScaleMismatch(const Model& m, int node);

// Rewrites that node's bias so that the kernel reads the bias's stored real
// values: requantized at input scale x weight scale (saturated), with that
// scale declared. No change when there is no mismatch.
void StoreBiasForItsInput(Model& m, int node);

}  // namespace tfd
