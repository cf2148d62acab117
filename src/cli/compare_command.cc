#include <cstring>
#include <variant>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "analysis/compare/compare.h"
#include "analysis/compare/float_shadow.h"
#include "analysis/detection/matching.h"
#include "analysis/segmentation/agreement.h"
#include "cli/command_registry.h"
#include "data/detection/detections.h"
#include "data/segmentation/class_map.h"
#include "data/audio/audio_input.h"
#include "data/dataset.h"
#include "data/text/text_dataset.h"
#include "data/text/text_input.h"
#include "format/model_reader.h"
#include "data/item_stream.h"
#include "data/npy.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "format/model_reader.h"
#include "graph/dtype.h"
#include "report/compare_report.h"
#include "report/task_agreement_report.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> models;
  bool self = false;
  bool reference_shadow = false;
  std::vector<std::string> inputs;
  std::string data;
  std::string preprocess = "auto";
  std::string reference_preprocess = "auto";
  bool skip_bad = false;
  uint64_t seed = 0;
  int samples = 10;
  bool samples_given = false;
  bool json = false;
  std::string csv;
  size_t layers = 15;
  int isolated_samples = 32;
  int impact_samples = 4;
  std::optional<float> score_threshold;
};

// What a user of a detector or a segmenter sees change, beside the tensors:
// detections matched between the two models, or their class maps.
struct TaskAgreement {
  std::optional<DetectorOutputs> reference_detector, deployed_detector;
  std::optional<SegmenterOutput> reference_segmenter, deployed_segmenter;
  float threshold = 0.3f;
  DetectionAgreement detections;
  ClassMapAgreement class_maps;

  TaskAgreement(const Model& reference, const Model& deployed, std::optional<float> score_threshold) {
    deployed_detector = FindDetectorOutputs(deployed);
    if (deployed_detector) {
      reference_detector = FindDetectorOutputs(reference);
      // The deployed model's declared threshold, else one that keeps the
      // confident detections an app would show.
      threshold = score_threshold ? *score_threshold
                  : deployed_detector->score_threshold ? *deployed_detector->score_threshold
                                                       : 0.3f;
      return;
    }
    deployed_segmenter = FindSegmenterOutput(deployed);
    if (deployed_segmenter) reference_segmenter = FindSegmenterOutput(reference);
  }
  bool detection() const { return reference_detector && deployed_detector; }
  bool segmentation() const { return reference_segmenter && deployed_segmenter; }

  void Add(const Interpreter& reference, const Interpreter& deployed) {
    if (detection()) {
      DetectOptions o;
      o.score_threshold = threshold;
      // Boxes in ratios of the input (a 1 x 1 image): IoU does not change
      // when both axes are scaled.
      auto r = DecodeDetections(ReadDetectorValues(reference, *reference_detector), *reference_detector, 1, 1, o, {});
      auto d = DecodeDetections(ReadDetectorValues(deployed, *deployed_detector), *deployed_detector, 1, 1, o, {});
      detections.Add(r, d, MatchDetections(r, d));
    } else if (segmentation()) {
      class_maps.Add(ClassMapFromTensor(reference.output(0), *reference_segmenter),
                     ClassMapFromTensor(deployed.output(0), *deployed_segmenter));
    }
  }
};

// Real values of int8, uint8 or int16 bytes with `t`'s per-tensor affine
// parameters; nullopt for other types or parameters.
std::optional<std::vector<float>> Dequantized(DType dtype, const std::vector<uint8_t>& bytes, const Tensor& t) {
  if (!t.quantization || !t.quantization->IsAffine() || t.quantization->IsPerChannel()) return std::nullopt;
  const double scale = t.quantization->scale[0];
  const double zp = t.quantization->zero_point.empty() ? 0 : static_cast<double>(t.quantization->zero_point[0]);
  auto convert = [&](auto tag) {
    using T = decltype(tag);
    std::vector<float> out(bytes.size() / sizeof(T));
    const T* q = reinterpret_cast<const T*>(bytes.data());
    for (size_t k = 0; k < out.size(); ++k) out[k] = static_cast<float>((q[k] - zp) * scale);
    return out;
  };
  switch (dtype) {
    case DType::INT8: return convert(int8_t{});
    case DType::UINT8: return convert(uint8_t{});
    case DType::INT16: return convert(int16_t{});
    default: return std::nullopt;
  }
}

