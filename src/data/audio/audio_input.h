#pragma once
// An audio classifier's input as the Task Library's AudioClassifier feeds
// it: mono (or the channel count the metadata declares) samples in [-1, 1]
// at the model's sample rate, one input-sized window per run. A clip is
// converted (channels mixed, 16-bit PCM scaled by 1/32768, resampled to the
// model's rate) and cut into windows; each window is classified and the
// scores averaged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/preprocess.h"
#include "data/wav.h"
#include "graph/model.h"

namespace tfd {

struct AudioModelSpec {
  uint32_t sample_rate = 16000;
  std::string sample_rate_source;  // "metadata" or why it is assumed
  uint32_t channels = 1;
  size_t window = 0;  // samples per channel in one input
  InputTarget target;
};

// The model's audio input. `sample_rate_override` (nonzero) replaces the
// metadata's rate. nullopt when the model's single input is not a waveform
// (an image, or a non-float/int16 tensor): audio metadata, or a float32 or
// int16 input of rank 1 or [1, N].
std::optional<AudioModelSpec> AudioSpecFor(const Model& model, uint32_t sample_rate_override = 0);

struct ConformedAudio {
  std::vector<float> samples;  // mono, [-1, 1] (as the file says), at the model's rate
  std::vector<std::string> notes;  // what was done: "resampled from 44100 Hz to 16000 Hz", "mixed 2 channels to mono"
};
ConformedAudio ConformAudio(const Audio& audio, const AudioModelSpec& spec);

// Windows of spec.window samples every `hop` samples (0: hop = window) that
// fit in the clip; a clip shorter than one window gives one window padded
// with zeros. `dropped`: the samples after the last window.
std::vector<std::vector<float>> AudioWindows(const std::vector<float>& samples, size_t window, size_t hop,
                                             size_t* dropped = nullptr);

// One window as the input tensor's bytes (float32 as is, int16 times 32768,
// int8/uint8 quantized with the input's parameters).
TensorData AudioWindowTensor(const std::vector<float>& window, const AudioModelSpec& spec);

}  // namespace tfd
