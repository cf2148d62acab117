#include "quantize/rewrite.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "graph/dtype.h"
#include "kernels/internal/act_half.h"
#include "quantize/model_edit.h"
#include "util/error.h"

namespace tfd::quantize {

using tflite::BuiltinOperator;

IoType ParseIoType(const std::string& text) {
  if (text == "float32") return IoType::kFloat32;
  if (text == "int8") return IoType::kInt8;
  if (text == "uint8") return IoType::kUint8;
  Fail("--io must be float32, int8 or uint8, got '{}'", text);
}

std::string IoTypeName(IoType t) {
  switch (t) {
    case IoType::kFloat32: return "float32";
    case IoType::kInt8: return "int8";
    case IoType::kUint8: return "uint8";
  }
  return "?";
}

std::string NodeName(const Model& model, size_t node) {
  const Operator& op = model.main().operators[node];
  std::string out = op.outputs.empty() || op.outputs[0] < 0 ? "" : model.main().tensors[static_cast<size_t>(op.outputs[0])].name;
  return fmt::format("{} (node {}{})", model.op_code(op).Name(), node, out.empty() ? "" : ", output '" + out + "'");
}

namespace {

bool IsConstant(const Model& model, const Tensor& t) { return model.ConstantData(t) != nullptr; }

// Node `i`'s int16x8 or int8 spec; tfd::Error naming the node when the
// scheme has none for it.
OpQuantSpec RequireSpec(const Model& model, size_t i, const SpecOptions& options, bool int16x8) {
  const Operator& op = model.main().operators[i];
  if (int16x8) {
    if (auto spec = Int16x8Spec(model, op, options)) return *spec;
    Fail("{} cannot be quantized to int16x8 by tflite-doctor (no int16 kernel in TFLite, or no int16x8 spec here; "
         "--keep-float {} keeps it float)",
         NodeName(model, i), i);
  }
  if (auto spec = Int8Spec(model, op, options)) return *spec;
  Fail("{} cannot be quantized to int8 by tflite-doctor (no int8 spec for this op)", NodeName(model, i));
}

}  // namespace

std::vector<float> ConstantFloats(const Model& model, const Tensor& t) {
  const std::vector<uint8_t>* data = model.ConstantData(t);
  if (!data) Fail("tensor '{}' has no constant data", t.name);
  auto count = ElementCount(t.shape);
  if (!count) Fail("tensor '{}' has no static shape", t.name);
  const size_t n = static_cast<size_t>(*count);
  std::vector<float> out(n);
  auto need = [&](size_t bytes) {
    if (data->size() < bytes) Fail("tensor '{}': {} bytes of data for {} elements", t.name, data->size(), n);
  };
  if (t.dtype == DType::FLOAT32) {
    need(n * 4);
    std::memcpy(out.data(), data->data(), n * 4);
    return out;
  }
  if (t.dtype == DType::FLOAT16) {
    need(n * 2);
    for (size_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, data->data() + 2 * i, 2);
      out[i] = act::HalfToFloat(h);
    }
    return out;
  }
  if (!t.quantization || !t.quantization->IsAffine())
    Fail("tensor '{}' is {} without quantization; it has no float value", t.name, DTypeName(t.dtype));
  const Quantization& q = *t.quantization;
  // Element i's channel along q.axis.
  size_t inner = 1, channels = 1;
  if (q.IsPerChannel()) {
    if (q.axis < 0 || static_cast<size_t>(q.axis) >= t.shape.size()) Fail("tensor '{}': bad quantized axis {}", t.name, q.axis);
    channels = static_cast<size_t>(t.shape[static_cast<size_t>(q.axis)]);
    for (size_t d = static_cast<size_t>(q.axis) + 1; d < t.shape.size(); ++d) inner *= static_cast<size_t>(t.shape[d]);
    if (q.scale.size() != channels) Fail("tensor '{}': {} scales for {} channels", t.name, q.scale.size(), channels);
  }
  auto value = [&](size_t i, int64_t raw) {
    size_t c = q.IsPerChannel() ? (i / inner) % channels : 0;
    int64_t zp = c < q.zero_point.size() ? q.zero_point[c] : 0;
    return static_cast<float>(static_cast<double>(q.scale[c]) * static_cast<double>(raw - zp));
  };
  switch (t.dtype) {
    case DType::INT8:
      need(n);
      for (size_t i = 0; i < n; ++i) out[i] = value(i, static_cast<int8_t>((*data)[i]));
      break;
    case DType::UINT8:
      need(n);
      for (size_t i = 0; i < n; ++i) out[i] = value(i, (*data)[i]);
      break;
    case DType::INT16:
      need(n * 2);
      for (size_t i = 0; i < n; ++i) {
        int16_t v;
        std::memcpy(&v, data->data() + 2 * i, 2);
        out[i] = value(i, v);
      }
      break;
    case DType::INT32:
      need(n * 4);
      for (size_t i = 0; i < n; ++i) {
        int32_t v;
        std::memcpy(&v, data->data() + 4 * i, 4);
        out[i] = value(i, v);
      }
      break;
    default:
      Fail("tensor '{}': cannot read {} weights as float", t.name, DTypeName(t.dtype));
  }
  return out;
}

