// `tflite-doctor tradeoffs` from the command line: bad inputs are one line
// and a non-zero exit, before any work; the text table with its mixed row
// and recommendation.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "format/model_reader.h"
#include "format/model_writer.h"
#include "quantization_test_data.h"
#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::OneLineError;
using testing::Quote;
using testing::RunCli;

TEST(TradeoffsCli, BadInputsAreOneLineErrors) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("tradeoffs-bad");
  const std::string vww = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const std::string photos = testing::ImageNetHalf(dir / "photos.csv", true, 2);
  std::filesystem::create_directories(dir / "empty");
  const std::string out = " --out " + Quote((dir / "out").string());
  const std::string base = Quote(vww) + " --calibration " + Quote(photos) + " --data " + Quote(photos) + out;
  struct Case {
    std::string args, says;
  };
  const std::vector<Case> cases = {
      {Quote(Fixture("models/mlperf-tiny/vww_96_int8.tflite")) + " --calibration " + Quote(photos) + " --data " +
           Quote(photos) + out,
       "already quantized"},
      {Quote(vww) + " --calibration " + Quote(photos) + " --data " + Quote((dir / "empty").string()) + out, "no data files"},
      {base + " --schemes int8,int4", "unknown scheme 'int4'"},
      {base + " --schemes int8,int8", "named twice"},
      {base + " --schemes ,", "names no scheme"},
      {base + " --budget 1.5", "--budget 1.5 is out of range"},
      {base + " --budget 0", "--budget 0 is out of range"},
      {base + " --budget -0.5", "out of range"},
      {base + " --budget-sqnr 1e9", "is out of range: an output SQNR"},
      {base + " --budget 0.9 --budget-sqnr 20", "not both"},
      {base + " --target riscv", "riscv"},
      {Quote(vww) + " --data " + Quote(photos) + out, "--calibration DATA is required"},
      {Quote(vww) + " --calibration " + Quote(photos) + out, "--data EVAL is required"},
      {Quote((dir / "missing.tflite").string()) + " --calibration " + Quote(photos) + " --data " + Quote(photos) + out,
       "missing.tflite"},
      {Quote(Fixture("images/cat.jpg")) + " --calibration " + Quote(photos) + " --data " + Quote(photos) + out, "cat.jpg"},
  };
  for (const Case& c : cases) {
    auto r = RunCli("tradeoffs " + c.args);
    EXPECT_TRUE(OneLineError(r)) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
  }
  // Nothing was written for any of them.
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "int8.tflite"));
  std::filesystem::remove_all(dir);
}

// tradeoffs takes quantize's calibration options (one shared definition):
// each has the same help line in both commands, and a missing --calibration
// or a bad --calibration-method is the same error.
TEST(TradeoffsCli, CalibrationOptionsAreQuantizes) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("tradeoffs-calibration-options");
  const std::string vww = Quote(Fixture("models/mlperf-tiny/vww_96_float.tflite"));
  const std::string photos = Quote(testing::ImageNetHalf(dir / "photos.csv", true, 2));
  const std::string out = Quote((dir / "out.tflite").string()), out_dir = Quote((dir / "out").string());
  const auto quantize_help = RunCli("quantize --help"), tradeoffs_help = RunCli("tradeoffs --help");
  ASSERT_EQ(quantize_help.exit_code, 0);
  ASSERT_EQ(tradeoffs_help.exit_code, 0);
  auto line_of = [](const std::string& help, const std::string& option) {
    const size_t at = help.find("  " + option + " ");
    return at == std::string::npos ? std::string() : help.substr(at, help.find('\n', at) - at);
  };
  for (const char* option : {"--calibration", "--preprocess", "--samples", "--seed", "--calibration-method"}) {
    const std::string line = line_of(quantize_help.out, option);
    EXPECT_FALSE(line.empty()) << option;
    EXPECT_EQ(line_of(tradeoffs_help.out, option), line) << option;
  }
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"quantize " + vww + " -o " + out, "tradeoffs " + vww + " --data " + photos + " --out " + out_dir},
      {"quantize " + vww + " -o " + out + " --calibration random --calibration-method kl",
       "tradeoffs " + vww + " --calibration random --calibration-method kl --data " + photos + " --out " + out_dir},
  };
  for (const auto& [quantize, tradeoffs] : pairs) {
    const auto q = RunCli(quantize), t = RunCli(tradeoffs);
    EXPECT_TRUE(OneLineError(q)) << quantize << "\n" << q.err;
    EXPECT_EQ(t.err, q.err) << tradeoffs;
    EXPECT_EQ(t.exit_code, q.exit_code) << tradeoffs;
  }
  std::filesystem::remove_all(dir);
}