// One sample from .npy files (one per graph input): float files hold real
// values; integer files in the deployed input's type are dequantized with
// its parameters.
CompareInputs NpyInputs(const Model& deployed, const std::vector<std::string>& files) {
  const Subgraph& g = deployed.main();
  if (files.size() != g.inputs.size())
    Fail("the deployed model has {} inputs but {} --input files were given", g.inputs.size(), files.size());
  CompareSample sample;
  for (size_t i = 0; i < files.size(); ++i) {
    NpyArray a = ReadNpy(files[i]);
    const Tensor& t = g.tensors[static_cast<size_t>(g.inputs[i])];
    if (ElementCount(a.shape) != ElementCount(t.shape))
      Fail("{}: shape {} does not fit input {} ('{}') of shape {}", files[i], ShapeString(a.shape), i, t.name, ShapeString(t.shape));
    std::vector<float> values(static_cast<size_t>(*ElementCount(a.shape)));
    if (a.dtype == DType::FLOAT32) {
      std::memcpy(values.data(), a.data.data(), a.data.size());
    } else if (auto real = a.dtype == t.dtype ? Dequantized(a.dtype, a.data, t) : std::nullopt) {
      values = std::move(*real);
    } else {
      Fail("{}: {} data cannot feed input {} ('{}', {}): give float32 real values", files[i], DTypeName(a.dtype), i,
           t.name, DTypeName(t.dtype));
    }
    sample.values.push_back(std::move(values));
  }
  CompareInputs in;
  in.count = 1;
  in.sample = [sample](int) { return sample; };
  return in;
}

// Real values of input bytes (quantized ones dequantized with `t`'s
// parameters), for a float shadow; `role` ("deployed", "reference") names
// the model in errors.
std::vector<float> RealValues(const TensorData& d, const Tensor& t, const std::string& source, const char* role) {
  if (d.dtype == DType::FLOAT32) {
    std::vector<float> out(d.bytes.size() / sizeof(float));
    std::memcpy(out.data(), d.bytes.data(), out.size() * sizeof(float));
    return out;
  }
  if (!t.quantization || !t.quantization->IsAffine())
    Fail("{}: the {} input is {} without quantization parameters; its float shadow cannot be given real values",
         source, role, DTypeName(d.dtype));
  auto real = Dequantized(d.dtype, d.bytes, t);
  if (!real) Fail("{}: {} input type {} cannot be given to the float shadow", source, role, DTypeName(d.dtype));
  return std::move(*real);
}

RawInput Raw(TensorData d) { return {d.dtype, std::move(d.shape), std::move(d.bytes)}; }

// Everything --data needs alive while comparing: the sessions (which own
// the models), the dataset listing and which of its items can be read, and
// the resolved preprocessing. Items are decoded when compare asks for them,
// one at a time, never all at once.
struct DataRun {
  std::unique_ptr<ModelSession> reference, deployed;
  Dataset dataset;
  std::vector<size_t> readable;  // indices of the items compared, in order
  std::vector<BadItem> bad;      // unreadable items met before enough readable ones
  PreprocessSpec reference_spec, deployed_spec;
  std::string reference_desc, deployed_desc;
  // Text models: the texts, and each model's tokenizer from its metadata.
  TextDataset texts;
  std::optional<TextModelSpec> reference_text, deployed_text;
  // Audio models: each clip conformed (mixed, resampled) as the model's
  // metadata says and cut into input-sized windows; a compared sample is
  // one (item, window).
  std::optional<AudioModelSpec> reference_audio, deployed_audio;
  std::vector<std::pair<size_t, size_t>> windows;
  size_t resampled = 0, mixed = 0;
};

