#pragma once
// An audio classifier over a dataset of WAV clips: each clip conformed to
// the model (channels, scaling, sample rate), cut into windows, the window
// scores averaged; accuracy where labelled, and top-1 agreement and output
// SQNR against a reference audio model fed the same way.
#include <string>
#include <vector>

#include "data/audio/audio_input.h"
#include "data/dataset.h"
#include "data/preprocess/session.h"

namespace tfd {

struct AudioEvalResult {
  size_t items = 0, windows = 0;
  size_t labeled = 0, correct = 0;  // labelled clips whose label is among the model's
  size_t resampled = 0, mixed = 0;  // clips converted
  std::vector<std::string> unmapped_labels;
  std::vector<std::pair<std::string, std::string>> bad;  // path, error
  bool has_reference = false;
  size_t agree = 0;
  double sqnr_db = 0;  // pooled over the clips' averaged scores
  double top1() const { return labeled ? static_cast<double>(correct) / static_cast<double>(labeled) : 0; }
  double agreement() const { return items ? static_cast<double>(agree) / static_cast<double>(items) : 0; }
};

// The clip's averaged scores over its windows.
std::vector<float> ClassifyClip(ModelSession& model, const AudioModelSpec& spec, const Audio& audio, size_t hop,
                                size_t* windows = nullptr);

// `skip_bad`: an unreadable clip is listed in `bad` instead of stopping the run.
AudioEvalResult EvaluateAudio(ModelSession& model, const AudioModelSpec& spec, const Dataset& data, size_t hop,
                              bool skip_bad, ModelSession* reference = nullptr,
                              const AudioModelSpec* reference_spec = nullptr);

}  // namespace tfd
