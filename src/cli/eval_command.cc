// tflite-doctor eval MODEL --data DIR: accuracy over a labeled dataset, and
// agreement / SQNR against a reference model fed its own preprocessing.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/detection/matching.h"
#include "analysis/segmentation/agreement.h"
#include "cli/command_registry.h"
#include "data/detection/detections.h"
#include "data/detection/labelled_boxes.h"
#include "data/item_stream.h"
#include "data/preprocess/task_library_input.h"
#include "data/segmentation/class_map.h"
#include "report/task_agreement_report.h"
#include "data/dataset.h"
#include "data/audio/audio_eval.h"
#include "data/text/text_eval.h"
#include "format/model_reader.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "util/error.h"

namespace tfd::cli {
namespace {

bool IsWavPath(const std::string& path) {
  return path.size() >= 4 && (path.compare(path.size() - 4, 4, ".wav") == 0 || path.compare(path.size() - 4, 4, ".WAV") == 0);
}

struct EvalArgs {
  std::string model;
  std::string data;
  std::string reference;
  std::string preprocess = "auto";
  std::string reference_preprocess = "auto";
  std::string labels;
  std::string boxes;
  std::optional<float> score_threshold;
  bool skip_bad = false;
  bool json = false;
  uint32_t sample_rate = 0;
  size_t hop = 0;
};

nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(v > 0 ? "inf" : "-inf"); }

std::string Db(double v) { return std::isfinite(v) ? fmt::format("{:.1f} dB", v) : (v > 0 ? "inf dB (identical)" : "-inf dB"); }

std::string LabelName(const ModelSession& s, int idx) {
  if (idx >= 0 && static_cast<size_t>(idx) < s.labels().size()) return s.labels()[static_cast<size_t>(idx)];
  return "#" + std::to_string(idx);
}

// Said on the report's first lines: accuracy over part of the data only.
std::vector<std::string> Warnings(const EvalResult& r, const ModelSession& model) {
  std::vector<std::string> out;
  if (!r.warn_unmapped()) return out;
  std::string names;
  for (size_t i = 0; i < std::min<size_t>(r.unmapped_labels.size(), 3); ++i)
    names += (i ? ", '" : "'") + r.unmapped_labels[i] + "'";
  if (r.unmapped_labels.size() > 3) names += fmt::format(" and {} more", r.unmapped_labels.size() - 3);
  out.push_back(fmt::format(
      "{} of {} labelled items ({} of {} labels: {}) have a label that is not among the model's{}; accuracy is "
      "measured on the other {} items only",
      r.unmapped_items, r.unmapped_items + r.labeled, r.unmapped_labels.size(), r.per_class.size(), names,
      model.labels().empty() ? " (the model has no labels: pass --labels)" : " (pass --labels to name its classes)",
      r.labeled));
  return out;
}

// The report as one JSON object, "warnings" first; items are written one by
// one, so that the report never holds a JSON tree per item.
void PrintJson(nlohmann::json& j, const std::vector<std::string>& warnings, const EvalResult& r,
               const Dataset& dataset, bool has_reference) {
  const std::string marker = "@@tflite-doctor items@@";
  j["items"] = marker;
  std::string text = j.dump(2);
  size_t at = text.find("\"" + marker + "\"");
  std::string head = text.substr(0, at), tail = text.substr(at + marker.size() + 2);
  if (!warnings.empty()) head = "{\n  \"warnings\": " + nlohmann::json(warnings).dump() + "," + head.substr(1);
  std::cout << head;
  if (r.items.empty()) {
    std::cout << "[]";
  } else {
    std::cout << "[";
    for (size_t i = 0; i < r.items.size(); ++i) {
      const EvalItem& e = r.items[i];
      const DatasetItem& d = dataset.items[e.index];
      nlohmann::json it{{"file", d.path}, {"top5", e.top5()}, {"top1_score", e.top1_score}};
      if (!d.label.empty()) it["label"] = d.label, it["label_index"] = e.label_index;
      if (has_reference) it["reference_top1"] = e.ref_top1, it["sqnr_db"] = Num(e.sqnr_db);
      std::string one = it.dump(2);
      std::string indented;
      for (char c : one) {
        indented += c;
        if (c == '\n') indented += "    ";
      }
      std::cout << (i ? ",\n    " : "\n    ") << indented;
    }
    std::cout << "\n  ]";
  }
  std::cout << tail << "\n";
}

// A detector or a segmenter is measured by what its user sees: detections
// (against labelled boxes, and matched with the reference's) or class maps
// (against the reference's), each model fed as the Task Library feeds it
// under --preprocess auto. False when the model is neither.
bool EvalTask(const EvalArgs& args, const Dataset& dataset, ModelSession& model, ModelSession* ref) {
  const std::optional<DetectorOutputs> det = FindDetectorOutputs(model.model());
  const std::optional<SegmenterOutput> seg = det ? std::nullopt : FindSegmenterOutput(model.model());
  if (!det && !seg) {
    if (!args.boxes.empty()) Fail("--boxes is for detectors, and {} is not one", args.model);
    return false;
  }
  std::optional<DetectorOutputs> ref_det;
  std::optional<SegmenterOutput> ref_seg;
  if (ref) {
    ref_det = FindDetectorOutputs(ref->model());
    ref_seg = FindSegmenterOutput(ref->model());
    if (det && !ref_det) Fail("{} is a detector but the reference {} is not", args.model, args.reference);
    if (seg && !ref_seg) Fail("{} is a segmenter but the reference {} is not", args.model, args.reference);
  }
  if (seg && !ref)
    Fail("{}: a segmenter: eval compares its class maps with --reference REF.tflite (labelled masks are not read)", args.model);
  if (det && !ref && args.boxes.empty())
    Fail("{}: a detector: give --boxes FILE (COCO-style JSON, or CSV of path,label,x,y,width,height) and/or --reference "
         "REF.tflite",
         args.model);
  std::vector<std::string> labels = det ? det->labels : model.labels();
  if (!args.labels.empty()) labels = ReadLabelsFile(args.labels);
  std::optional<LabelledBoxes> truth;
  if (!args.boxes.empty()) {
    if (labels.empty())
      Fail("{}: the detector has no labels to match the boxes' class names with: give --labels FILE", args.model);
    truth = ReadLabelledBoxes(args.boxes);
  }
  auto task_spec = [](const std::string& arg, ModelSession& s) {
    ResolvedSpec r = ResolveSpec(arg, s);
    if (r.is_auto) {
      std::string note;
      r.spec = TaskLibraryVisionSpec(r.spec, s.target(), &note);
      r.description += "; " + note;
    }
    return r;
  };
  const ResolvedSpec spec = task_spec(args.preprocess, model);
  std::optional<ResolvedSpec> rspec;
  if (ref) rspec = task_spec(args.reference_preprocess, *ref);
  const float threshold = args.score_threshold ? *args.score_threshold
                          : det && det->score_threshold ? *det->score_threshold
                                                        : 0.3f;
  DetectOptions all, shown;
  all.score_threshold = -1.0f;  // every detection, for average precision
  shown.score_threshold = threshold;
  DetectionAgreement agreement;
  ClassMapAgreement maps;
  AveragePrecision ap, ap_shown;
  std::vector<BadItem> bad;
  size_t evaluated = 0, unlabelled = 0, unknown_classes = 0;
  std::map<std::string, int> class_of;
  for (size_t i = 0; i < labels.size(); ++i) class_of.emplace(labels[i], static_cast<int>(i));
  ItemStream stream(dataset);
  Progress progress = TerminalProgressBar("eval");
  while (std::optional<StreamItem> item = stream.Next()) {
    if (progress) progress(item->index + 1, stream.size(), item->entry->path);
    if (item->ok() && !std::holds_alternative<Image>(item->sample)) item->error = "not an image";
    if (!item->ok()) {
      bad.push_back({item->entry->path, item->error});
      continue;
    }
    try {
      const Image& image = std::get<Image>(item->sample);
      model.Invoke(model.Prepare(image, spec.spec, item->entry->path));
      if (ref) ref->Invoke(ref->Prepare(image, rspec->spec, item->entry->path));
      if (det) {
        const DetectorValues values = ReadDetectorValues(model.interpreter(), *det);
        const auto found = DecodeDetections(values, *det, image.width, image.height, shown, labels);
        if (ref) {
          const auto ref_found = DecodeDetections(ReadDetectorValues(ref->interpreter(), *ref_det), *ref_det, image.width,
                                                  image.height, shown, labels);
          agreement.Add(ref_found, found, MatchDetections(ref_found, found));
        }
        if (truth) {
          auto it = truth->by_file.find(std::filesystem::path(item->entry->path).filename().string());
          if (it == truth->by_file.end()) {
            unlabelled++;
          } else {
            std::vector<LabelledBox> boxes;
            for (const NamedBox& b : it->second) {
              auto c = class_of.find(b.label);
              if (c == class_of.end()) {
                unknown_classes++;
                continue;
              }
              boxes.push_back({b.box, c->second});
            }
            ap.Add(DecodeDetections(values, *det, image.width, image.height, all, labels), boxes);
            ap_shown.Add(found, boxes);
          }
        }
      } else {
        maps.Add(ClassMapFromTensor(ref->interpreter().output(0), *ref_seg),
                 ClassMapFromTensor(model.interpreter().output(0), *seg));
      }
      evaluated++;
    } catch (const Error& e) {
      bad.push_back({item->entry->path, WithoutPath(e.what(), item->entry->path)});
    }
  }
  if (progress) progress(stream.size(), stream.size(), "");
  RequireNoBad(bad, dataset.items.size(), args.skip_bad);
  if (evaluated == 0) Fail("{}: no image could be evaluated", args.data);
  std::vector<std::string> warnings;
  if (truth && unlabelled)
    warnings.push_back(fmt::format("{} of {} images have no entry in {}; precision, recall and mAP cover the others",
                                   unlabelled, evaluated, args.boxes));
  if (unknown_classes)
    warnings.push_back(fmt::format("{} labelled boxes name a class the model's labels lack; they are left out",
                                   unknown_classes));
  if (args.json) {
    nlohmann::json j{{"model", args.model},
                     {"warnings", warnings},
                     {"data", {{"source", args.data}, {"items", dataset.items.size()}, {"evaluated", evaluated}, {"skipped", bad.size()}}},
                     {"preprocessing", spec.description}};
    if (ref) j["reference"] = args.reference;
    if (det && ref) j["detection"] = DetectionAgreementJson(agreement, threshold);
    if (seg) j["segmentation"] = ClassMapAgreementJson(maps, labels);
    if (truth) {
      j["labelled_boxes"] = AveragePrecisionJson(ap, labels);
      j["labelled_boxes"]["score_threshold"] = threshold;
      j["labelled_boxes"]["precision"] = ap_shown.precision();
      j["labelled_boxes"]["recall"] = ap_shown.recall();
    }
    std::cout << j.dump(2) << "\n";
    return true;
  }
  for (const auto& w : warnings) std::cout << "Warning: " << w << "\n";
  std::cout << "Model: " << args.model << (det ? " (detector)" : " (segmenter)") << "\nData: " << args.data << " ("
            << evaluated << " of " << dataset.items.size() << " images)\nPreprocessing: " << spec.description << "\n";
  if (ref) std::cout << "Reference: " << args.reference << "\n";
  if (det && ref) std::cout << DetectionAgreementText(agreement, threshold);
  if (seg) std::cout << ClassMapAgreementText(maps, labels);
  if (truth) {
    std::cout << fmt::format("\nAgainst {} labelled boxes (IoU >= 0.5): at scores above {:.2f}, precision {:.3f}, recall "
                             "{:.3f}; mAP@0.5 (all scores) {:.3f}\n",
                             ap.labelled(), threshold, ap_shown.precision(), ap_shown.recall(), ap.mean_ap());
    for (const auto& [c, v] : ap.per_class_ap())
      std::cout << fmt::format("  {:<20} AP {:.3f}\n", static_cast<size_t>(c) < labels.size() ? labels[static_cast<size_t>(c)] : "#" + std::to_string(c), v);
  }
  return true;
}

// A text classifier on a CSV of text,label (or a .txt of texts); a
// reference text model tokenizes with its own metadata.
void EvalText(const EvalArgs& args) {
  if (args.preprocess != "auto" || args.reference_preprocess != "auto")
    Fail("--preprocess applies to image models; a text model is tokenized as its metadata says");
  TextDataset data = OpenTextDataset(args.data);
  ModelSession model(args.model);
  if (!args.labels.empty()) model.SetLabels(ReadLabelsFile(args.labels), args.labels);
  const TextModelSpec spec = *TextSpecFor(model.model());
  std::unique_ptr<ModelSession> ref;
  std::optional<TextModelSpec> ref_spec;
  if (!args.reference.empty()) {
    ref = std::make_unique<ModelSession>(args.reference);
    ref_spec = TextSpecFor(ref->model());
    if (!ref_spec) Fail("{} is not a text classifier (its metadata declares no tokenizer)", args.reference);
  }
  TextEvalResult r = EvaluateText(model, spec, data, ref.get(), ref_spec ? &*ref_spec : nullptr);
  nlohmann::json j{{"model", args.model},
                   {"data", {{"source", args.data}, {"kind", "text"}, {"items", r.items}, {"classes", data.classes}}},
                   {"tokenizer", spec.tokenizer.kind},
                   {"tokens", r.tokens},
                   {"unknown_tokens", r.unknown},
                   {"truncated_texts", r.truncated}};
  if (data.labeled()) {
    nlohmann::json pc = nlohmann::json::array();
    for (const auto& c : r.per_class)
      pc.push_back({{"label", c.label}, {"index", c.index}, {"count", c.count},
                    {"top1", c.count ? static_cast<double>(c.correct) / static_cast<double>(c.count) : 0.0}});
    j["accuracy"] = {{"labeled", r.labeled}, {"top1", r.top1()}};
    j["per_class"] = pc;
  }
  if (ref) j["reference"] = {{"model", args.reference}, {"agreement", r.agreement()}, {"sqnr_db", Num(r.sqnr_db)}};
  if (args.json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "Model: " << args.model << "\n";
  std::cout << fmt::format("Data: {} (text, {} items{})\n", args.data, r.items,
                           data.labeled() ? fmt::format(", {} classes", data.classes.size()) : "");
  std::cout << fmt::format("Tokenizer: {} from the metadata; {} of {} words not in the vocabulary, {} of {} texts "
                           "truncated to {} ids\n",
                           spec.tokenizer.kind, r.unknown, r.tokens, r.truncated, r.items, spec.length);
  if (data.labeled()) {
    for (const auto& c : r.per_class)
      if (c.index < 0) std::cout << "Label not among the model's: '" << c.label << "'\n";
    std::cout << fmt::format("Accuracy on {} labeled items: top-1 {:.1f}%\n", r.labeled, 100 * r.top1());
    for (const auto& c : r.per_class)
      if (c.index >= 0)
        std::cout << fmt::format("  {:<30} {:>3} items  top-1 {:5.1f}%\n", c.label, c.count,
                                 100.0 * static_cast<double>(c.correct) / static_cast<double>(c.count));
  } else {
    std::cout << "No labels (use a CSV of text,label for accuracy).\n";
  }
  if (ref)
    std::cout << fmt::format("Reference: {}\nTop-1 agreement with the reference: {:.1f}% ({}/{})\nOutput SQNR "
                             "against the reference: {} pooled\n",
                             args.reference, 100 * r.agreement(), r.agree, r.items, Db(r.sqnr_db));
}

// An audio classifier on WAV clips: each clip resampled and mixed to the
// model's input, its windows' scores averaged (as classify does).
void EvalAudio(const EvalArgs& args, const Dataset& dataset) {
  if (args.preprocess != "auto" || args.reference_preprocess != "auto")
    Fail("--preprocess applies to image models; WAV clips are fed as the audio model's input says");
  ModelSession model(args.model);
  if (!args.labels.empty()) model.SetLabels(ReadLabelsFile(args.labels), args.labels);
  const AudioModelSpec spec = *AudioSpecFor(model.model(), args.sample_rate);
  std::unique_ptr<ModelSession> ref;
  std::optional<AudioModelSpec> ref_spec;
  if (!args.reference.empty()) {
    ref = std::make_unique<ModelSession>(args.reference);
    ref_spec = AudioSpecFor(ref->model(), args.sample_rate);
    if (!ref_spec) Fail("{} does not take a waveform: it cannot be the reference of an audio model", args.reference);
  }
  AudioEvalResult r = EvaluateAudio(model, spec, dataset, args.hop, args.skip_bad, ref.get(), ref_spec ? &*ref_spec : nullptr);
  nlohmann::json j{{"model", args.model},
                   {"data", {{"source", args.data}, {"kind", "audio"}, {"items", r.items}, {"classes", dataset.classes}}},
                   {"sample_rate", spec.sample_rate}, {"window", spec.window}, {"windows", r.windows},
                   {"resampled", r.resampled}, {"mixed", r.mixed}};
  nlohmann::json bad = nlohmann::json::array();
  for (const auto& [path, error] : r.bad) bad.push_back({{"file", path}, {"error", error}});
  j["bad"] = bad;
  if (dataset.labeled()) j["accuracy"] = {{"labeled", r.labeled}, {"top1", r.top1()}, {"unmapped_labels", r.unmapped_labels}};
  if (ref) j["reference"] = {{"model", args.reference}, {"agreement", r.agreement()}, {"sqnr_db", Num(r.sqnr_db)}};
  if (args.json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "Model: " << args.model << "\n";
  std::cout << fmt::format("Data: {} (audio, {} clips, {} windows of {} samples at {} Hz ({}); {} resampled, {} mixed "
                           "to mono)\n",
                           args.data, r.items, r.windows, spec.window, spec.sample_rate, spec.sample_rate_source,
                           r.resampled, r.mixed);
  for (const auto& [path, error] : r.bad) std::cout << "Skipped " << path << ": " << error << "\n";
  if (!r.unmapped_labels.empty()) {
    std::cout << "Labels not among the model's" << (model.labels().empty() ? " (the model has no labels: pass --labels)" : "") << ":";
    for (const auto& l : r.unmapped_labels) std::cout << " '" << l << "'";
    std::cout << "\n";
  }
  if (r.labeled) std::cout << fmt::format("Accuracy on {} labeled clips: top-1 {:.1f}%\n", r.labeled, 100 * r.top1());
  if (ref)
    std::cout << fmt::format("Reference: {}\nTop-1 agreement with the reference: {:.1f}% ({}/{})\nOutput SQNR "
                             "against the reference: {} pooled\n",
                             args.reference, 100 * r.agreement(), r.agree, r.items, Db(r.sqnr_db));
}

void Eval(const EvalArgs& args) {
  if (!DeclaredTokenizer(LoadModel(args.model)).empty()) return EvalText(args);
  Dataset dataset = OpenDataset(args.data);
  if (!dataset.items.empty() && IsWavPath(dataset.items[0].path) && AudioSpecFor(LoadModel(args.model)))
    return EvalAudio(args, dataset);
  std::unique_ptr<ModelSession> ref;
  if (!args.reference.empty()) ref = std::make_unique<ModelSession>(args.reference);
  ModelSession model(args.model, ref ? &ref->expected() : nullptr);
  if (ref) ref->SetPartner(model.expected());
  if (EvalTask(args, dataset, model, ref.get())) return;
  if (!args.labels.empty()) model.SetLabels(ReadLabelsFile(args.labels), args.labels);
  ResolvedSpec spec = ResolveSpec(args.preprocess, model);
  EvalOptions opt;
  opt.spec = spec.spec;
  opt.skip_bad = args.skip_bad;
  std::string ref_desc;
  if (ref) {
    ResolvedSpec rs = ResolveSpec(args.reference_preprocess, *ref);
    opt.reference_spec = rs.spec;
    ref_desc = rs.description;
  }
  opt.progress = TerminalProgressBar("eval");
  EvalResult r = Evaluate(model, ref.get(), dataset, opt);

  nlohmann::json j;
  j["model"] = args.model;
  j["data"] = {{"source", args.data}, {"kind", DatasetKindName(dataset.kind)}, {"items", r.total},
               {"evaluated", r.items.size()}, {"classes", dataset.classes}};
  j["preprocessing"] = {{"source", spec.is_auto ? SpecSourceName(model.expected().source) : args.preprocess},
                        {"description", spec.description}, {"spec", PreprocessSpecJson(spec.spec)}};
  nlohmann::json bad = nlohmann::json::array();
  for (const auto& b : r.bad) bad.push_back({{"file", b.path}, {"error", b.error}});
  j["bad"] = bad;
  if (dataset.labeled()) {
    j["accuracy"] = {{"labeled", r.labeled}, {"top1", r.top1}, {"top5", r.top5}, {"mean_label_probability", r.mean_true_prob},
                     {"unmapped_labels", r.unmapped_labels}, {"unmapped_items", r.unmapped_items}};
    nlohmann::json pc = nlohmann::json::array();
    for (const auto& c : r.per_class)
      pc.push_back({{"label", c.label}, {"index", c.index}, {"count", c.count},
                    {"top1", c.count ? static_cast<double>(c.top1) / c.count : 0.0},
                    {"top5", c.count ? static_cast<double>(c.top5) / c.count : 0.0}});
    j["per_class"] = pc;
    nlohmann::json conf = nlohmann::json::array();
    for (const auto& [k, n] : r.confusion)
      conf.push_back({{"label", k.first}, {"predicted", k.second}, {"label_name", LabelName(model, k.first)},
                      {"predicted_name", LabelName(model, k.second)}, {"count", n}});
    j["confusion"] = conf;
  }
  if (ref) {
    j["reference"] = {{"model", args.reference},
                      {"preprocessing", {{"description", ref_desc}, {"spec", PreprocessSpecJson(*opt.reference_spec)}}},
                      {"agreement", r.agreement},
                      {"sqnr_db", Num(r.sqnr_db)},
                      {"mean_sqnr_db", Num(r.mean_sqnr_db)},
                      {"min_sqnr_db", Num(r.min_sqnr_db)}};
  }
  const std::vector<std::string> warnings = Warnings(r, model);
  if (args.json) {
    PrintJson(j, warnings, r, dataset, ref != nullptr);
    return;
  }
  for (const auto& w : warnings) std::cout << "Warning: " << w << "\n";
  std::cout << "Model: " << args.model << "\n";
  std::cout << fmt::format("Data: {} ({}, {} items{})\n", args.data, DatasetKindName(dataset.kind), r.total,
                           dataset.labeled() ? fmt::format(", {} classes", dataset.classes.size()) : "");
  std::cout << "Preprocessing: " << spec.description << "\n  pipeline: " << DescribeSpec(spec.spec) << "\n";
  if (!r.bad.empty()) {
    std::cout << fmt::format("Skipped {} of {} items:\n", r.bad.size(), r.total);
    for (const auto& b : r.bad) std::cout << "  " << b.path << ": " << b.error << "\n";
  }
  if (dataset.labeled()) {
    if (!r.unmapped_labels.empty()) {
      std::cout << "Labels not among the model's" << (model.labels().empty() ? " (the model has no labels: pass --labels)" : "") << ":";
      for (const auto& l : r.unmapped_labels) std::cout << " '" << l << "'";
      std::cout << "\n";
    }
    if (r.labeled) {
      std::cout << fmt::format("Accuracy on {} labeled items: top-1 {:.1f}%, top-5 {:.1f}%\n", r.labeled, 100 * r.top1,
                               100 * r.top5);
      std::cout << "Per class:\n";
      for (const auto& c : r.per_class)
        if (c.index >= 0)
          std::cout << fmt::format("  {:<30} {:>3} items  top-1 {:5.1f}%  top-5 {:5.1f}%\n", c.label, c.count,
                                   100.0 * c.top1 / c.count, 100.0 * c.top5 / c.count);
      bool header = false;
      for (const auto& [k, n] : r.confusion)
        if (k.first != k.second) {
          if (!header) std::cout << "Confusions (label -> top-1):\n", header = true;
          std::cout << fmt::format("  {} -> {}: {}\n", LabelName(model, k.first), LabelName(model, k.second), n);
        }
    }
  } else {
    std::cout << "No labels (use class folders or a CSV of path,label for accuracy).\n";
  }
  if (ref) {
    std::cout << "Reference: " << args.reference << "\n  preprocessing: " << ref_desc
              << "\n  pipeline: " << DescribeSpec(*opt.reference_spec) << "\n";
    size_t agree = static_cast<size_t>(std::lround(r.agreement * r.items.size()));
    std::cout << fmt::format("Top-1 agreement with the reference: {:.1f}% ({}/{})\n", 100 * r.agreement, agree,
                             r.items.size());
    std::cout << "Output SQNR against the reference: " << Db(r.sqnr_db) << " pooled, " << Db(r.mean_sqnr_db)
              << " mean, " << Db(r.min_sqnr_db) << " worst item\n";
  }
}

void SetupEval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand("eval", "Accuracy on a dataset; agreement and SQNR against a reference model");
  cmd->add_option("MODEL", args->model, "the .tflite file")->required();
  cmd->add_option("--data", args->data,
                  "a folder of files, a folder per class, or a CSV of path,label (text models: a CSV of text,label or "
                  "a .txt of one text per line)")
      ->required();
  cmd->add_option("--reference", args->reference, "a reference model (e.g. the float original) to compare against");
  cmd->add_option("--preprocess", args->preprocess, "auto (the default) or a JSON spec file for MODEL");
  cmd->add_option("--reference-preprocess", args->reference_preprocess, "auto (the default) or a JSON spec for REF");
  cmd->add_option("--labels", args->labels, "labels file for MODEL's outputs (default: its metadata)");
  cmd->add_option("--boxes", args->boxes,
                  "for a detector: labelled boxes, a COCO-style JSON or a CSV of path,label,x,y,width,height (pixels), "
                  "matched to items by file name: precision, recall and mAP@0.5");
  cmd->add_option("--score-threshold", args->score_threshold,
                  "for a detector: the detections counted (default: its metadata's threshold, else 0.3)");
  cmd->add_option("--sample-rate", args->sample_rate,
                  "audio classifiers: the model's sample rate in Hz when its metadata declares none (default 16000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--hop", args->hop, "audio classifiers: samples between window starts (default: one window)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--skip-bad", args->skip_bad, "go on without items that cannot be read or fed (they are reported)");
  cmd->add_flag("--json", args->json, "print one JSON object");
  cmd->callback([args] { Eval(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(eval, SetupEval);

}  // namespace tfd::cli
