#include "quantize/op_spec.h"

#include <algorithm>

namespace tfd::quantize {
namespace {

using tflite::BuiltinOperator;

const Tensor* InputTensor(const Model& model, const Operator& op, size_t i) {
  if (i >= op.inputs.size() || op.inputs[i] < 0) return nullptr;
  return &model.main().tensors.at(static_cast<size_t>(op.inputs[i]));
}

// Float inputs are activations, anything else is left alone.
std::vector<Operand> ByDtype(const Model& model, const Operator& op) {
  std::vector<Operand> roles;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const Tensor* t = InputTensor(model, op, i);
    roles.push_back(t && t->dtype == DType::FLOAT32 ? Operand::kActivation : Operand::kUntouched);
  }
  return roles;
}

// The dtype and rank of input `i` of a node of `g` (float32 and 0 when absent).
DType InputType(const Subgraph& g, const Operator& op, size_t i) {
  return i < op.inputs.size() && op.inputs[i] >= 0 ? g.tensors[static_cast<size_t>(op.inputs[i])].dtype
                                                   : DType::FLOAT32;
}
size_t InputRank(const Subgraph& g, const Operator& op, size_t i) {
  return i < op.inputs.size() && op.inputs[i] >= 0 ? g.tensors[static_cast<size_t>(op.inputs[i])].shape.size() : 0;
}

}  // namespace

