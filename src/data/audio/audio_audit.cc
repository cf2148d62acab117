#include "data/audio/audio_audit.h"

#include <cmath>

#include <fmt/format.h>

namespace tfd {

AudioClipAudit AuditAudioClip(const Audio& audio, const AudioModelSpec& spec) {
  AudioClipAudit a;
  a.sample_rate = audio.sample_rate;
  a.channels = audio.channels;
  a.is_float = audio.is_float();
  a.frames = audio.frames();
  a.seconds = audio.sample_rate ? static_cast<double>(a.frames) / audio.sample_rate : 0;
  int peak_counts = 0;
  if (a.is_float) {
    for (float v : audio.float_samples) a.peak = std::max(a.peak, std::abs(v));
  } else {
    for (int16_t v : audio.samples) peak_counts = std::max(peak_counts, std::abs(static_cast<int>(v)));
    a.peak = static_cast<float>(peak_counts) / 32768.0f;
  }
  // Scaling: the model reads [-1, 1]. A float WAV holding int16-sized
  // values (written without dividing by 32768) is 32768 times too loud and
  // clips; an int16 WAV holding [-1, 1] values cast to integers is all
  // -1, 0, 1: the model hears near silence.
  if (a.is_float && a.peak > 2.0f) {
    a.wrong_scale = true;
    a.findings.push_back(fmt::format(
        "scaled wrong: float samples reach {:.0f}, outside [-1, 1]: they look like int16 values stored as float "
        "(divide by 32768)",
        a.peak));
  } else if (!a.is_float && peak_counts > 0 && peak_counts <= 2) {
    a.wrong_scale = true;
    a.findings.push_back(fmt::format(
        "scaled wrong: 16-bit samples never exceed {} of 32767: they look like [-1, 1] floats cast to int16 (write "
        "them as 32-bit float, or multiply by 32768 before the cast); the model hears near silence",
        peak_counts));
  } else if (peak_counts == 0 && a.peak == 0.0f) {
    a.findings.push_back("the clip is silent (every sample is 0)");
  } else if (a.is_float && a.peak > 1.0f) {
    a.findings.push_back(fmt::format("float samples reach {:.3f}: beyond [-1, 1], they clip", a.peak));
  }
  if (audio.sample_rate != spec.sample_rate)
    a.findings.push_back(fmt::format("sample rate {} Hz, the model reads {} Hz ({}): resampled", audio.sample_rate,
                                     spec.sample_rate, spec.sample_rate_source));
  if (audio.channels != spec.channels)
    a.findings.push_back(fmt::format("{} channels, the model reads {}: mixed to mono", audio.channels, spec.channels));
  const double window_s = static_cast<double>(spec.window) / spec.sample_rate;
  const double resampled = a.seconds * spec.sample_rate;
  if (resampled < static_cast<double>(spec.window))
    a.findings.push_back(fmt::format("clip of {:.3f} s is shorter than the model's window of {:.3f} s: padded with "
                                     "silence",
                                     a.seconds, window_s));
  return a;
}

}  // namespace tfd
