#pragma once
// Ops such as AVERAGE_POOL_2D, MAX_POOL_2D and RESHAPE move quantized values
// without requantizing them: TFLite requires their output to share their
// input's quantization and does not check it in release builds. When the
// two differ (a range edited on one side only), every output value reads as
// another real value than the one computed, and the op is where that
// happens.
#include <optional>
#include <string>

#include "graph/model.h"

namespace tfd {

struct CopiedQuantizationMismatch {
  std::string input;  // the input tensor whose quantization the output should share
  double input_scale = 0, output_scale = 0;
  int64_t input_zero_point = 0, output_zero_point = 0;
};

// Ops whose kernels (here and in TFLite) copy or select the quantized values
// of input 0, so their output must share its quantization.
bool CopiesQuantizedValues(BuiltinOp op);

// The mismatch at node `node` of `m`'s main subgraph, when it is such an op
// on 8- or 16-bit quantized values and its output's per-tensor quantization
// differs from its input's.
std::optional<CopiedQuantizationMismatch> FindCopiedQuantizationMismatch(const Model& m, int node);

}  // namespace tfd
