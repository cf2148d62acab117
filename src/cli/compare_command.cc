#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "analysis/compare/compare.h"
#include "analysis/compare/float_shadow.h"
#include "cli/command_registry.h"
#include "data/npy.h"
#include "format/model_reader.h"
#include "graph/dtype.h"
#include "report/compare_report.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> models;
  bool self = false;
  std::vector<std::string> inputs;
  uint64_t seed = 0;
  int samples = 10;
  bool json = false;
  std::string csv;
  size_t layers = 15;
};

// One sample from .npy files (one per graph input): float files hold real
// values; integer files in the deployed input's type are dequantized with
// its parameters.
CompareInputs NpyInputs(const Model& deployed, const std::vector<std::string>& files) {
  const Subgraph& g = deployed.main();
  if (files.size() != g.inputs.size())
    Fail("the deployed model has {} inputs but {} --input files were given", g.inputs.size(), files.size());
  Sample sample;
  for (size_t i = 0; i < files.size(); ++i) {
    NpyArray a = ReadNpy(files[i]);
    const Tensor& t = g.tensors[static_cast<size_t>(g.inputs[i])];
    if (ElementCount(a.shape) != ElementCount(t.shape))
      Fail("{}: shape {} does not fit input {} ('{}') of shape {}", files[i], ShapeString(a.shape), i, t.name, ShapeString(t.shape));
    std::vector<float> values(static_cast<size_t>(*ElementCount(a.shape)));
    if (a.dtype == DType::FLOAT32) {
      std::memcpy(values.data(), a.data.data(), a.data.size());
    } else if (a.dtype == t.dtype && t.quantization && t.quantization->IsAffine() &&
               (a.dtype == DType::INT8 || a.dtype == DType::UINT8 || a.dtype == DType::INT16)) {
      const double scale = t.quantization->scale[0];
      const double zp = t.quantization->zero_point.empty() ? 0 : static_cast<double>(t.quantization->zero_point[0]);
      for (size_t k = 0; k < values.size(); ++k) {
        double q = a.dtype == DType::INT8    ? reinterpret_cast<const int8_t*>(a.data.data())[k]
                   : a.dtype == DType::UINT8 ? reinterpret_cast<const uint8_t*>(a.data.data())[k]
                                             : reinterpret_cast<const int16_t*>(a.data.data())[k];
        values[k] = static_cast<float>((q - zp) * scale);
      }
    } else {
      Fail("{}: {} data cannot feed input {} ('{}', {}): give float32 real values", files[i], DTypeName(a.dtype), i,
           t.name, DTypeName(t.dtype));
    }
    sample.push_back(std::move(values));
  }
  CompareInputs in;
  in.count = 1;
  in.sample = [sample](int) { return sample; };
  return in;
}

void RunCompare(const CompareArgs& args) {
  if (args.self ? args.models.size() != 1 : args.models.size() != 2)
    Fail(args.self ? "--self takes one model: the deployed one" : "give REFERENCE.tflite and DEPLOYED.tflite (or one model with --self)");
  if (args.samples < 1) Fail("--samples must be at least 1");
  Model deployed = LoadModel(args.models.back());
  Model reference = args.self ? MakeFloatShadow(deployed) : LoadModel(args.models.front());
  CompareInputs inputs = args.inputs.empty() ? RandomCompareInputs(deployed, args.seed, args.samples)
                                             : NpyInputs(deployed, args.inputs);
  CompareResult result = CompareModels(reference, deployed, inputs);
  if (!args.csv.empty()) {
    std::string csv = CompareCsv(result);
    WriteFileBytes(args.csv, std::vector<uint8_t>(csv.begin(), csv.end()));
  }
  if (args.json) {
    nlohmann::json j = CompareJson(result);
    j["reference"] = args.self ? "float shadow of " + args.models.back() : args.models.front();
    j["deployed"] = args.models.back();
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "Reference: " << (args.self ? "float shadow of " + args.models.back() : args.models.front())
              << "\nDeployed:  " << args.models.back() << "\n" << CompareText(result, args.layers);
  }
}

void SetupCompare(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
      "compare",
      "Run a reference and a deployed model on the same inputs and show, layer by layer, where the deployed one "
      "loses accuracy, with the layers that add the most error and why.\n"
      "With --self, the deployed model is compared with its own float shadow (weights dequantized, float kernels, "
      "no activation quantization): this measures the error of activation quantization; it cannot see weight "
      "rounding, which the shadow shares.");
  cmd->add_option("MODELS", args->models, "REFERENCE.tflite DEPLOYED.tflite, or DEPLOYED.tflite with --self")->required();
  cmd->add_flag("--self", args->self, "compare the deployed model with its float shadow (activation quantization error only)");
  cmd->add_option("--input", args->inputs, "one sample as .npy files, one per input (float real values)");
  cmd->add_option("--seed", args->seed, "seed for random input samples (default 0)");
  cmd->add_option("--samples", args->samples, "number of random input samples (default 10)");
  cmd->add_flag("--json", args->json, "print every number as JSON");
  cmd->add_option("--csv", args->csv, "also write one row per layer to this CSV file");
  cmd->add_option("--layers", args->layers, "layers to show in the table (default 15)");
  cmd->callback([args] { RunCompare(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(compare, SetupCompare);

}  // namespace tfd::cli
