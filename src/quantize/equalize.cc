#include "quantize/equalize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>

#include "graph/dtype.h"
#include "quantize/model_edit.h"
#include "util/error.h"

namespace tfd::quantize {
namespace {

using tflite::ActivationFunctionType;
using tflite::BuiltinOperator;

constexpr float kRelu6Clip = 6.0f;
// A ReLU6 channel is scaled only while its calibrated max stays below this
// share of the clip, before and after: with 1.0 (up to the clip itself) the
// function is unchanged on the calibration photos but not on held-out ones,
// which drive some channels past the calibrated max (MobileNet v1 0.25, 16
// calibration photos: 21 to 35 dB between the float models on held-out
// photos; with 0.5 over 90 dB), at about the same accuracy once quantized
// (per-tensor, 250 photos: 46.8% top-1 with 1.0, 46.4% with 0.5).
constexpr double kHeadroom = 0.5;
constexpr int kMaxSweeps = 32;
// Sweeps stop when no scale moves by more than this factor.
constexpr double kSettled = 1e-4;

bool IsConv(BuiltinOp b) { return b == BuiltinOperator::CONV_2D || b == BuiltinOperator::DEPTHWISE_CONV_2D; }

// Ops that keep channels apart and commute with a positive per-channel scale.
bool IsChannelwise(BuiltinOp b) {
  return b == BuiltinOperator::AVERAGE_POOL_2D || b == BuiltinOperator::MAX_POOL_2D || b == BuiltinOperator::PAD;
}

std::optional<ActivationFunctionType> FusedActivation(const Operator& op, BuiltinOp b) {
  if (b == BuiltinOperator::CONV_2D) {
    if (auto* o = op.options.AsConv2DOptions()) return o->fused_activation_function;
    return ActivationFunctionType::NONE;
  }
  if (auto* o = op.options.AsDepthwiseConv2DOptions()) return o->fused_activation_function;
  return ActivationFunctionType::NONE;
}

// A float32 constant owned by one node alone, editable in place.
struct Weights {
  int32_t tensor = -1;
  std::vector<int32_t> shape;
  std::vector<float> values;
};

// One A -> B pair and how their channels are laid out.
struct Pair {
  size_t a = 0, b = 0;  // node indices
  BuiltinOp a_op{}, b_op{};
  int32_t link = -1;    // A's output, B's input 0
  bool relu6 = false;
  // Tensor indices into the shared store (a node is B of one pair and A
  // of the next); bias_a -1 when A has none.
  int32_t wa = -1, wb = -1, bias_a = -1;
  size_t channels = 0;
  size_t b_multiplier = 1;  // B depthwise: its output channels per input channel
  std::vector<float> link_max;  // A's output per-channel max, as it is now
  std::vector<bool> held;       // ReLU6 clip reached: never scaled
};

std::vector<float> FloatsOf(const Model& m, const Tensor& t) {
  const std::vector<uint8_t>* d = m.ConstantData(t);
  std::vector<float> v(d->size() / 4);
  std::memcpy(v.data(), d->data(), v.size() * 4);
  return v;
}

// Absolute max of A's output channel c ([O,KH,KW,I] conv: slice c of axis
// 0; [1,KH,KW,C] depthwise: index c of the last axis).
std::vector<float> OutputChannelRanges(BuiltinOp op, const std::vector<float>& w, size_t channels) {
  std::vector<float> r(channels, 0.0f);
  const size_t n = w.size();
  if (op == BuiltinOperator::CONV_2D) {
    const size_t per = n / channels;
    for (size_t i = 0; i < n; ++i) r[i / per] = std::max(r[i / per], std::fabs(w[i]));
  } else {
    for (size_t i = 0; i < n; ++i) r[i % channels] = std::max(r[i % channels], std::fabs(w[i]));
  }
  return r;
}

// Absolute max of the weights B applies to its input channel c (conv: index
// c of the last axis; depthwise: output channels c*m .. c*m+m-1).
std::vector<float> InputChannelRanges(const Pair& p, const std::vector<float>& wb) {
  std::vector<float> r(p.channels, 0.0f);
  const size_t n = wb.size();
  if (p.b_op == BuiltinOperator::CONV_2D) {
    for (size_t i = 0; i < n; ++i) r[i % p.channels] = std::max(r[i % p.channels], std::fabs(wb[i]));
  } else {
    const size_t out = p.channels * p.b_multiplier;
    for (size_t i = 0; i < n; ++i) {
      const size_t c = (i % out) / p.b_multiplier;
      r[c] = std::max(r[c], std::fabs(wb[i]));
    }
  }
  return r;
}

// Divides A's output channel c (weights and bias) by s_c and multiplies B's
// input channel c by it.
void Apply(Pair& p, std::map<int32_t, std::vector<float>>& store, const std::vector<double>& s) {
  std::vector<float>& wa = store[p.wa];
  const size_t n = wa.size();
  if (p.a_op == BuiltinOperator::CONV_2D) {
    const size_t per = n / p.channels;
    for (size_t i = 0; i < n; ++i) wa[i] = static_cast<float>(wa[i] / s[i / per]);
  } else {
    for (size_t i = 0; i < n; ++i) wa[i] = static_cast<float>(wa[i] / s[i % p.channels]);
  }
  if (p.bias_a >= 0) {
    std::vector<float>& bias = store[p.bias_a];
    for (size_t c = 0; c < bias.size(); ++c) bias[c] = static_cast<float>(bias[c] / s[c]);
  }
  std::vector<float>& wb = store[p.wb];
  const size_t nb = wb.size();
  if (p.b_op == BuiltinOperator::CONV_2D) {
    for (size_t i = 0; i < nb; ++i) wb[i] = static_cast<float>(wb[i] * s[i % p.channels]);
  } else {
    const size_t out = p.channels * p.b_multiplier;
    for (size_t i = 0; i < nb; ++i) wb[i] = static_cast<float>(wb[i] * s[(i % out) / p.b_multiplier]);
  }
  for (size_t c = 0; c < p.link_max.size(); ++c) p.link_max[c] = static_cast<float>(p.link_max[c] / s[c]);
}

}  // namespace

Model EqualizeCrossLayer(const Model& model, const Calibration& cal, EqualizeSummary* summary) {
  EqualizeSummary sum;
  Model m = model;
  Subgraph& g = m.subgraphs.at(0);
  if (cal.tensors.size() != g.tensors.size()) Fail("calibration does not match the model ({} tensors vs {})", cal.tensors.size(), g.tensors.size());

  // How many nodes read each tensor, and whether it is a graph output.
  std::vector<size_t> readers(g.tensors.size(), 0);
  std::vector<size_t> reader(g.tensors.size(), 0);
  for (size_t i = 0; i < g.operators.size(); ++i)
    for (int32_t t : g.operators[i].inputs)
      if (t >= 0) {
        ++readers[static_cast<size_t>(t)];
        reader[static_cast<size_t>(t)] = i;
      }
  std::vector<bool> graph_output(g.tensors.size(), false);
  for (int32_t t : g.outputs) graph_output[static_cast<size_t>(t)] = true;

  auto editable = [&](int32_t t) -> std::optional<Weights> {
    if (t < 0) return std::nullopt;
    const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
    if (tensor.dtype != DType::FLOAT32 || !m.ConstantData(tensor) || readers[static_cast<size_t>(t)] != 1) return std::nullopt;
    auto count = ElementCount(tensor.shape);
    if (!count || static_cast<size_t>(*count) * 4 != m.ConstantData(tensor)->size()) return std::nullopt;
    return Weights{t, tensor.shape, FloatsOf(m, tensor)};
  };

  std::vector<Pair> pairs;
  std::map<int32_t, std::vector<float>> store;  // the pairs' constants, as scaled so far
  for (size_t a = 0; a < g.operators.size(); ++a) {
    const Operator& op_a = g.operators[a];
    const BuiltinOp a_op = m.op_code(op_a).builtin;
    if (!IsConv(a_op) || op_a.inputs.size() < 2 || op_a.outputs.size() != 1) continue;
    const int32_t link = op_a.outputs[0];
    if (link < 0 || graph_output[static_cast<size_t>(link)] || readers[static_cast<size_t>(link)] != 1) continue;
    // Pooling and zero padding between A and B act on each channel alone
    // and commute with a positive scale (max, mean and 0 / s = 0).
    size_t b = reader[static_cast<size_t>(link)];
    int32_t b_input = link;
    while (IsChannelwise(m.op_code(g.operators[b]).builtin) && g.operators[b].outputs.size() == 1) {
      if (auto* pool = g.operators[b].options.AsPool2DOptions();
          pool && pool->fused_activation_function != ActivationFunctionType::NONE && pool->fused_activation_function != ActivationFunctionType::RELU)
        break;
      const int32_t next = g.operators[b].outputs[0];
      if (g.operators[b].inputs.empty() || g.operators[b].inputs[0] != b_input || next < 0 ||
          graph_output[static_cast<size_t>(next)] || readers[static_cast<size_t>(next)] != 1)
        break;
      b_input = next;
      b = reader[static_cast<size_t>(next)];
    }
    const Operator& op_b = g.operators[b];
    const BuiltinOp b_op = m.op_code(op_b).builtin;
    if (!IsConv(b_op) || op_b.inputs.size() < 2 || op_b.inputs[0] != b_input) continue;
    const auto act = FusedActivation(op_a, a_op);
    if (!act || (*act != ActivationFunctionType::NONE && *act != ActivationFunctionType::RELU &&
                 *act != ActivationFunctionType::RELU6))
      continue;
    Pair p;
    p.a = a;
    p.b = b;
    p.a_op = a_op;
    p.b_op = b_op;
    p.link = link;
    p.relu6 = *act == ActivationFunctionType::RELU6;
    auto wa = editable(op_a.inputs[1]);
    auto wb = editable(op_b.inputs[1]);
    if (!wa || !wb || wa->shape.size() != 4 || wb->shape.size() != 4) continue;
    p.wa = wa->tensor;
    p.wb = wb->tensor;
    p.channels = static_cast<size_t>(a_op == BuiltinOperator::CONV_2D ? wa->shape[0] : wa->shape[3]);
    if (p.channels == 0) continue;
    if (b_op == BuiltinOperator::CONV_2D) {
      if (static_cast<size_t>(wb->shape[3]) != p.channels) continue;
    } else {
      const size_t out = static_cast<size_t>(wb->shape[3]);
      if (out % p.channels != 0) continue;
      p.b_multiplier = out / p.channels;
    }
    if (op_a.inputs.size() > 2 && op_a.inputs[2] >= 0) {
      auto bias = editable(op_a.inputs[2]);
      if (!bias || bias->values.size() != p.channels) continue;
      p.bias_a = bias->tensor;
      store.emplace(bias->tensor, bias->values);
    }
    store.emplace(wa->tensor, wa->values);
    store.emplace(wb->tensor, wb->values);
    const TensorStatistics& st = cal.tensors[static_cast<size_t>(link)];
    if (p.relu6) {
      // The bound needs each channel's calibrated max.
      if (st.channel_max.size() != p.channels) continue;
      p.link_max = st.channel_max;
      p.held.resize(p.channels);
      for (size_t c = 0; c < p.channels; ++c) p.held[c] = p.link_max[c] >= kRelu6Clip * kHeadroom;

      sum.held_channels += static_cast<size_t>(std::count(p.held.begin(), p.held.end(), true));
    }
    pairs.push_back(std::move(p));
  }

  for (int sweep = 0; sweep < kMaxSweeps && !pairs.empty(); ++sweep) {
    ++sum.sweeps;
    double moved = 0;
    for (Pair& p : pairs) {
      const auto r1 = OutputChannelRanges(p.a_op, store[p.wa], p.channels);
      const auto r2 = InputChannelRanges(p, store[p.wb]);
      std::vector<double> s(p.channels, 1.0);
      for (size_t c = 0; c < p.channels; ++c) {
        if (r1[c] <= 0 || r2[c] <= 0) continue;
        if (p.relu6 && p.held[c]) continue;
        double sc = std::sqrt(static_cast<double>(r1[c]) / r2[c]);
        // Scaling channel c up (s < 1) must keep its calibrated max below the clip.
        if (p.relu6 && sc < 1.0) {
          const double floor = static_cast<double>(p.link_max[c]) / (kRelu6Clip * kHeadroom);
          sc = std::max(sc, floor);
        }
        s[c] = sc;
        moved = std::max(moved, std::fabs(std::log(sc)));
      }
      Apply(p, store, s);
    }
    if (moved < kSettled) break;
  }

  // The scaled constants go into new buffers (a buffer may be shared by
  // tensors the pairs do not own).
  for (const auto& [t, values] : store) g.tensors[static_cast<size_t>(t)].buffer = AddBuffer(m, values);
  for (const Pair& p : pairs)
    if (p.relu6)
      for (size_t c = 0; c < p.channels; ++c)
        if (!p.held[c] && p.link_max[c] >= kRelu6Clip * kHeadroom * (1 - 1e-4)) ++sum.bounded_channels;
  sum.pairs = pairs.size();
  if (summary) *summary = sum;
  return m;
}

}  // namespace tfd::quantize
