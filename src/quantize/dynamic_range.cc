#include "quantize/dynamic_range.h"

#include <algorithm>
#include <map>
#include <set>

#include "graph/dtype.h"
#include "quantize/model_edit.h"
#include "quantize/op_spec.h"
#include "quantize/rewrite.h"
#include "util/error.h"

namespace tfd::quantize {

using tflite::BuiltinOperator;

namespace {

// Which inputs of a node hold the weights its hybrid kernel reads as int8,
// and along which axis they are quantized (-1: one scale).
struct HybridWeights {
  std::vector<size_t> slots;
  int axis = -1;
  bool asymmetric_inputs = false;  // the converter sets asymmetric_quantize_inputs
};

bool IsConstant(const Model& model, const Tensor& t) { return model.ConstantData(t) != nullptr; }

// nullopt: the op has no hybrid kernel (in TFLite or here), or not in this form.
std::optional<HybridWeights> HybridWeightsOf(const Model& model, const Operator& op, bool per_channel) {
  const Subgraph& g = model.main();
  auto tensor = [&](size_t slot) -> const Tensor* {
    return slot < op.inputs.size() && op.inputs[slot] >= 0 ? &g.tensors[static_cast<size_t>(op.inputs[slot])] : nullptr;
  };
  const Tensor* input = tensor(0);
  if (!input || input->dtype != DType::FLOAT32) return std::nullopt;
  HybridWeights h;
  switch (model.op_code(op).builtin) {
    case BuiltinOperator::CONV_2D: {
      const Tensor* w = tensor(1);
      // TFLite has no grouped hybrid convolution (its runtime fails on one).
      if (!w || w->shape.size() != 4 || input->shape.size() != 4 || input->shape[3] != w->shape[3]) return std::nullopt;
      h.slots = {1};
      h.axis = per_channel ? 0 : -1;
      return h;
    }
    case BuiltinOperator::DEPTHWISE_CONV_2D: {
      const Tensor* w = tensor(1);
      if (!w || w->shape.size() != 4) return std::nullopt;
      // TFLite's hybrid depthwise kernel needs one scale per output channel.
      h.slots = {1};
      h.axis = 3;
      return h;
    }
    case BuiltinOperator::FULLY_CONNECTED: {
      const auto* o = op.options.AsFullyConnectedOptions();
      if (o && o->weights_format != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT) return std::nullopt;
      const Tensor* w = tensor(1);
      if (!w || w->sparsity) return std::nullopt;
      h.slots = {1};
      h.asymmetric_inputs = true;
      return h;
    }
    case BuiltinOperator::BATCH_MATMUL:
      h.slots = {1};
      h.asymmetric_inputs = true;
      return h;
    case BuiltinOperator::SVDF:
      h.slots = {1, 2};
      h.asymmetric_inputs = true;
      return h;
    case BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM:
      for (size_t slot : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16})
        if (tensor(slot)) h.slots.push_back(slot);
      h.asymmetric_inputs = true;
      return h;
    default:
      return std::nullopt;
  }
}

void SetAsymmetricInputs(Operator& op) {
  if (auto* o = op.options.AsFullyConnectedOptions()) o->asymmetric_quantize_inputs = true;
  if (auto* o = op.options.AsBatchMatMulOptions()) o->asymmetric_quantize_inputs = true;
  if (auto* o = op.options.AsSVDFOptions()) o->asymmetric_quantize_inputs = true;
  if (auto* o = op.options.AsUnidirectionalSequenceLSTMOptions()) o->asymmetric_quantize_inputs = true;
}

}  // namespace

int HybridOpVersion(const Model& model, const Operator& op) {
  const Subgraph& g = model.main();
  const Tensor& w = g.tensors.at(static_cast<size_t>(op.inputs.at(1)));
  const size_t scales = w.quantization ? w.quantization->scale.size() : 0;
  if (auto v = WeightedLayoutVersion(model, g, op)) return *v;
  switch (model.op_code(op).builtin) {
    case BuiltinOperator::CONV_2D:
      // TFLite's op signature calls a filter per-channel when it has one
      // scale per output channel.
      return !w.shape.empty() && scales == static_cast<size_t>(w.shape[0]) ? 5 : 2;
    case BuiltinOperator::DEPTHWISE_CONV_2D:
      return w.shape.size() == 4 && scales == static_cast<size_t>(w.shape[3]) ? 6 : 4;
    case BuiltinOperator::FULLY_CONNECTED: {
      const auto* o = op.options.AsFullyConnectedOptions();
      return o && o->asymmetric_quantize_inputs ? 9 : 3;
    }
    case BuiltinOperator::BATCH_MATMUL: {
      const auto* o = op.options.AsBatchMatMulOptions();
      return o && o->asymmetric_quantize_inputs ? 4 : 1;
    }
    case BuiltinOperator::SVDF: {
      const auto* o = op.options.AsSVDFOptions();
      return o && o->asymmetric_quantize_inputs ? 4 : 2;
    }
    case BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM: {
      const auto* o = op.options.AsUnidirectionalSequenceLSTMOptions();
      if (o && o->diagonal_recurrent_tensors) return 4;
      return o && o->asymmetric_quantize_inputs ? 3 : 2;
    }
    default:
      return model.op_code(op).version;
  }
}

