// CSV datasets (path,label rows): quoting, empty fields, odd line endings.
// The dataset reader takes a path, so each input goes through a file in
// memory-backed /dev/shm when it exists.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "data/dataset.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = [] {
    std::filesystem::path dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    return (dir / ("tfd-fuzz-" + std::to_string(::getpid()) + ".csv")).string();
  }();
  return tfd::fuzz::Guard(data, size, [](const std::vector<uint8_t>& bytes) {
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
    }
    tfd::Dataset d = tfd::OpenDataset(path);
    (void)d;
  });
}
