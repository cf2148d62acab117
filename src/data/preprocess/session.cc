#include "data/preprocess/session.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "data/item_stream.h"
#include "format/metadata.h"
#include "format/model_reader.h"
#include "graph/dtype.h"
#include "graph/topology.h"
#include "util/error.h"

namespace tfd {

namespace {

bool ProducedByProbability(const Model& m, int tensor) {
  const Subgraph& sg = m.main();
  for (int hops = 0; hops < 8; ++hops) {
    const Operator* producer = nullptr;
    for (const auto& op : sg.operators)
      if (std::find(op.outputs.begin(), op.outputs.end(), tensor) != op.outputs.end()) producer = &op;
    if (!producer) return false;
    BuiltinOp b = m.op_code(*producer).builtin;
    if (b == BuiltinOp::SOFTMAX || b == BuiltinOp::LOGISTIC) return true;
    if (b != BuiltinOp::RESHAPE && b != BuiltinOp::SQUEEZE && b != BuiltinOp::DEQUANTIZE &&
        b != BuiltinOp::QUANTIZE)
      return false;
    if (producer->inputs.empty()) return false;
    tensor = producer->inputs[0];
  }
  return false;
}

template <typename T>
void Dequantize(const RuntimeTensor& t, std::vector<float>& out) {
  const T* p = t.As<T>();
  int64_t n = t.NumElements();
  out.resize(static_cast<size_t>(n));
  const Quantization* q = t.quant();
  float scale = q ? t.scale() : 1.0f;
  int32_t zp = q ? t.zero_point() : 0;
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = scale * (static_cast<float>(p[i]) - static_cast<float>(zp));
}

}  // namespace

ModelSession::ModelSession(const std::string& path, const ExpectedPreprocessing* partner,
                           const InterpreterOptions& options)
    : ModelSession(LoadModel(path), path, partner, options) {}

ModelSession::ModelSession(Model model, const std::string& name, const ExpectedPreprocessing* partner,
                           const InterpreterOptions& options)
    : path_(name), options_(options) {
  const std::string& path = path_;
  model_ = std::make_unique<Model>(std::move(model));
  if (model_->subgraphs.empty()) Fail("{}: the model has no subgraph", path);
  const Subgraph& sg = model_->main();
  if (sg.inputs.size() != 1) Fail("{}: the model has {} inputs; only single-input models can be fed from data", path, sg.inputs.size());
  if (sg.outputs.empty()) Fail("{}: the model has no outputs", path);
  expected_ = ExpectedFor(*model_, 0, partner);
  try {
    interp_ = std::make_unique<Interpreter>(*model_, options);
    interp_->AllocateTensors();
  } catch (const Error& e) {
    Fail("{}: cannot run the model: {}", path, e.what());
  }
  output_is_probability_ = ProducedByProbability(*model_, sg.outputs[0]);
  output_shaped_as_scores_ = LooksLikeClassScores(sg.tensors[static_cast<size_t>(sg.outputs[0])].shape);
  try {
    auto md = ReadModelMetadata(*model_);
    if (md && !md->outputs.empty() && !md->outputs[0].labels.empty()) {
      labels_ = md->outputs[0].labels;
      labels_source_ = "metadata (" + md->outputs[0].labels_file + ")";
    }
  } catch (const Error&) {
  }
}

ModelSession::~ModelSession() = default;

void ModelSession::SetPartner(const ExpectedPreprocessing& partner) { expected_ = ExpectedFor(*model_, 0, &partner); }

void ModelSession::SetLabels(std::vector<std::string> labels, std::string source) {
  labels_ = std::move(labels);
  labels_source_ = std::move(source);
}

TensorData ModelSession::Prepare(const Sample& sample, const PreprocessSpec& spec, const std::string& source,
                                 bool allow_cast) const {
  return PrepareSample(sample, spec, expected_.target, source, allow_cast);
}

namespace {

void InvokeOn(Interpreter& interp, const TensorData& input, const std::string& path) {
  try {
    interp.SetInput(0, input.dtype, input.shape, input.bytes.data(), input.bytes.size());
    // Items are independent: a stateful model (LSTM, SVDF) starts each from
    // its initial state, not from the state the item before left.
    interp.ResetVariables();
    interp.Invoke();
  } catch (const Error& e) {
    Fail("{}: {}", path, e.what());
  }
}

}  // namespace

void ModelSession::Invoke(const TensorData& input) { InvokeOn(*interp_, input, path_); }

std::unique_ptr<Interpreter> ModelSession::NewInterpreter() const {
  try {
    auto interp = std::make_unique<Interpreter>(*model_, options_);
    interp->AllocateTensors();
    return interp;
  } catch (const Error& e) {
    Fail("{}: cannot run the model: {}", path_, e.what());
  }
}

std::vector<float> ModelSession::Run(const TensorData& input) { return RunOn(*interp_, input); }

std::vector<float> ModelSession::RunOn(Interpreter& interp, const TensorData& input) const {
  InvokeOn(interp, input, path_);
  const RuntimeTensor& t = interp.output(0);
  if (!Dequantizable(t.dtype)) Fail("{}: output '{}' is {}, which cannot be scored", path_, t.name(), DTypeName(t.dtype));
  return RealValues(t);
}

bool Dequantizable(DType dtype) {
  return dtype == DType::FLOAT32 || dtype == DType::UINT8 || dtype == DType::INT8 || dtype == DType::INT16 ||
         dtype == DType::INT32;
}

std::vector<float> RealValues(const RuntimeTensor& t) {
  std::vector<float> out;
  switch (t.dtype) {
    case DType::FLOAT32: out.assign(t.As<float>(), t.As<float>() + t.NumElements()); break;
    case DType::UINT8: Dequantize<uint8_t>(t, out); break;
    case DType::INT8: Dequantize<int8_t>(t, out); break;
    case DType::INT16: Dequantize<int16_t>(t, out); break;
    case DType::INT32: Dequantize<int32_t>(t, out); break;
    default: Fail("tensor '{}' is {}, which has no real values", t.name(), DTypeName(t.dtype));
  }
  return out;
}

std::vector<float> ModelSession::Probabilities(const std::vector<float>& scores) const {
  if (output_is_probability_ || scores.empty()) return scores;
  float mx = *std::max_element(scores.begin(), scores.end());
  std::vector<float> p(scores.size());
  double sum = 0;
  for (size_t i = 0; i < scores.size(); ++i) sum += (p[i] = std::exp(scores[i] - mx));
  for (float& v : p) v = static_cast<float>(v / sum);
  return p;
}

std::vector<int> TopK(const std::vector<float>& scores, size_t k) {
  std::vector<int> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  k = std::min(k, idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(), [&](int a, int b) {
    float sa = scores[static_cast<size_t>(a)], sb = scores[static_cast<size_t>(b)];
    return sa != sb ? sa > sb : a < b;
  });
  idx.resize(k);
  return idx;
}

double SqnrDb(const std::vector<float>& x, const std::vector<float>& ref) {
  double s = 0, n = 0;
  for (size_t i = 0; i < std::min(x.size(), ref.size()); ++i) {
    s += static_cast<double>(ref[i]) * ref[i];
    double d = static_cast<double>(x[i]) - ref[i];
    n += d * d;
  }
  if (n == 0) return std::numeric_limits<double>::infinity();
  if (s == 0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(s / n);
}

}  // namespace tfd
