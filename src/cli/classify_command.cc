// tflite-doctor classify MODEL IMAGE...: top-k classes per image, with the
// model's own preprocessing (--preprocess auto) or a declared one; text
// classifiers take --text (tokenized as their metadata says), audio
// classifiers WAV clips (windows of the model's input, scores averaged).
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "data/audio/audio_input.h"
#include "data/dataset.h"
#include "data/detection/detector_outputs.h"
#include "data/segmentation/class_map.h"
#include "data/text/text_input.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "format/model_reader.h"
#include "util/error.h"

namespace tfd::cli {
namespace {

struct ClassifyArgs {
  std::string model;
  std::vector<std::string> images;
  std::vector<std::string> texts;
  uint32_t sample_rate = 0;
  size_t hop = 0;
  size_t top_k = 5;
  std::string labels;
  std::string preprocess = "auto";
  bool json = false;
};

struct Ranked {
  nlohmann::json json = nlohmann::json::array();
  std::string text;
};

Ranked Rank(const std::vector<float>& scores, const ModelSession& session, size_t k) {
  Ranked r;
  auto top = TopK(scores, k);
  const auto& labels = session.labels();
  for (size_t i = 0; i < top.size(); ++i) {
    int idx = top[i];
    float score = scores[static_cast<size_t>(idx)];
    bool has_label = static_cast<size_t>(idx) < labels.size();
    r.json.push_back({{"index", idx},
                      {"label", has_label ? nlohmann::json(labels[static_cast<size_t>(idx)]) : nlohmann::json()},
                      {"score", score}});
    r.text += fmt::format("  {:>2}. {:<40} {:>5}  {:.4f}\n", i + 1,
                          has_label ? labels[static_cast<size_t>(idx)] : "#" + std::to_string(idx), idx, score);
  }
  return r;
}

void ClassifyText(const ClassifyArgs& args, ModelSession& session, const TextModelSpec& spec) {
  if (!args.json) {
    std::cout << "Model: " << args.model << "\n";
    std::cout << "Tokenizer: " << spec.tokenizer.kind << " (" << spec.where << ")";
    if (!spec.tokenizer.delim_regex.empty()) std::cout << ", delimiter pattern '" << spec.tokenizer.delim_regex << "'";
    std::cout << ", vocabulary " << spec.vocab_file << " (" << spec.vocab.size() << " tokens, "
              << (spec.vocab.cased ? "cased" : "uncased") << "), " << spec.length << " ids per text\n";
    std::cout << "Labels: " << (session.labels().empty() ? "none (indices only)" : session.labels_source()) << "\n";
  }
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& text : args.texts) {
    EncodedText e = EncodeText(spec, text);
    Ranked r = Rank(session.Run(TextTensor(spec, e)), session, args.top_k);
    out.push_back({{"text", text},
                   {"tokens", e.tokens.size()},
                   {"unknown", e.unknown},
                   {"truncated", e.truncated()},
                   {"top", r.json}});
    if (args.json) continue;
    std::cout << "\n\"" << text << "\"\n";
    std::cout << fmt::format("  {} tokens, {} not in the vocabulary{}\n", e.tokens.size(), e.unknown,
                             e.truncated() ? fmt::format(", cut to the first {}", e.kept) : "");
    std::cout << r.text;
  }
  if (args.json) std::cout << out.dump(2) << "\n";
}

void ClassifyAudio(const ClassifyArgs& args, ModelSession& session, const AudioModelSpec& spec,
                   const std::vector<Sample>& samples) {
  if (!args.json) {
    std::cout << "Model: " << args.model << "\n";
    std::cout << fmt::format("Audio input: {} Hz ({}), {} channel(s), windows of {} samples ({:.3f} s), hop {}\n",
                             spec.sample_rate, spec.sample_rate_source, spec.channels, spec.window,
                             static_cast<double>(spec.window) / spec.sample_rate, args.hop ? args.hop : spec.window);
    std::cout << "Labels: " << (session.labels().empty() ? "none (indices only; pass --labels)" : session.labels_source())
              << "\n";
  }
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < args.images.size(); ++i) {
    const Audio& audio = std::get<Audio>(samples[i]);
    ConformedAudio clip = ConformAudio(audio, spec);
    size_t dropped = 0;
    auto windows = AudioWindows(clip.samples, spec.window, args.hop, &dropped);
    std::vector<float> mean;
    nlohmann::json per_window = nlohmann::json::array();
    std::string window_text;
    for (size_t w = 0; w < windows.size(); ++w) {
      std::vector<float> scores = session.Run(AudioWindowTensor(windows[w], spec));
      if (mean.empty()) mean.assign(scores.size(), 0.0f);
      for (size_t c = 0; c < scores.size(); ++c) mean[c] += scores[c] / static_cast<float>(windows.size());
      Ranked r = Rank(scores, session, std::min<size_t>(args.top_k, 3));
      per_window.push_back({{"start_s", static_cast<double>(w * (args.hop ? args.hop : spec.window)) / spec.sample_rate},
                            {"top", r.json}});
      window_text += fmt::format("  window {} at {:.2f} s:", w, per_window.back()["start_s"].get<double>());
      for (const auto& t : r.json)
        window_text += fmt::format(" {} {:.3f};", t["label"].is_null() ? "#" + std::to_string(t["index"].get<int>())
                                                                         : t["label"].get<std::string>(),
                                   t["score"].get<float>());
      window_text += "\n";
    }
    if (clip.samples.size() < spec.window) clip.notes.push_back("shorter than one window: padded with silence");
    if (dropped) clip.notes.push_back(fmt::format("last {} samples ({:.3f} s) fill no whole window: not classified",
                                                  dropped, static_cast<double>(dropped) / spec.sample_rate));
    Ranked avg = Rank(mean, session, args.top_k);
    out.push_back({{"file", args.images[i]},
                   {"sample_rate", audio.sample_rate},
                   {"channels", audio.channels},
                   {"notes", clip.notes},
                   {"windows", per_window},
                   {"top", avg.json}});
    if (args.json) continue;
    std::cout << "\n" << args.images[i] << fmt::format(" ({} Hz, {} channel(s), {:.3f} s)\n", audio.sample_rate,
                                                       audio.channels,
                                                       static_cast<double>(audio.frames()) / audio.sample_rate);
    for (const auto& n : clip.notes) std::cout << "  note: " << n << "\n";
    std::cout << window_text;
    std::cout << fmt::format("  averaged over {} window(s):\n", windows.size()) << avg.text;
  }
  if (args.json) std::cout << out.dump(2) << "\n";
}

