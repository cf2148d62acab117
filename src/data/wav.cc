#include "data/wav.h"

#include <cstring>

#include "util/error.h"
#include "util/file_io.h"

namespace tfd {

namespace {

uint32_t U32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }
uint16_t U16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

}  // namespace

Audio ParseWav(const std::vector<uint8_t>& b, const std::string& source) {
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 || std::memcmp(b.data() + 8, "WAVE", 4) != 0)
    Fail("{}: not a WAV file (no RIFF/WAVE header)", source);
  size_t pos = 12;
  bool have_fmt = false;
  Audio audio;
  uint16_t channels = 0, bits = 0;
  bool is_float = false;
  while (pos + 8 <= b.size()) {
    const uint8_t* chunk = b.data() + pos;
    uint32_t size = U32(chunk + 4);
    size_t body = pos + 8;
    if (size > b.size() - body) {
      if (std::memcmp(chunk, "data", 4) == 0 && have_fmt) {
        size = static_cast<uint32_t>(b.size() - body);  // truncated data chunk: keep what is there
      } else {
        Fail("{}: truncated WAV file (chunk '{}' runs past the end)", source, std::string(chunk, chunk + 4));
      }
    }
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      if (size < 16) Fail("{}: malformed WAV 'fmt ' chunk", source);
      uint16_t format = U16(b.data() + body);
      channels = U16(b.data() + body + 2);
      audio.sample_rate = U32(b.data() + body + 4);
      bits = U16(b.data() + body + 14);
      if (format == 0xFFFE && size >= 40) format = U16(b.data() + body + 24);  // WAVE_FORMAT_EXTENSIBLE subformat
      if (format != 1 && format != 3)
        Fail("{}: WAV sample format {} is neither PCM nor float (16-bit PCM and 32-bit float are supported)", source,
             format);
      if (format == 1 && bits != 16) Fail("{}: WAV has {}-bit PCM samples; only 16-bit PCM is supported", source, bits);
      if (format == 3 && bits != 32) Fail("{}: WAV has {}-bit float samples; only 32-bit float is supported", source, bits);
      if (channels == 0) Fail("{}: WAV declares 0 channels", source);
      if (audio.sample_rate == 0) Fail("{}: WAV declares a sample rate of 0 Hz", source);
      is_float = format == 3;
      audio.channels = channels;
      have_fmt = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_fmt) Fail("{}: WAV 'data' chunk before its 'fmt ' chunk", source);
      const size_t bytes_per_frame = static_cast<size_t>(bits / 8) * channels;
      const size_t frames = size / bytes_per_frame;
      if (frames == 0) Fail("{}: WAV holds no samples (its 'data' chunk is {} bytes)", source, size);
      const size_t n = frames * channels;
      if (is_float) {
        audio.float_samples.resize(n);
        std::memcpy(audio.float_samples.data(), b.data() + body, n * 4);  // little-endian host
      } else {
        audio.samples.resize(n);
        for (size_t i = 0; i < n; ++i) audio.samples[i] = static_cast<int16_t>(U16(b.data() + body + 2 * i));
      }
      return audio;
    }
    pos = body + size + (size & 1);
  }
  Fail("{}: WAV file has no {} chunk", source, have_fmt ? "'data'" : "'fmt '");
}

Audio ReadWav(const std::string& path) { return ParseWav(ReadFileBytes(path), path); }

}  // namespace tfd
