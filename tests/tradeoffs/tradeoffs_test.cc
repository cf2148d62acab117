// `tflite-doctor tradeoffs` on the fixture models: the table of every scheme
// this build's quantizer writes, its figures checked for what they must be
// (sizes as on disk, the float row exact, float16 close to float, int8 a
// third of the size), the measurement held against `eval --reference`'s
// code, and every variant written loaded and run in the real runtime.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "quantization_test_data.h"
#include "quantize/held_out_summary.h"
#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using nlohmann::json;
using testing::Fixture;
using testing::Quote;
using testing::RunCli;

struct TableCase {
  std::string name;
  std::string model;
  double int8_min_sqnr_db;  // well under what the quantizer's benchmark measures (README)
};

// Test names and failure messages show the model's name.
void PrintTo(const TableCase& c, std::ostream* os) { *os << c.name; }

// Calibration and evaluation sets for a model: photo halves for image
// models, seeded noise over the int8 twin's input range for KWS.
struct DataSets {
  std::string calibration, evaluation;
  size_t evaluation_items = 0;
};

DataSets MakeData(const TableCase& c, const std::filesystem::path& dir, size_t calibration_items, size_t evaluation_items) {
  DataSets d;
  d.evaluation_items = evaluation_items;
  if (c.name == "KWS") {
    const Model twin = LoadModel(Fixture("models/mlperf-tiny/kws_ref_model.tflite"));
    const Tensor& in = twin.main().tensors[static_cast<size_t>(twin.main().inputs[0])];
    const float s = in.quantization->scale[0];
    const auto zp = static_cast<float>(in.quantization->zero_point[0]);
    const float lo = (-128 - zp) * s, hi = (127 - zp) * s;
    d.calibration = testing::NoiseArrays(dir / "calibration", calibration_items, {1, 49, 10, 1}, lo, hi, 1);
    d.evaluation = testing::NoiseArrays(dir / "evaluation", evaluation_items, {1, 49, 10, 1}, lo, hi, 2);
  } else {
    d.calibration = testing::ImageNetHalf(dir / "calibration.csv", true, calibration_items);
    d.evaluation = testing::ImageNetHalf(dir / "evaluation.csv", false, evaluation_items);
  }
  return d;
}

const json& Row(const json& j, const std::string& scheme) {
  for (const auto& v : j["variants"])
    if (v["scheme"] == scheme) return v;
  static const json none;
  ADD_FAILURE() << "no row " << scheme;
  return none;
}

class TradeoffsTable : public ::testing::TestWithParam<TableCase> {};

