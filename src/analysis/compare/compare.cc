#include "analysis/compare/compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "analysis/compare/bias_scale.h"
#include "analysis/compare/copied_quantization.h"
#include "graph/dtype.h"
#include "graph/topology.h"
#include "interpreter/interpreter.h"
#include "util/error.h"
#include "util/thread_pool.h"

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
  if (q == nullptr && (t.dtype == DType::INT32 || t.dtype == DType::INT64)) {
    // Plain integers (class indices from ARG_MAX, counts): their own values.
    if (t.dtype == DType::INT32)
      for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = static_cast<float>(t.As<int32_t>()[i]);
    else
      for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = static_cast<float>(t.As<int64_t>()[i]);
    return out;
  }
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

// Real values as the bytes of a tensor of type `dtype` with quantization `q`
// (rounded and saturated as TFLite's QUANTIZE does).
std::vector<uint8_t> EncodeReal(const std::vector<float>& values, DType dtype, const Quantization* q,
                                const std::string& what) {
  std::vector<uint8_t> bytes;
  auto quantize = [&](auto dummy, int32_t lo, int32_t hi) {
    using T = decltype(dummy);
    if (q == nullptr || q->IsPerChannel()) Fail("{} is {} without per-tensor quantization parameters", what, DTypeName(dtype));
    const double scale = q->scale[0];
    const double zp = q->zero_point.empty() ? 0 : static_cast<double>(q->zero_point[0]);
    bytes.resize(values.size() * sizeof(T));
    T* out = reinterpret_cast<T*>(bytes.data());
    for (size_t k = 0; k < values.size(); ++k) {
      double v = std::round(values[k] / scale) + zp;
      out[k] = static_cast<T>(std::min<double>(hi, std::max<double>(lo, v)));
    }
  };
  switch (dtype) {
    case DType::FLOAT32:
      bytes.resize(values.size() * sizeof(float));
      if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
      break;
    case DType::INT8: quantize(int8_t{}, -128, 127); break;
    case DType::UINT8: quantize(uint8_t{}, 0, 255); break;
    case DType::INT16: quantize(int16_t{}, -32768, 32767); break;
    default: Fail("{} has type {}, which compare cannot feed", what, DTypeName(dtype));
  }
  return bytes;
}

void FeedSample(Interpreter& interp, const CompareSample& sample, bool deployed) {
  const char* model_name = deployed ? "deployed model" : "reference model";
  const auto& raw = deployed ? sample.deployed : sample.reference;
  if (!raw.empty()) {
    if (raw.size() != interp.num_inputs())
      Fail("{} has {} inputs, the sample has {}", model_name, interp.num_inputs(), raw.size());
    for (size_t i = 0; i < raw.size(); ++i) interp.SetInput(i, raw[i].dtype, raw[i].shape, raw[i].bytes.data(), raw[i].bytes.size());
    return;
  }
  if (sample.values.size() != interp.num_inputs())
    Fail("{} has {} inputs, the sample has {}", model_name, interp.num_inputs(), sample.values.size());
  for (size_t i = 0; i < sample.values.size(); ++i) {
    RuntimeTensor& t = interp.input(i);
    if (static_cast<int64_t>(sample.values[i].size()) != t.NumElements())
      Fail("{} input {} ('{}') has {} elements, the sample has {}", model_name, i, t.name(), t.NumElements(),
           sample.values[i].size());
    auto bytes = EncodeReal(sample.values[i], t.dtype, t.quant(), fmt::format("{} input {} ('{}')", model_name, i, t.name()));
    interp.SetInput(i, t.dtype, t.shape, bytes.data(), bytes.size());
  }
}

struct Captured {
  std::map<int, std::vector<float>> values;  // real values of the wanted tensors
  std::map<int, RawInput> raw;               // bytes of the tensors wanted raw
};

// Runs a model on one sample and keeps the real values of `wanted` tensors
// and the bytes of `wanted_raw` ones.
Captured Capture(Interpreter& interp, const CompareSample& sample, bool deployed, const std::vector<bool>& wanted,
                 const std::vector<bool>& wanted_raw) {
  Captured c;
  interp.SetObserver([&](int subgraph, int, int tensor, const RuntimeTensor& t) {
    if (subgraph != 0 || t.data == nullptr) return;
    const auto i = static_cast<size_t>(tensor);
    if (i < wanted.size() && wanted[i])
      if (auto values = RealValues(t)) c.values[tensor] = std::move(*values);
    if (i < wanted_raw.size() && wanted_raw[i]) c.raw[tensor] = {t.dtype, t.shape, std::vector<uint8_t>(t.data, t.data + t.bytes)};
  });
  interp.ResetVariables();  // every sample starts from the initial state
  FeedSample(interp, sample, deployed);
  interp.Invoke();
  interp.SetObserver(nullptr);
  return c;
}