std::optional<int> WeightedLayoutVersion(const Model& model, const Subgraph& g, const Operator& op) {
  switch (model.op_code(op).builtin) {
    case BuiltinOperator::CONV_2D: {
      if (op.inputs.size() < 2 || op.inputs[0] < 0 || op.inputs[1] < 0) return std::nullopt;
      const Tensor& in = g.tensors[static_cast<size_t>(op.inputs[0])];
      const Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
      const bool grouped = !in.shape.empty() && !w.shape.empty() && in.shape.back() != w.shape.back();
      return grouped ? std::optional<int>(6) : std::nullopt;
    }
    case BuiltinOperator::FULLY_CONNECTED: {
      if (op.inputs.size() == 2) return 6;
      const auto* o = op.options.AsFullyConnectedOptions();
      if (o && o->keep_num_dims) return 5;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<OpQuantSpec> Int8Spec(const Model& model, const Operator& op, const SpecOptions& options) {
  const OpCode& code = model.op_code(op);
  OpQuantSpec s;
  s.inputs = ByDtype(model, op);
  auto weights_and_bias = [&](int axis) {
    if (s.inputs.size() < 2) return false;
    s.inputs[0] = Operand::kActivation;
    s.inputs[1] = Operand::kWeights;
    if (s.inputs.size() > 2 && op.inputs[2] >= 0) s.inputs[2] = Operand::kBias;
    s.weight_axis = axis;
    return true;
  };
  switch (code.builtin) {
    case BuiltinOperator::CONV_2D:
      if (!weights_and_bias(options.per_channel ? 0 : -1)) return std::nullopt;
      return s;
    case BuiltinOperator::DEPTHWISE_CONV_2D:
      if (!weights_and_bias(options.per_channel ? 3 : -1)) return std::nullopt;
      return s;
    case BuiltinOperator::FULLY_CONNECTED:
      // Per-tensor, as the converter writes int8 FULLY_CONNECTED.
      if (!weights_and_bias(-1)) return std::nullopt;
      return s;
    case BuiltinOperator::ADD:
    case BuiltinOperator::SUB:
    case BuiltinOperator::MUL:
    case BuiltinOperator::MEAN:
    case BuiltinOperator::RELU:
    case BuiltinOperator::RELU6:
    case BuiltinOperator::HARD_SWISH:
    case BuiltinOperator::LEAKY_RELU:
    case BuiltinOperator::SQUARED_DIFFERENCE:
      return s;
    case BuiltinOperator::AVERAGE_POOL_2D:
    case BuiltinOperator::MAX_POOL_2D:
    case BuiltinOperator::RESHAPE:
    case BuiltinOperator::SQUEEZE:
    case BuiltinOperator::EXPAND_DIMS:
    case BuiltinOperator::PAD:
    case BuiltinOperator::TRANSPOSE:
    case BuiltinOperator::STRIDED_SLICE:
    case BuiltinOperator::SLICE:
    case BuiltinOperator::DEPTH_TO_SPACE:
    case BuiltinOperator::SPACE_TO_DEPTH:
    case BuiltinOperator::RESIZE_BILINEAR:
    case BuiltinOperator::RESIZE_NEAREST_NEIGHBOR:
    case BuiltinOperator::REDUCE_MAX:
    case BuiltinOperator::REDUCE_MIN:
      s.output = OutputRule::kSameAsInput;
      return s;
    case BuiltinOperator::CONCATENATION:
    case BuiltinOperator::MAXIMUM:
    case BuiltinOperator::MINIMUM:
      s.output = OutputRule::kSameAsInput;
      s.inputs_share_output = true;
      return s;
    case BuiltinOperator::SOFTMAX:
    case BuiltinOperator::LOGISTIC:
      s.output = OutputRule::kFixed;
      s.fixed_scale = 1.0f / 256.0f;
      s.fixed_zero_point = -128;
      return s;
    case BuiltinOperator::TANH:
      s.output = OutputRule::kFixed;
      s.fixed_scale = 1.0f / 128.0f;
      s.fixed_zero_point = 0;
      return s;
    default:
      return std::nullopt;
  }
}

int Int8OpVersion(const Model& model, const Subgraph& g, const Operator& op, int float_version) {
  const OpCode& code = model.op_code(op);
  auto type = [&](size_t i) { return InputType(g, op, i); };
  auto rank = [&](size_t i) { return InputRank(g, op, i); };
  const bool int8 = type(0) == DType::INT8;
  int v = 1;
  switch (code.builtin) {
    // Hybrid float models number these differently: the float version is no floor.
    case BuiltinOperator::CONV_2D:
      return WeightedLayoutVersion(model, g, op).value_or(3);
    case BuiltinOperator::DEPTHWISE_CONV_2D:
      return 3;
    case BuiltinOperator::FULLY_CONNECTED:
      return WeightedLayoutVersion(model, g, op).value_or(4);
    case BuiltinOperator::MUL: {
      const auto& q1 = g.tensors[static_cast<size_t>(op.inputs[0])].quantization;
      const auto& q2 = g.tensors[static_cast<size_t>(op.inputs[1])].quantization;
      const auto& qo = g.tensors[static_cast<size_t>(op.outputs[0])].quantization;
      if (q1 && q2 && qo && q1->IsAffine() && q2->IsAffine() && qo->IsAffine() &&
          static_cast<double>(q1->scale[0]) * q2->scale[0] / qo->scale[0] >= 1.0)
        v = 3;
      else
        v = int8 ? 2 : 1;
      break;
    }
    case BuiltinOperator::SUB: {
      const bool broadcast = op.inputs.size() > 1 && g.tensors[static_cast<size_t>(op.inputs[0])].shape !=
                                                         g.tensors[static_cast<size_t>(op.inputs[1])].shape;
      v = broadcast && std::max(rank(0), rank(1)) > 4 ? 3 : (int8 ? 2 : 1);
      break;
    }
    case BuiltinOperator::PAD:
      v = rank(0) > 4 ? 4 : (int8 ? 2 : 1);
      break;
    case BuiltinOperator::TRANSPOSE:
      v = rank(0) > 5 ? 6 : rank(0) > 4 ? 4 : (int8 ? 2 : 1);
      break;
    case BuiltinOperator::RESIZE_BILINEAR: {
      const auto* o = op.options.AsResizeBilinearOptions();
      v = o && o->half_pixel_centers ? 3 : (int8 ? 2 : 1);
      break;
    }
    case BuiltinOperator::RESIZE_NEAREST_NEIGHBOR: {
      const auto* o = op.options.AsResizeNearestNeighborOptions();
      v = o && (o->half_pixel_centers || o->align_corners) ? 3 : (int8 ? 2 : 1);
      break;
    }
    case BuiltinOperator::DEQUANTIZE:
      v = type(0) == DType::INT8 ? 2 : 1;
      break;
    case BuiltinOperator::QUANTIZE:
    case BuiltinOperator::RESHAPE:
    case BuiltinOperator::SQUEEZE:
    case BuiltinOperator::EXPAND_DIMS:
    case BuiltinOperator::HARD_SWISH:
    case BuiltinOperator::LEAKY_RELU:
      v = 1;
      break;
    case BuiltinOperator::ADD:
    case BuiltinOperator::AVERAGE_POOL_2D:
    case BuiltinOperator::MAX_POOL_2D:
    case BuiltinOperator::SOFTMAX:
    case BuiltinOperator::MEAN:
    case BuiltinOperator::RELU:
    case BuiltinOperator::RELU6:
    case BuiltinOperator::REDUCE_MAX:
    case BuiltinOperator::REDUCE_MIN:
    case BuiltinOperator::LOGISTIC:
    case BuiltinOperator::TANH:
    case BuiltinOperator::CONCATENATION:
    case BuiltinOperator::MAXIMUM:
    case BuiltinOperator::MINIMUM:
    case BuiltinOperator::STRIDED_SLICE:
    case BuiltinOperator::SLICE:
    case BuiltinOperator::DEPTH_TO_SPACE:
    case BuiltinOperator::SPACE_TO_DEPTH:
    case BuiltinOperator::SQUARED_DIFFERENCE:
      v = int8 ? 2 : 1;
      break;
    default:
      v = 1;
      break;
  }
  // A float-only feature (dilation, ellipsis masks, >4-D inputs...) keeps
  // the version it already needed.
  return std::max(v, float_version);
}

std::optional<OpQuantSpec> Int16x8Spec(const Model& model, const Operator& op, const SpecOptions& options) {
  switch (model.op_code(op).builtin) {
    // The ops TFLite's kernels (and ours) run with int16 activations and,
    // for the weighted ones, int8 weights.
    case BuiltinOperator::CONV_2D:
    case BuiltinOperator::DEPTHWISE_CONV_2D:
    case BuiltinOperator::FULLY_CONNECTED:
    case BuiltinOperator::ADD:
    case BuiltinOperator::SUB:
    case BuiltinOperator::MUL:
    case BuiltinOperator::MEAN:
    case BuiltinOperator::RELU:
    case BuiltinOperator::RELU6:
    case BuiltinOperator::LEAKY_RELU:
    case BuiltinOperator::AVERAGE_POOL_2D:
    case BuiltinOperator::MAX_POOL_2D:
    case BuiltinOperator::RESHAPE:
    case BuiltinOperator::SQUEEZE:
    case BuiltinOperator::EXPAND_DIMS:
    case BuiltinOperator::PAD:
    case BuiltinOperator::TRANSPOSE:
    case BuiltinOperator::STRIDED_SLICE:
    case BuiltinOperator::SLICE:
    case BuiltinOperator::RESIZE_BILINEAR:
    case BuiltinOperator::RESIZE_NEAREST_NEIGHBOR:
    case BuiltinOperator::REDUCE_MAX:
    case BuiltinOperator::REDUCE_MIN:
    case BuiltinOperator::CONCATENATION:
    case BuiltinOperator::MAXIMUM:
    case BuiltinOperator::MINIMUM:
      return Int8Spec(model, op, options);
    case BuiltinOperator::SOFTMAX:
    case BuiltinOperator::LOGISTIC:
    case BuiltinOperator::TANH: {
      // TFLite's int16 kernels write these over [-1, 1) or [0, 1) at 2^-15.
      auto s = Int8Spec(model, op, options);
      if (!s) return s;
      s->fixed_scale = 1.0f / 32768.0f;
      s->fixed_zero_point = 0;
      return s;
    }
    default:
      return std::nullopt;
  }
}

int Int16x8OpVersion(const Model& model, const Subgraph& g, const Operator& op, int float_version) {
  auto type = [&](size_t i) { return InputType(g, op, i); };
  auto rank = [&](size_t i) { return InputRank(g, op, i); };
  const bool int16 = type(0) == DType::INT16;
  int v = 1;
  switch (model.op_code(op).builtin) {
    case BuiltinOperator::CONV_2D:
      return WeightedLayoutVersion(model, g, op).value_or(4);
    case BuiltinOperator::DEPTHWISE_CONV_2D:
      return 5;
    case BuiltinOperator::FULLY_CONNECTED:
      return WeightedLayoutVersion(model, g, op).value_or(4);
    case BuiltinOperator::ADD:
      v = int16 ? 3 : 1;
      break;
    case BuiltinOperator::SUB:
      v = int16 ? 5 : 1;
      break;
    case BuiltinOperator::MUL:
      v = int16 ? 4 : 1;
      break;
    case BuiltinOperator::AVERAGE_POOL_2D:
    case BuiltinOperator::MAX_POOL_2D:
    case BuiltinOperator::SOFTMAX:
    case BuiltinOperator::MEAN:
    case BuiltinOperator::REDUCE_MAX:
    case BuiltinOperator::REDUCE_MIN:
    case BuiltinOperator::RELU6:
    case BuiltinOperator::RELU:
    case BuiltinOperator::LOGISTIC:
    case BuiltinOperator::TANH:
    case BuiltinOperator::CONCATENATION:
      v = int16 ? 3 : 1;
      break;
    case BuiltinOperator::LEAKY_RELU:
      v = int16 ? 2 : 1;
      break;
    case BuiltinOperator::PAD:
      v = rank(0) > 4 ? 4 : (int16 ? 3 : 1);
      break;
    case BuiltinOperator::TRANSPOSE:
      v = rank(0) > 5 ? 6 : (int16 ? 5 : 1);
      break;
    case BuiltinOperator::SLICE:
      v = rank(0) > 4 ? 5 : (int16 ? 4 : 1);
      break;
    case BuiltinOperator::RESIZE_BILINEAR:
    case BuiltinOperator::RESIZE_NEAREST_NEIGHBOR:
      v = int16 ? 4 : 1;
      break;
    case BuiltinOperator::MAXIMUM:
    case BuiltinOperator::MINIMUM:
      v = int16 ? 4 : 1;
      break;
    case BuiltinOperator::QUANTIZE:
      v = g.tensors[static_cast<size_t>(op.outputs[0])].dtype == DType::INT16 ? 2 : 1;
      break;
    case BuiltinOperator::DEQUANTIZE:
      v = int16 ? 3 : 1;
      break;
    default:
      v = 1;
      break;
  }
  return std::max(v, float_version);
}

}  // namespace tfd::quantize
