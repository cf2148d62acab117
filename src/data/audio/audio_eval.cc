#include "data/audio/audio_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "data/item_stream.h"
#include "data/preprocess/label_match.h"
#include "util/error.h"

namespace tfd {

std::vector<float> ClassifyClip(ModelSession& model, const AudioModelSpec& spec, const Audio& audio, size_t hop,
                                size_t* windows) {
  ConformedAudio clip = ConformAudio(audio, spec);
  auto cut = AudioWindows(clip.samples, spec.window, hop);
  std::vector<float> mean;
  for (const auto& w : cut) {
    std::vector<float> scores = model.Run(AudioWindowTensor(w, spec));
    if (mean.empty()) mean.assign(scores.size(), 0.0f);
    for (size_t c = 0; c < scores.size(); ++c) mean[c] += scores[c] / static_cast<float>(cut.size());
  }
  if (windows) *windows = cut.size();
  return mean;
}

AudioEvalResult EvaluateAudio(ModelSession& model, const AudioModelSpec& spec, const Dataset& data, size_t hop,
                              bool skip_bad, ModelSession* reference, const AudioModelSpec* reference_spec) {
  AudioEvalResult r;
  r.has_reference = reference != nullptr;
  LabelMapper labels(model.labels());
  double signal = 0, noise = 0;
  ItemStream stream(data);
  while (std::optional<StreamItem> item = stream.Next()) {
    const std::string& path = item->entry->path;
    std::string error = item->error;
    if (error.empty() && !std::holds_alternative<Audio>(item->sample)) error = "not a WAV clip";
    std::vector<float> scores;
    if (error.empty()) {
      try {
        size_t n = 0;
        const Audio& audio = std::get<Audio>(item->sample);
        scores = ClassifyClip(model, spec, audio, hop, &n);
        r.windows += n;
        r.resampled += audio.sample_rate != spec.sample_rate;
        r.mixed += audio.channels != spec.channels;
        if (reference) {
          std::vector<float> ref = ClassifyClip(*reference, *reference_spec, audio, hop);
          r.agree += TopK(ref, 1).at(0) == TopK(scores, 1).at(0) ? 1 : 0;
          for (size_t i = 0; i < std::min(ref.size(), scores.size()); ++i) {
            signal += static_cast<double>(ref[i]) * ref[i];
            noise += (static_cast<double>(scores[i]) - ref[i]) * (static_cast<double>(scores[i]) - ref[i]);
          }
        }
      } catch (const Error& e) {
        error = e.what();
      }
    }
    if (!error.empty()) {
      if (!skip_bad) Fail("{}: {}", path, error);
      r.bad.emplace_back(path, error);
      continue;
    }
    ++r.items;
    const std::string& label = item->entry->label;
    if (label.empty()) continue;
    const int want = labels.Index(label);
    if (want < 0) {
      if (std::find(r.unmapped_labels.begin(), r.unmapped_labels.end(), label) == r.unmapped_labels.end())
        r.unmapped_labels.push_back(label);
      continue;
    }
    ++r.labeled;
    r.correct += TopK(scores, 1).at(0) == want ? 1 : 0;
  }
  if (reference) r.sqnr_db = noise == 0 ? std::numeric_limits<double>::infinity() : 10 * std::log10(signal / noise);
  return r;
}

}  // namespace tfd
