#include "quantize/held_out_summary.h"

#include <cmath>
#include <limits>

#include "data/dataset.h"
#include "data/item_stream.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "util/error.h"

namespace tfd::quantize {
namespace {

// An output's values as real numbers (dequantized when integer).
std::vector<float> OutputValues(const ModelSession& session, size_t i) {
  const RuntimeTensor& t = session.interpreter().output(i);
  const int64_t n = t.NumElements();
  std::vector<float> out(static_cast<size_t>(n));
  const bool q = t.quant() != nullptr;
  const float scale = q ? t.scale() : 1.0f;
  const float zp = q ? static_cast<float>(t.zero_point()) : 0.0f;
  for (int64_t k = 0; k < n; ++k) {
    float v;
    switch (t.dtype) {
      case DType::FLOAT32: v = t.As<float>()[k]; break;
      case DType::INT8: v = scale * (static_cast<float>(t.As<int8_t>()[k]) - zp); break;
      case DType::UINT8: v = scale * (static_cast<float>(t.As<uint8_t>()[k]) - zp); break;
      case DType::INT16: v = scale * (static_cast<float>(t.As<int16_t>()[k]) - zp); break;
      case DType::INT32: v = scale * (static_cast<float>(t.As<int32_t>()[k]) - zp); break;
      default: Fail("{}: output '{}' is {}, which cannot be compared", session.path(), t.name(), DTypeName(t.dtype));
    }
    out[static_cast<size_t>(k)] = v;
  }
  return out;
}

// Whether graph output `index` of `model` comes from a SOFTMAX, looking
// through ops that only move or convert its values.
bool FromSoftmax(const Model& model, int32_t tensor) {
  const Subgraph& g = model.main();
  for (int hops = 0; hops < 8; ++hops) {
    const Operator* producer = nullptr;
    for (const Operator& op : g.operators)
      for (int32_t o : op.outputs)
        if (o == tensor) producer = &op;
    if (!producer || producer->inputs.empty()) return false;
    const auto b = model.op_code(*producer).builtin;
    if (b == tflite::BuiltinOperator::SOFTMAX) return true;
    if (b != tflite::BuiltinOperator::RESHAPE && b != tflite::BuiltinOperator::SQUEEZE &&
        b != tflite::BuiltinOperator::DEQUANTIZE && b != tflite::BuiltinOperator::QUANTIZE)
      return false;
    tensor = producer->inputs[0];
  }
  return false;
}

// Every output of both models over the dataset, streamed (one item decoded
// at a time).
std::vector<HeldOutOutput> MeasureOutputs(ModelSession& quantized, ModelSession& reference, const Dataset& dataset,
                                          const PreprocessSpec& spec, const PreprocessSpec& reference_spec) {
  const size_t n = quantized.interpreter().num_outputs();
  if (reference.interpreter().num_outputs() != n)
    Fail("{} has {} outputs but {} has {}", quantized.path(), n, reference.path(), reference.interpreter().num_outputs());
  const Subgraph& g = reference.model().main();
  std::vector<HeldOutOutput> outputs(n);
  std::vector<bool> class_vector(n, false);
  std::vector<double> signal(n, 0.0), noise(n, 0.0);
  std::vector<size_t> agree(n, 0);
  size_t items = 0;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& t = g.tensors[static_cast<size_t>(g.outputs[i])];
    outputs[i].name = t.name;
    outputs[i].shape = t.shape;
    class_vector[i] = i == 0 || FromSoftmax(reference.model(), g.outputs[i]);
  }
  ItemStream stream(dataset);
  while (std::optional<StreamItem> item = stream.Next()) {
    const std::string& path = item->entry->path;
    if (!item->ok()) Fail("{}: {}", path, item->error);
    quantized.Invoke(quantized.Prepare(item->sample, spec, path));
    reference.Invoke(reference.Prepare(item->sample, reference_spec, path));
    ++items;
    for (size_t i = 0; i < n; ++i) {
      const std::vector<float> x = OutputValues(quantized, i), ref = OutputValues(reference, i);
      if (x.size() != ref.size())
        Fail("output {} ('{}') has {} values in {} but {} in {}", i, outputs[i].name, x.size(), quantized.path(),
             ref.size(), reference.path());
      for (size_t k = 0; k < x.size(); ++k) {
        signal[i] += static_cast<double>(ref[k]) * ref[k];
        const double d = static_cast<double>(x[k]) - ref[k];
        noise[i] += d * d;
      }
      class_vector[i] = class_vector[i] && x.size() > 1;
      if (class_vector[i]) agree[i] += TopK(x, 1) == TopK(ref, 1);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    outputs[i].sqnr_db = noise[i] == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal[i] / noise[i]);
    if (class_vector[i] && items) outputs[i].agreement = static_cast<double>(agree[i]) / static_cast<double>(items);
  }
  return outputs;
}

}  // namespace

HeldOutSummary MeasureAgainstFloat(const std::string& float_path, const std::string& quantized_path,
                                   const std::string& data, const std::string& preprocess) {
  Dataset dataset = OpenDataset(data);
  ModelSession reference(float_path);
  ModelSession quantized(quantized_path, &reference.expected());
  reference.SetPartner(quantized.expected());
  EvalOptions options;
  options.spec = ResolveSpec(preprocess, quantized).spec;
  options.reference_spec = ResolveSpec(preprocess, reference).spec;
  EvalResult with_reference = Evaluate(quantized, &reference, dataset, options);
  HeldOutSummary s;
  s.data = data;
  s.items = with_reference.items.size();
  s.sqnr_db = with_reference.sqnr_db;
  s.agreement = with_reference.agreement;
  s.labeled = with_reference.labeled;
  s.top1 = with_reference.top1;
  if (s.labeled > 0) {
    EvalOptions float_options;
    float_options.spec = *options.reference_spec;
    s.float_top1 = Evaluate(reference, nullptr, dataset, float_options).top1;
  }
  if (quantized.interpreter().num_outputs() > 1) {
    s.outputs = MeasureOutputs(quantized, reference, dataset, options.spec, *options.reference_spec);
  } else {
    // One output: what Evaluate measured.
    const Subgraph& g = reference.model().main();
    const Tensor& t = g.tensors[static_cast<size_t>(g.outputs.at(0))];
    int64_t values = 1;
    for (int32_t d : t.shape) values *= d;
    s.outputs.push_back({t.name, t.shape, s.sqnr_db, values > 1 ? std::optional<double>(s.agreement) : std::nullopt});
  }
  return s;
}

}  // namespace tfd::quantize
