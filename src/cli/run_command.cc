#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "data/npy.h"
#include "data/random_fill.h"
#include "format/model_reader.h"
#include "graph/dtype.h"
#include "graph/topology.h"
#include "interpreter/interpreter.h"
#include "util/error.h"
#include "util/memory_limit.h"
#include "util/file_io.h"

namespace tfd::cli {
namespace {

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::optional<uint64_t> seed;
  std::string output_dir;
  std::string dump_dir;
  bool reference = false;
  std::string arithmetic = "reference";
};

constexpr size_t kMaxFileStem = 120;

std::string SafeFileName(const std::string& name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "tensor" : out;
}

void MakeDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) Fail("{}: cannot create directory ({})", dir, ec.message());
}

// A stateful model's answer depends on what ran before it in the same
// interpreter: say which state these outputs start from, as a user comparing
// them with an application's (or the real runtime's) second answer would
// otherwise see a difference with no cause.
void PrintStateNote(const Model& model) {
  const auto stateful = StatefulOperators(model);
  if (stateful.empty()) return;
  std::string which;
  for (size_t i = 0; i < stateful.size() && i < 3; ++i) {
    if (i > 0) which += ", ";
    which += stateful[i].op + " (node " + std::to_string(stateful[i].node) +
             (stateful[i].subgraph != 0 ? " of subgraph " + std::to_string(stateful[i].subgraph) : "") + ")";
  }
  if (stateful.size() > 3) which += " and " + std::to_string(stateful.size() - 3) + " more";
  std::cout << "note: stateful model: " << which
            << " keeps state between runs. These outputs are for one run from the initial state (variables at their "
               "stored values, zeros for LSTM/SVDF state). TFLite's Interpreter carries the state into the next "
               "Invoke() until ResetVariableTensors() or a new interpreter, so an application that feeds several "
               "inputs to one interpreter gets other answers from its second input on.\n";
}

void Run(const RunArgs& args) {
  Model model = LoadModel(args.model);
  InterpreterOptions options;
  options.reference_kernels_only = args.reference;
  auto arithmetic = ParseArithmetic(args.arithmetic);
  if (!arithmetic) Fail("--arithmetic must be 'reference' or 'xnnpack', got '{}'", args.arithmetic);
  options.arithmetic = *arithmetic;
  Interpreter interp(model, options);
  size_t n = interp.num_inputs();
  if (!args.inputs.empty() && args.seed) Fail("give either --input files or --seed, not both");
  if (args.inputs.empty() && !args.seed)
    Fail("the model has {} input(s): give --input FILE.npy for each, in order, or --seed N for random inputs", n);
  if (!args.inputs.empty() && args.inputs.size() != n) {
    size_t missing = args.inputs.size();
    if (missing < n)
      Fail("the model has {} inputs but {} --input given (missing input {} '{}')", n, args.inputs.size(), missing,
           interp.input(missing).name());
    Fail("the model has {} inputs but {} --input given", n, args.inputs.size());
  }
  MakeDir(args.output_dir);
  if (!args.dump_dir.empty()) MakeDir(args.dump_dir);

  std::mt19937_64 rng(args.seed.value_or(0));
  for (size_t i = 0; i < n; ++i) {
    if (!args.inputs.empty()) {
      NpyArray a = ReadNpy(args.inputs[i]);
      try {
        interp.SetInput(i, a.dtype, a.shape, a.data.data(), a.data.size());
      } catch (const Error& e) {
        Fail("{}: {}", args.inputs[i], e.what());
      }
    } else {
      const RuntimeTensor& t = interp.input(i);
      CheckMemoryClaim(StorageBytes(t.dtype, t.NumElements()),
                       fmt::format("input {} ('{}', {} {})", i, t.name(), DTypeName(t.dtype), ShapeString(t.shape)));
      auto bytes = RandomTensorBytes(t.dtype, t.NumElements(), rng);
      interp.SetInput(i, t.dtype, t.shape, bytes.data(), bytes.size());
    }
  }

  nlohmann::json index = nlohmann::json::array();
  std::map<std::string, int> used_names;
  if (!args.dump_dir.empty()) {
    interp.SetObserver([&](int subgraph, int node, int tensor_index, const RuntimeTensor& t) {
      if (subgraph != 0 || t.data == nullptr) return;
      std::string base = SafeFileName(t.name());
      // Converter-joined names run to hundreds of characters, past what file
      // systems take (255 bytes): keep a readable head and the tensor index,
      // which keeps it unique (tensors.json has the whole name).
      if (base.size() > kMaxFileStem) base = base.substr(0, kMaxFileStem - 16) + "__" + std::to_string(tensor_index);
      if (used_names[base]++ > 0) base += "__" + std::to_string(tensor_index);
      std::string file = base + ".npy";
      WriteNpy((std::filesystem::path(args.dump_dir) / file).string(), t.dtype, t.shape, t.data, t.bytes);
      index.push_back({{"file", file}, {"name", t.name()}, {"tensor", tensor_index}, {"node", node},
                       {"dtype", DTypeName(t.dtype)}, {"shape", t.shape}});
    });
  }
  interp.Invoke();
  nlohmann::json outputs = nlohmann::json::array();
  for (size_t i = 0; i < interp.num_outputs(); ++i) {
    const RuntimeTensor& t = interp.output(i);
    std::string file = "output_" + std::to_string(i) + ".npy";
    WriteNpy((std::filesystem::path(args.output_dir) / file).string(), t.dtype, t.shape, t.data, t.bytes);
    outputs.push_back({{"file", file}, {"name", t.name()}, {"dtype", DTypeName(t.dtype)}, {"shape", t.shape}});
  }
  if (!args.dump_dir.empty()) {
    std::string path = (std::filesystem::path(args.dump_dir) / "tensors.json").string();
    std::string text = index.dump(1) + "\n";
    WriteFileBytes(path, std::vector<uint8_t>(text.begin(), text.end()));
  }
  for (const auto& o : outputs)
    std::cout << o["file"].get<std::string>() << ": " << o["name"].get<std::string>() << " "
              << o["dtype"].get<std::string>() << " " << o["shape"].dump() << "\n";
  PrintStateNote(model);
}

void SetupRun(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a model with tflite-doctor's reference kernels and save its outputs as .npy");
  cmd->add_option("MODEL", args->model, "the .tflite file")->required();
  cmd->add_option("--input", args->inputs, "an input as .npy (repeat, in the model's input order)");
  cmd->add_option("--seed", args->seed, "fill every input with reproducible random values instead");
  cmd->add_option("--output-dir", args->output_dir, "where output_0.npy, output_1.npy... go")->required();
  cmd->add_option("--dump-tensors", args->dump_dir, "also write every intermediate tensor as .npy, named after it");
  cmd->add_flag("--reference", args->reference, "use only the reference kernels");
  cmd->add_option("--arithmetic", args->arithmetic,
                  "reference: TFLite's builtin kernels (default); xnnpack: what TFLite computes when its XNNPACK "
                  "delegate (the CPU default) takes a node, e.g. its float requantization of 8-bit ops");
  cmd->callback([args] { Run(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(run, SetupRun);

}  // namespace tfd::cli
