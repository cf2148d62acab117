#pragma once
// The model rewrite: a float model and its calibrated activation ranges in,
// a full-integer int8 model out (TFLite's quantization spec), with
// QUANTIZE/DEQUANTIZE at the edges for float I/O.
#include <cstddef>
#include <string>
#include <vector>

#include "graph/model.h"
#include "quantize/calibration.h"
#include "quantize/op_spec.h"
#include "quantize/range_methods.h"

namespace tfd::quantize {

enum class IoType { kFloat32, kInt8, kUint8 };
// "float32", "int8", "uint8"; tfd::Error naming the text otherwise.
IoType ParseIoType(const std::string& text);
std::string IoTypeName(IoType t);

struct RewriteOptions {
  SpecOptions spec;
  IoType io = IoType::kFloat32;
  RangeMethod method;
  // Fold the mean output shift that weight rounding causes (per output
  // channel: the weight errors weighted by the calibrated mean of each input
  // channel) back into the float bias before quantizing it.
  bool bias_correction = false;
  // Cross-layer equalization of consecutive convolutions before calibration
  // (quantize/equalize.h; QuantizeModel runs it, RewriteInt8 does not).
  bool equalize = false;
  // Nodes left in float, by op name ("SOFTMAX"), node index ("27") or by
  // the name of a tensor they produce: DEQUANTIZE before them, QUANTIZE after them where an int8
  // node reads their output (the converter's denylist).
  std::vector<std::string> keep_float;
  // TFLite's 16x8 scheme instead of int8: symmetric int16 activations (zero
  // point 0, min/max ranges), int8 weights, int64 biases, float32 I/O; ops
  // without an int16 kernel are refused by name (or kept float).
  bool int16x8 = false;
};

struct RewriteSummary {
  size_t quantized_nodes = 0;    // nodes of the float model, now int8
  size_t weight_tensors = 0;     // int8 weights written
  size_t per_channel_weights = 0;
  size_t bias_tensors = 0;       // int32 biases written
  size_t corrected_biases = 0;   // biases bias correction changed
  size_t edge_nodes = 0;         // QUANTIZE/DEQUANTIZE added at the inputs and outputs
  size_t float_nodes = 0;        // nodes kept in float (--keep-float)
  size_t float_boundary_nodes = 0;  // QUANTIZE/DEQUANTIZE added around them
  size_t folded_dequantize = 0;
  size_t equalized_pairs = 0;    // conv -> conv pairs equalized (--equalize)
  size_t equalize_held_channels = 0;  // channels left unscaled: their ReLU6 output near its clip  // DEQUANTIZE of constant weights folded back to float before quantizing
};

// Symmetric int8 weights in [-127, 127]: one scale per slice along `axis`
// (-1: one for the tensor); a slice of zeros gets scale 1. `min_scale` (per
// slice, may be empty) raises a scale so tiny that the bias, at
// input_scale * weight_scale, would not fit int32: the converter does the
// same, trading that channel's weight precision for a representable bias.
// `least_squares`: a per-tensor scale is the one of least squared error
// (max |w| / 127 shrunk by down to 0.3) rather than max |w| / 127.
struct QuantizedWeights {
  std::vector<int8_t> values;
  std::vector<float> scales;
};
QuantizedWeights SymmetricInt8(const std::vector<float>& w, const std::vector<int32_t>& shape, int axis,
                               const std::vector<double>& min_scale, bool least_squares);

// The float values of a constant tensor: float32 as is, float16 widened,
// affine int8/uint8/int16/int32 dequantized (per tensor or per channel).
std::vector<float> ConstantFloats(const Model& model, const Tensor& tensor);

// "CONV_2D (node 3, output 'name')": how errors name a node of the main subgraph.
std::string NodeName(const Model& model, size_t node);

// tfd::Error with one line when the model is already quantized (an
// int8/uint8/int16 activation or input of its main subgraph, a QUANTIZE
// node) or has no subgraph.
void RequireNotQuantized(const Model& model);

// RequireNotQuantized, and tfd::Error with one line for several subgraphs.
void RequireFloatModel(const Model& model);

// tfd::Error with one line when the model is not a float model this step
// can take: already quantized (an int8/uint8/int16 activation, a QUANTIZE
// node), several subgraphs, or an op int8 has no spec for (named).
void RequireQuantizableFloatModel(const Model& model, const std::vector<std::string>& keep_float = {},
                                  bool int16x8 = false);

// Which nodes of the main subgraph `keep_float` names; tfd::Error for a
// name that matches no op and no node output.
std::vector<bool> KeptFloatNodes(const Model& model, const std::vector<std::string>& keep_float);

// The float model with constant DEQUANTIZE nodes (float16 or int8 weights
// stored compactly) folded into float32 constants: the form calibration and
// the rewrite work on.
Model FoldConstantDequantize(const Model& model, size_t* folded = nullptr);

// `model` must have passed RequireQuantizableFloatModel (and be folded);
// `calibration` must come from running it.
Model RewriteInt8(const Model& model, const Calibration& calibration, const RewriteOptions& options,
                  RewriteSummary* summary = nullptr);

}  // namespace tfd::quantize