namespace {

Quantization PerTensor(float scale, int64_t zero_point) {
  Quantization q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int x) { return parent[static_cast<size_t>(x)] == x ? x : parent[static_cast<size_t>(x)] = Find(parent[static_cast<size_t>(x)]); }
  void Join(int a, int b) { parent[static_cast<size_t>(Find(a))] = Find(b); }
};

}  // namespace

QuantizedWeights SymmetricInt8(const std::vector<float>& w, const std::vector<int32_t>& shape, int axis,
                               const std::vector<double>& min_scale, bool least_squares) {
  size_t channels = 1, inner = 1;
  if (axis >= 0) {
    channels = static_cast<size_t>(shape[static_cast<size_t>(axis)]);
    for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= static_cast<size_t>(shape[d]);
  }
  auto channel_of = [&](size_t i) { return axis >= 0 ? (i / inner) % channels : 0; };
  std::vector<float> max_abs(channels, 0.0f);
  for (size_t i = 0; i < w.size(); ++i) max_abs[channel_of(i)] = std::max(max_abs[channel_of(i)], std::fabs(w[i]));
  QuantizedWeights q;
  q.scales.resize(channels);
  for (size_t c = 0; c < channels; ++c) {
    q.scales[c] = max_abs[c] > 0 ? max_abs[c] / 127.0f : 1.0f;
    if (c < min_scale.size() && q.scales[c] < min_scale[c]) q.scales[c] = static_cast<float>(min_scale[c]);
  }
  if (axis < 0 && least_squares && max_abs[0] > 0) {
    // One scale for channels whose ranges differ: the largest weights set
    // the step that the small channels' weights round to, so a scale
    // clipping a few large weights can cost less squared error overall.
    double best = std::numeric_limits<double>::infinity();
    float best_scale = q.scales[0];
    for (int k = 30; k <= 100; ++k) {
      const float scale = q.scales[0] * static_cast<float>(k) / 100.0f;
      double err = 0;
      for (float x : w) {
        const double d = std::clamp(std::round(x / scale), -127.0f, 127.0f) * scale - x;
        err += d * d;
      }
      if (err < best) {
        best = err;
        best_scale = scale;
      }
    }
    q.scales[0] = std::max(best_scale, min_scale.empty() ? 0.0f : static_cast<float>(min_scale[0]));
  }
  q.values.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    const float v = std::round(w[i] / q.scales[channel_of(i)]);
    q.values[i] = static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
  }
  return q;
}

namespace {

// The mean change of each output channel that weight errors `err` cause,
// given the mean of each input channel: conv [O,KH,KW,I] and fully
// connected [O,I] sum err * mean over their input channels; depthwise
// [1,KH,KW,O] reads input channel o / multiplier. Padding is not modelled
// (border positions see zeros, not the mean). Empty when shapes do not match.
std::vector<double> OutputShift(BuiltinOp op, const std::vector<int32_t>& shape, const std::vector<float>& err,
                                const std::vector<double>& mean) {
  if (err.empty() || mean.empty() || shape.empty()) return {};
  std::vector<double> shift;
  if (op == BuiltinOperator::CONV_2D || op == BuiltinOperator::FULLY_CONNECTED) {
    const size_t out = static_cast<size_t>(shape[0]);
    const size_t in = static_cast<size_t>(shape.back());
    if (in != mean.size() || out == 0) return {};
    const size_t per_out = err.size() / out;
    shift.assign(out, 0.0);
    for (size_t o = 0; o < out; ++o)
      for (size_t k = 0; k < per_out; ++k) shift[o] += err[o * per_out + k] * mean[k % in];
    return shift;
  }
  if (op == BuiltinOperator::DEPTHWISE_CONV_2D) {
    const size_t out = static_cast<size_t>(shape.back());
    if (out == 0 || out % mean.size() != 0) return {};
    const size_t multiplier = out / mean.size();
    shift.assign(out, 0.0);
    for (size_t i = 0; i < err.size(); ++i) shift[i % out] += err[i] * mean[(i % out) / multiplier];
    return shift;
  }
  return {};
}

}  // namespace