// A text classifier's --data: a CSV of text,label or a .txt of texts, each
// model tokenizing every text as its own metadata says; the float shadow
// (--self) reads the deployed model's ids, as they are.
CompareInputs TextDataInputs(const CompareArgs& args, DataRun& run) {
  if (args.preprocess != "auto" || args.reference_preprocess != "auto")
    Fail("--preprocess applies to image models; a text model is tokenized as its metadata says");
  run.texts = OpenTextDataset(args.data);
  if (!args.self) {
    run.reference = std::make_unique<ModelSession>(args.models.front());
    run.reference_text = TextSpecFor(run.reference->model());
    if (!run.reference_text)
      Fail("{} is not a text classifier (its metadata declares no tokenizer)", args.models.front());
    run.reference_desc = run.reference_text->tokenizer.kind + " from its metadata";
  }
  run.deployed = std::make_unique<ModelSession>(args.models.back());
  run.deployed_text = TextSpecFor(run.deployed->model());
  run.deployed_desc = run.deployed_text->tokenizer.kind + " from its metadata";
  const size_t n = args.samples_given ? std::min(static_cast<size_t>(args.samples), run.texts.items.size())
                                      : run.texts.items.size();
  for (size_t i = 0; i < n; ++i) run.readable.push_back(i);
  CompareInputs in;
  in.count = static_cast<int>(n);
  in.sample = [&run, reference_shadow = args.reference_shadow](int k) {
    const std::string& text = run.texts.items[static_cast<size_t>(k)].text;
    CompareSample s;
    EncodedText dep = EncodeText(*run.deployed_text, text);
    if (run.reference) {
      TensorData ref = TextTensor(*run.reference_text, EncodeText(*run.reference_text, text));
      if (reference_shadow) {
        std::vector<float> ids(ref.bytes.size() / 4);
        for (size_t i = 0; i < ids.size(); ++i) {
          int32_t id;
          std::memcpy(&id, ref.bytes.data() + 4 * i, 4);
          ids[i] = static_cast<float>(id);
        }
        RawInput r{DType::FLOAT32, ref.shape, std::vector<uint8_t>(ids.size() * 4)};
        std::memcpy(r.bytes.data(), ids.data(), r.bytes.size());
        s.reference.push_back(std::move(r));
      } else {
        s.reference.push_back(Raw(std::move(ref)));
      }
    } else {
      // The shadow keeps the int32 ids input (nothing to dequantize).
      s.reference.push_back(Raw(TextTensor(*run.deployed_text, dep)));
    }
    s.deployed.push_back(Raw(TextTensor(*run.deployed_text, dep)));
    return s;
  };
  return in;
}

// One compared sample from the deployed model's input (`dep`) and, when
// there is a reference model, its own conversion of the same item
// (`reference_input`): as it is, or its real values for the reference's
// float shadow (--reference-shadow); with --self, the deployed input's real
// values for the deployed model's shadow.
template <typename ReferenceInput>
CompareSample PairedSample(const DataRun& run, const Tensor& input, const std::string& path, bool reference_shadow,
                           TensorData dep, ReferenceInput&& reference_input) {
  CompareSample s;
  if (run.reference && reference_shadow) {
    const Model& rm = run.reference->model();
    TensorData ref = reference_input();
    std::vector<float> real = RealValues(ref, rm.main().tensors[static_cast<size_t>(rm.main().inputs[0])], path, "reference");
    RawInput r{DType::FLOAT32, ref.shape, std::vector<uint8_t>(real.size() * sizeof(float))};
    std::memcpy(r.bytes.data(), real.data(), r.bytes.size());
    s.reference.push_back(std::move(r));
  } else if (run.reference) {
    s.reference.push_back(Raw(reference_input()));
  } else {
    s.values.push_back(RealValues(dep, input, path, "deployed"));
  }
  s.deployed.push_back(Raw(std::move(dep)));
  return s;
}

