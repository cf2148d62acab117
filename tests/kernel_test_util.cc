#include "kernel_test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "data/npy.h"
#include "data/random_fill.h"
#include "format/model_writer.h"
#include "graph/dtype.h"
#include "interpreter/interpreter.h"
#include "util/file_io.h"

namespace tfd::testing {

int64_t Array::count() const {
  auto size = DTypeSize(dtype);
  return size ? static_cast<int64_t>(bytes.size() / *size) : 0;
}

OpModel::OpModel(BuiltinOp op, int version) {
  model_.buffers.resize(1);
  model_.op_codes.push_back({op, "", version});
  op_.opcode_index = 0;
}

OpModel::OpModel(const std::string& custom_code, int version) {
  model_.buffers.resize(1);
  model_.op_codes.push_back({BuiltinOp::CUSTOM, custom_code, version});
  op_.opcode_index = 0;
}

int OpModel::AddTensor(const TensorSpec& spec, uint32_t buffer) {
  if (model_.subgraphs.empty()) model_.subgraphs.emplace_back();
  auto& tensors = model_.subgraphs[0].tensors;
  Tensor t;
  t.name = spec.name.empty() ? "t" + std::to_string(tensors.size()) : spec.name;
  t.dtype = spec.dtype;
  t.shape = spec.shape;
  t.shape_signature = spec.shape_signature;
  t.buffer = buffer;
  if (!spec.scales.empty()) {
    Quantization q;
    q.scale = spec.scales;
    q.zero_point = spec.zero_points.empty() ? std::vector<int64_t>(spec.scales.size(), 0) : spec.zero_points;
    q.axis = spec.axis;
    t.quantization = q;
  } else if (spec.scale > 0.0f) {
    Quantization q;
    q.scale = {spec.scale};
    q.zero_point = {spec.zero_point};
    t.quantization = q;
  }
  tensors.push_back(std::move(t));
  return static_cast<int>(tensors.size() - 1);
}

int OpModel::Input(const TensorSpec& spec) {
  int index = AddTensor(spec, 0);
  op_.inputs.push_back(index);
  graph_inputs_.push_back(index);
  return index;
}

int OpModel::ConstBytes(const TensorSpec& spec, std::vector<uint8_t> bytes) {
  model_.buffers.push_back({std::move(bytes)});
  int index = AddTensor(spec, static_cast<uint32_t>(model_.buffers.size() - 1));
  op_.inputs.push_back(index);
  return index;
}

int OpModel::Omitted() {
  op_.inputs.push_back(kOmittedInput);
  return kOmittedInput;
}

int OpModel::Output(const TensorSpec& spec) {
  int index = AddTensor(spec, 0);
  op_.outputs.push_back(index);
  graph_outputs_.push_back(index);
  return index;
}

int OpModel::Intermediate(const TensorSpec& spec) {
  int index = AddTensor(spec, 0);
  op_.intermediates.push_back(index);
  return index;
}

Model OpModel::Build() const {
  Model m = model_;
  if (m.subgraphs.empty()) m.subgraphs.emplace_back();
  m.subgraphs[0].inputs = graph_inputs_;
  m.subgraphs[0].outputs = graph_outputs_;
  m.subgraphs[0].operators = {op_};
  return m;
}

static std::vector<Array> RunWith(const Model& model, const std::vector<Array>& inputs, InterpreterOptions options);

std::vector<Array> RunOurs(const Model& model, const std::vector<Array>& inputs, bool reference_only) {
  return RunWith(model, inputs, {reference_only});
}

std::vector<Array> RunOurs(const Model& model, const std::vector<Array>& inputs, Arithmetic arithmetic) {
  InterpreterOptions options;
  options.reference_kernels_only = true;
  options.arithmetic = arithmetic;
  return RunWith(model, inputs, options);
}

static std::vector<Array> RunWith(const Model& model, const std::vector<Array>& inputs, InterpreterOptions options) {
  Interpreter interp(model, options);
  for (size_t i = 0; i < inputs.size(); ++i)
    interp.SetInput(i, inputs[i].dtype, inputs[i].shape, inputs[i].bytes.data(), inputs[i].bytes.size());
  interp.Invoke();
  std::vector<Array> out;
  for (size_t i = 0; i < interp.num_outputs(); ++i) {
    const RuntimeTensor& t = interp.output(i);
    out.push_back({t.dtype, t.shape, std::vector<uint8_t>(t.data, t.data + t.bytes)});
  }
  return out;
}

std::vector<std::vector<Array>> RunOursInSequence(const Model& model, const std::vector<std::vector<Array>>& runs,
                                                  Arithmetic arithmetic) {
  InterpreterOptions options;
  options.reference_kernels_only = true;
  options.arithmetic = arithmetic;
  Interpreter interp(model, options);
  std::vector<std::vector<Array>> out;
  for (const auto& inputs : runs) {
    for (size_t i = 0; i < inputs.size(); ++i)
      interp.SetInput(i, inputs[i].dtype, inputs[i].shape, inputs[i].bytes.data(), inputs[i].bytes.size());
    interp.Invoke();
    auto& outputs = out.emplace_back();
    for (size_t i = 0; i < interp.num_outputs(); ++i) {
      const RuntimeTensor& t = interp.output(i);
      outputs.push_back({t.dtype, t.shape, std::vector<uint8_t>(t.data, t.data + t.bytes)});
    }
  }
  return out;
}

std::vector<Array> RandomInputs(const Model& model, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Array> out;
  for (int32_t i : model.main().inputs) {
    const Tensor& t = model.main().tensors[static_cast<size_t>(i)];
    out.push_back({t.dtype, t.shape, RandomTensorBytes(t.dtype, *ElementCount(t.shape), rng)});
  }
  return out;
}

namespace {

std::filesystem::path OracleScript() { return std::filesystem::path(TFD_SOURCE_DIR) / "tools/oracle/oracle.js"; }

}  // namespace

bool OracleBatch::Available(std::string* why) {
  auto modules = std::filesystem::path(TFD_SOURCE_DIR) / "tools/oracle/node_modules/@tensorflow/tfjs-tflite";
  if (!std::filesystem::is_directory(modules)) {
    *why = "oracle not installed (run: npm ci --prefix tools/oracle, done by scripts/setup.sh)";
    return false;
  }
  if (std::system("node --version >/dev/null 2>&1") != 0) {
    *why = "node not found (needed to run the TFLite oracle)";
    return false;
  }
  return true;
}

int OracleBatch::Add(const Model& model, const std::vector<Array>& inputs) {
  return AddBytes(WriteModel(model), inputs);
}

int OracleBatch::AddBytes(std::vector<uint8_t> model_bytes, const std::vector<Array>& inputs) {
  cases_.push_back({std::move(model_bytes), inputs});
  return static_cast<int>(cases_.size() - 1);
}

void OracleBatch::Run() {
  auto dir = std::filesystem::temp_directory_path() /
             ("tfd-oracle-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  nlohmann::json jobs = nlohmann::json::array();
  for (size_t c = 0; c < cases_.size(); ++c) {
    std::string name = "case" + std::to_string(c);
    WriteFileBytes((dir / (name + ".tflite")).string(), cases_[c].model);
    nlohmann::json inputs = nlohmann::json::array();
    for (size_t i = 0; i < cases_[c].inputs.size(); ++i) {
      const Array& a = cases_[c].inputs[i];
      std::string file = name + "_in" + std::to_string(i) + ".npy";
      WriteNpy((dir / file).string(), a.dtype, a.shape, a.bytes.data(), a.bytes.size());
      inputs.push_back(file);
    }
    jobs.push_back(
        {{"model", name + ".tflite"}, {"inputs", inputs}, {"output_dir", name + "_out"}, {"delegation", true}});
  }
  std::ofstream(dir / "jobs.json") << jobs.dump();
  std::string cmd = "node '" + OracleScript().string() + "' --jobs '" + (dir / "jobs.json").string() + "' 2>'" +
                    (dir / "stderr").string() + "'";
  int status = std::system(cmd.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream err(dir / "stderr");
    std::string line;
    std::getline(err, line);
    throw std::runtime_error("oracle harness failed: " + line);
  }
  results_.assign(cases_.size(), {});
  for (size_t c = 0; c < cases_.size(); ++c) {
    auto out_dir = dir / ("case" + std::to_string(c) + "_out");
    Result& r = results_[c];
    if (std::filesystem::exists(out_dir / "error.json")) {
      std::ifstream f(out_dir / "error.json");
      r.error = nlohmann::json::parse(f)["message"].get<std::string>();
      continue;
    }
    std::ifstream f(out_dir / "outputs.json");
    auto listing = nlohmann::json::parse(f);
    r.ok = true;
    for (const auto& entry : listing) {
      if (entry["file"].is_null()) {
        r.ok = false;
        r.error = "oracle cannot read output '" + entry["name"].get<std::string>() + "' (type not exposed)";
        break;
      }
      NpyArray a = ReadNpy((out_dir / entry["file"].get<std::string>()).string());
      r.outputs.push_back({a.dtype, a.shape, std::move(a.data)});
    }
    std::ifstream d(out_dir / "delegation.json");
    if (!d) throw std::runtime_error("oracle harness wrote no delegation.json for case " + std::to_string(c));
    const auto delegation = nlohmann::json::parse(d);
    if (delegation.contains("error")) r.delegation_error = delegation["error"].get<std::string>();
    else r.delegated = delegation["delegated"].get<std::vector<int>>();
  }
  std::filesystem::remove_all(dir);
}

std::vector<std::vector<Array>> OracleInSequence(const std::vector<uint8_t>& model_bytes,
                                                 const std::vector<std::vector<Array>>& runs) {
  auto dir = std::filesystem::temp_directory_path() / ("tfd-oracle-sequence-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteFileBytes((dir / "model.tflite").string(), model_bytes);
  nlohmann::json entries = nlohmann::json::array();
  for (size_t r = 0; r < runs.size(); ++r) {
    nlohmann::json inputs = nlohmann::json::array();
    for (size_t i = 0; i < runs[r].size(); ++i) {
      const Array& a = runs[r][i];
      std::string file = "run" + std::to_string(r) + "_in" + std::to_string(i) + ".npy";
      WriteNpy((dir / file).string(), a.dtype, a.shape, a.bytes.data(), a.bytes.size());
      inputs.push_back(file);
    }
    entries.push_back({{"inputs", inputs}, {"output_dir", "run" + std::to_string(r)}});
  }
  std::ofstream(dir / "batch.json") << entries.dump();
  std::string cmd = "node '" + OracleScript().string() + "' '" + (dir / "model.tflite").string() + "' --batch '" +
                    (dir / "batch.json").string() + "' --keep-state 2>'" + (dir / "stderr").string() + "'";
  int status = std::system(cmd.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream err(dir / "stderr");
    std::string line;
    std::getline(err, line);
    std::filesystem::remove_all(dir);
    throw std::runtime_error("oracle failed: " + line);
  }
  std::vector<std::vector<Array>> out;
  for (size_t r = 0; r < runs.size(); ++r) {
    auto run_dir = dir / ("run" + std::to_string(r));
    std::ifstream f(run_dir / "outputs.json");
    auto& outputs = out.emplace_back();
    for (const auto& entry : nlohmann::json::parse(f)) {
      if (entry["file"].is_null()) throw std::runtime_error("oracle cannot read output '" + entry["name"].get<std::string>() + "'");
      NpyArray a = ReadNpy((run_dir / entry["file"].get<std::string>()).string());
      outputs.push_back({a.dtype, a.shape, std::move(a.data)});
    }
  }
  std::filesystem::remove_all(dir);
  return out;
}

namespace {

::testing::AssertionResult SameLayout(const Array& ours, const Array& oracle) {
  if (ours.dtype != oracle.dtype)
    return ::testing::AssertionFailure() << "dtype " << DTypeName(ours.dtype) << " vs oracle " << DTypeName(oracle.dtype);
  if (ours.shape != oracle.shape)
    return ::testing::AssertionFailure() << "shape " << ShapeString(ours.shape) << " vs oracle " << ShapeString(oracle.shape);
  if (ours.bytes.size() != oracle.bytes.size()) return ::testing::AssertionFailure() << "byte sizes differ";
  return ::testing::AssertionSuccess();
}

template <typename T>
std::vector<double> AsDoubles(const Array& a) {
  std::vector<double> out;
  for (T v : a.values<T>()) out.push_back(static_cast<double>(v));
  return out;
}

std::vector<double> ToDoubles(const Array& a) {
  switch (a.dtype) {
    case DType::FLOAT32: return AsDoubles<float>(a);
    case DType::FLOAT64: return AsDoubles<double>(a);
    case DType::INT8: return AsDoubles<int8_t>(a);
    case DType::UINT8: return AsDoubles<uint8_t>(a);
    case DType::BOOL: return AsDoubles<uint8_t>(a);
    case DType::INT16: return AsDoubles<int16_t>(a);
    case DType::UINT16: return AsDoubles<uint16_t>(a);
    case DType::INT32: return AsDoubles<int32_t>(a);
    case DType::UINT32: return AsDoubles<uint32_t>(a);
    case DType::INT64: return AsDoubles<int64_t>(a);
    default: return {};
  }
}

}  // namespace

::testing::AssertionResult Identical(const Array& ours, const Array& oracle) {
  auto layout = SameLayout(ours, oracle);
  if (!layout) return layout;
  if (ours.bytes == oracle.bytes) return ::testing::AssertionSuccess();
  auto a = ToDoubles(ours), b = ToDoubles(oracle);
  size_t diffs = 0, first = 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && !(std::isnan(a[i]) && std::isnan(b[i]))) {
      if (diffs++ == 0) first = i;
    }
  if (diffs == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diffs << " of " << a.size() << " elements differ; first at " << first
                                       << ": " << a[first] << " vs oracle " << b[first];
}

::testing::AssertionResult WithinSteps(const Array& ours, const Array& oracle, int steps) {
  auto layout = SameLayout(ours, oracle);
  if (!layout) return layout;
  auto a = ToDoubles(ours), b = ToDoubles(oracle);
  double worst = 0;
  size_t at = 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > worst) {
      worst = std::abs(a[i] - b[i]);
      at = i;
    }
  if (worst <= steps) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "differs by " << worst << " steps at " << at << ": " << a[at]
                                       << " vs oracle " << b[at];
}

::testing::AssertionResult FloatClose(const Array& ours, const Array& oracle, double tolerance) {
  auto layout = SameLayout(ours, oracle);
  if (!layout) return layout;
  auto a = ToDoubles(ours), b = ToDoubles(oracle);
  double scale = 1e-6;
  for (double v : b)
    if (std::isfinite(v)) scale = std::max(scale, std::abs(v));
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::isinf(b[i]) && a[i] == b[i]) continue;
    if (!(std::abs(a[i] - b[i]) <= tolerance * scale))
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs oracle " << b[i]
                                           << " (tolerance " << tolerance * scale << ")";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace tfd::testing
