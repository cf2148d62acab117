#pragma once
// The dynamic-range ("hybrid") scheme, as TFLite's converter writes it
// (post-training dynamic range quantization): the weights of the ops that
// have hybrid kernels are stored as symmetric int8 and read directly by the
// op, which quantizes its float input on the fly; activations, biases and
// every other op stay float32. No calibration.
//
// Per op, as the converter's dynamic-range quantizer does:
// - CONV_2D: weights per output channel (axis 0), or one scale with
//   --per-tensor; TFLite then quantizes the input asymmetrically
//   (per-channel) or symmetrically (one scale). Grouped convolutions stay
//   float: TFLite has no grouped hybrid kernel.
// - DEPTHWISE_CONV_2D: one scale per output channel (axis 3) always, as
//   TFLite's hybrid depthwise kernel requires; with --per-tensor every
//   channel gets the same scale.
// - FULLY_CONNECTED, BATCH_MATMUL (constant right-hand side): one scale,
//   asymmetric_quantize_inputs set.
// - SVDF (feature and time weights), UNIDIRECTIONAL_SEQUENCE_LSTM (the
//   input, recurrent, peephole and projection weights): one scale each,
//   asymmetric_quantize_inputs set; all of a node's weights or none, as the
//   kernels need them all int8.
// Weights with fewer than `min_weight_elements` elements (the converter's
// default: 1024) stay float, and so does their node; so do weights another
// node also reads. Weights stored compactly behind a constant DEQUANTIZE
// (float16, int8) are read through it and the DEQUANTIZE dropped when only
// the quantized node read it; other constant DEQUANTIZE nodes stay.
#include <cstddef>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd::quantize {

struct DynamicRangeOptions {
  bool per_channel = true;  // CONV_2D weights per output channel
  size_t min_weight_elements = 1024;
  // Nodes left float by op name, node index or output tensor name (as --keep-float for int8).
  std::vector<std::string> keep_float;
};

struct DynamicRangeSummary {
  size_t hybrid_nodes = 0;        // nodes now reading int8 weights
  size_t weight_tensors = 0;      // int8 weight tensors written
  size_t per_channel_weights = 0;
  size_t small_weight_nodes = 0;  // nodes left float: weights under min_weight_elements
  size_t folded_dequantize = 0;   // constant DEQUANTIZE nodes whose weights are now int8
  size_t float_nodes = 0;         // nodes left float by keep_float
};

// tfd::Error (one line) for a model that is not float: already quantized
// (full-integer, or hybrid: an op reading int8 weights directly), several
// subgraphs.
Model RewriteDynamicRange(const Model& model, const DynamicRangeOptions& options,
                          DynamicRangeSummary* summary = nullptr);

// The version TFLite's op versioning rules give a hybrid node (float input
// and output, int8 weights) of `model`'s main subgraph.
int HybridOpVersion(const Model& model, const Operator& op);

}  // namespace tfd::quantize