// An audio classifier's --data: WAV clips converted as classify converts
// them (channels mixed, resampled to the model's rate, [-1, 1]) and cut into
// whole input windows; every window is one compared sample, so a 4 s clip
// at 16 kHz gives YAMNet 4. The float shadow (--self) gets the deployed
// window's real values.
CompareInputs AudioDataInputs(const CompareArgs& args, DataRun& run) {
  if (args.preprocess != "auto" || args.reference_preprocess != "auto")
    Fail("--preprocess applies to image models; audio is converted as the model's metadata says");
  if (!args.self) {
    run.reference_audio = AudioSpecFor(run.reference->model());
    if (!run.reference_audio) Fail("{} is not an audio model, {} is: compare models of one kind", args.models.front(), args.models.back());
    if (run.reference_audio->window != run.deployed_audio->window ||
        run.reference_audio->sample_rate != run.deployed_audio->sample_rate)
      Fail("the models take different audio windows ({} samples at {} Hz vs {} at {} Hz): no window is the same input for both",
           run.reference_audio->window, run.reference_audio->sample_rate, run.deployed_audio->window,
           run.deployed_audio->sample_rate);
    run.reference_desc = fmt::format("audio, {} Hz ({}), windows of {} samples", run.reference_audio->sample_rate,
                                      run.reference_audio->sample_rate_source, run.reference_audio->window);
  }
  run.deployed_desc = fmt::format("audio, {} Hz ({}), windows of {} samples", run.deployed_audio->sample_rate,
                                  run.deployed_audio->sample_rate_source, run.deployed_audio->window);
  const size_t wanted = args.samples_given ? static_cast<size_t>(args.samples) : run.dataset.items.size();
  ItemStream stream(run.dataset);
  while (run.readable.size() < wanted) {
    std::optional<StreamItem> item = stream.Next();
    if (!item) break;
    if (item->ok() && !std::holds_alternative<Audio>(item->sample))
      Fail("{}: an audio model's --data items are WAV clips", item->entry->path);
    if (!item->ok()) {
      run.bad.push_back({item->entry->path, item->error});
      continue;
    }
    ConformedAudio clip = ConformAudio(std::get<Audio>(item->sample), *run.deployed_audio);
    if (clip.samples.empty()) {
      run.bad.push_back({item->entry->path, "the clip holds no samples"});
      continue;
    }
    for (const std::string& note : clip.notes) {
      run.resampled += note.rfind("resampled", 0) == 0;
      run.mixed += note.rfind("mixed", 0) == 0;
    }
    size_t n = AudioWindows(clip.samples, run.deployed_audio->window, 0).size();
    for (size_t w = 0; w < n; ++w) run.windows.push_back({item->index, w});
    run.readable.push_back(item->index);
  }
  RequireNoBad(run.bad, run.dataset.items.size(), args.skip_bad);
  if (run.windows.empty()) Fail("{}: no clip could be read", args.data);
  CompareInputs in;
  in.count = static_cast<int>(run.windows.size());
  const Tensor& input = run.deployed->model().main().tensors[static_cast<size_t>(run.deployed->model().main().inputs[0])];
  in.sample = [&run, &input, reference_shadow = args.reference_shadow](int k) {
    auto [index, w] = run.windows[static_cast<size_t>(k)];
    const DatasetItem& item = run.dataset.items[index];
    ConformedAudio clip = ConformAudio(std::get<Audio>(LoadSample(item.path)), *run.deployed_audio);
    const std::vector<float> window = AudioWindows(clip.samples, run.deployed_audio->window, 0).at(w);
    return PairedSample(run, input, item.path, reference_shadow, AudioWindowTensor(window, *run.deployed_audio),
                        [&] { return AudioWindowTensor(window, *run.reference_audio); });
  };
  return in;
}

// Each model converts every item through its own preprocessing (its
// metadata, the partner's, or a spec file). With --self the float shadow is
// given the deployed input's real values, so both see the same input; with
// --reference-shadow the reference's shadow gets the real values its own
// conversion gives. The items compared are the dataset's readable ones (the
// first K with --samples K): a first pass decodes items one at a time to
// find them, as compare needs their number before it starts.
CompareInputs DataInputs(const CompareArgs& args, DataRun& run) {
  if (!DeclaredTokenizer(LoadModel(args.models.back())).empty()) return TextDataInputs(args, run);
  run.dataset = OpenDataset(args.data);
  if (!args.self) run.reference = std::make_unique<ModelSession>(args.models.front());
  run.deployed = std::make_unique<ModelSession>(args.models.back(), run.reference ? &run.reference->expected() : nullptr);
  if (run.reference) run.reference->SetPartner(run.deployed->expected());
  run.deployed_audio = AudioSpecFor(run.deployed->model());
  if (run.deployed_audio) return AudioDataInputs(args, run);
  ResolvedSpec ds = ResolveSpec(args.preprocess, *run.deployed);
  run.deployed_spec = ds.spec;
  run.deployed_desc = ds.description;
  if (run.reference) {
    ResolvedSpec rs = ResolveSpec(args.reference_preprocess, *run.reference);
    run.reference_spec = rs.spec;
    run.reference_desc = rs.description;
  }
  const size_t wanted = args.samples_given ? static_cast<size_t>(args.samples) : run.dataset.items.size();
  Progress progress = TerminalProgressBar("check");
  ItemStream stream(run.dataset);
  while (run.readable.size() < wanted) {
    std::optional<StreamItem> item = stream.Next();
    if (!item) break;
    if (progress) progress(item->index + 1, stream.size(), item->entry->path);
    if (item->ok())
      run.readable.push_back(item->index);
    else
      run.bad.push_back({item->entry->path, item->error});
  }
  if (progress) progress(stream.size(), stream.size(), "");
  RequireNoBad(run.bad, run.dataset.items.size(), args.skip_bad);
  if (run.readable.empty()) Fail("{}: no item could be read", args.data);
  CompareInputs in;
  in.count = static_cast<int>(run.readable.size());
  const Tensor& input = run.deployed->model().main().tensors[static_cast<size_t>(run.deployed->model().main().inputs[0])];
  in.sample = [&run, &input, reference_shadow = args.reference_shadow](int k) {
    const DatasetItem& item = run.dataset.items[run.readable[static_cast<size_t>(k)]];
    const Sample sample = LoadSample(item.path);
    return PairedSample(run, input, item.path, reference_shadow,
                        run.deployed->Prepare(sample, run.deployed_spec, item.path),
                        [&] { return run.reference->Prepare(sample, run.reference_spec, item.path); });
  };
  return in;
}

