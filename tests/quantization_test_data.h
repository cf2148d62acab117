#pragma once
// Calibration and evaluation sets for the quantizer's and the tradeoffs
// tests: the two halves of imagenet-sample (odd rows of labels.csv to
// calibrate, even rows to evaluate, as bench/lib.sh splits it), and seeded
// noise arrays for models whose inputs the fixtures have no real data for
// (KWS's MFCC features).
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "data/npy.h"
#include "graph/dtype.h"
#include "test_support.h"

namespace tfd::testing {

// The first `count` rows (default: all) of one half of
// imagenet-sample/labels.csv (rows counted from 1 after the header) as a CSV
// at `path`, paths made absolute.
inline std::string ImageNetHalf(const std::filesystem::path& path, bool calibration_half,
                                size_t count = std::numeric_limits<size_t>::max()) {
  std::ifstream labels(Fixture("imagenet-sample/labels.csv"));
  std::ofstream csv(path);
  std::string line;
  std::getline(labels, line);
  csv << line << "\n";
  size_t written = 0;
  for (size_t row = 1; written < count && std::getline(labels, line); ++row) {
    if ((row % 2 == 1) != calibration_half) continue;
    csv << Fixture("imagenet-sample/") << line << "\n";
    ++written;
  }
  return path.string();
}

// `count` float32 .npy files of `shape`, uniform in [lo, hi], in `dir`.
inline std::string NoiseArrays(const std::filesystem::path& dir, size_t count, const std::vector<int32_t>& shape,
                               float lo, float hi, unsigned seed) {
  std::filesystem::create_directories(dir);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  for (size_t i = 0; i < count; ++i) {
    std::vector<float> v(n);
    for (auto& x : v) x = u(rng);
    WriteNpy((dir / ("n" + std::to_string(1000 + i) + ".npy")).string(), DType::FLOAT32, shape, v.data(), n * 4);
  }
  return dir.string();
}

}  // namespace tfd::testing