std::vector<bool> KeptFloatNodes(const Model& model, const std::vector<std::string>& keep_float) {
  const Subgraph& g = model.main();
  std::vector<bool> kept(g.operators.size(), false);
  for (const std::string& name : keep_float) {
    // A number is a node index of the main subgraph (as `inspect` and
    // `compare` count nodes).
    if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const size_t node = name.size() > 9 ? g.operators.size() : static_cast<size_t>(std::stoul(name));
      if (node >= g.operators.size())
        Fail("--keep-float {}: the model has {} nodes (0 to {})", name, g.operators.size(), g.operators.size() - 1);
      kept[node] = true;
      continue;
    }
    bool matched = false;
    for (size_t i = 0; i < g.operators.size(); ++i) {
      const Operator& op = g.operators[i];
      bool hit = model.op_code(op).Name() == name;
      for (int32_t t : op.outputs) hit = hit || (t >= 0 && g.tensors[static_cast<size_t>(t)].name == name);
      if (hit) kept[i] = matched = true;
    }
    if (!matched) Fail("--keep-float '{}' names no op and no node output of the model", name);
  }
  return kept;
}

void RequireFloatModel(const Model& model) {
  if (model.subgraphs.size() > 1)
    Fail("the model has {} subgraphs (control flow); quantize takes single-subgraph models", model.subgraphs.size());
  RequireNotQuantized(model);
}

void RequireNotQuantized(const Model& model) {
  if (model.subgraphs.empty()) Fail("the model has no subgraph");
  const Subgraph& g = model.main();
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    const OpCode& code = model.op_code(op);
    if (code.builtin == BuiltinOperator::QUANTIZE)
      Fail("the model is already quantized: it has a QUANTIZE node ({}); quantize takes a float model", NodeName(model, i));
    for (int32_t t : op.outputs) {
      if (t < 0) continue;
      const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
      if ((tensor.dtype == DType::INT8 || tensor.dtype == DType::UINT8 || tensor.dtype == DType::INT16) &&
          tensor.quantization && tensor.quantization->IsAffine())
        Fail("the model is already quantized: activation '{}' is {}; quantize takes a float model", tensor.name,
             DTypeName(tensor.dtype));
    }
  }
  for (int32_t t : g.inputs) {
    const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
    if (tensor.quantization && tensor.quantization->IsAffine() && tensor.dtype != DType::FLOAT32)
      Fail("the model is already quantized: input '{}' is {}; quantize takes a float model", tensor.name,
           DTypeName(tensor.dtype));
  }
}

void RequireQuantizableFloatModel(const Model& model, const std::vector<std::string>& keep_float, bool int16x8) {
  RequireFloatModel(model);
  const Subgraph& g = model.main();
  SpecOptions probe;
  const std::vector<bool> kept = KeptFloatNodes(model, keep_float);
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    if (kept[i]) continue;
    const OpCode& code = model.op_code(op);
    if (code.builtin == BuiltinOperator::DEQUANTIZE) {
      const Tensor& in = g.tensors[static_cast<size_t>(op.inputs.at(0))];
      if (IsConstant(model, in)) continue;  // folded before quantizing
    }
    RequireSpec(model, i, probe, int16x8);
  }
}

Model FoldConstantDequantize(const Model& model, size_t* folded) {
  Model m = model;
  Subgraph& g = m.subgraphs.at(0);
  std::vector<Operator> kept;
  size_t n = 0;
  for (const Operator& op : g.operators) {
    const OpCode& code = m.op_code(op);
    if (code.builtin == BuiltinOperator::DEQUANTIZE && op.inputs.size() == 1 && op.outputs.size() == 1 &&
        op.inputs[0] >= 0 && IsConstant(m, g.tensors[static_cast<size_t>(op.inputs[0])])) {
      const Tensor in = g.tensors[static_cast<size_t>(op.inputs[0])];
      Tensor& out = g.tensors[static_cast<size_t>(op.outputs[0])];
      out.buffer = AddBuffer(m, ConstantFloats(m, in));
      out.dtype = DType::FLOAT32;
      out.quantization.reset();
      ++n;
      continue;
    }
    kept.push_back(op);
  }
  g.operators = std::move(kept);
  if (folded) *folded = n;
  return m;
}

