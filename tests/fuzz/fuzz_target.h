#pragma once
// What every fuzz target shares: the libFuzzer entry points, and the one rule
// they check. An input may be refused only with tfd::Error (the CLI's one-line
// error); any other exception, crash, leak, hang or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/error.h"
#include "util/memory_limit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace tfd::fuzz {

// Small enough that a fuzzed shape cannot make one run slow or large.
inline constexpr uint64_t kFuzzMemoryLimit = 256ULL << 20;

inline void InitOnce() {
  static bool done = [] {
    SetMemoryLimit(kFuzzMemoryLimit);
    return true;
  }();
  (void)done;
}

// Runs f(bytes); tfd::Error is the expected refusal.
template <typename F>
int Guard(const uint8_t* data, size_t size, F&& f) {
  InitOnce();
  std::vector<uint8_t> bytes(data, data + size);
  try {
    f(bytes);
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace tfd::fuzz