void Classify(const ClassifyArgs& args) {
  if (args.images.empty() && args.texts.empty()) Fail("classify: give IMAGE/WAV files or --text \"...\"");
  // Bad data and a bad spec are reported before the model is prepared.
  std::optional<PreprocessSpec> declared;
  if (args.preprocess != "auto") declared = ReadPreprocessSpec(args.preprocess);
  std::vector<Sample> samples;
  std::string unreadable;  // a text classifier's positional "text" is named as such below
  try {
    for (const auto& file : args.images) samples.push_back(LoadSample(file));
  } catch (const Error& e) {
    unreadable = e.what();
  }
  if (!unreadable.empty() && DeclaredTokenizer(LoadModel(args.model)).empty()) Fail("{}", unreadable);
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
  const std::optional<TextModelSpec> text = TextSpecFor(session.model());
  if (text) {
    if (!args.images.empty())
      Fail("{} is a text classifier ({} in its metadata): it reads text, not the file '{}'; pass --text \"...\"", args.model,
           text->tokenizer.kind, args.images[0]);
    ClassifyText(args, session, *text);
    return;
  }
  if (!args.texts.empty())
    Fail("{} is not a text classifier (its metadata declares no tokenizer): --text cannot be fed to it", args.model);
  bool any_audio = false, all_audio = true;
  for (const auto& s : samples) {
    const bool is_audio = std::holds_alternative<Audio>(s);
    any_audio = any_audio || is_audio;
    all_audio = all_audio && is_audio;
  }
  if (any_audio) {
    std::optional<AudioModelSpec> audio = AudioSpecFor(session.model(), args.sample_rate);
    if (!audio) Fail("{} does not take a waveform (input '{}' {} {}): '{}' is audio", args.model, session.target().name,
                     DTypeName(session.target().dtype), ShapeString(session.target().shape), args.images[0]);
    if (!all_audio) Fail("{}: mix of WAV clips and other files; give one kind", args.model);
    ClassifyAudio(args, session, *audio, samples);
    return;
  }
  if (AudioSpecFor(session.model(), args.sample_rate) && !session.target().image_like && !args.images.empty() &&
      std::holds_alternative<Image>(samples[0]))
    Fail("{} is an audio classifier (input '{}' {}): '{}' is an image; give WAV clips", args.model, session.target().name,
         ShapeString(session.target().shape), args.images[0]);
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
  cmd->add_option("IMAGE", args->images, "images (JPEG, PNG, BMP), WAV clips (audio classifiers) or .npy inputs");
  cmd->add_option("--text", args->texts, "a text to classify (text classifiers; repeatable)");
  cmd->add_option("--sample-rate", args->sample_rate,
                  "audio classifiers: the model's sample rate in Hz when its metadata declares none (default 16000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--hop", args->hop, "audio classifiers: samples between window starts (default: one window)")
      ->check(CLI::PositiveNumber);
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
