#pragma once
// WAV audio: RIFF/WAVE with 16-bit PCM or 32-bit float samples, any
// number of channels (interleaved).
#include <cstdint>
#include <string>
#include <vector>

namespace tfd {

struct Audio {
  uint32_t sample_rate = 0;
  std::vector<int16_t> samples;      // 16-bit PCM, interleaved; empty for a float WAV
  std::vector<float> float_samples;  // 32-bit float WAV, interleaved; empty for PCM
  uint16_t channels = 1;
  bool is_float() const { return !float_samples.empty(); }
  size_t frames() const { return (is_float() ? float_samples.size() : samples.size()) / (channels ? channels : 1); }
};

// tfd::Error naming the file for anything that is not a 16-bit PCM or
// 32-bit float WAV, or one that holds no samples.
Audio ReadWav(const std::string& path);
Audio ParseWav(const std::vector<uint8_t>& bytes, const std::string& source);

}  // namespace tfd
