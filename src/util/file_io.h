#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tfd {

// Whole-file read; throws tfd::Error naming the path when it cannot.
std::vector<uint8_t> ReadFileBytes(const std::string& path);

// Writes via a temporary file and rename, so a failed write never leaves a
// half-written file behind (and never touches the input it came from).
void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace tfd
