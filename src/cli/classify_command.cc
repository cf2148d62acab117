// tflite-doctor classify MODEL IMAGE...: top-k classes per image, with the
// model's own preprocessing (--preprocess auto) or a declared one.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "data/dataset.h"
#include "data/detection/detector_outputs.h"
#include "data/segmentation/class_map.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "util/error.h"

namespace tfd::cli {
namespace {

struct ClassifyArgs {
  std::string model;
  std::vector<std::string> images;
  size_t top_k = 5;
  std::string labels;
  std::string preprocess = "auto";
  bool json = false;
};

void Classify(const ClassifyArgs& args) {
  // Bad data and a bad spec are reported before the model is prepared.
  std::optional<PreprocessSpec> declared;
  if (args.preprocess != "auto") declared = ReadPreprocessSpec(args.preprocess);
  std::vector<Sample> samples;
  for (const auto& file : args.images) samples.push_back(LoadSample(file));
  ModelSession session(args.model);
  // Ranking a detector's box coordinates or a segmenter's first pixel as
  // class scores would be a silent wrong answer.
  if (FindDetectorOutputs(session.model()))
    Fail("{}: an object detector, not a classifier: use `tflite-doctor detect {} IMAGE...` for its boxes", args.model,
         args.model);
  if (FindSegmenterOutput(session.model()))
    Fail("{}: a segmenter (a class per pixel), not a classifier: use `tflite-doctor segment {} IMAGE -o MASK.png`",
         args.model, args.model);
  if (!args.labels.empty()) session.SetLabels(ReadLabelsFile(args.labels), args.labels);
  ResolvedSpec spec = ResolveSpec(args.preprocess, session);
  if (!args.json) {
    std::cout << "Model: " << args.model << "\n";
    std::cout << "Preprocessing: " << spec.description << "\n";
    std::cout << "  pipeline: " << DescribeSpec(spec.spec) << "\n";
    std::cout << "Labels: " << (session.labels().empty() ? "none (indices only)" : session.labels_source()) << "\n";
  } else {
    std::cerr << "tflite-doctor: preprocessing: " << spec.description << "\n";
  }
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < args.images.size(); ++i) {
    const std::string& file = args.images[i];
    const Sample& sample = samples[i];
    std::vector<float> scores = session.Run(session.Prepare(sample, spec.spec, file));
    auto top = TopK(scores, args.top_k);
    nlohmann::json entry{{"file", file}, {"top", nlohmann::json::array()}};
    if (!args.json) std::cout << "\n" << file << "\n";
    for (size_t r = 0; r < top.size(); ++r) {
      int idx = top[r];
      float score = scores[static_cast<size_t>(idx)];
      const auto& labels = session.labels();
      bool has_label = static_cast<size_t>(idx) < labels.size();
      entry["top"].push_back({{"index", idx},
                              {"label", has_label ? nlohmann::json(labels[static_cast<size_t>(idx)]) : nlohmann::json()},
                              {"score", score}});
      if (!args.json)
        std::cout << fmt::format("  {:>2}. {:<40} {:>5}  {:.4f}\n", r + 1,
                                 has_label ? labels[static_cast<size_t>(idx)] : "#" + std::to_string(idx), idx, score);
    }
    out.push_back(entry);
  }
  if (args.json) std::cout << out.dump(2) << "\n";
}

void SetupClassify(CLI::App& app) {
  auto args = std::make_shared<ClassifyArgs>();
  auto* cmd = app.add_subcommand("classify", "Classify images with a model, preprocessing them as the model expects");
  cmd->add_option("MODEL", args->model, "the .tflite file")->required();
  cmd->add_option("IMAGE", args->images, "images (JPEG, PNG, BMP) or .npy inputs")->required();
  cmd->add_option("--top-k", args->top_k, "how many classes to show per image (default 5)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--labels", args->labels, "a labels file (one per line) instead of the model's metadata labels");
  cmd->add_option("--preprocess", args->preprocess,
                  "auto (from the model's metadata or input quantization; the default) or a JSON spec file");
  cmd->add_flag("--json", args->json, R"(print [{"file", "top": [{"index", "label", "score"}]}])");
  cmd->callback([args] { Classify(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(classify, SetupClassify);

}  // namespace tfd::cli
