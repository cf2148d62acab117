// tflite-doctor segment MODEL IMAGE -o MASK.png: the class of every pixel of
// an image, as a colour mask with its legend and, with --category-mask, the
// Task Library ImageSegmenter's category mask (class index as grey level),
// both at the image's own size.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "data/dataset.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "data/preprocess/task_library_input.h"
#include "data/segmentation/class_map.h"
#include "data/segmentation/mask_png.h"
#include "interpreter/kernel_registry.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::cli {
namespace {

struct SegmentArgs {
  std::string model;
  std::string image;
  std::string output;
  std::string category_mask;
  std::string labels;
  std::string preprocess = "auto";
  std::string arithmetic = "xnnpack";
  bool json = false;
};

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec)) return std::filesystem::equivalent(a, b, ec);
  return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

void RefuseOverwrite(const std::string& out, const SegmentArgs& args) {
  for (const std::string* in : {&args.model, &args.image, &args.labels, &args.preprocess})
    if (!in->empty() && SameFile(out, *in)) Fail("{}: the output would overwrite an input; give another path", out);
}

std::string Hex(const std::array<uint8_t, 3>& c) { return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]); }

void Segment(const SegmentArgs& args) {
  if (args.output.empty() && args.category_mask.empty()) Fail("give -o MASK.png and/or --category-mask CATEGORY.png");
  if (!args.output.empty()) RefuseOverwrite(args.output, args);
  if (!args.category_mask.empty()) RefuseOverwrite(args.category_mask, args);
  if (!args.output.empty() && !args.category_mask.empty() && SameFile(args.output, args.category_mask))
    Fail("-o and --category-mask name the same file {}", args.output);
  std::optional<PreprocessSpec> declared;
  if (args.preprocess != "auto") declared = ReadPreprocessSpec(args.preprocess);
  Sample sample = LoadSample(args.image);
  if (!std::holds_alternative<Image>(sample)) Fail("{}: not an image; segment takes a JPEG, PNG or BMP file", args.image);
  const Image& image = std::get<Image>(sample);
  InterpreterOptions run_options;
  std::optional<Arithmetic> arithmetic = ParseArithmetic(args.arithmetic);
  if (!arithmetic) Fail("--arithmetic must be 'reference' or 'xnnpack', got '{}'", args.arithmetic);
  run_options.arithmetic = *arithmetic;
  ModelSession session(args.model, nullptr, run_options);
  std::optional<SegmenterOutput> layout = FindSegmenterOutput(session.model());
  if (!layout)
    Fail("{}: not a segmenter (its output 0 is not a class map [1,H,W] or per-pixel class scores [1,H,W,C]); for a "
         "classifier use `classify`, for a detector `detect`",
         args.model);
  std::vector<std::string> labels = session.labels();
  std::string labels_source = labels.empty() ? "none (class numbers)" : session.labels_source();
  if (!args.labels.empty()) {
    labels = ReadLabelsFile(args.labels);
    labels_source = args.labels;
  }
  ResolvedSpec spec = ResolveSpec(args.preprocess, session);
  if (spec.is_auto) {
    std::string note;
    spec.spec = TaskLibraryVisionSpec(spec.spec, session.target(), &note);
    spec.description += "; " + note;
  }
  session.Invoke(session.Prepare(sample, spec.spec, args.image));
  ClassMap tensor_map = ClassMapFromTensor(session.interpreter().output(0), *layout);
  ClassMap map = ScaleClassMap(tensor_map, image.width, image.height);
  if (!args.output.empty()) WriteFileBytes(args.output, ColourMaskPng(map));
  if (!args.category_mask.empty()) WriteFileBytes(args.category_mask, CategoryMaskPng(map));

  std::map<int32_t, size_t> counts;
  for (int32_t c : map.classes) counts[c]++;
  nlohmann::json legend = nlohmann::json::array();
  for (const auto& [c, n] : counts) {
    const bool named = c >= 0 && static_cast<size_t>(c) < labels.size();
    legend.push_back({{"class", c},
                      {"label", named ? nlohmann::json(labels[static_cast<size_t>(c)]) : nlohmann::json()},
                      {"colour", Hex(ClassColour(c))},
                      {"pixels", n},
                      {"share", static_cast<double>(n) / static_cast<double>(map.classes.size())}});
  }
  if (args.json) {
    nlohmann::json j{{"file", args.image}, {"width", image.width}, {"height", image.height},
                     {"model_map", {{"width", tensor_map.width}, {"height", tensor_map.height}}},
                     {"legend", legend}};
    if (!args.output.empty()) j["colour_mask"] = args.output;
    if (!args.category_mask.empty()) j["category_mask"] = args.category_mask;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "Model: " << args.model << " (segmenter, " << tensor_map.width << "x" << tensor_map.height
            << (layout->indices ? " class map" : fmt::format(" x {} class scores", layout->classes)) << ")\n";
  std::cout << "Preprocessing: " << spec.description << "\n";
  std::cout << "Labels: " << labels_source << "\n";
  std::cout << fmt::format("{} ({}x{}), the model's map scaled to it (nearest pixel, as the Task Library's category mask)\n",
                           args.image, image.width, image.height);
  if (!args.output.empty()) std::cout << "  colour mask: " << args.output << "\n";
  if (!args.category_mask.empty()) std::cout << "  category mask (class index = grey level): " << args.category_mask << "\n";
  std::cout << "Legend (classes present, share of pixels):\n";
  for (const auto& e : legend)
    std::cout << fmt::format("  {}  {:>3}  {:<20} {:>6.2f}%\n", e["colour"].get<std::string>(), e["class"].get<int>(),
                             e["label"].is_null() ? "#" + std::to_string(e["class"].get<int>()) : e["label"].get<std::string>(),
                             100.0 * e["share"].get<double>());
}

void SetupSegment(CLI::App& app) {
  auto args = std::make_shared<SegmentArgs>();
  auto* cmd = app.add_subcommand(
      "segment",
      "Label every pixel of an image with a segmenter (DeepLab...): a colour mask with its legend, and the Task "
      "Library ImageSegmenter's category mask, both at the image's own size");
  cmd->add_option("MODEL", args->model, "the .tflite segmenter")->required();
  cmd->add_option("IMAGE", args->image, "an image (JPEG, PNG, BMP)")->required();
  cmd->add_option("-o,--output", args->output, "the colour mask to write (PNG, one colour per class)");
  cmd->add_option("--category-mask", args->category_mask,
                  "also write the category mask (PNG, grey level = class index) to this file");
  cmd->add_option("--labels", args->labels, "class names, one per line, instead of the metadata's");
  cmd->add_option("--arithmetic", args->arithmetic,
                  "xnnpack (the default: the Task Library runs on the CPU through TFLite's XNNPACK delegate) or "
                  "reference (TFLite's own kernels)");
  cmd->add_option("--preprocess", args->preprocess,
                  "auto (from the model's metadata or input quantization; the default) or a JSON spec file");
  cmd->add_flag("--json", args->json, R"(print {"file", "width", "height", "model_map", "legend": [{"class", "label", "colour", "pixels", "share"}]})");
  cmd->callback([args] { Segment(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(segment, SetupSegment);

}  // namespace tfd::cli
