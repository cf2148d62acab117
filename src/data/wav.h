#pragma once
// WAV audio: RIFF/WAVE with 16-bit PCM samples, one channel.
#include <cstdint>
#include <string>
#include <vector>

namespace tfd {

struct Audio {
  uint32_t sample_rate = 0;
  std::vector<int16_t> samples;
};

// tfd::Error naming the file for anything that is not 16-bit PCM mono WAV.
Audio ReadWav(const std::string& path);
Audio ParseWav(const std::vector<uint8_t>& bytes, const std::string& source);

}  // namespace tfd
