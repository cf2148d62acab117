#pragma once
// Reproducible random tensor contents, for `run --seed` and conformance tests.
#include <cstdint>
#include <random>
#include <vector>

#include "graph/model.h"

namespace tfd {

// Floats uniform in [-1, 1]; 8/16-bit integers over their whole range (so
// quantized inputs cover the representable values); wider integers in [0, 16);
// bools 0/1.
std::vector<uint8_t> RandomTensorBytes(DType dtype, int64_t count, std::mt19937_64& rng);

}  // namespace tfd
