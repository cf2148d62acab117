#include "data/random_fill.h"

#include <cstring>

#include "graph/dtype.h"
#include "util/error.h"
#include "util/memory_limit.h"

namespace tfd {
namespace {

template <typename T, typename Dist>
std::vector<uint8_t> Fill(int64_t count, std::mt19937_64& rng, Dist dist) {
  if (count < 0 || static_cast<uint64_t>(count) > UINT64_MAX / sizeof(T)) Fail("cannot make {} random values", count);
  CheckMemoryClaim(static_cast<uint64_t>(count) * sizeof(T), fmt::format("{} random input values", count));
  std::vector<uint8_t> out(static_cast<size_t>(count) * sizeof(T));
  for (int64_t i = 0; i < count; ++i) {
    T v = static_cast<T>(dist(rng));
    std::memcpy(out.data() + static_cast<size_t>(i) * sizeof(T), &v, sizeof(T));
  }
  return out;
}

}  // namespace

std::vector<uint8_t> RandomTensorBytes(DType dtype, int64_t count, std::mt19937_64& rng) {
  switch (dtype) {
    case DType::FLOAT32: return Fill<float>(count, rng, std::uniform_real_distribution<float>(-1.0f, 1.0f));
    case DType::FLOAT64: return Fill<double>(count, rng, std::uniform_real_distribution<double>(-1.0, 1.0));
    case DType::INT8: return Fill<int8_t>(count, rng, std::uniform_int_distribution<int>(-128, 127));
    case DType::UINT8: return Fill<uint8_t>(count, rng, std::uniform_int_distribution<int>(0, 255));
    case DType::INT16: return Fill<int16_t>(count, rng, std::uniform_int_distribution<int>(-32768, 32767));
    case DType::UINT16: return Fill<uint16_t>(count, rng, std::uniform_int_distribution<int>(0, 65535));
    case DType::INT32: return Fill<int32_t>(count, rng, std::uniform_int_distribution<int>(0, 15));
    case DType::UINT32: return Fill<uint32_t>(count, rng, std::uniform_int_distribution<int>(0, 15));
    case DType::INT64: return Fill<int64_t>(count, rng, std::uniform_int_distribution<int>(0, 15));
    case DType::UINT64: return Fill<uint64_t>(count, rng, std::uniform_int_distribution<int>(0, 15));
    case DType::BOOL: return Fill<uint8_t>(count, rng, std::uniform_int_distribution<int>(0, 1));
    default: Fail("cannot generate random {} data", DTypeName(dtype));
  }
}

}  // namespace tfd