Model RewriteDynamicRange(const Model& model, const DynamicRangeOptions& options, DynamicRangeSummary* summary) {
  RequireFloatModel(model);
  Model m = model;
  Subgraph& g = m.subgraphs[0];
  const std::vector<bool> kept = KeptFloatNodes(m, options.keep_float);

  // Who reads each tensor, and which constant DEQUANTIZE node produces it.
  std::map<int32_t, std::vector<std::pair<size_t, size_t>>> readers;  // tensor -> (node, slot)
  std::map<int32_t, size_t> dequantized_by;
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    for (size_t k = 0; k < op.inputs.size(); ++k)
      if (op.inputs[k] >= 0) readers[op.inputs[k]].push_back({i, k});
    if (m.op_code(op).builtin == BuiltinOperator::DEQUANTIZE && op.inputs.size() == 1 && op.outputs.size() == 1 &&
        op.inputs[0] >= 0 && IsConstant(m, g.tensors[static_cast<size_t>(op.inputs[0])]))
      dequantized_by[op.outputs[0]] = i;
  }
  const std::set<int32_t> graph_outputs(g.outputs.begin(), g.outputs.end());

  DynamicRangeSummary sum;
  std::set<size_t> dropped;  // DEQUANTIZE nodes whose only reader now reads int8
  std::vector<bool> hybrid(g.operators.size(), false);
  for (size_t i = 0; i < g.operators.size(); ++i) {
    Operator& op = g.operators[i];
    const auto spec = HybridWeightsOf(m, op, options.per_channel);
    if (!spec) continue;
    if (kept[i]) {
      ++sum.float_nodes;
      continue;
    }
    // Already dynamic-range quantized: the hybrid op reads integer weights itself.
    for (size_t slot : spec->slots) {
      const Tensor& w = g.tensors[static_cast<size_t>(op.inputs[slot])];
      if ((w.dtype == DType::INT8 || w.dtype == DType::UINT8) && IsConstant(m, w))
        Fail("the model is already quantized: {} reads {} weights '{}' (dynamic range); quantize takes a float model",
             NodeName(m, i), DTypeName(w.dtype), w.name);
    }
    // Every weight must be a float constant (or a constant behind a
    // DEQUANTIZE) that only this node reads, in this slot.
    bool eligible = true;
    int64_t largest = 0;
    for (size_t slot : spec->slots) {
      const int32_t t = op.inputs[slot];
      const Tensor& w = g.tensors[static_cast<size_t>(t)];
      const bool behind_dequantize = dequantized_by.count(t) > 0;
      if (w.dtype != DType::FLOAT32 || (!IsConstant(m, w) && !behind_dequantize) || graph_outputs.count(t) ||
          readers[t].size() != 1 || w.is_variable) {
        eligible = false;
        break;
      }
      if (behind_dequantize && readers[g.operators[dequantized_by[t]].inputs[0]].size() != 1) {
        eligible = false;
        break;
      }
      largest = std::max<int64_t>(largest, ElementCount(w.shape).value_or(0));
    }
    if (!eligible) continue;
    // The converter leaves small weights float (its threshold); all of a
    // node's weights or none, as the hybrid kernels need them all int8.
    if (largest < static_cast<int64_t>(options.min_weight_elements)) {
      ++sum.small_weight_nodes;
      continue;
    }
    for (size_t slot : spec->slots) {
      const int32_t t = op.inputs[slot];
      Tensor& w = g.tensors[static_cast<size_t>(t)];
      std::vector<float> values;
      auto d = dequantized_by.find(t);
      if (d != dequantized_by.end()) {
        values = ConstantFloats(m, g.tensors[static_cast<size_t>(g.operators[d->second].inputs[0])]);
        dropped.insert(d->second);
      } else {
        values = ConstantFloats(m, w);
      }
      const int axis = slot == 1 ? spec->axis : -1;
      QuantizedWeights q = SymmetricInt8(values, w.shape, axis, {}, false);
      if (model.op_code(op).builtin == BuiltinOperator::DEPTHWISE_CONV_2D && !options.per_channel) {
        // --per-tensor: one scale for every channel (the kernel still wants
        // them listed per channel).
        QuantizedWeights one = SymmetricInt8(values, w.shape, -1, {}, false);
        q.values = one.values;
        q.scales.assign(q.scales.size(), one.scales[0]);
      }
      w.dtype = DType::INT8;
      w.buffer = AddBuffer(m, q.values);
      Quantization qp;
      qp.scale = q.scales;
      qp.zero_point.assign(q.scales.size(), 0);
      qp.axis = axis >= 0 ? axis : 0;
      w.quantization = qp;
      ++sum.weight_tensors;
      if (q.scales.size() > 1) ++sum.per_channel_weights;
    }
    if (spec->asymmetric_inputs) SetAsymmetricInputs(op);
    hybrid[i] = true;
    ++sum.hybrid_nodes;
  }

  // Drop the DEQUANTIZE nodes now folded into int8 weights; their compact
  // constants lose their buffers.
  std::vector<Operator> ops;
  std::vector<bool> ops_hybrid;
  for (size_t i = 0; i < g.operators.size(); ++i) {
    if (dropped.count(i)) {
      g.tensors[static_cast<size_t>(g.operators[i].inputs[0])].buffer = 0;
      continue;
    }
    ops.push_back(g.operators[i]);
    ops_hybrid.push_back(hybrid[i]);
  }
  g.operators = std::move(ops);
  sum.folded_dequantize = dropped.size();

  // Op versions: a hybrid node's by TFLite's rules; an op code shared with
  // float nodes keeps the higher of the two.
  std::map<uint32_t, int> version;
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    const int v = ops_hybrid[i] ? HybridOpVersion(m, op) : m.op_codes[op.opcode_index].version;
    version[op.opcode_index] = std::max(version[op.opcode_index], v);
  }
  for (const auto& [code, v] : version) m.op_codes[code].version = v;
  ClearUnusedBuffers(m);
  if (summary) *summary = sum;
  return m;
}

}  // namespace tfd::quantize
