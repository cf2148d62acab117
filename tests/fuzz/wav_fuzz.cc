// WAV files: headers, chunk sizes and sample formats as a broken file gives them.
#include "data/wav.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return tfd::fuzz::Guard(data, size, [](const std::vector<uint8_t>& bytes) {
    tfd::Audio audio = tfd::ParseWav(bytes, "fuzz.wav");
    (void)audio;
  });
}
