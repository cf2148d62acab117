#pragma once
// The Task Library's ObjectDetector and ImageSegmenter (tools/oracle/
// task_library.js) run on the pixels tflite-doctor itself decodes.
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "data/image.h"
#include "data/npy.h"
#include "test_support.h"

namespace tfd::testing {

// Empty when it can run, else why not (the test then skips).
inline std::string TaskLibraryUnavailable() {
  auto modules = std::filesystem::path(TFD_SOURCE_DIR) / "tools/oracle/node_modules/@tensorflow/tfjs-tflite";
  if (!std::filesystem::is_directory(modules)) return "oracle not installed (npm ci --prefix tools/oracle)";
  if (std::system("node --version >/dev/null 2>&1") != 0) return "node not found";
  return "";
}

// `image` decoded by tflite-doctor, as uint8 [H, W, 3] RGB in `dir`.
inline std::string WritePixels(const std::string& image, const std::filesystem::path& dir) {
  Image decoded = ConvertChannels(DecodeImage(image), 3);
  std::string path = (dir / (std::filesystem::path(image).stem().string() + "_pixels.npy")).string();
  WriteNpy(path, DType::UINT8, {decoded.height, decoded.width, 3}, decoded.pixels.data(), decoded.pixels.size());
  return path;
}

// Runs task_library.js; its stdout, or a gtest failure with its stderr.
inline std::string RunTaskLibrary(const std::string& args, const std::filesystem::path& dir) {
  auto script = std::filesystem::path(TFD_SOURCE_DIR) / "tools/oracle/task_library.js";
  auto out = dir / "task_out.txt", err = dir / "task_err.txt";
  std::string cmd = "node " + Quote(script.string()) + " " + args + " >" + Quote(out.string()) + " 2>" + Quote(err.string());
  int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << "task_library.js " << args << ": " << SlurpFile(err);
  return SlurpFile(out);
}

}  // namespace tfd::testing