// One matched layer cut out of both models, so that the deployed node and
// its reference node can be run side by side on the same input values.
struct IsolatedNode {
  size_t layer = 0;
  // The deployed node alone (the model outlives the interpreter, which refers to it).
  std::unique_ptr<Model> model;
  std::unique_ptr<Interpreter> interp;
  std::vector<int> input_origin;   // deployed tensor behind each input of the cut-out
  std::vector<int> input_partner;  // its reference partner (through QUANTIZE/...), or -1
  size_t output = 0;               // output of the cut-out holding the layer's tensor
  // The reference node alone, fed the deployed cut-out's input values.
  std::unique_ptr<Model> ref_model;
  std::unique_ptr<Interpreter> ref_interp;
  std::vector<size_t> ref_feed;  // per reference cut-out input: which deployed cut-out input it takes
  size_t ref_output = 0;
};

bool CallsSubgraphs(BuiltinOp op) {
  return op == BuiltinOp::WHILE || op == BuiltinOp::IF || op == BuiltinOp::CALL_ONCE;
}

// The node alone: its tensors, its constants and its operator code. Inputs
// are the non-constant, non-variable tensors it reads; outputs all it writes.
std::unique_ptr<Model> CutOutNode(const Model& source, int node, std::vector<int>& input_origin) {
  const Subgraph& g = source.main();
  auto m = std::make_unique<Model>();
  m->buffers.resize(1);
  m->subgraphs.emplace_back();
  Subgraph& out = m->subgraphs[0];
  Operator op = g.operators[static_cast<size_t>(node)];
  m->op_codes.push_back(source.op_code(op));
  op.opcode_index = 0;
  std::map<int32_t, int32_t> remap;
  auto add = [&](int32_t i, bool is_input) -> int32_t {
    if (i < 0) return i;
    auto it = remap.find(i);
    if (it != remap.end()) return it->second;
    Tensor t = g.tensors[static_cast<size_t>(i)];
    t.buffer = 0;
    if (const auto* data = source.ConstantData(g.tensors[static_cast<size_t>(i)])) {
      m->buffers.push_back({*data});
      t.buffer = static_cast<uint32_t>(m->buffers.size() - 1);
    }
    const bool feed = is_input && t.buffer == 0 && !t.is_variable;
    out.tensors.push_back(std::move(t));
    const auto index = static_cast<int32_t>(out.tensors.size() - 1);
    remap[i] = index;
    if (feed) {
      out.inputs.push_back(index);
      input_origin.push_back(i);
    }
    return index;
  };
  for (auto& i : op.inputs) i = add(i, true);
  for (auto& i : op.outputs) {
    i = add(i, false);
    out.outputs.push_back(i);
  }
  for (auto& i : op.intermediates) i = add(i, false);
  out.operators.push_back(std::move(op));
  return m;
}

double NoiseToSignal(const ErrorStats& s) {
  const double sqnr = s.sqnr_db();
  if (std::isinf(sqnr)) return sqnr > 0 ? 0.0 : 1.0;
  return std::pow(10.0, -sqnr / 10.0);
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

// Largest |q - zero_point| per output channel of constant weights, or empty
// when the weights are not 8-bit per-tensor quantized.
std::vector<int> ChannelAbsMax(const Model& m, const Tensor& w, int axis) {
  const auto* data = m.ConstantData(w);
  if (!data || !w.quantization || w.quantization->scale.size() != 1 || static_cast<size_t>(axis) >= w.shape.size() ||
      (w.dtype != DType::INT8 && w.dtype != DType::UINT8))
    return {};
  const int64_t channels = w.shape[static_cast<size_t>(axis)];
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < w.shape.size(); ++d) inner *= w.shape[d];
  if (channels < 1 || inner < 1) return {};
  const int zp = w.quantization->zero_point.empty() ? 0 : static_cast<int>(w.quantization->zero_point[0]);
  std::vector<int> absmax(static_cast<size_t>(channels), 0);
  for (size_t i = 0; i < data->size(); ++i) {
    const int q = w.dtype == DType::INT8 ? static_cast<int>(static_cast<int8_t>((*data)[i])) : static_cast<int>((*data)[i]);
    auto& a = absmax[static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels)];
    a = std::max(a, std::abs(q - zp));
  }
  return absmax;
}