// An already quantized model is refused in one line whatever else it has:
// with a second subgraph (control flow, which each scheme would refuse on
// its own), the int8 VWW model is still "already quantized", not a table
// of refused rows.
TEST(TradeoffsCli, AlreadyQuantizedModelWithSeveralSubgraphsIsOneError) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("tradeoffs-two-subgraphs");
  Model m = LoadModel(Fixture("models/mlperf-tiny/vww_96_int8.tflite"));
  m.subgraphs.push_back(m.subgraphs.front());
  const std::string two = (dir / "two_subgraphs.tflite").string();
  WriteFileBytes(two, WriteModel(m));
  const std::string photos = testing::ImageNetHalf(dir / "photos.csv", true, 2);
  auto r = RunCli("tradeoffs " + Quote(two) + " --calibration " + Quote(photos) + " --data " + Quote(photos) +
                  " --latency-runs 1 --out " + Quote((dir / "out").string()));
  EXPECT_TRUE(OneLineError(r)) << r.exit_code << "\n" << r.out << r.err;
  EXPECT_NE(r.err.find("already quantized"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

// A model int8 cannot take (an LSTM op without an int8 spec here) still
// gets its float16 row; the int8 and mixed rows carry the quantizer's reason.
TEST(TradeoffsCli, ModelInt8CannotTakeStillGetsTheOtherSchemes) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("tradeoffs-lstm");
  auto r = RunCli("tradeoffs " + Quote(Fixture("models/tflite-micro/trained_lstm.tflite")) + " --calibration " +
                  Quote(Fixture("images/mnist")) + " --data " + Quote(Fixture("images/mnist")) +
                  " --schemes float16,int8,mixed --latency-runs 1 --out " + Quote((dir / "out").string()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["variants"].size(), 4u);
  EXPECT_EQ(j["variants"][1]["scheme"], "float16");
  EXPECT_TRUE(j["variants"][1]["error"].is_null());
  EXPECT_GT(j["variants"][1]["sqnr_db"].get<double>(), 60.0);
  for (int k : {2, 3}) {
    const std::string error = j["variants"][k]["error"];
    EXPECT_NE(error.find("UNIDIRECTIONAL_SEQUENCE_LSTM"), std::string::npos) << error;
    EXPECT_NE(error.find("no int8 spec"), std::string::npos) << error;
  }
  EXPECT_EQ(j["recommended"], "float16");
  std::filesystem::remove_all(dir);
}

// The default schemes as text: every row, the mixed-precision result and the
// recommendation; the rows this build's quantizer refuses say why.
TEST(TradeoffsCli, TextTableWithMixedRowAndRecommendation) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("tradeoffs-text");
  const std::string resnet = Fixture("models/mlperf-tiny/pretrainedResnet.tflite");
  const std::string calibration = testing::ImageNetHalf(dir / "calibration.csv", true, 12);
  const std::string evaluation = testing::ImageNetHalf(dir / "evaluation.csv", false, 20);
  auto r = RunCli("tradeoffs " + Quote(resnet) + " --calibration " + Quote(calibration) + " --data " +
                  Quote(evaluation) + " --budget 1 --out " + Quote((dir / "out").string()) + " --latency-runs 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* row : {"\nfloat ", "\ndynamic ", "\nfloat16 ", "\nint8 ", "\nint8-per-tensor ", "\nint16x8 ", "\nmixed "})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  EXPECT_NE(r.out.find("Budget: top-1 agreement >= 100%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Mixed precision: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nRecommended: "), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "mixed.tflite"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "mixed-candidate-1.tflite"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