void RunCompare(const CompareArgs& args) {
  if (args.self ? args.models.size() != 1 : args.models.size() != 2)
    Fail(args.self ? "--self takes one model: the deployed one" : "give REFERENCE.tflite and DEPLOYED.tflite (or one model with --self)");
  if (args.self && args.reference_shadow) Fail("--self already compares with a float shadow: drop --reference-shadow");
  if (args.samples < 1) Fail("--samples must be at least 1");
  if (!args.data.empty() && !args.inputs.empty()) Fail("give either --data or --input, not both");
  if (args.data.empty() && (args.preprocess != "auto" || args.reference_preprocess != "auto"))
    Fail("--preprocess and --reference-preprocess apply to --data items only");
  DataRun run;
  std::unique_ptr<Model> deployed_owned, reference_owned;
  const Model* deployed = nullptr;
  const Model* reference = nullptr;
  CompareInputs inputs;
  if (!args.data.empty()) {
    inputs = DataInputs(args, run);
    deployed = &run.deployed->model();
    if (args.self) {
      reference_owned = std::make_unique<Model>(MakeFloatShadow(*deployed));
      reference = reference_owned.get();
    } else if (args.reference_shadow) {
      reference_owned = std::make_unique<Model>(MakeFloatShadow(run.reference->model()));
      reference = reference_owned.get();
    } else {
      reference = &run.reference->model();
    }
  } else {
    deployed_owned = std::make_unique<Model>(LoadModel(args.models.back()));
    deployed = deployed_owned.get();
    if (args.self) {
      reference_owned = std::make_unique<Model>(MakeFloatShadow(*deployed));
    } else {
      Model loaded = LoadModel(args.models.front());
      reference_owned = std::make_unique<Model>(args.reference_shadow ? MakeFloatShadow(loaded) : std::move(loaded));
    }
    reference = reference_owned.get();
    inputs = args.inputs.empty() ? RandomCompareInputs(*deployed, args.seed, args.samples) : NpyInputs(*deployed, args.inputs);
  }
  if (args.isolated_samples < 0) Fail("--isolated-samples must be 0 (all) or more");
  CompareOptions options;
  options.isolated_samples = args.isolated_samples;
  if (args.impact_samples < 0) Fail("--impact-samples must be 0 (none) or more");
  options.impact_samples = args.impact_samples;
  TaskAgreement task(*reference, *deployed, args.score_threshold);
  if (task.detection() || task.segmentation())
    options.after_sample = [&task](int, const Interpreter& r, const Interpreter& d) { task.Add(r, d); };
  CompareResult result = CompareModels(*reference, *deployed, inputs, options);
  const std::vector<std::string> no_labels;
  const std::vector<std::string>& labels = task.deployed_detector ? task.deployed_detector->labels : no_labels;
  const std::string reference_name = args.self               ? "float shadow of " + args.models.back()
                                     : args.reference_shadow ? "float shadow of " + args.models.front()
                                                             : args.models.front();
  if (!args.csv.empty()) {
    std::string csv = CompareCsv(result);
    WriteFileBytes(args.csv, std::vector<uint8_t>(csv.begin(), csv.end()));
  }
  if (args.json) {
    nlohmann::json j = CompareJson(result);
    j["reference"] = reference_name;
    j["deployed"] = args.models.back();
    if (!args.data.empty()) {
      j["data"] = {{"source", args.data}, {"items", run.deployed_text ? run.texts.items.size() : run.dataset.items.size()}, {"compared", result.samples},
                   {"skipped", run.bad.size()}};
      if (run.deployed_audio)
        j["data"].update({{"clips", run.readable.size()}, {"windows", run.windows.size()}, {"resampled", run.resampled}, {"mixed", run.mixed}});
      j["preprocessing"] = {{"deployed", run.deployed_desc}};
      if (!args.self) j["preprocessing"]["reference"] = run.reference_desc;
    }
    if (task.detection()) j["detection"] = DetectionAgreementJson(task.detections, task.threshold);
    if (task.segmentation()) j["segmentation"] = ClassMapAgreementJson(task.class_maps, labels);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "Reference: " << reference_name << "\nDeployed:  " << args.models.back() << "\n";
    if (!args.data.empty()) {
      if (run.deployed_audio)
        std::cout << "Data: " << args.data << " (" << run.windows.size() << " windows of " << run.readable.size() << " of "
                  << run.dataset.items.size() << " clips";
      else
        std::cout << "Data: " << args.data << " (" << result.samples << " of "
                  << (run.deployed_text ? run.texts.items.size() : run.dataset.items.size()) << " items";
      if (run.resampled) std::cout << ", " << run.resampled << " resampled to the model's rate";
      if (run.mixed) std::cout << ", " << run.mixed << " mixed to mono";
      if (!run.bad.empty()) std::cout << ", " << run.bad.size() << " unreadable skipped";
      std::cout << ")\n  deployed preprocessing: " << run.deployed_desc << "\n";
      if (!args.self) std::cout << "  reference preprocessing: " << run.reference_desc << "\n";
    }
    if (task.detection()) std::cout << DetectionAgreementText(task.detections, task.threshold);
    if (task.segmentation()) std::cout << ClassMapAgreementText(task.class_maps, labels);
    std::cout << CompareText(result, args.layers);
  }
}

