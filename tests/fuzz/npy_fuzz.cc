// .npy files written by other tools: parse, and what parses survives a round
// trip through our writer unchanged.
#include <cstring>

#include "data/npy.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return tfd::fuzz::Guard(data, size, [](const std::vector<uint8_t>& bytes) {
    tfd::NpyArray a = tfd::ParseNpy(bytes, "fuzz.npy");
    std::vector<uint8_t> again = tfd::EncodeNpy(a.dtype, a.shape, a.data.data(), a.data.size());
    tfd::NpyArray b = tfd::ParseNpy(again, "round-trip.npy");
    if (b.dtype != a.dtype || b.shape != a.shape || b.data != a.data) __builtin_trap();
  });
}
