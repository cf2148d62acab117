// `tflite-doctor quantize` from the command line: what it writes loads and
// carries the float model's metadata; every bad input is one line and a
// non-zero exit, and the input file is never changed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "format/metadata.h"
#include "data/npy.h"
#include "format/model_reader.h"
#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::OneLineError;
using testing::Quote;
using testing::RunCli;

TEST(QuantizeCli, WritesAModelThatCarriesMetadataAndLeavesTheInputAlone) {
  TFD_REQUIRE_FIXTURES();
  const std::string in = Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  const auto before = ReadFileBytes(in);
  const auto out = testing::TempDir("quantize") / "mobilenet_int8.tflite";
  // Held-out data for the summary: five photos (even rows of labels.csv).
  const auto held_out = out.parent_path() / "held_out.csv";
  {
    std::ifstream labels(Fixture("imagenet-sample/labels.csv"));
    std::ofstream csv(held_out);
    std::string line;
    std::getline(labels, line);
    csv << line << "\n";
    for (int row = 1; row <= 10 && std::getline(labels, line); ++row)
      if (row % 2 == 0) csv << Fixture("imagenet-sample/") << line << "\n";
  }
  auto r = RunCli("quantize " + Quote(in) + " -o " + Quote(out.string()) + " --calibration " +
                  Quote(Fixture("imagenet-sample")) + " --samples 6 --data " + Quote(held_out.string()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFileBytes(in), before);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["calibration"]["samples"], 6);
  EXPECT_EQ(j["calibration"]["random"], false);
  // Six samples are too few, and said so (the only warning).
  ASSERT_EQ(j["warnings"].size(), 1u) << j["warnings"];
  EXPECT_NE(j["warnings"][0].get<std::string>().find("only 6 calibration samples"), std::string::npos);
  EXPECT_TRUE(j["audit"]["too_few_samples"].get<bool>());
  EXPECT_FALSE(j["audit"]["outside_declared"].get<bool>());
  EXPECT_LT(j["size"]["after"].get<size_t>(), j["size"]["before"].get<size_t>() / 3);
  // The summary on the held-out photos: the new file against the float model.
  EXPECT_EQ(j["held_out"]["items"], 5);
  EXPECT_EQ(j["held_out"]["labeled"], 5);
  EXPECT_GT(j["held_out"]["output0_sqnr_db"].get<double>(), 8.0);
  EXPECT_LT(j["held_out"]["output0_sqnr_db"].get<double>(), 60.0);
  EXPECT_GE(j["held_out"]["top1_agreement"].get<double>(), 0.6);
  EXPECT_LE(j["held_out"]["top1_agreement"].get<double>(), 1.0);
  EXPECT_GE(j["held_out"]["float_top1"].get<double>(), 0.0);
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
      {Quote(vww) + " -o " + Quote(out) + " --calibration random --scheme int4", "unknown --scheme 'int4'"},
      // --scheme dynamic and int16x8: already quantized models (full-integer,
      // and the converter's own dynamic-range KWS), ops int16x8 cannot take
      // (named with their node index), options that do not apply.
      {Quote(Fixture("models/mlperf-tiny/vww_96_int8.tflite")) + " -o " + Quote(out) + " --scheme dynamic",
       "the model is already quantized: activation"},
      {Quote(Fixture("models/mlperf-tiny/kws_ref_model_float32.tflite")) + " -o " + Quote(out) + " --scheme dynamic",
       "the model is already quantized: CONV_2D (node 0"},
      {Quote(Fixture("models/mlperf-tiny/vww_96_int8.tflite")) + " -o " + Quote(out) +
           " --scheme int16x8 --calibration random",
       "already quantized"},
      {Quote(Fixture("models/tflite-micro/trained_lstm.tflite")) + " -o " + Quote(out) +
           " --scheme int16x8 --calibration random",
       "UNIDIRECTIONAL_SEQUENCE_LSTM (node 0, output"},
      {Quote(vww) + " -o " + Quote(out) + " --scheme dynamic --calibration random", "takes no --calibration"},
      {Quote(vww) + " -o " + Quote(out) + " --scheme dynamic --io int8", "--io int8 applies to --scheme int8"},
      {Quote(vww) + " -o " + Quote(out) + " --scheme float16 --io int8", "--io int8 applies to --scheme int8; float16"},
      {Quote(vww) + " -o " + Quote(out) + " --scheme int16x8 --calibration random --io uint8",
       "--io uint8 applies to --scheme int8"},
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

namespace tfd {
namespace {

// The calibration audit: a folder of noise arrays and random inputs are
// called noise by name (and refused under --strict); real photos are not;
// duplicates are counted.
TEST(QuantizeCli, AuditFlagsNoiseCalibrationAndStaysQuietOnPhotos) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("quantize-audit");
  const std::string out = (dir / "out.tflite").string();
  std::filesystem::create_directories(dir / "noise");
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int i = 0; i < 5; ++i) {
    std::vector<float> v(96 * 96 * 3);
    for (auto& x : v) x = u(rng);
    WriteNpy((dir / "noise" / ("n" + std::to_string(i) + ".npy")).string(), DType::FLOAT32, {1, 96, 96, 3}, v.data(),
             v.size() * 4);
  }
  const std::string vww = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const std::string mnet = Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  auto noise = RunCli("quantize " + Quote(vww) + " -o " + Quote(out) + " --calibration " + Quote((dir / "noise").string()) + " --json");
  ASSERT_EQ(noise.exit_code, 0) << noise.err;
  auto j = nlohmann::json::parse(noise.out);
  EXPECT_TRUE(j["audit"]["looks_like_noise"].get<bool>());
  EXPECT_LT(j["audit"]["neighbour_correlation"].get<double>(), 0.1);
  ASSERT_FALSE(j["warnings"].empty());
  EXPECT_NE(j["warnings"][0].get<std::string>().find("look like noise"), std::string::npos);
  std::filesystem::remove(out);
  auto strict = RunCli("quantize " + Quote(vww) + " -o " + Quote(out) + " --calibration " + Quote((dir / "noise").string()) + " --strict");
  EXPECT_TRUE(OneLineError(strict)) << strict.err;
  EXPECT_NE(strict.err.find("--strict: the calibration inputs look like noise"), std::string::npos) << strict.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const std::string& model : {vww, mnet}) {
    auto random = RunCli("quantize " + Quote(model) + " -o " + Quote(out) + " --calibration random --samples 3 --json");
    ASSERT_EQ(random.exit_code, 0) << random.err;
    EXPECT_TRUE(nlohmann::json::parse(random.out)["audit"]["looks_like_noise"].get<bool>()) << model;
    std::filesystem::remove(out);
    auto refused = RunCli("quantize " + Quote(model) + " -o " + Quote(out) + " --calibration random --strict");
    EXPECT_TRUE(OneLineError(refused)) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  // Photos (and one of them twice).
  std::filesystem::create_directories(dir / "photos");
  for (const char* f : {"images/cat.jpg", "images/dogs.jpg", "images/burger.jpg"})
    std::filesystem::copy_file(Fixture(f), dir / "photos" / std::filesystem::path(f).filename());
  std::filesystem::copy_file(Fixture("images/cat.jpg"), dir / "photos" / "cat_again.jpg");
  for (const std::string& model : {vww, mnet}) {
    auto photos = RunCli("quantize " + Quote(model) + " -o " + Quote(out) + " --calibration " + Quote((dir / "photos").string()) + " --json --strict");
    ASSERT_EQ(photos.exit_code, 0) << photos.err;
    auto p = nlohmann::json::parse(photos.out);
    EXPECT_FALSE(p["audit"]["looks_like_noise"].get<bool>()) << model;
    EXPECT_GT(p["audit"]["neighbour_correlation"].get<double>(), 0.5) << model;
    EXPECT_EQ(p["audit"]["duplicates"], 1) << model;
    std::filesystem::remove(out);
  }
  // MobileNet declares [-1, 1] inputs (its metadata): photos scaled to [0, 1]
  // instead are named, in text and --json; through its own preprocessing
  // they are not.
  const std::string spec = (dir / "zero_one.json").string();
  {
    std::ofstream(spec) << R"({"range": [0, 1]})";
  }
  auto shifted = RunCli("quantize " + Quote(mnet) + " -o " + Quote(out) + " --calibration " +
                        Quote((dir / "photos").string()) + " --preprocess " + Quote(spec) + " --json");
  ASSERT_EQ(shifted.exit_code, 0) << shifted.err;
  auto sj = nlohmann::json::parse(shifted.out);
  EXPECT_TRUE(sj["audit"]["outside_declared"].get<bool>());
  EXPECT_EQ(sj["audit"]["declared_range"], nlohmann::json({-1.0, 1.0}));
  EXPECT_GE(sj["audit"]["value_range"][0].get<double>(), 0.0);
  EXPECT_LE(sj["audit"]["value_range"][1].get<double>(), 1.0);
  EXPECT_TRUE(sj["audit"]["too_few_samples"].get<bool>());
  bool named = false;
  for (const auto& w : sj["warnings"]) named |= w.get<std::string>().find("declares inputs in [-1, 1]") != std::string::npos;
  EXPECT_TRUE(named) << sj["warnings"];
  std::filesystem::remove(out);
  auto text = RunCli("quantize " + Quote(mnet) + " -o " + Quote(out) + " --calibration " +
                     Quote((dir / "photos").string()) + " --preprocess " + Quote(spec));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.err.find("tflite-doctor: warning: the calibration values span [0, 1] but the model declares inputs in [-1, 1]"),
            std::string::npos) << text.err;
  std::filesystem::remove(out);
  auto own = RunCli("quantize " + Quote(mnet) + " -o " + Quote(out) + " --calibration " + Quote((dir / "photos").string()) + " --json");
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_FALSE(nlohmann::json::parse(own.out)["audit"]["outside_declared"].get<bool>());
  std::filesystem::remove(out);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// --scheme dynamic and int16x8 from the command line: each writes a model
// the reader loads, of the form it names, and says so in --json.
TEST(QuantizeCli, DynamicAndInt16x8WriteTheirForms) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("quantize-schemes");
  const std::string vww = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const auto dyn = dir / "vww_dynamic.tflite";
  auto r = RunCli("quantize " + Quote(vww) + " -o " + Quote(dyn.string()) + " --scheme dynamic --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["scheme"], "dynamic");
  EXPECT_EQ(j["dynamic"]["hybrid_nodes"], 18);
  EXPECT_EQ(j["dynamic"]["small_weight_nodes"], 10);
  EXPECT_EQ(j["min_runtime_version"], "2.4.0");
  EXPECT_LT(j["size"]["after"].get<double>(), 0.4 * j["size"]["before"].get<double>());
  const Model d = LoadModel(dyn.string());
  size_t int8_weights = 0;
  for (const auto& t : d.main().tensors) int8_weights += t.dtype == DType::INT8;
  EXPECT_EQ(int8_weights, 18u);
  EXPECT_EQ(d.main().tensors[static_cast<size_t>(d.main().inputs[0])].dtype, DType::FLOAT32);
  // --keep-float leaves the named nodes' weights float.
  r = RunCli("quantize " + Quote(vww) + " -o " + Quote(dyn.string()) + " --scheme dynamic --keep-float DEPTHWISE_CONV_2D --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["float_nodes"], 13);
  const Model kept = LoadModel(dyn.string());
  for (const auto& op : kept.main().operators)
    if (kept.op_code(op).builtin == tflite::BuiltinOperator::DEPTHWISE_CONV_2D) {
      EXPECT_EQ(kept.main().tensors[static_cast<size_t>(op.inputs[1])].dtype, DType::FLOAT32);
    }

  const auto i16 = dir / "hello_int16x8.tflite";
  r = RunCli("quantize " + Quote(Fixture("models/tflite-micro/hello_world_float.tflite")) + " -o " + Quote(i16.string()) +
             " --scheme int16x8 --calibration random --samples 20");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("int16x8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("int64 biases"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ranges by minmax (int16x8)"), std::string::npos) << r.out;
  const Model q = LoadModel(i16.string());
  size_t int16 = 0, int64 = 0;
  for (const auto& t : q.main().tensors) {
    int16 += t.dtype == DType::INT16;
    int64 += t.dtype == DType::INT64;
  }
  EXPECT_GE(int16, 4u);
  EXPECT_EQ(int64, 3u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
