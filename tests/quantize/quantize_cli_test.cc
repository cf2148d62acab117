// `tflite-doctor quantize` from the command line: what it writes loads and
// carries the float model's metadata; every bad input is one line and a
// non-zero exit, and the input file is never changed.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "format/metadata.h"
#include "format/model_reader.h"
#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;
using testing::RunCli;

bool OneLineError(const testing::CliResult& r) {
  return r.exit_code == 1 && r.err.rfind("tflite-doctor: error: ", 0) == 0 &&
         r.err.find('\n') == r.err.size() - 1;
}

TEST(QuantizeCli, WritesAModelThatCarriesMetadataAndLeavesTheInputAlone) {
  TFD_REQUIRE_FIXTURES();
  const std::string in = Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  const auto before = ReadFileBytes(in);
  const auto out = testing::TempDir("quantize") / "mobilenet_int8.tflite";
  auto r = RunCli("quantize " + Quote(in) + " -o " + Quote(out.string()) + " --calibration " +
                  Quote(Fixture("imagenet-sample")) + " --samples 6 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFileBytes(in), before);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["calibration"]["samples"], 6);
  EXPECT_EQ(j["calibration"]["random"], false);
  EXPECT_TRUE(j["warnings"].empty());
  EXPECT_LT(j["size"]["after"].get<size_t>(), j["size"]["before"].get<size_t>() / 3);
  const Model f = ReadModel(before, in);
  const Model q = LoadModel(out.string());
  EXPECT_EQ(q.associated_files, f.associated_files);
  ASSERT_NE(q.MetadataBytes("TFLITE_METADATA"), nullptr);
  EXPECT_EQ(*q.MetadataBytes("TFLITE_METADATA"), *f.MetadataBytes("TFLITE_METADATA"));
  // The float model had no min_runtime_version; int8 CONV_2D v3 needs 1.14.0.
  EXPECT_EQ(ReadMinRuntimeVersion(q).value_or(""), j["min_runtime_version"].get<std::string>());
  EXPECT_EQ(j["min_runtime_version"], "1.14.0");
  // Same input/output names and float I/O.
  const auto& fi = f.main().tensors[static_cast<size_t>(f.main().inputs[0])];
  const auto& qi = q.main().tensors[static_cast<size_t>(q.main().inputs[0])];
  EXPECT_EQ(qi.name, fi.name);
  EXPECT_EQ(qi.dtype, DType::FLOAT32);
  std::filesystem::remove_all(out.parent_path());
}

TEST(QuantizeCli, RandomCalibrationWarnsByName) {
  TFD_REQUIRE_FIXTURES();
  const auto out = testing::TempDir("quantize-random") / "hello.tflite";
  auto r = RunCli("quantize " + Quote(Fixture("models/tflite-micro/hello_world_float.tflite")) + " -o " +
                  Quote(out.string()) + " --calibration random --samples 20");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: calibrated on random inputs"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(out));
  std::filesystem::remove_all(out.parent_path());
}

TEST(QuantizeCli, BadInputsAreOneLineErrors) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("quantize-bad");
  const std::string vww = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const auto vww_before = ReadFileBytes(vww);
  const std::string out = (dir / "out.tflite").string();
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases = {
      {Quote(Fixture("models/mlperf-tiny/vww_96_int8.tflite")) + " -o " + Quote(out) + " --calibration random",
       "already quantized"},
      {Quote(vww) + " -o " + Quote(vww) + " --calibration random", "is the input model"},
      {Quote(Fixture("models/tflite-micro/trained_lstm.tflite")) + " -o " + Quote(out) + " --calibration random",
       "UNIDIRECTIONAL_SEQUENCE_LSTM (node"},
      {Quote(vww) + " -o " + Quote(out), "--calibration DATA is required"},
      {Quote(vww) + " -o " + Quote(out) + " --calibration random --io int16", "--io must be"},
      {Quote(vww) + " -o " + Quote(out) + " --calibration random --calibration-method kl", "--calibration-method"},
      {Quote(vww) + " -o " + Quote(out) + " --calibration random --scheme int16x8", "--scheme 'int16x8'"},
      {Quote(vww) + " -o " + Quote(out) + " --calibration " + Quote(Fixture("audio")) + " --samples 2", "audio"},
      {Quote(vww) + " -o " + Quote(out) + " --calibration " + Quote((dir / "missing").string()), "missing"},
      {Quote(Fixture("images/cat.jpg")) + " -o " + Quote(out) + " --calibration random", "cat.jpg"},
  };
  for (const auto& c : cases) {
    auto r = RunCli("quantize " + c.args);
    EXPECT_TRUE(OneLineError(r)) << c.args << "\nexit " << r.exit_code << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.args;
  }
  EXPECT_EQ(ReadFileBytes(vww), vww_before);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