void SetupCompare(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
      "compare",
      "Run a reference and a deployed model on the same inputs and show, layer by layer, where the deployed one "
      "loses accuracy, with the layers that add the most error and why.\n"
      "Suspects are ranked by each layer's own error: its node in both models run alone on the same input values "
      "(the reference's, quantized as the deployed layer reads them), so error passed on from upstream does not "
      "count.\n"
      "With --self, the deployed model is compared with its own float shadow (weights dequantized, float kernels, "
      "no activation quantization): this measures the error of activation quantization; it cannot see weight "
      "rounding, which the shadow shares.");
  cmd->add_option("MODELS", args->models, "REFERENCE.tflite DEPLOYED.tflite, or DEPLOYED.tflite with --self")->required();
  cmd->add_flag("--self", args->self, "compare the deployed model with its float shadow (activation quantization error only)");
  cmd->add_flag("--reference-shadow", args->reference_shadow,
                "run REFERENCE as its float shadow: for a quantized reference (say, the last int8 build that "
                "worked), so that DEPLOYED is measured against what the reference computes without quantization");
  cmd->add_option("--input", args->inputs, "one sample as .npy files, one per input (float real values)");
  cmd->add_option("--data", args->data,
                  "compare on a dataset (a folder of images/.npy/.wav, class folders, or a CSV): each model gets "
                  "every item through its own input conversion");
  cmd->add_option("--preprocess", args->preprocess, "with --data: auto (the default) or a JSON spec file for DEPLOYED");
  cmd->add_option("--reference-preprocess", args->reference_preprocess,
                  "with --data: auto (the default) or a JSON spec file for REFERENCE");
  cmd->add_flag("--skip-bad", args->skip_bad, "with --data: go on without items that cannot be read");
  cmd->add_option("--seed", args->seed, "seed for random input samples (default 0)");
  auto* samples = cmd->add_option("--samples", args->samples,
                                  "number of random input samples (default 10); with --data, compare only the first K items");
  cmd->add_option("--score-threshold", args->score_threshold,
                  "for detectors: compare the detections scoring above T (default: the deployed model's metadata "
                  "threshold, else 0.3)");
  cmd->add_flag("--json", args->json, "print every number as JSON");
  cmd->add_option("--csv", args->csv, "also write one row per layer to this CSV file");
  cmd->add_option("--layers", args->layers, "layers to show in the table (default 15)");
  cmd->add_option("--isolated-samples", args->isolated_samples,
                  "how many samples (spread evenly) each layer is also run alone on to measure its own error "
                  "(default 32; 0: all)");
  cmd->add_option("--impact-samples", args->impact_samples,
                  "on how many of those each layer's own error is also carried alone through the rest of the "
                  "reference model to the outputs (\"out dB\"; default 4, 0: none; costs about half a reference "
                  "run per layer)");
  cmd->callback([args, samples] {
    args->samples_given = samples->count() > 0;
    RunCompare(*args);
  });
}

}  // namespace

TFD_REGISTER_COMMAND(compare, SetupCompare);

}  // namespace tfd::cli