// A share as a percentage a reader takes in at once: never in exponent
// notation ({:.2g} printed 100% as "1e+02%"), whole numbers from 10% up.
std::string Percent(double share) {
  const double p = 100 * share;
  if (p >= 10 || p == 0) return fmt::format("{:.0f}%", p);
  if (p >= 1) return fmt::format("{:.1f}%", p);
  return fmt::format("{:.2g}%", std::max(p, 1e-4));
}

// How many values clip, with the counts behind the shares: a layer with few
// values per sample (a classifier's logits) can clip all of them while the
// range it represents covers most of the span seen.
std::string ClippedCounts(const ErrorStats& st) {
  const int64_t per_sample = st.elements_per_sample();
  return fmt::format("{} of {} values: {} below, {} above{}", st.clipped_low_count() + st.clipped_high_count(),
                     st.range_count(), st.clipped_low_count(), st.clipped_high_count(),
                     per_sample > 0 && per_sample <= 16 ? fmt::format("; {} per sample", per_sample) : "");
}

void AddEvidence(const Model& deployed, const LayerComparison& layer, Suspect& s) {
  const Subgraph& g = deployed.main();
  const ErrorStats& st = layer.stats;
  // 1. Activation range against the float values seen: clipping (scale too
  // small or zero point off), or a range far wider than the values.
  if (layer.range) {
    const QuantizedRange& r = *layer.range;
    const double clipped = st.clipped_share();
    auto ints = IntegerRange(layer.dtype);
    const double levels = ints ? ints->second - ints->first : 0;
    const double seen = st.reference_max() - st.reference_min();
    // The scale the values seen would need if the range had to hold them all (and 0).
    const double needed = levels > 0 ? (std::max(0.0, st.reference_max()) - std::min(0.0, st.reference_min())) / levels : 0;
    // Clipping matters when it touches more than a few values, or when the
    // few it touches are outliers far enough out to dominate the error.
    const double clip_error = st.clipping_error_share();
    if (clipped > 0.001 || (clipped > 0 && clip_error >= 0.25)) {
      s.causes.push_back("clipping");
      std::string why = needed > 1.5 * r.scale
                            ? fmt::format(": holding them needs a scale of about {:.4g}, {:.1f}x the tensor's", needed,
                                          needed / r.scale)
                            : "";
      s.evidence.push_back(fmt::format(
          "activation range clips {} of values ({}), which makes {} of the error here: the float values seen span "
          "[{:.4g}, {:.4g}] but scale {:.4g} and zero point {} represent only [{:.4g}, {:.4g}]{}",
          Percent(clipped), ClippedCounts(st), Percent(clip_error), st.reference_min(), st.reference_max(), r.scale,
          r.zero_point, r.min, r.max, why));
    }
    if (ints && seen > 0) {
      const double used_levels = seen / r.scale;
      // The zero point that fits the values seen at this scale: the lowest
      // value on the lowest level, within the integer range (a range must
      // hold 0), when one holds them all.
      const double fit_zp =
          std::min<double>(ints->second, std::max<double>(ints->first, std::round(ints->first - st.reference_min() / r.scale)));
      const bool fits = (ints->first - fit_zp) * r.scale <= st.reference_min() + 0.5 * r.scale &&
                        (ints->second - fit_zp) * r.scale >= st.reference_max() - 0.5 * r.scale;
      const std::string fit =
          fits ? fmt::format("at this scale zero point {:.0f} would fit the values seen", fit_zp)
               : fmt::format("at this scale zero point {:.0f} would clip least, but no zero point holds the values "
                             "seen, which need {:.0f} levels with 0 among them",
                             fit_zp, (std::max(0.0, st.reference_max()) - std::min(0.0, st.reference_min())) / r.scale);
      // A misplaced range: values clip on one side while the range reaches
      // well past the values seen on the other side.
      // Levels the values seen leave unused at each end; at most the whole
      // range, even when every value lies beyond its other end.
      const double unused_low = (std::min(st.reference_min(), r.max) - r.min) / r.scale;
      const double unused_high = (r.max - std::max(st.reference_max(), r.min)) / r.scale;
      const bool high_clips = st.clipped_high_share() > 0.001, low_clips = st.clipped_low_share() > 0.001;
      const double wasted = high_clips && !low_clips ? unused_low : low_clips && !high_clips ? unused_high : 0;
      // How far another zero point could move the range toward the clipped
      // side: the range must keep 0, so a range that already starts (or
      // ends) at 0 cannot move, however many levels it leaves unused.
      const double movable = high_clips && !low_clips   ? std::min(wasted, static_cast<double>(r.zero_point - ints->first))
                             : low_clips && !high_clips ? std::min(wasted, static_cast<double>(ints->second - r.zero_point))
                                                        : 0;
      if (movable > std::max(2.0, 0.05 * levels)) {
        s.causes.push_back("zero-point");
        s.evidence.push_back(fmt::format(
            "zero point {} misplaces the range: {:.0f} of {:.0f} levels lie {} every value seen while {} of "
            "values clip {} ({})",
            r.zero_point, wasted, levels, high_clips ? "below" : "above", Percent(clipped), high_clips ? "above" : "below",
            fit));
      }
      if (used_levels < 0.1 * levels && clipped <= 0.001) {
        s.causes.push_back("range-too-wide");
        s.evidence.push_back(fmt::format(
            "values seen use only {:.0f} of {:.0f} quantization levels (range [{:.4g}, {:.4g}] vs representable "
            "[{:.4g}, {:.4g}]): the scale is too coarse for this data",
            used_levels, levels, st.reference_min(), st.reference_max(), r.min, r.max));
      }
    }
  }
  if (layer.pair.deployed_node < 0) return;
  const Operator& op = g.operators[static_cast<size_t>(layer.pair.deployed_node)];
  // 2. Weights quantized per tensor although channel ranges differ widely:
  // the narrow channels get only a few levels.
  const int axis = WeightChannelAxis(deployed.op_code(op).builtin);
  if (axis >= 0 && op.inputs.size() > 1 && op.inputs[1] >= 0) {
    const Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
    std::vector<int> absmax = ChannelAbsMax(deployed, w, axis);
    // All-zero channels (dead in training, or below half a step of the shared
    // scale) have no range to compare: the spread is among the others.
    std::vector<int> sorted;
    for (int a : absmax)
      if (a > 0) sorted.push_back(a);
    std::sort(sorted.begin(), sorted.end());
    const size_t zero = absmax.size() - sorted.size();
    if (sorted.size() > 1) {
      const int largest = sorted.back();
      const int median = sorted[sorted.size() / 2];
      // When the median channel uses at most half the levels, per-channel
      // scales would at least double the resolution of half the channels.
      if (static_cast<double>(largest) / median >= 2.0) {
        s.causes.push_back("per-tensor-weights");
        s.evidence.push_back(fmt::format(
            "weights '{}' are quantized per tensor, but output channels' ranges differ {:.0f}x (median channel uses "
            "{} of {} levels, smallest {}{}): per-channel quantization would give every channel the full range",
            w.name, static_cast<double>(largest) / median, median, largest, sorted.front(),
            zero > 0 ? fmt::format("; {} of {} channels are all zero", zero, absmax.size()) : ""));
      }
    }
  }
  // 3. A bias the kernel reads at another scale than it was stored at.
  if (auto mm = FindBiasScaleMismatch(deployed, layer.pair.deployed_node)) {
    s.causes.push_back("bias-scale");
    s.evidence.push_back(fmt::format(
        "bias '{}' is stored at scale {:.4g} but the kernel reads it at input scale x weight scale = {:.4g}, so it "
        "counts {:.3g}x its stored value: input '{}' has a scale the bias was not quantized for. That scale is set "
        "by the layer producing the input and charged to it; this layer's own error is measured with its bias "
        "stored for the input it reads",
        mm->bias, mm->stored, mm->read, mm->factor, mm->input));
  }
  // 4. An op that copies quantized values, its output quantized otherwise
  // than its input.
  if (auto mm = FindCopiedQuantizationMismatch(deployed, layer.pair.deployed_node)) {
    s.causes.push_back("copied-quantization");
    s.evidence.push_back(fmt::format(
        "{} copies quantized values without requantizing them, but its output has scale {:.4g} and zero point {} "
        "while its input '{}' has scale {:.4g} and zero point {}: every value it passes on reads {:.3g}x the real "
        "value computed{}",
        layer.op, mm->output_scale, mm->output_zero_point, mm->input, mm->input_scale, mm->input_zero_point,
        mm->output_scale / mm->input_scale,
        mm->output_zero_point != mm->input_zero_point
            ? fmt::format(", shifted by {} steps", mm->input_zero_point - mm->output_zero_point)
            : ""));
  }
  // 5. Scale / zero-point oddities of the output.
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

size_t OutputPosition(const Model& m, int node, int tensor) {
  const auto& outs = m.main().operators[static_cast<size_t>(node)].outputs;
  return static_cast<size_t>(std::find(outs.begin(), outs.end(), tensor) - outs.begin());
}

// Cut-outs for every matched layer whose deployed and reference nodes can
// both run alone and read the same (matched) values. Others fall back to
// growth.
std::vector<IsolatedNode> IsolateNodes(const Model& reference, const Model& deployed,
                                       const std::vector<LayerComparison>& layers) {
  std::vector<IsolatedNode> nodes;
  const Subgraph& dg = deployed.main();
  const Subgraph& rg = reference.main();
  const Topology rtopo = Topology::Of(rg);
  std::map<int, int> reference_of_deployed, deployed_of_reference;
  for (const auto& l : layers) {
    reference_of_deployed[l.pair.deployed] = l.pair.reference;
    deployed_of_reference[l.pair.reference] = l.pair.deployed;
  }
  for (size_t l = 0; l < layers.size(); ++l) {
    const int node = layers[l].pair.deployed_node;
    const int ref_node = rtopo.producer[static_cast<size_t>(layers[l].pair.reference)];
    if (node < 0 || ref_node < 0 || CallsSubgraphs(deployed.op_code(dg.operators[static_cast<size_t>(node)]).builtin) ||
        CallsSubgraphs(reference.op_code(rg.operators[static_cast<size_t>(ref_node)]).builtin))
      continue;
    IsolatedNode iso;
    iso.layer = l;
    iso.model = CutOutNode(deployed, node, iso.input_origin);
    // The scale its bias is read at is its input's, which the layer
    // producing that input is charged with: alone, the layer holds its bias
    // as stored for the input it reads.
    StoreBiasForItsInput(*iso.model, 0);
    iso.output = OutputPosition(deployed, node, layers[l].pair.deployed);
    std::vector<int> deployed_sources;
    for (int t : iso.input_origin) {
      deployed_sources.push_back(SourceTensor(deployed, t));
      auto partner = reference_of_deployed.find(deployed_sources.back());
      iso.input_partner.push_back(partner == reference_of_deployed.end() ? -1 : partner->second);
    }
    std::vector<int> ref_origin;
    iso.ref_model = CutOutNode(reference, ref_node, ref_origin);
    iso.ref_output = OutputPosition(reference, ref_node, layers[l].pair.reference);
    // Each reference input must be a value the deployed node reads too.
    bool fed = true;
    for (int t : ref_origin) {
      auto partner = deployed_of_reference.find(SourceTensor(reference, t));
      auto it = partner == deployed_of_reference.end()
                    ? deployed_sources.end()
                    : std::find(deployed_sources.begin(), deployed_sources.end(), partner->second);
      if (it == deployed_sources.end()) {
        fed = false;
        break;
      }
      iso.ref_feed.push_back(static_cast<size_t>(it - deployed_sources.begin()));
    }
    if (!fed) continue;
    try {
      iso.interp = std::make_unique<Interpreter>(*iso.model);
      iso.ref_interp = std::make_unique<Interpreter>(*iso.ref_model);
    } catch (const std::exception&) {
      continue;  // no kernel for it alone: the layer falls back to growth
    }
    nodes.push_back(std::move(iso));
  }
  return nodes;
}

// Runs one layer alone in both models. The deployed node gets the
// reference's values at its inputs, quantized as its inputs are (inputs
// with no reference partner get the deployed model's own bytes); the
// reference node gets exactly the values the deployed node got. So neither
// upstream error nor the rounding of this layer's inputs (which the
// producing layer is charged with) counts: only this layer's weights,
// arithmetic and output range. Returns (reference, deployed) output values.
std::optional<std::pair<std::vector<float>, std::vector<float>>> RunIsolated(IsolatedNode& iso, const Model& deployed,
                                                                             const Captured& ref, const Captured& dep) {
  const Subgraph& g = deployed.main();
  Interpreter& interp = *iso.interp;
  std::vector<std::vector<float>> fed(iso.input_origin.size());
  for (size_t i = 0; i < iso.input_origin.size(); ++i) {
    const int t = iso.input_origin[i];
    auto raw = dep.raw.find(t);
    if (raw == dep.raw.end()) return std::nullopt;
    const std::vector<float>* values = nullptr;
    if (iso.input_partner[i] >= 0) {
      auto v = ref.values.find(iso.input_partner[i]);
      if (v != ref.values.end()) values = &v->second;
    }
    const Tensor& meta = g.tensors[static_cast<size_t>(t)];
    const int64_t n = *ElementCount(raw->second.shape);
    if (values != nullptr && static_cast<int64_t>(values->size()) == n &&
        (meta.dtype == DType::FLOAT32 || (meta.quantization && meta.quantization->IsAffine() && !meta.quantization->IsPerChannel()))) {
      auto bytes = EncodeReal(*values, meta.dtype, meta.quantization ? &*meta.quantization : nullptr, meta.name);
      interp.SetInput(i, meta.dtype, raw->second.shape, bytes.data(), bytes.size());
    } else {
      interp.SetInput(i, raw->second.dtype, raw->second.shape, raw->second.bytes.data(), raw->second.bytes.size());
    }
    auto real = RealValues(interp.input(i));
    if (!real) return std::nullopt;
    fed[i] = std::move(*real);
  }
  interp.ResetVariables();
  interp.Invoke();
  auto out = RealValues(interp.output(iso.output));
  Interpreter& rinterp = *iso.ref_interp;
  for (size_t i = 0; i < iso.ref_feed.size(); ++i) {
    RuntimeTensor& t = rinterp.input(i);
    const size_t from = iso.ref_feed[i];
    auto bytes = EncodeReal(fed[from], t.dtype, t.quant(), t.name());
    rinterp.SetInput(i, t.dtype, dep.raw.at(iso.input_origin[from]).shape, bytes.data(), bytes.size());
  }
  rinterp.ResetVariables();
  rinterp.Invoke();
  auto ref_out = RealValues(rinterp.output(iso.ref_output));
  if (!out || !ref_out || out->size() != ref_out->size()) return std::nullopt;
  return std::make_pair(std::move(*ref_out), std::move(*out));
}

// Whether item k of `count` is one of `wanted` spread evenly over them: the
// running share floor(k * wanted / count) steps up at it.
bool SpreadPick(int k, int count, int wanted) {
  const int64_t w = wanted > 0 ? std::min(wanted, count) : count;
  return (static_cast<int64_t>(k + 1) * w) / count > (static_cast<int64_t>(k) * w) / count;
}

bool HasVariables(const Model& m) {
  for (const Subgraph& g : m.subgraphs)
    for (const Tensor& t : g.tensors)
      if (t.is_variable) return true;
  return false;
}

// One layer's own error, to be added to the reference's value of its tensor.
struct OwnError {
  size_t layer = 0;
  int ref_tensor = -1;
  int ref_node = -1;  // its producer in the reference (-1: a graph input)
  std::vector<float> delta;
};

// deployed - reference, element by element.
std::vector<float> Difference(const std::vector<float>& reference, const std::vector<float>& deployed) {
  std::vector<float> delta(reference.size());
  for (size_t i = 0; i < delta.size(); ++i) delta[i] = deployed[i] - reference[i];
  return delta;
}

// Adds each layer's own error alone to the reference run `interp` has just
// made (keeping all tensors) and runs the rest of the reference model, then
// measures the outputs against that run's. Later layers first, so that each
// tail run reads only values the plain run left.
void CarryToOutputs(Interpreter& interp, std::vector<OwnError>& errors, const Captured& ref,
                    const std::vector<int32_t>& outputs, std::vector<LayerComparison>& layers,
                    std::vector<bool>& failed) {
  std::stable_sort(errors.begin(), errors.end(), [](const OwnError& a, const OwnError& b) { return a.ref_node > b.ref_node; });
  for (const OwnError& e : errors) {
    if (failed[e.layer]) continue;
    auto plain = ref.values.find(e.ref_tensor);
    RuntimeTensor& t = interp.tensor(0, e.ref_tensor);
    if (plain == ref.values.end() || plain->second.size() != e.delta.size() || t.data == nullptr) continue;
    std::vector<float> changed(plain->second);
    for (size_t i = 0; i < changed.size(); ++i) changed[i] += e.delta[i];
    const std::vector<uint8_t> saved(t.data, t.data + t.bytes);
    // A value this layer's tensor cannot hold, or a tail that fails on it,
    // leaves the layer without an impact figure (on every sample) rather
    // than ending compare.
    try {
      const auto bytes = EncodeReal(changed, t.dtype, t.quant(), t.name());
      if (bytes.size() != t.bytes) continue;
      std::memcpy(t.data, bytes.data(), bytes.size());
      interp.InvokeFrom(static_cast<size_t>(e.ref_node + 1));
      for (size_t o = 0; o < outputs.size() && o < interp.num_outputs(); ++o) {
        auto want = ref.values.find(outputs[o]);
        auto got = RealValues(interp.output(o));
        if (want == ref.values.end() || !got || got->size() != want->second.size()) continue;
        layers[e.layer].impact.Add(want->second.data(), got->data(), static_cast<int64_t>(got->size()));
      }
    } catch (const std::exception&) {
      failed[e.layer] = true;
      layers[e.layer].impact = ErrorStats();
    }
    std::memcpy(t.data, saved.data(), saved.size());
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
    CompareSample s;
    for (size_t i = 0; i < ranges.size(); ++i) {
      std::uniform_real_distribution<float> dist(static_cast<float>(ranges[i].first), static_cast<float>(ranges[i].second));
      std::vector<float> v(static_cast<size_t>(sizes[i]));
      for (auto& x : v) x = dist(rng);
      s.values.push_back(std::move(v));
    }
    return s;
  };
  return in;
}

CompareResult CompareModels(const Model& reference, const Model& deployed, const CompareInputs& inputs,
                            const CompareOptions& options) {
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
  std::vector<bool> ref_wanted(rg.tensors.size(), false), dep_wanted(dg.tensors.size(), false);
  std::vector<bool> ref_raw(rg.tensors.size(), false), dep_raw(dg.tensors.size(), false);
  for (const auto& l : result.layers) {
    ref_wanted[static_cast<size_t>(l.pair.reference)] = true;
    dep_wanted[static_cast<size_t>(l.pair.deployed)] = true;
  }
  for (size_t o = 0; o < dg.outputs.size() && o < rg.outputs.size(); ++o) {
    ref_wanted[static_cast<size_t>(rg.outputs[o])] = true;
    dep_wanted[static_cast<size_t>(dg.outputs[o])] = true;
    OutputComparison oc;
    oc.index = static_cast<int>(o);
    const Tensor& t = dg.tensors[static_cast<size_t>(dg.outputs[o])];
    oc.name = t.name;
    // The step of the quantized value behind the output (through a DEQUANTIZE).
    const Tensor& source = dg.tensors[static_cast<size_t>(SourceTensor(deployed, dg.outputs[o]))];
    if (auto r = RangeOf(source)) oc.step = r->scale;
    oc.classifier = LooksLikeClassScores(t.shape);
    result.outputs.push_back(std::move(oc));
  }

  std::vector<IsolatedNode> isolated = IsolateNodes(reference, deployed, result.layers);
  for (auto& iso : isolated)
    for (int t : iso.input_origin) dep_raw[static_cast<size_t>(t)] = true;

  // Carrying errors to the outputs reruns the reference's tail, which needs
  // every value of its plain run kept.
  const bool carry = options.impact_samples > 0 && !HasVariables(reference);
  InterpreterOptions ref_options;
  ref_options.keep_all_tensors = carry;
  Interpreter ref_interp(reference, ref_options), dep_interp(deployed);
  const Topology ref_topology = Topology::Of(rg);
  const int iso_total = options.isolated_samples > 0 ? std::min(options.isolated_samples, inputs.count) : inputs.count;
  int isolated_seen = 0;
  std::vector<bool> impact_failed(result.layers.size(), false);
  const int threads = IntraOpThreads();
  for (int k = 0; k < inputs.count; ++k) {
    const bool isolate = SpreadPick(k, inputs.count, options.isolated_samples);
    const bool impact = carry && isolate && SpreadPick(isolated_seen, iso_total, options.impact_samples);
    if (isolate) {
      result.isolated_samples++;
      isolated_seen++;
    }
    if (impact) result.impact_samples++;
    std::vector<OwnError> own_errors;
    CompareSample sample = inputs.sample(k);
    // The models run with their operators split between threads; then each
    // layer's statistics and each layer's run alone are spread over the
    // threads, each writing only its own layer's results, folded in the
    // one-thread order: every figure is the same with any thread count.
    Captured ref = Capture(ref_interp, sample, false, ref_wanted, ref_raw);
    Captured dep = Capture(dep_interp, sample, true, dep_wanted, dep_raw);
    if (options.after_sample) options.after_sample(k, ref_interp, dep_interp);
    ParallelItems(static_cast<int64_t>(result.layers.size()), threads, [&](int64_t l) {
      LayerComparison& layer = result.layers[static_cast<size_t>(l)];
      auto r = ref.values.find(layer.pair.reference);
      auto d = dep.values.find(layer.pair.deployed);
      if (r == ref.values.end() || d == dep.values.end() || r->second.size() != d->second.size()) return;
      layer.stats.Add(r->second.data(), d->second.data(), static_cast<int64_t>(r->second.size()),
                      layer.range ? &*layer.range : nullptr);
      // A graph input has nothing upstream: all its error is its own.
      if (layer.pair.deployed_node >= 0) return;
      layer.isolated.Add(r->second.data(), d->second.data(), static_cast<int64_t>(r->second.size()));
    });
    for (size_t l = 0; impact && l < result.layers.size(); ++l) {
      const LayerComparison& layer = result.layers[l];
      if (layer.pair.deployed_node >= 0) continue;
      auto r = ref.values.find(layer.pair.reference);
      auto d = dep.values.find(layer.pair.deployed);
      if (r == ref.values.end() || d == dep.values.end() || r->second.size() != d->second.size()) continue;
      const int ref_node = ref_topology.producer[static_cast<size_t>(layer.pair.reference)];
      if (ref_node < 0) own_errors.push_back({l, layer.pair.reference, -1, Difference(r->second, d->second)});
    }
    // Each cut-out node has its own interpreters.
    std::vector<std::optional<std::pair<std::vector<float>, std::vector<float>>>> alone_runs(
        isolate ? isolated.size() : 0);
    ParallelItems(static_cast<int64_t>(alone_runs.size()), threads, [&](int64_t i) {
      try {
        alone_runs[static_cast<size_t>(i)] = RunIsolated(isolated[static_cast<size_t>(i)], deployed, ref, dep);
      } catch (const std::exception&) {
        alone_runs[static_cast<size_t>(i)].reset();
      }
    });
    size_t run_index = 0;
    for (auto it = isolated.begin(); isolate && it != isolated.end();) {
      LayerComparison& layer = result.layers[it->layer];
      std::optional<std::pair<std::vector<float>, std::vector<float>>> alone = std::move(alone_runs[run_index++]);
      if (!alone) {
        // It cannot run alone after all: growth stands in for it.
        layer.isolated = ErrorStats();
        it = isolated.erase(it);
        continue;
      }
      layer.isolated.Add(alone->first.data(), alone->second.data(), static_cast<int64_t>(alone->first.size()));
      if (impact)
        own_errors.push_back({it->layer, layer.pair.reference, ref_topology.producer[static_cast<size_t>(layer.pair.reference)],
                              Difference(alone->first, alone->second)});
      ++it;
    }
    if (impact) CarryToOutputs(ref_interp, own_errors, ref, rg.outputs, result.layers, impact_failed);
    for (auto& oc : result.outputs) {
      auto r = ref.values.find(rg.outputs[static_cast<size_t>(oc.index)]);
      auto d = dep.values.find(dg.outputs[static_cast<size_t>(oc.index)]);
      if (r == ref.values.end() || d == dep.values.end() || r->second.size() != d->second.size()) continue;
      oc.stats.Add(r->second.data(), d->second.data(), static_cast<int64_t>(r->second.size()));
      if (oc.classifier) {
        oc.top1_total++;
        if (ArgMax(r->second) == ArgMax(d->second)) oc.top1_agree++;
      }
    }
  }

  // Error each layer adds: its own (isolated) noise-to-signal ratio, or,
  // where it could not run alone, how much its output's exceeds its inputs'.
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
    layer.input_sqnr_db = worst_in_sqnr;
    if (layer.isolated.count() > 0) {
      layer.added_noise = NoiseToSignal(layer.isolated);
      layer.added_by = "isolated";
    } else {
      layer.added_noise = NoiseToSignal(layer.stats) - worst_in;
      layer.added_by = "growth";
    }
  }

  std::vector<size_t> order(result.layers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return result.layers[a].added_noise > result.layers[b].added_noise; });
  std::vector<std::string> output_db;
  for (const auto& oc : result.outputs) output_db.push_back(fmt::format("{:.1f} dB", oc.stats.sqnr_db()));
  const std::string whole_model = fmt::format("{}", fmt::join(output_db, ", "));
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
    if (layer.added_by == "isolated" && layer.pair.deployed_node >= 0)
      s.evidence.push_back(fmt::format(
          "on its own (this node in both models, run on the same input values) it makes SQNR {:.1f} dB; in the full "
          "run its output has {:.1f} dB and its inputs {:.1f} dB",
          layer.isolated.sqnr_db(), layer.stats.sqnr_db(), layer.input_sqnr_db));
    else if (layer.pair.deployed_node < 0)
      s.evidence.push_back(fmt::format("quantizing the input alone gives SQNR {:.1f} dB", layer.stats.sqnr_db()));
    else
      s.evidence.push_back(fmt::format("SQNR falls from {:.1f} dB at its inputs to {:.1f} dB at its output",
                                       layer.input_sqnr_db, layer.stats.sqnr_db()));
    if (layer.impact.count() > 0)
      s.evidence.push_back(fmt::format(
          "carried alone through the rest of the reference model, its error leaves the outputs at SQNR {:.1f} dB "
          "(with every layer's error: {})",
          layer.impact.sqnr_db(), whole_model));
    result.suspects.push_back(std::move(s));
  }
  return result;
}

}  // namespace tfd