Model RewriteInt8(const Model& model, const Calibration& cal, const RewriteOptions& options, RewriteSummary* summary) {
  RewriteSummary sum;
  Model m = model;
  Subgraph& g = m.subgraphs.at(0);
  const size_t num_tensors = g.tensors.size();
  if (options.int16x8 && options.io != IoType::kFloat32)
    Fail("--io {} applies to --scheme int8; int16x8 models keep float32 inputs and outputs", IoTypeName(options.io));
  if (cal.tensors.size() != num_tensors) Fail("calibration does not match the model ({} tensors vs {})", cal.tensors.size(), num_tensors);

  // 1. Each node's spec, and each tensor's role.
  std::vector<OpQuantSpec> specs;
  enum class Role { kNone, kActivation, kWeights, kBias };
  std::vector<Role> role(num_tensors, Role::kNone);
  std::vector<int> weight_axis(num_tensors, -1);
  auto assign = [&](int32_t t, Role r, size_t node) {
    if (t < 0) return;
    Role& cur = role[static_cast<size_t>(t)];
    if (cur != Role::kNone && cur != r)
      Fail("tensor '{}' is used both as weights/bias and otherwise ({}); quantize cannot give it one int8 form",
           g.tensors[static_cast<size_t>(t)].name, NodeName(m, node));
    cur = r;
  };
  const std::vector<bool> kept = KeptFloatNodes(m, options.keep_float);
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    if (kept[i]) {
      // Float: its operands keep their roles from the int8 nodes around it.
      OpQuantSpec none;
      none.inputs.assign(op.inputs.size(), Operand::kUntouched);
      specs.push_back(none);
      continue;
    }
    const OpQuantSpec spec = RequireSpec(m, i, options.spec, options.int16x8);
    for (size_t k = 0; k < op.inputs.size(); ++k) {
      switch (spec.inputs[k]) {
        case Operand::kActivation: assign(op.inputs[k], Role::kActivation, i); break;
        case Operand::kWeights:
          assign(op.inputs[k], Role::kWeights, i);
          if (!IsConstant(m, g.tensors[static_cast<size_t>(op.inputs[k])]))
            Fail("{}: its weights '{}' are not constant; quantize needs constant weights", NodeName(m, i),
                 g.tensors[static_cast<size_t>(op.inputs[k])].name);
          weight_axis[static_cast<size_t>(op.inputs[k])] = spec.weight_axis;
          break;
        case Operand::kBias:
          assign(op.inputs[k], Role::kBias, i);
          if (!IsConstant(m, g.tensors[static_cast<size_t>(op.inputs[k])]))
            Fail("{}: its bias '{}' is not constant; quantize needs a constant bias", NodeName(m, i),
                 g.tensors[static_cast<size_t>(op.inputs[k])].name);
          break;
        case Operand::kUntouched: break;
      }
    }
    for (int32_t t : op.outputs)
      if (t >= 0 && g.tensors[static_cast<size_t>(t)].dtype == DType::FLOAT32) assign(t, Role::kActivation, i);
    specs.push_back(spec);
  }
  // Graph inputs become int8 unless only float nodes read them.
  std::set<int32_t> read_by_int8, read_by_float;
  for (size_t i = 0; i < g.operators.size(); ++i)
    for (int32_t t : g.operators[i].inputs) (kept[i] ? read_by_float : read_by_int8).insert(t);
  for (int32_t t : g.inputs)
    if (g.tensors[static_cast<size_t>(t)].dtype == DType::FLOAT32 && (read_by_int8.count(t) || !read_by_float.count(t)))
      role[static_cast<size_t>(t)] = Role::kActivation;

  // 2. Groups of activations that must share parameters, and fixed ranges.
  UnionFind groups(num_tensors);
  std::map<int, AffineParams> fixed;  // tensor -> required parameters
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    const OpQuantSpec& s = specs[i];
    if (op.outputs.empty() || op.outputs[0] < 0) continue;
    const int out = op.outputs[0];
    if (s.output == OutputRule::kSameAsInput && !op.inputs.empty() && op.inputs[0] >= 0 &&
        role[static_cast<size_t>(op.inputs[0])] == Role::kActivation)
      groups.Join(out, op.inputs[0]);
    if (s.inputs_share_output)
      for (size_t k = 0; k < op.inputs.size(); ++k)
        if (s.inputs[k] == Operand::kActivation && op.inputs[k] >= 0) groups.Join(op.inputs[k], out);
    if (s.output == OutputRule::kFixed) fixed[out] = AffineParams{s.fixed_scale, s.fixed_zero_point};
  }
  struct Group {
    bool has_range = false;
    float lo = 0, hi = 0;
    std::optional<AffineParams> fixed;
    int fixed_from = -1;
  };
  // Clipping trades the rare large values for resolution; at a classifier's
  // logits (what SOFTMAX/LOGISTIC read, and the graph outputs) the largest
  // value is the answer, so those keep the whole calibrated range.
  std::vector<bool> keeps_extremes(num_tensors, false);
  for (int32_t t : g.outputs) keeps_extremes[static_cast<size_t>(t)] = true;
  for (const Operator& op : g.operators) {
    const BuiltinOp b = m.op_code(op).builtin;
    if ((b == BuiltinOperator::SOFTMAX || b == BuiltinOperator::LOGISTIC) && !op.inputs.empty() && op.inputs[0] >= 0)
      keeps_extremes[static_cast<size_t>(op.inputs[0])] = true;
  }
  // ...and so does every tensor sharing parameters with one of them.
  {
    std::set<int> roots;
    for (size_t t = 0; t < num_tensors; ++t)
      if (keeps_extremes[t]) roots.insert(groups.Find(static_cast<int>(t)));
    for (size_t t = 0; t < num_tensors; ++t)
      if (roots.count(groups.Find(static_cast<int>(t)))) keeps_extremes[t] = true;
  }
  std::map<int, Group> group_of;
  for (size_t t = 0; t < num_tensors; ++t) {
    if (role[t] != Role::kActivation) continue;
    Group& grp = group_of[groups.Find(static_cast<int>(t))];
    const Tensor& tensor = g.tensors[t];
    std::pair<float, float> r;
    bool have = false;
    if (IsConstant(m, tensor)) {
      auto v = ConstantFloats(m, tensor);
      if (!v.empty()) {
        auto [mn, mx] = std::minmax_element(v.begin(), v.end());
        r = {*mn, *mx};
        have = true;
      }
    } else if (cal.tensors[t].seen) {
      // At 16 bits rounding is 256 times finer and clipping buys nothing:
      // int16x8 keeps the whole calibrated range (min/max, as the converter).
      r = ChooseRange(cal.tensors[t], keeps_extremes[t] || options.int16x8 ? RangeMethod{} : options.method);
      have = true;
    }
    if (have) {
      grp.lo = grp.has_range ? std::min(grp.lo, r.first) : r.first;
      grp.hi = grp.has_range ? std::max(grp.hi, r.second) : r.second;
      grp.has_range = true;
    }
    auto f = fixed.find(static_cast<int>(t));
    if (f != fixed.end()) {
      if (grp.fixed && (grp.fixed->scale != f->second.scale || grp.fixed->zero_point != f->second.zero_point))
        Fail("tensors '{}' and '{}' must share int8 parameters but need two different fixed ranges", tensor.name,
             g.tensors[static_cast<size_t>(grp.fixed_from)].name);
      grp.fixed = f->second;
      grp.fixed_from = static_cast<int>(t);
    }
  }

  // 3. Activations to int8 (asymmetric), or to int16 (symmetric, zero
  // point 0) for int16x8.
  const DType act_type = options.int16x8 ? DType::INT16 : DType::INT8;
  std::vector<AffineParams> act_params(num_tensors);
  for (size_t t = 0; t < num_tensors; ++t) {
    if (role[t] != Role::kActivation) continue;
    const Group& grp = group_of[groups.Find(static_cast<int>(t))];
    Tensor& tensor = g.tensors[t];
    if (!grp.has_range && !grp.fixed)
      Fail("tensor '{}' was never computed during calibration; its range is unknown", tensor.name);
    AffineParams p;
    if (grp.fixed) {
      p = *grp.fixed;
    } else if (options.int16x8) {
      const float bound = std::max(std::fabs(grp.lo), std::fabs(grp.hi));
      p = AffineParams{bound > 0 ? bound / 32767.0f : 1.0f, 0};
    } else {
      p = AsymmetricParams(grp.lo, grp.hi, -128, 127);
    }
    act_params[t] = p;
    if (IsConstant(m, tensor)) {
      auto v = ConstantFloats(m, tensor);
      if (options.int16x8) {
        std::vector<int16_t> q(v.size());
        for (size_t i = 0; i < v.size(); ++i)
          q[i] = static_cast<int16_t>(std::clamp(std::round(v[i] / p.scale), -32768.0f, 32767.0f));
        tensor.buffer = AddBuffer(m, q);
      } else {
        std::vector<int8_t> q(v.size());
        for (size_t i = 0; i < v.size(); ++i)
          q[i] = static_cast<int8_t>(std::clamp(std::round(v[i] / p.scale) + p.zero_point, -128.0f, 127.0f));
        tensor.buffer = AddBuffer(m, q);
      }
    }
    tensor.dtype = act_type;
    tensor.quantization = PerTensor(p.scale, p.zero_point);
  }

  // 4. Weights, then biases (which need the weights' scales). The smallest
  // weight scale per channel that keeps each bias within int32 with room
  // for the accumulation.
  constexpr double kInt32Max = 2147483647.0;
  std::vector<std::vector<double>> min_scale(num_tensors);
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    for (size_t k = 0; k < op.inputs.size(); ++k) {
      // int16x8 biases are int64: any weight scale fits.
      if (specs[i].inputs[k] != Operand::kBias || options.int16x8) continue;
      const size_t w = static_cast<size_t>(op.inputs[1]);
      const double in_scale = act_params[static_cast<size_t>(op.inputs[0])].scale;
      const auto bias = ConstantFloats(m, g.tensors[static_cast<size_t>(op.inputs[k])]);
      const int axis = weight_axis[w];
      const size_t channels = axis >= 0 ? static_cast<size_t>(g.tensors[w].shape[static_cast<size_t>(axis)]) : 1;
      std::vector<double>& ms = min_scale[w];
      ms.resize(channels, 0.0);
      // The accumulator starts at the bias and adds every product
      // w * (x - zero_point): at most 127 * 255 per tap. A bias near the
      // int32 limit would leave no room for them (TFLite's accumulation
      // wraps), so the bias keeps that much headroom, and half a step more
      // for its rounding.
      const double taps = static_cast<double>(ConstantFloats(m, g.tensors[w]).size()) /
                          static_cast<double>(std::max<size_t>(bias.size(), 1));
      const double room = std::max(kInt32Max - 1.0 - 127.0 * 255.0 * taps, kInt32Max / 2);
      for (size_t c = 0; c < bias.size(); ++c) {
        const double need = std::fabs(static_cast<double>(bias[c])) / (in_scale * room);
        double& slot = ms[channels > 1 ? std::min(c, channels - 1) : 0];
        slot = std::max(slot, need * (1.0 + 1e-6));
      }
    }
  }
  std::vector<std::vector<float>> weight_scales(num_tensors);
  std::vector<std::vector<float>> weight_error(num_tensors);  // dequantized - float, for bias correction
  for (size_t t = 0; t < num_tensors; ++t) {
    if (role[t] != Role::kWeights) continue;
    Tensor& tensor = g.tensors[t];
    const int axis = weight_axis[t];
    if (axis >= static_cast<int>(tensor.shape.size())) Fail("weights '{}' have no axis {}", tensor.name, axis);
    QuantizedWeights q = SymmetricInt8(ConstantFloats(m, tensor), tensor.shape, axis, min_scale[t],
                                       !options.spec.per_channel);
    tensor.buffer = AddBuffer(m, q.values);
    tensor.dtype = DType::INT8;
    Quantization qp;
    qp.scale = q.scales;
    qp.zero_point.assign(q.scales.size(), 0);
    qp.axis = axis >= 0 ? axis : 0;
    tensor.quantization = qp;
    weight_scales[t] = q.scales;
    if (options.bias_correction) {
      const auto w = ConstantFloats(model, model.main().tensors[t]);
      std::vector<float>& err = weight_error[t];
      err.resize(w.size());
      size_t inner = 1, channels = q.scales.size();
      if (axis >= 0)
        for (size_t d = static_cast<size_t>(axis) + 1; d < tensor.shape.size(); ++d) inner *= static_cast<size_t>(tensor.shape[d]);
      for (size_t i = 0; i < w.size(); ++i)
        err[i] = q.values[i] * q.scales[axis >= 0 ? (i / inner) % channels : 0] - w[i];
    }
    ++sum.weight_tensors;
    if (axis >= 0) ++sum.per_channel_weights;
  }
  std::vector<bool> bias_done(num_tensors, false);
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    const OpQuantSpec& s = specs[i];
    for (size_t k = 0; k < op.inputs.size(); ++k) {
      if (s.inputs[k] != Operand::kBias) continue;
      const size_t b = static_cast<size_t>(op.inputs[k]);
      if (bias_done[b]) Fail("bias '{}' is shared by several nodes; quantize needs one bias per node", g.tensors[b].name);
      bias_done[b] = true;
      const float in_scale = act_params[static_cast<size_t>(op.inputs[0])].scale;
      const std::vector<float>& ws = weight_scales[static_cast<size_t>(op.inputs[1])];
      Tensor& bias = g.tensors[b];
      auto v = ConstantFloats(m, bias);
      std::vector<float> scales(ws.size());
      for (size_t c = 0; c < ws.size(); ++c) scales[c] = in_scale * ws[c];
      if (ws.size() > 1 && v.size() != ws.size())
        Fail("{}: bias '{}' has {} values for {} weight channels", NodeName(m, i), bias.name, v.size(), ws.size());
      if (options.bias_correction) {
        const size_t in = static_cast<size_t>(op.inputs[0]);
        const auto shift = OutputShift(m.op_code(op).builtin, g.tensors[static_cast<size_t>(op.inputs[1])].shape,
                                       weight_error[static_cast<size_t>(op.inputs[1])], cal.tensors[in].channel_mean);
        if (shift.size() == v.size()) {
          for (size_t j = 0; j < v.size(); ++j) v[j] -= static_cast<float>(shift[j]);
          ++sum.corrected_biases;
        }
      }
      if (options.int16x8) {
        // int16x8: int64 biases, as the converter writes them and TFLite's
        // int16 conv, depthwise and fully connected kernels read them (64-bit
        // accumulation).
        // Clamped far inside int64 (the runtime adds it to a 64-bit sum of
        // int16 x int8 products): a bias over 2^48 steps is already beyond
        // anything int16 output can show. Infinities clamp too; NaN is 0.
        constexpr double kBound = 281474976710656.0;  // 2^48
        std::vector<int64_t> q(v.size());
        for (size_t j = 0; j < v.size(); ++j) {
          const double r = std::round(static_cast<double>(v[j]) / scales[ws.size() > 1 ? j : 0]);
          q[j] = std::isnan(r) ? 0 : static_cast<int64_t>(std::clamp(r, -kBound, kBound));
        }
        bias.buffer = AddBuffer(m, q);
        bias.dtype = DType::INT64;
      } else {
        std::vector<int32_t> q(v.size());
        for (size_t j = 0; j < v.size(); ++j) {
          const double r = std::round(static_cast<double>(v[j]) / scales[ws.size() > 1 ? j : 0]);
          q[j] = static_cast<int32_t>(std::clamp<double>(r, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
        }
        bias.buffer = AddBuffer(m, q);
        bias.dtype = DType::INT32;
      }
      Quantization qp;
      qp.scale = scales;
      qp.zero_point.assign(scales.size(), 0);
      qp.axis = 0;
      bias.quantization = qp;
      ++sum.bias_tensors;
    }
  }
  sum.quantized_nodes = g.operators.size();
  // int16 ADD and SUB: general scales. The schema's default (true) would
  // have TFLite take its power-of-two-scale path, which these scales are not.
  if (options.int16x8)
    for (size_t i = 0; i < g.operators.size(); ++i) {
      if (kept[i]) continue;
      if (auto* o = g.operators[i].options.AsAddOptions()) o->pot_scale_int16 = false;
      if (auto* o = g.operators[i].options.AsSubOptions()) o->pot_scale_int16 = false;
    }

  // 5a. Float nodes: DEQUANTIZE for each int8 input, and where an int8 node
  // (or an int8 graph edge) reads an output, the node writes a float copy
  // that a QUANTIZE turns into it.
  std::vector<int> float_versions;
  std::vector<bool> float_node;
  {
    std::vector<Operator> core;
    const uint32_t dequantize_code = FindOrAddOpCode(m, BuiltinOperator::DEQUANTIZE);
    const uint32_t quantize_code = FindOrAddOpCode(m, BuiltinOperator::QUANTIZE);
    std::map<int32_t, int32_t> dequantized;  // int8 tensor -> its float copy
    auto float_copy = [&](int32_t t, const char* suffix) {
      Tensor copy = g.tensors[static_cast<size_t>(t)];
      copy.dtype = DType::FLOAT32;
      copy.quantization.reset();
      copy.buffer = 0;
      copy.name += suffix;
      g.tensors.push_back(copy);
      return static_cast<int32_t>(g.tensors.size() - 1);
    };
    for (size_t i = 0; i < g.operators.size(); ++i) {
      Operator op = g.operators[i];
      const int version = m.op_code(op).version;
      if (!kept[i]) {
        core.push_back(op);
        float_versions.push_back(version);
        float_node.push_back(false);
        continue;
      }
      ++sum.float_nodes;
      --sum.quantized_nodes;
      for (int32_t& in : op.inputs) {
        if (in < 0 || static_cast<size_t>(in) >= num_tensors || role[static_cast<size_t>(in)] != Role::kActivation) continue;
        auto it = dequantized.find(in);
        if (it == dequantized.end()) {
          Operator d;
          d.opcode_index = dequantize_code;
          d.inputs = {in};
          const int32_t f = float_copy(in, "_float");
          d.outputs = {f};
          d.options.Set(tflite::DequantizeOptionsT{});
          core.push_back(d);
          float_versions.push_back(1);
          float_node.push_back(false);
          ++sum.float_boundary_nodes;
          it = dequantized.emplace(in, f).first;
        }
        in = it->second;
      }
      std::vector<Operator> after;
      for (int32_t& out : op.outputs) {
        if (out < 0 || role[static_cast<size_t>(out)] != Role::kActivation) continue;
        const int32_t f = float_copy(out, "_float");
        Operator q;
        q.opcode_index = quantize_code;
        q.inputs = {f};
        q.outputs = {out};
        q.options.Set(tflite::QuantizeOptionsT{});
        after.push_back(q);
        out = f;
      }
      core.push_back(op);
      float_versions.push_back(version);
      float_node.push_back(true);
      for (auto& q : after) {
        core.push_back(q);
        float_versions.push_back(1);
        float_node.push_back(false);
        ++sum.float_boundary_nodes;
      }
    }
    g.operators = std::move(core);
  }

  // 5b. Edges: QUANTIZE/DEQUANTIZE for float I/O, requantizing to uint8 for uint8 I/O.
  std::vector<Operator> head, tail;
  std::map<int32_t, int32_t> renamed;  // old graph I/O tensor -> new
  auto edge_tensor = [&](int32_t old_index) -> int32_t {
    Tensor copy = g.tensors[static_cast<size_t>(old_index)];
    const AffineParams p = act_params[static_cast<size_t>(old_index)];
    copy.buffer = 0;
    if (options.io == IoType::kFloat32) {
      copy.dtype = DType::FLOAT32;
      copy.quantization.reset();
    } else {
      copy.dtype = DType::UINT8;
      copy.quantization = PerTensor(p.scale, p.zero_point + 128);
    }
    g.tensors[static_cast<size_t>(old_index)].name += options.int16x8 ? "_int16" : "_int8";
    g.tensors.push_back(copy);
    return static_cast<int32_t>(g.tensors.size() - 1);
  };
  if (options.io != IoType::kInt8) {
    const uint32_t quantize = FindOrAddOpCode(m, BuiltinOperator::QUANTIZE);
    const uint32_t out_code = options.io == IoType::kFloat32 ? FindOrAddOpCode(m, BuiltinOperator::DEQUANTIZE) : quantize;
    for (int32_t& in : g.inputs) {
      if (role[static_cast<size_t>(in)] != Role::kActivation) continue;
      const int32_t outer = edge_tensor(in);
      Operator q;
      q.opcode_index = quantize;
      q.inputs = {outer};
      q.outputs = {in};
      head.push_back(q);
      renamed[in] = outer;
      in = outer;
    }
    for (int32_t& out : g.outputs) {
      if (role[static_cast<size_t>(out)] != Role::kActivation) continue;
      const int32_t outer = edge_tensor(out);
      Operator d;
      d.opcode_index = out_code;
      d.inputs = {out};
      d.outputs = {outer};
      if (options.io == IoType::kFloat32) d.options.Set(tflite::DequantizeOptionsT{});
      else d.options.Set(tflite::QuantizeOptionsT{});
      tail.push_back(d);
      renamed[out] = outer;
      out = outer;
    }
    for (auto& h : head)
      h.options.Set(tflite::QuantizeOptionsT{});
    sum.edge_nodes = head.size() + tail.size();
  }
  std::vector<Operator> ops = head;
  ops.insert(ops.end(), g.operators.begin(), g.operators.end());
  ops.insert(ops.end(), tail.begin(), tail.end());
  std::vector<int> versions(head.size(), 1);
  versions.insert(versions.end(), float_versions.begin(), float_versions.end());
  versions.insert(versions.end(), tail.size(), 1);
  std::vector<bool> is_float(head.size(), false);
  is_float.insert(is_float.end(), float_node.begin(), float_node.end());
  is_float.insert(is_float.end(), tail.size(), false);
  g.operators = std::move(ops);
  for (auto& sig : m.signatures) {
    if (sig.subgraph_index != 0) continue;
    for (auto& st : sig.inputs)
      if (auto it = renamed.find(static_cast<int32_t>(st.tensor_index)); it != renamed.end()) st.tensor_index = static_cast<uint32_t>(it->second);
    for (auto& st : sig.outputs)
      if (auto it = renamed.find(static_cast<int32_t>(st.tensor_index)); it != renamed.end()) st.tensor_index = static_cast<uint32_t>(it->second);
  }

  // 6. Op versions: the highest any node of each op code needs.
  std::vector<int> code_version(m.op_codes.size(), 0);
  for (size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    const int v = is_float[i] ? versions[i]
                  : options.int16x8 ? Int16x8OpVersion(m, g, op, versions[i])
                                    : Int8OpVersion(m, g, op, versions[i]);
    code_version[op.opcode_index] = std::max(code_version[op.opcode_index], v);
  }
  for (size_t c = 0; c < m.op_codes.size(); ++c)
    if (code_version[c] > 0) m.op_codes[c].version = code_version[c];

  // 7. Data no node or graph edge reads any more (the float weights, the
  // float16 constants behind folded DEQUANTIZEs) is dropped: the buffer stays,
  // empty, so indices hold, and a tensor nothing reads loses its buffer.
  std::set<int32_t> live(g.inputs.begin(), g.inputs.end());
  live.insert(g.outputs.begin(), g.outputs.end());
  for (const Operator& op : g.operators) {
    live.insert(op.inputs.begin(), op.inputs.end());
    live.insert(op.outputs.begin(), op.outputs.end());
    live.insert(op.intermediates.begin(), op.intermediates.end());
  }
  for (size_t t = 0; t < g.tensors.size(); ++t)
    if (!live.count(static_cast<int32_t>(t))) g.tensors[t].buffer = 0;
  ClearUnusedBuffers(m);

  if (summary) *summary = sum;
  return m;
}

}  // namespace tfd::quantize
