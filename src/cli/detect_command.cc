// tflite-doctor detect MODEL IMAGE...: the objects a detector finds in each
// image, as the Task Library's ObjectDetector reports them (boxes in the
// image's own pixels, class names, scores).
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "data/dataset.h"
#include "data/detection/detections.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "data/preprocess/task_library_input.h"
#include "interpreter/kernel_registry.h"
#include "util/error.h"

namespace tfd::cli {
namespace {

struct DetectArgs {
  std::string model;
  std::vector<std::string> images;
  std::string labels;
  bool ids = false;
  std::optional<float> score_threshold;
  int max_results = -1;
  std::string preprocess = "auto";
  std::string arithmetic = "xnnpack";
  bool json = false;
};

std::string ClassName(const Detection& d) { return d.label.empty() ? "#" + std::to_string(d.class_index) : d.label; }

void Detect(const DetectArgs& args) {
  if (args.score_threshold && (*args.score_threshold < 0 || *args.score_threshold >= 1))
    Fail("--score-threshold must be in [0, 1), got {}", *args.score_threshold);
  std::optional<PreprocessSpec> declared;
  if (args.preprocess != "auto") declared = ReadPreprocessSpec(args.preprocess);
  std::vector<Image> images;
  for (const auto& file : args.images) {
    Sample sample = LoadSample(file);
    if (!std::holds_alternative<Image>(sample)) Fail("{}: not an image; detect takes JPEG, PNG or BMP files", file);
    images.push_back(std::get<Image>(std::move(sample)));
  }
  InterpreterOptions run_options;
  std::optional<Arithmetic> arithmetic = ParseArithmetic(args.arithmetic);
  if (!arithmetic) Fail("--arithmetic must be 'reference' or 'xnnpack', got '{}'", args.arithmetic);
  run_options.arithmetic = *arithmetic;
  ModelSession session(args.model, nullptr, run_options);
  std::optional<DetectorOutputs> outputs = FindDetectorOutputs(session.model());
  if (!outputs)
    Fail("{}: not an object detector (it needs four outputs: boxes [1,N,4], classes [1,N], scores [1,N] and a count, "
         "as SSD or EfficientDet-Lite with TFLite_Detection_PostProcess give); for a classifier use `classify`, for a "
         "segmenter `segment`",
         args.model);
  std::vector<std::string> labels = outputs->labels;
  std::string labels_source = labels.empty() ? "" : "metadata (" + outputs->labels_file + ")";
  if (!args.labels.empty()) {
    labels = ReadLabelsFile(args.labels);
    labels_source = args.labels;
  }
  if (labels.empty() && !args.ids)
    Fail("{}: the detector has no labels in its metadata: give --labels FILE (one class name per line, line i naming "
         "class i, e.g. a COCO labelmap) or --ids to show class numbers",
         args.model);
  ResolvedSpec spec = ResolveSpec(args.preprocess, session);
  if (spec.is_auto) {
    std::string note;
    spec.spec = TaskLibraryVisionSpec(spec.spec, session.target(), &note);
    spec.description += "; " + note;
  }
  DetectOptions options;
  options.score_threshold = args.score_threshold;
  options.max_results = args.max_results;
  const std::optional<float> threshold = args.score_threshold ? args.score_threshold : outputs->score_threshold;
  const std::string threshold_text = args.score_threshold    ? fmt::format("{:.2f} (--score-threshold)", *threshold)
                                     : outputs->score_threshold ? fmt::format("{:.2f} (metadata)", *threshold)
                                                                : "none (the model declares none; --score-threshold T)";
  if (!args.json) {
    std::cout << "Model: " << args.model << " (detector; outputs found by " << outputs->found_by << ")\n";
    std::cout << "Preprocessing: " << spec.description << "\n";
    std::cout << "Labels: " << (labels.empty() ? "none (class numbers)" : labels_source) << "\n";
    std::cout << "Score threshold: " << threshold_text;
    if (outputs->calibration) std::cout << "; scores calibrated as the metadata says";
    std::cout << "\n";
  } else {
    std::cerr << "tflite-doctor: preprocessing: " << spec.description << "\n";
  }
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    const Image& image = images[i];
    session.Invoke(session.Prepare(image, spec.spec, args.images[i]));
    DetectorValues values = ReadDetectorValues(session.interpreter(), *outputs);
    std::vector<Detection> found = DecodeDetections(values, *outputs, image.width, image.height, options, labels);
    nlohmann::json entry{{"file", args.images[i]}, {"width", image.width}, {"height", image.height},
                         {"detections", nlohmann::json::array()}};
    if (!args.json)
      std::cout << fmt::format("\n{} ({}x{}): {} object{}\n", args.images[i], image.width, image.height, found.size(),
                               found.size() == 1 ? "" : "s");
    for (size_t k = 0; k < found.size(); ++k) {
      const Detection& d = found[k];
      PixelBox p = ToPixelBox(d.box);
      entry["detections"].push_back(
          {{"class", d.class_index},
           {"label", d.label.empty() ? nlohmann::json() : nlohmann::json(d.label)},
           {"score", d.score},
           {"box", {{"x", p.x}, {"y", p.y}, {"width", p.width}, {"height", p.height}}},
           {"edges", {{"left", d.box.left}, {"top", d.box.top}, {"right", d.box.right}, {"bottom", d.box.bottom}}}});
      if (!args.json)
        std::cout << fmt::format("  {:>2}. {:<20} {:.3f}  x={} y={} w={} h={}\n", k + 1, ClassName(d), d.score, p.x, p.y,
                                 p.width, p.height);
    }
    out.push_back(entry);
  }
  if (args.json) std::cout << out.dump(2) << "\n";
}

void SetupDetect(CLI::App& app) {
  auto args = std::make_shared<DetectArgs>();
  auto* cmd = app.add_subcommand(
      "detect",
      "Find objects with a detector (SSD, EfficientDet-Lite): boxes in each image's own pixels, class names and "
      "scores, as the TFLite Task Library's ObjectDetector reports them");
  cmd->add_option("MODEL", args->model, "the .tflite detector")->required();
  cmd->add_option("IMAGE", args->images, "images (JPEG, PNG, BMP)")->required();
  cmd->add_option("--labels", args->labels, "class names, one per line (line i names class i), instead of the metadata's");
  cmd->add_flag("--ids", args->ids, "for a detector without labels: show class numbers");
  cmd->add_option("--score-threshold", args->score_threshold,
                  "drop detections scoring at or below T (default: the metadata's threshold, else none)");
  cmd->add_option("--max-results", args->max_results, "at most N detections per image (default: all the model gives)");
  cmd->add_option("--arithmetic", args->arithmetic,
                  "xnnpack (the default: the Task Library runs on the CPU through TFLite's XNNPACK delegate) or "
                  "reference (TFLite's own kernels)");
  cmd->add_option("--preprocess", args->preprocess,
                  "auto (from the model's metadata or input quantization; the default) or a JSON spec file");
  cmd->add_flag("--json", args->json,
                R"(print [{"file", "width", "height", "detections": [{"class", "label", "score", "box": {"x", "y", "width", "height"}, "edges"}]}])");
  cmd->callback([args] { Detect(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(detect, SetupDetect);

}  // namespace tfd::cli
