#pragma once
// The int8 quantization spec per operator, as TFLite's quantization spec
// defines it: which inputs are activations, weights (symmetric int8, per
// channel along which axis) or biases (int32 at input_scale *
// weight_scale), which outputs have a fixed range or must share their
// input's parameters; and the op version TFLite's versioning rules give
// the quantized node.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd::quantize {

enum class Operand {
  kActivation,  // asymmetric int8 from its calibrated range
  kWeights,     // symmetric int8 in [-127, 127]
  kBias,        // int32, scale = input scale * weight scale, zero point 0
  kUntouched,   // not a float value (shapes, axes, paddings...): left as is
};

enum class OutputRule {
  kOwnRange,     // the output's own calibrated range
  kSameAsInput,  // the parameters of input 0 (the kernel copies or selects values)
  kFixed,        // a range the int8 kernel requires (SOFTMAX, LOGISTIC, TANH...)
};

struct OpQuantSpec {
  std::vector<Operand> inputs;  // one per input slot
  // Per-channel axis of the weights; -1: per-tensor.
  int weight_axis = -1;
  OutputRule output = OutputRule::kOwnRange;
  float fixed_scale = 0;
  int32_t fixed_zero_point = 0;
  // Every activation input and the output share one set of parameters
  // (CONCATENATION, MAXIMUM, MINIMUM: TFLite's int8 kernels require it).
  bool inputs_share_output = false;
};

struct SpecOptions {
  bool per_channel = true;  // conv and depthwise weights per output channel
};

// The spec for one node of `model`'s main subgraph; nullopt when int8 has
// no spec for this op here.
std::optional<OpQuantSpec> Int8Spec(const Model& model, const Operator& op, const SpecOptions& options);

// The version TFLite's op versioning rules give a weighted node for its
// layout, before its dtypes count and in every scheme (int8, int16x8,
// hybrid): 6 for a grouped CONV_2D (input channels other than the
// filter's) or a FULLY_CONNECTED without bias, 5 for a FULLY_CONNECTED
// that keeps its input's dims; nullopt for any other node.
std::optional<int> WeightedLayoutVersion(const Model& model, const Subgraph& graph, const Operator& op);

// The version of `op` (already rewritten to int8 in `model`) by TFLite's
// op versioning rules; `float_version` is the node's version before, which
// stays the floor where a float-only feature raised it.
int Int8OpVersion(const Model& model, const Subgraph& graph, const Operator& op, int float_version);

// The int16x8 spec (TFLite's 16x8 scheme: symmetric int16 activations,
// int8 weights, int64 biases): the int8 roles for the ops with an int16
// kernel in TFLite (and here), SOFTMAX/LOGISTIC/TANH at 2^-15; nullopt for
// the others.
std::optional<OpQuantSpec> Int16x8Spec(const Model& model, const Operator& op, const SpecOptions& options);

// The version of a node rewritten to int16x8, by TFLite's op versioning rules.
int Int16x8OpVersion(const Model& model, const Subgraph& graph, const Operator& op, int float_version);

}  // namespace tfd::quantize