TEST_P(TradeoffsTable, EverySchemeWrittenMeasuredAndLoadedByTheRuntime) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  const TableCase& c = GetParam();
  const auto dir = testing::TempDir("tradeoffs-" + c.name);
  const DataSets data = MakeData(c, dir, 12, 20);
  auto r = RunCli("tradeoffs " + Quote(c.model) + " --calibration " + Quote(data.calibration) + " --data " +
                  Quote(data.evaluation) + " --schemes dynamic,float16,int8,int8-per-tensor,int16x8 --out " +
                  Quote((dir / "out").string()) + " --latency-runs 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["variants"].size(), 6u);
  EXPECT_EQ(j["items"], data.evaluation_items);
  // The float model itself first: its own answers.
  const json& f = j["variants"][0];
  EXPECT_EQ(f["scheme"], "float");
  EXPECT_EQ(f["agreement"], 1.0);
  EXPECT_TRUE(f["sqnr_db"].is_null());
  const auto float_bytes = std::filesystem::file_size(c.model);
  EXPECT_EQ(f["size_bytes"], float_bytes);
  const size_t labeled = j["labeled"];
  // Only MobileNet knows ImageNet's labels.
  EXPECT_EQ(labeled, c.name == "MobileNet" ? data.evaluation_items : 0u);

  testing::OracleBatch oracle;
  std::vector<std::pair<std::string, int>> jobs;
  std::vector<std::vector<testing::Array>> ours;
  for (size_t i = 1; i < j["variants"].size(); ++i) {
    const json& v = j["variants"][i];
    const std::string scheme = v["scheme"];
    if (!v["error"].is_null()) {
      // Only float16 and dynamic of KWS's "float" model, whose weights are
      // already int8 (behind DEQUANTIZE, or read by hybrid kernels): the row
      // carries the quantizer's own refusal.
      const std::string error = v["error"];
      const bool kws_refused = c.name == "KWS" && (scheme == "float16" || scheme == "dynamic");
      EXPECT_TRUE(kws_refused) << scheme << ": " << error;
      EXPECT_NE(error.find("already quantized"), std::string::npos) << error;
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
      EXPECT_TRUE(v["size_bytes"].is_null());
      continue;
    }
    const std::string file = v["file"];
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    EXPECT_EQ(v["size_bytes"], std::filesystem::file_size(file)) << scheme;
    EXPECT_EQ(v["items"], data.evaluation_items) << scheme;
    const double agreement = v["agreement"];
    EXPECT_GE(agreement, v["agreement_ci"][0].get<double>()) << scheme;
    EXPECT_LE(agreement, v["agreement_ci"][1].get<double>()) << scheme;
    EXPECT_GT(v["latency_ms"].get<double>(), 0.0) << scheme;
    EXPECT_TRUE(v["float_layers"].empty()) << scheme;
    EXPECT_FALSE(v["targets"].empty()) << scheme;
    // The Edge TPU maps 8-bit models only: int8 rows list it, an int16x8
    // file (which it loads but maps none of) does not.
    const auto& targets = v["targets"];
    const bool edgetpu = std::find(targets.begin(), targets.end(), "edgetpu") != targets.end();
    if (scheme == "int16x8" || scheme == "float16" || scheme == "dynamic") {
      EXPECT_FALSE(edgetpu) << scheme << targets;
    }
    if (scheme == "int8" || scheme == "int8-per-tensor") {
      EXPECT_TRUE(edgetpu) << scheme << targets;
    }
    EXPECT_EQ(v["accuracy"].is_null(), labeled == 0) << scheme;
    if (labeled) {
      EXPECT_GE(v["accuracy"].get<double>(), v["accuracy_ci"][0].get<double>());
      EXPECT_LE(v["accuracy"].get<double>(), v["accuracy_ci"][1].get<double>());
    }
    // Every variant written loads in the real runtime and computes what our
    // interpreter computes under the xnnpack profile.
    const Model model = LoadModel(file);
    std::vector<testing::Array> inputs = testing::RandomInputs(model, 7);
    jobs.push_back({scheme, oracle.AddBytes(ReadFileBytes(file), inputs)});
    ours.push_back(testing::RunOurs(model, inputs, Arithmetic::kXnnpack));
  }
  oracle.Run();
  for (size_t k = 0; k < jobs.size(); ++k) {
    ASSERT_TRUE(oracle.ok(jobs[k].second)) << jobs[k].first << ": " << oracle.error(jobs[k].second);
    const auto& theirs = oracle.outputs(jobs[k].second);
    ASSERT_EQ(theirs.size(), ours[k].size()) << jobs[k].first;
    for (size_t o = 0; o < theirs.size(); ++o)
      EXPECT_TRUE(testing::FloatClose(ours[k][o], theirs[o], 1e-5)) << jobs[k].first << " output " << o;
  }

  const json& f16 = Row(j, "float16");
  const json& i8 = Row(j, "int8");
  const json& pt = Row(j, "int8-per-tensor");
  if (c.name != "KWS") {
    // float16 halves the weights and keeps float arithmetic.
    EXPECT_LT(f16["size_bytes"].get<double>(), 0.6 * static_cast<double>(float_bytes));
    EXPECT_GT(f16["sqnr_db"].get<double>(), 30.0);
    EXPECT_GE(f16["agreement"].get<double>(), 0.9);
    EXPECT_LT(i8["sqnr_db"].get<double>(), f16["sqnr_db"].get<double>());
    // int8 quarters them.
    EXPECT_LT(i8["size_bytes"].get<double>(), 0.4 * static_cast<double>(float_bytes));
  }
  EXPECT_GT(i8["sqnr_db"].get<double>(), c.int8_min_sqnr_db);
  // Per-tensor weights store one scale per tensor instead of one per channel.
  EXPECT_LE(pt["size_bytes"].get<size_t>(), i8["size_bytes"].get<size_t>());
  if (c.name == "MobileNet") {
    EXPECT_LT(pt["sqnr_db"].get<double>(), i8["sqnr_db"].get<double>());
  }
  ASSERT_FALSE(j["recommended"].is_null()) << j["recommendation"];
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, TradeoffsTable,
    ::testing::Values(TableCase{"VWW", Fixture("models/mlperf-tiny/vww_96_float.tflite"), 18.0},
                      TableCase{"ResNet", Fixture("models/mlperf-tiny/pretrainedResnet.tflite"), 10.0},
                      TableCase{"KWS", Fixture("models/mlperf-tiny/kws_ref_model_float32.tflite"), 10.0},
                      TableCase{"MobileNet", Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite"), 6.0}),
    [](const ::testing::TestParamInfo<TableCase>& info) { return info.param.name; });

// The figures are eval's: with the reference profile (--target tflm), the
// int8 row's SQNR and agreement equal what `quantize --data` reports for the
// same file (eval --reference's code, one model pair per pass).
TEST(Tradeoffs, FiguresEqualEvalReference) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("tradeoffs-eval");
  const std::string model = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const std::string calibration = testing::ImageNetHalf(dir / "calibration.csv", true, 8);
  const std::string evaluation = testing::ImageNetHalf(dir / "evaluation.csv", false, 16);
  auto r = RunCli("tradeoffs " + Quote(model) + " --calibration " + Quote(calibration) + " --data " + Quote(evaluation) +
                  " --schemes int8 --target tflm --out " + Quote((dir / "out").string()) + " --latency-runs 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["arithmetic"], "reference");
  const json& i8 = Row(j, "int8");
  const quantize::HeldOutSummary eval = quantize::MeasureAgainstFloat(model, i8["file"], evaluation, "auto");
  EXPECT_EQ(eval.items, 16u);
  EXPECT_NEAR(i8["sqnr_db"].get<double>(), eval.sqnr_db, 1e-9);
  EXPECT_DOUBLE_EQ(i8["agreement"].get<double>(), eval.agreement);
  std::filesystem::remove_all(dir);
}

// The int8 row is the quantizer's int8: the same bytes as `quantize` writes
// from the same calibration items (calibrated once for every full-integer
// variant instead of once per scheme).
TEST(Tradeoffs, Int8IsTheQuantizersInt8) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("tradeoffs-same");
  const std::string model = Fixture("models/mlperf-tiny/pretrainedResnet.tflite");
  const std::string calibration = testing::ImageNetHalf(dir / "calibration.csv", true, 8);
  const std::string evaluation = testing::ImageNetHalf(dir / "evaluation.csv", false, 4);
  auto r = RunCli("tradeoffs " + Quote(model) + " --calibration " + Quote(calibration) + " --data " + Quote(evaluation) +
                  " --schemes int8,int8-per-tensor --out " + Quote((dir / "out").string()) + " --latency-runs 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  for (const std::string scheme : {"int8", "int8-per-tensor"}) {
    const std::string theirs = (dir / (scheme + "-quantize.tflite")).string();
    auto q = RunCli("quantize " + Quote(model) + " -o " + Quote(theirs) + " --calibration " + Quote(calibration) +
                    (scheme == "int8-per-tensor" ? " --per-tensor" : ""));
    ASSERT_EQ(q.exit_code, 0) << q.err;
    EXPECT_EQ(ReadFileBytes(Row(j, scheme)["file"]), ReadFileBytes(theirs)) << scheme;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
