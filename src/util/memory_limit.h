#pragma once
// A ceiling on the memory a single input may make tflite-doctor allocate.
//
// A model's shapes, an image header or a file's length are claims made by the
// input, and a hostile or broken one can claim terabytes. Every allocation
// whose size such a claim decides (tensor arenas, dynamic tensors, decoded
// images, whole-file reads) is checked against this limit first, so the claim
// ends in a one-line error instead of an out-of-memory kill. Set with the
// CLI's --max-memory (or TFLITE_DOCTOR_MAX_MEMORY); the default is half of
// the machine's RAM, at most 8 GiB.
#include <cstdint>
#include <optional>
#include <string>

namespace tfd {

uint64_t MemoryLimit();
void SetMemoryLimit(uint64_t bytes);

// Fails with "WHAT needs N, over the memory limit of M (...)" when bytes
// exceed the limit.
void CheckMemoryClaim(uint64_t bytes, const std::string& what);

// "512M", "4G", "1.5GiB", "1000000" (bytes); nullopt when unreadable or zero.
std::optional<uint64_t> ParseByteSize(const std::string& text);

// "1.5 GiB", "512 MiB", "900 B".
std::string FormatByteSize(uint64_t bytes);

}  // namespace tfd
