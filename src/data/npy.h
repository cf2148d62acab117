#pragma once
// NumPy .npy files (format 1.0-3.0, little-endian, C order): what `run`
// reads as inputs and writes as outputs.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd {

struct NpyArray {
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> data;  // raw little-endian elements
};

// tfd::Error naming the file for anything unreadable or unsupported.
NpyArray ReadNpy(const std::string& path);
NpyArray ParseNpy(const std::vector<uint8_t>& bytes, const std::string& source);
void WriteNpy(const std::string& path, DType dtype, const std::vector<int32_t>& shape, const void* data, size_t bytes);
std::vector<uint8_t> EncodeNpy(DType dtype, const std::vector<int32_t>& shape, const void* data, size_t bytes);

}  // namespace tfd
