#include "analysis/compare/compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include <fmt/format.h>

#include "graph/dtype.h"
#include "graph/topology.h"
#include "interpreter/interpreter.h"
#include "util/error.h"

namespace tfd {
namespace {

std::optional<std::pair<int32_t, int32_t>> IntegerRange(DType t) {
  switch (t) {
    case DType::INT8: return std::make_pair(-128, 127);
    case DType::UINT8: return std::make_pair(0, 255);
    case DType::INT16: return std::make_pair(-32768, 32767);
    default: return std::nullopt;
  }
}

std::optional<QuantizedRange> RangeOf(const Tensor& t) {
  auto ints = IntegerRange(t.dtype);
  if (!ints || !t.quantization || !t.quantization->IsAffine() || t.quantization->IsPerChannel()) return std::nullopt;
  QuantizedRange r;
  r.scale = t.quantization->scale[0];
  r.zero_point = t.quantization->zero_point.empty() ? 0 : t.quantization->zero_point[0];
  r.min = r.scale * static_cast<double>(ints->first - r.zero_point);
  r.max = r.scale * static_cast<double>(ints->second - r.zero_point);
  return r;
}

// Real values of a running tensor, or nullopt when it does not hold real
// values (shape tensors, indices, strings...).
std::optional<std::vector<float>> RealValues(const RuntimeTensor& t) {
  const int64_t n = t.NumElements();
  std::vector<float> out(static_cast<size_t>(n));
  if (t.dtype == DType::FLOAT32) {
    std::memcpy(out.data(), t.data, static_cast<size_t>(n) * sizeof(float));
    return out;
  }
  const Quantization* q = t.quant();
  if (q == nullptr || q->IsPerChannel()) return std::nullopt;
  const float scale = q->scale[0];
  const float zp = q->zero_point.empty() ? 0.0f : static_cast<float>(q->zero_point[0]);
  auto fill = [&](auto* data) {
    for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = (static_cast<float>(data[i]) - zp) * scale;
  };
  switch (t.dtype) {
    case DType::INT8: fill(t.As<int8_t>()); break;
    case DType::UINT8: fill(t.As<uint8_t>()); break;
    case DType::INT16: fill(t.As<int16_t>()); break;
    case DType::INT32: fill(t.As<int32_t>()); break;
    default: return std::nullopt;
  }
  return out;
}

// Writes real values into an input of any supported type.
void FeedInput(Interpreter& interp, size_t i, const std::vector<float>& values, const std::string& model_name) {
  RuntimeTensor& t = interp.input(i);
  if (static_cast<int64_t>(values.size()) != t.NumElements())
    Fail("{} input {} ('{}') has {} elements, the sample has {}", model_name, i, t.name(), t.NumElements(), values.size());
  std::vector<uint8_t> bytes;
  auto quantize = [&](auto dummy, int32_t lo, int32_t hi) {
    using T = decltype(dummy);
    const Quantization* q = t.quant();
    if (q == nullptr) Fail("{} input {} ('{}') is {} without quantization parameters", model_name, i, t.name(), DTypeName(t.dtype));
    const double scale = q->scale[0];
    const double zp = q->zero_point.empty() ? 0 : static_cast<double>(q->zero_point[0]);
    bytes.resize(values.size() * sizeof(T));
    for (size_t k = 0; k < values.size(); ++k) {
      double v = std::round(values[k] / scale) + zp;
      T qv = static_cast<T>(std::min<double>(hi, std::max<double>(lo, v)));
      std::memcpy(bytes.data() + k * sizeof(T), &qv, sizeof(T));
    }
  };
  switch (t.dtype) {
    case DType::FLOAT32:
      bytes.resize(values.size() * sizeof(float));
      std::memcpy(bytes.data(), values.data(), bytes.size());
      break;
    case DType::INT8: quantize(int8_t{}, -128, 127); break;
    case DType::UINT8: quantize(uint8_t{}, 0, 255); break;
    case DType::INT16: quantize(int16_t{}, -32768, 32767); break;
    default: Fail("{} input {} ('{}') has type {}, which compare cannot feed", model_name, i, t.name(), DTypeName(t.dtype));
  }
  interp.SetInput(i, t.dtype, t.shape, bytes.data(), bytes.size());
}

// Runs a model on one sample and keeps the real values of `wanted` tensors.
std::map<int, std::vector<float>> Capture(Interpreter& interp, const Sample& sample, const std::vector<int>& wanted,
                                          const std::string& model_name) {
  if (sample.size() != interp.num_inputs())
    Fail("{} has {} inputs, the sample has {}", model_name, interp.num_inputs(), sample.size());
  std::vector<bool> want(interp.model().main().tensors.size(), false);
  for (int t : wanted) want[static_cast<size_t>(t)] = true;
  std::map<int, std::vector<float>> captured;
  interp.SetObserver([&](int subgraph, int, int tensor, const RuntimeTensor& t) {
    if (subgraph != 0 || !want[static_cast<size_t>(tensor)] || t.data == nullptr) return;
    if (auto values = RealValues(t)) captured[tensor] = std::move(*values);
  });
  for (size_t i = 0; i < sample.size(); ++i) FeedInput(interp, i, sample[i], model_name);
  interp.Invoke();
  interp.SetObserver(nullptr);
  return captured;
}

double NoiseToSignal(const ErrorStats& s) {
  const double sqnr = s.sqnr_db();
  if (std::isinf(sqnr)) return sqnr > 0 ? 0.0 : 1.0;
  return std::pow(10.0, -sqnr / 10.0);
}

bool LooksLikeClassifier(const std::vector<int32_t>& shape) {
  if (shape.empty() || shape.back() < 2) return false;
  int64_t outer = 1;
  for (size_t d = 0; d + 1 < shape.size(); ++d) outer *= shape[d];
  return outer == 1;
}

template <typename T>
int64_t ArgMax(const std::vector<T>& v) {
  return std::distance(v.begin(), std::max_element(v.begin(), v.end()));
}

// Output-channel axis of a weight tensor, or -1 when the op has none.
int WeightChannelAxis(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::CONV_2D:
    case BuiltinOp::FULLY_CONNECTED:
    case BuiltinOp::TRANSPOSE_CONV: return 0;
    case BuiltinOp::DEPTHWISE_CONV_2D: return 3;
    default: return -1;
  }
}

void AddEvidence(const Model& deployed, const LayerComparison& layer, Suspect& s) {
  const Subgraph& g = deployed.main();
  // 1. Activation range: clipping, or a range far wider than the values.
  if (layer.range) {
    const QuantizedRange& r = *layer.range;
    const double clipped = layer.stats.clipped_share();
    if (clipped > 0.001) {
      s.causes.push_back("clipping");
      s.evidence.push_back(fmt::format(
          "activation range clips {:.1f}% of values ({:.1f}% below, {:.1f}% above): the float values seen span "
          "[{:.4g}, {:.4g}] but scale {:.4g} and zero point {} represent only [{:.4g}, {:.4g}]",
          100 * clipped, 100 * layer.stats.clipped_low_share(), 100 * layer.stats.clipped_high_share(),
          layer.stats.reference_min(), layer.stats.reference_max(), r.scale, r.zero_point, r.min, r.max));
    }
    auto ints = IntegerRange(layer.dtype);
    const double seen = layer.stats.reference_max() - layer.stats.reference_min();
    if (ints && seen > 0) {
      // The zero point that fits the values seen at this scale.
      const double levels = ints->second - ints->first;
      const double fit_zp = std::round(ints->first - layer.stats.reference_min() / r.scale);
      const double used_levels = seen / r.scale;
      if (used_levels <= levels && std::abs(fit_zp - r.zero_point) > std::max(2.0, 0.05 * levels) && clipped > 0.001) {
        s.causes.push_back("zero-point");
        s.evidence.push_back(fmt::format(
            "zero point {} is {} steps off: at scale {:.4g} the values seen [{:.4g}, {:.4g}] fit zero point {:.0f}",
            r.zero_point, static_cast<int64_t>(std::abs(fit_zp - r.zero_point)), r.scale, layer.stats.reference_min(),
            layer.stats.reference_max(), fit_zp));
      }
      if (used_levels < 0.1 * levels && clipped <= 0.001) {
        s.causes.push_back("range-too-wide");
        s.evidence.push_back(fmt::format(
            "values seen use only {:.0f} of {:.0f} quantization levels (range [{:.4g}, {:.4g}] vs representable "
            "[{:.4g}, {:.4g}]): the scale is too coarse for this data",
            used_levels, levels, layer.stats.reference_min(), layer.stats.reference_max(), r.min, r.max));
      }
    }
  }
  if (layer.pair.deployed_node < 0) return;
  const Operator& op = g.operators[static_cast<size_t>(layer.pair.deployed_node)];
  // 2. Weights quantized per tensor although channel ranges differ widely.
  const int axis = WeightChannelAxis(deployed.op_code(op).builtin);
  if (axis >= 0 && op.inputs.size() > 1 && op.inputs[1] >= 0) {
    const Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
    const auto* data = deployed.ConstantData(w);
    if (data && w.quantization && w.quantization->scale.size() == 1 && w.dtype == DType::INT8 &&
        static_cast<size_t>(axis) < w.shape.size()) {
      const int64_t channels = w.shape[static_cast<size_t>(axis)];
      int64_t inner = 1;
      for (size_t d = static_cast<size_t>(axis) + 1; d < w.shape.size(); ++d) inner *= w.shape[d];
      std::vector<int> absmax(static_cast<size_t>(channels), 0);
      const auto* q = reinterpret_cast<const int8_t*>(data->data());
      for (size_t i = 0; i < data->size(); ++i) {
        size_t c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
        absmax[c] = std::max(absmax[c], std::abs(static_cast<int>(q[i]) - static_cast<int>(w.quantization->zero_point.empty() ? 0 : w.quantization->zero_point[0])));
      }
      std::vector<int> sorted = absmax;
      std::sort(sorted.begin(), sorted.end());
      const int largest = sorted.back();
      const int median = sorted[sorted.size() / 2];
      if (channels > 1 && largest > 0 && median > 0 && static_cast<double>(largest) / median >= 4.0) {
        s.causes.push_back("per-tensor-weights");
        s.evidence.push_back(fmt::format(
            "weights '{}' are quantized per tensor, but output channels' ranges differ {:.0f}x (median channel uses "
            "{} of 127 levels, smallest {}): per-channel quantization would give every channel the full int8 range",
            w.name, static_cast<double>(largest) / median, median, sorted.front()));
      }
    }
  }
  // 3. Scale / zero-point oddities of the output.
  const Tensor& out = g.tensors[static_cast<size_t>(layer.pair.deployed)];
  if (out.quantization && out.quantization->IsAffine()) {
    for (float scale : out.quantization->scale)
      if (!(scale > 0) || !std::isfinite(scale) || scale < 1e-30f) {
        s.causes.push_back("bad-scale");
        s.evidence.push_back(fmt::format("output scale {} is not a usable positive number", scale));
        break;
      }
    if (layer.dtype == DType::INT16 && !out.quantization->zero_point.empty() && out.quantization->zero_point[0] != 0) {
      s.causes.push_back("zero-point");
      s.evidence.push_back(fmt::format("int16 activation with zero point {} (TFLite's 16x8 kernels expect 0)",
                                       out.quantization->zero_point[0]));
    }
  }
}

}  // namespace

