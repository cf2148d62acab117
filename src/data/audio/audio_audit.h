#pragma once
// The preprocessing audit for audio: how a clip differs from what the
// model reads (sample rate, channels, scaling of the samples, length).
#include <string>
#include <vector>

#include "data/audio/audio_input.h"
#include "data/wav.h"

namespace tfd {

struct AudioClipAudit {
  uint32_t sample_rate = 0;
  uint32_t channels = 0;
  bool is_float = false;
  size_t frames = 0;
  double seconds = 0;
  float peak = 0;  // largest |sample| in [-1, 1] units (int16 / 32768; floats as stored)
  // "scaled wrong" findings: the file's values are not in [-1, 1] units.
  bool wrong_scale = false;
  std::vector<std::string> findings;  // one line each, worst first
};

AudioClipAudit AuditAudioClip(const Audio& audio, const AudioModelSpec& spec);

}  // namespace tfd
