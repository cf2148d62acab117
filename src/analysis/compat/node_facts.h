#pragma once
// What the rule engine needs to know about one node, read off the in-memory
// model: its operator key, options as name -> value, which inputs are
// constant (weights in buffers, or produced from constants by DEQUANTIZE /
// DENSIFY, which delegates fold away), and an estimate of its MACs.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd::compat {

// "CONV_2D", or "CUSTOM:<code>" (Flex ops too: "CUSTOM:FlexMul").
std::string OpKey(const OpCode& code);

// Option fields of a node as text: enums by name ("RELU6", "SAME"), bools as
// "1"/"0", numbers in plain decimal. Only options the rules use are read;
// absent fields are absent.
std::map<std::string, std::string> OptionFields(const Operator& op);

// Tensors of a subgraph that are constant at run time: those with data, and
// outputs of DEQUANTIZE / DENSIFY nodes whose inputs are all constant.
std::vector<bool> ConstantTensors(const Model& model, const Subgraph& sg);

// Tensors whose size is known only at run time because it is computed from
// tensor values (RESHAPE to a computed shape, STRIDED_SLICE with run-time
// bounds, WHERE, ...), and everything computed from them. TFLite allocates
// them dynamically, which delegates that need static shapes refuse. An
// approximation: newer TFLite releases fold some of these (e.g. SHAPE
// outputs) at prepare time.
std::vector<bool> DataDependentTensors(const Model& model, const Subgraph& sg, const std::vector<bool>& is_const);

// Constant integer contents of a tensor (int32 or int64), or nullopt.
std::optional<std::vector<int64_t>> ConstantInts(const Model& model, const Tensor& t);

// Multiply-accumulates of one node, from static shapes (dynamic dims count as
// 1). CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV (and
// MediaPipe's Convolution2DTransposeBias), BATCH_MATMUL; pooling counts
// window * output; every other op counts 0.
int64_t EstimateMacs(const Model& model, const Subgraph& sg, const Operator& op);

}  // namespace tfd::compat