CompareInputs RandomCompareInputs(const Model& deployed, uint64_t seed, int count) {
  const Subgraph& g = deployed.main();
  std::vector<std::pair<double, double>> ranges;
  std::vector<int64_t> sizes;
  for (int32_t i : g.inputs) {
    const Tensor& t = g.tensors[static_cast<size_t>(i)];
    auto r = RangeOf(t);
    ranges.push_back(r ? std::make_pair(r->min, r->max) : std::make_pair(-1.0, 1.0));
    auto n = ElementCount(t.shape);
    if (!n) Fail("input '{}' has no static shape", t.name);
    sizes.push_back(*n);
  }
  CompareInputs in;
  in.count = count;
  in.sample = [ranges, sizes, seed](int index) {
    std::mt19937_64 rng(seed * 1000003ULL + static_cast<uint64_t>(index));
    Sample s;
    for (size_t i = 0; i < ranges.size(); ++i) {
      std::uniform_real_distribution<float> dist(static_cast<float>(ranges[i].first), static_cast<float>(ranges[i].second));
      std::vector<float> v(static_cast<size_t>(sizes[i]));
      for (auto& x : v) x = dist(rng);
      s.push_back(std::move(v));
    }
    return s;
  };
  return in;
}

CompareResult CompareModels(const Model& reference, const Model& deployed, const CompareInputs& inputs) {
  if (inputs.count <= 0) Fail("compare needs at least one input sample");
  TensorMatching matching = MatchTensors(reference, deployed);
  const Subgraph& rg = reference.main();
  const Subgraph& dg = deployed.main();
  CompareResult result;
  result.samples = inputs.count;
  for (int t : matching.unmatched_reference) result.unmatched_reference.push_back(rg.tensors[static_cast<size_t>(t)].name);
  for (int t : matching.unmatched_deployed) result.unmatched_deployed.push_back(dg.tensors[static_cast<size_t>(t)].name);

  for (const auto& pair : matching.pairs) {
    LayerComparison layer;
    layer.pair = pair;
    const Tensor& dt = dg.tensors[static_cast<size_t>(pair.deployed)];
    layer.tensor = dt.name;
    layer.reference_tensor = rg.tensors[static_cast<size_t>(pair.reference)].name;
    layer.op = pair.deployed_node < 0 ? "INPUT" : deployed.op_code(dg.operators[static_cast<size_t>(pair.deployed_node)]).Name();
    layer.dtype = dt.dtype;
    layer.range = RangeOf(dt);
    result.layers.push_back(std::move(layer));
  }
  std::vector<int> ref_wanted, dep_wanted;
  for (const auto& l : result.layers) {
    ref_wanted.push_back(l.pair.reference);
    dep_wanted.push_back(l.pair.deployed);
  }
  for (size_t o = 0; o < dg.outputs.size() && o < rg.outputs.size(); ++o) {
    ref_wanted.push_back(rg.outputs[o]);
    dep_wanted.push_back(dg.outputs[o]);
    OutputComparison oc;
    oc.index = static_cast<int>(o);
    const Tensor& t = dg.tensors[static_cast<size_t>(dg.outputs[o])];
    oc.name = t.name;
    // The step of the quantized value behind the output (through a DEQUANTIZE).
    const Tensor& source = dg.tensors[static_cast<size_t>(SourceTensor(deployed, dg.outputs[o]))];
    if (auto r = RangeOf(source)) oc.step = r->scale;
    oc.classifier = LooksLikeClassifier(t.shape);
    result.outputs.push_back(std::move(oc));
  }

  Interpreter ref_interp(reference), dep_interp(deployed);
  for (int k = 0; k < inputs.count; ++k) {
    Sample sample = inputs.sample(k);
    auto ref_values = Capture(ref_interp, sample, ref_wanted, "reference model");
    auto dep_values = Capture(dep_interp, sample, dep_wanted, "deployed model");
    for (auto& layer : result.layers) {
      auto r = ref_values.find(layer.pair.reference);
      auto d = dep_values.find(layer.pair.deployed);
      if (r == ref_values.end() || d == dep_values.end() || r->second.size() != d->second.size()) continue;
      layer.stats.Add(r->second.data(), d->second.data(), static_cast<int64_t>(r->second.size()),
                      layer.range ? &*layer.range : nullptr);
    }
    for (auto& oc : result.outputs) {
      auto r = ref_values.find(rg.outputs[static_cast<size_t>(oc.index)]);
      auto d = dep_values.find(dg.outputs[static_cast<size_t>(oc.index)]);
      if (r == ref_values.end() || d == dep_values.end() || r->second.size() != d->second.size()) continue;
      oc.stats.Add(r->second.data(), d->second.data(), static_cast<int64_t>(r->second.size()));
      if (oc.classifier) {
        oc.top1_total++;
        if (ArgMax(r->second) == ArgMax(d->second)) oc.top1_agree++;
      }
    }
  }

  // Error each layer adds over its inputs.
  std::map<int, size_t> layer_of_deployed;
  for (size_t i = 0; i < result.layers.size(); ++i) layer_of_deployed[result.layers[i].pair.deployed] = i;
  for (auto& layer : result.layers) {
    if (layer.stats.count() == 0) continue;
    double worst_in = 0;
    double worst_in_sqnr = std::numeric_limits<double>::infinity();
    if (layer.pair.deployed_node >= 0) {
      for (int32_t in : dg.operators[static_cast<size_t>(layer.pair.deployed_node)].inputs) {
        if (in < 0) continue;
        auto it = layer_of_deployed.find(SourceTensor(deployed, in));
        if (it == layer_of_deployed.end() || result.layers[it->second].stats.count() == 0) continue;
        worst_in = std::max(worst_in, NoiseToSignal(result.layers[it->second].stats));
        worst_in_sqnr = std::min(worst_in_sqnr, result.layers[it->second].stats.sqnr_db());
      }
    }
    layer.added_noise = NoiseToSignal(layer.stats) - worst_in;
    layer.input_sqnr_db = worst_in_sqnr;
  }

  std::vector<size_t> order(result.layers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return result.layers[a].added_noise > result.layers[b].added_noise; });
  for (size_t i : order) {
    const auto& layer = result.layers[i];
    if (layer.stats.count() == 0 || layer.added_noise <= 0) continue;
    Suspect s;
    s.layer = i;
    s.tensor = layer.tensor;
    s.op = layer.op;
    s.node = layer.pair.deployed_node;
    s.added_noise = layer.added_noise;
    AddEvidence(deployed, layer, s);
    s.evidence.push_back(fmt::format("SQNR falls from {:.1f} dB at its inputs to {:.1f} dB at its output",
                                     layer.input_sqnr_db, layer.stats.sqnr_db()));
    result.suspects.push_back(std::move(s));
  }
  return result;
}

}  // namespace tfd
