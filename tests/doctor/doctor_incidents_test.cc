// doctor on incidents built from the fixtures with the project's own tools:
// each planted cause ranked first (two at once: both found), and on the
// untouched fixture models no cause above the noise (no false alarm).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "doctor/doctor_incidents.h"

namespace tfd::testing {
namespace {

const char* kMobileNet = "models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite";
const char* kMobileNetQuant = "models/tflite-support/mobilenet_v1_0.25_224_quant.tflite";
const char* kVwwFloat = "models/mlperf-tiny/vww_96_float.tflite";
const char* kVwwInt8 = "models/mlperf-tiny/vww_96_int8.tflite";
const char* kMobileNetV2Quant = "models/coral/mobilenet_v2_1.0_224_quant.tflite";

// Items measured on (even rows of imagenet-sample) and calibration items
// (odd rows): few, so the suite stays quick; the planted causes are large
// and the noise levels come from the same items.
constexpr size_t kItems = 24;

class DoctorIncidents : public ::testing::Test {
 protected:
  void SetUp() override {
    TFD_REQUIRE_FIXTURES();
    dir_ = TempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    data_ = ImagenetRows(dir_, "data", 0, 20, kItems);
    calibration_ = ImagenetRows(dir_, "calibration", 1, 20, kItems);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string Spec(const std::string& name, const std::string& json) { return WriteText(dir_ / name, json); }
  std::string Common() const { return "--data " + Quote(data_) + " --max-items " + std::to_string(kItems); }
  // More items, for a model with two classes: its top-1 changes in steps of one item.
  std::string MoreItems(size_t n) {
    const std::string data = ImagenetRows(dir_, "more_data", 0, 500 / n, n);
    return "--data " + Quote(data) + " --max-items " + std::to_string(n);
  }
  // The float MobileNet quantized by tflite-doctor on seeded uniform noise.
  std::string NoiseCalibrated() {
    const auto out = (dir_ / "noise_int8.tflite").string();
    CliResult q = RunCli("quantize " + Quote(Fixture(kMobileNet)) + " -o " + Quote(out) +
                         " --calibration random --samples 16");
    EXPECT_EQ(q.exit_code, 0) << q.err;
    return out;
  }

  std::filesystem::path dir_;
  std::string data_, calibration_;
};

void ExpectFirst(const DoctorRun& r, const std::string& kind) {
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  ASSERT_FALSE(r.kinds().empty()) << r.cli.out;
  EXPECT_EQ(r.kinds().front(), kind) << r.cli.out;
  const auto& c = r.json["causes"][0];
  if (!c["cost"]["hard_failure"].get<bool>()) {
    // Above the noise: the cost's whole 95% interval is a loss.
    EXPECT_GT(c["cost"]["interval"][0].get<double>(), 0) << c.dump(2);
    EXPECT_GT(c["cost"]["points"].get<double>(), 0);
  }
  EXPECT_FALSE(c["evidence"].empty());
  EXPECT_FALSE(c["fix"].get<std::string>().empty());
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(DoctorIncidents, DriftedDeclaredPreprocessingOnMobileNetRanksPreprocessingFirst) {
  // The model's metadata says [-1, 1]; the app feeds [0, 1].
  const auto declared = Spec("app.json", R"({"range": [0, 1]})");
  DoctorRun r = Doctor(Quote(Fixture(kMobileNet)) + " " + Common() + " --declared " + Quote(declared));
  ExpectFirst(r, "preprocessing");
  EXPECT_EQ(r.kinds().size(), 1u) << r.cli.out;
  // The float model has nothing quantized, and it loads on the stock targets.
  EXPECT_TRUE(Contains(r.ruled_out(), "quantization")) << r.cli.out;
  EXPECT_TRUE(Contains(r.ruled_out(), "compatibility")) << r.cli.out;
}

TEST_F(DoctorIncidents, DriftedDeclaredPreprocessingOnVwwRanksPreprocessingFirst) {
  // VWW's int8 input covers [0, 1]; the app scales pixels to [-1, 1].
  const auto declared = Spec("app.json", R"({"range": [-1, 1], "quantization": "input"})");
  DoctorRun r = Doctor(Quote(Fixture(kVwwInt8)) + " --reference " + Quote(Fixture(kVwwFloat)) + " " + Common() +
                       " --declared " + Quote(declared));
  ExpectFirst(r, "preprocessing");
  EXPECT_FALSE(Contains(r.kinds(), "compatibility"));
}

TEST_F(DoctorIncidents, Uint8InputFedFloatValuesRanksPreprocessingFirst) {
  // The quantized MobileNet takes uint8 pixels; the app gives float [0, 1].
  const auto declared = Spec("app.json", R"({"range": [0, 1], "dtype": "float32"})");
  DoctorRun r = Doctor(Quote(Fixture(kMobileNetQuant)) + " " + Common() + " --declared " + Quote(declared));
  ExpectFirst(r, "preprocessing");
  const std::string evidence = r.json["causes"][0]["evidence"].dump();
  EXPECT_NE(evidence.find("float32"), std::string::npos) << evidence;
}

TEST_F(DoctorIncidents, NoiseCalibratedInt8RanksQuantizationFirst) {
  const std::string noise = NoiseCalibrated();
  DoctorRun r = Doctor(Quote(noise) + " --reference " + Quote(Fixture(kMobileNet)) + " " + Common() +
                       " --calibration " + Quote(calibration_) + " --calibration-samples 16");
  ExpectFirst(r, "quantization");
  // Measured by what re-quantizing on the calibration photos recovers.
  EXPECT_NE(r.json["causes"][0]["cost"]["metric"].get<std::string>().find("agreement"), std::string::npos);
  // The schemes from the float MobileNet on the same items, by top-1
  // agreement: float16 keeps nearly every answer, and the fix names the
  // scheme recommended within the default 99% budget.
  const auto& t = r.json["tradeoffs"];
  ASSERT_TRUE(t.is_object()) << r.cli.out;
  EXPECT_EQ(t["budget"]["kind"], "agreement");
  EXPECT_EQ(t["items"].get<size_t>(), kItems);
  double float16 = -1, int8 = -1;
  for (const auto& v : t["variants"]) {
    if (v["scheme"] == "float16") float16 = v["agreement"].get<double>();
    if (v["scheme"] == "int8") int8 = v["agreement"].get<double>();
  }
  EXPECT_GE(float16, 0.95) << t.dump(2);
  EXPECT_GE(float16, int8) << t.dump(2);
  if (!t["recommended"].is_null()) {
    EXPECT_NE(r.json["causes"][0]["fix"].get<std::string>().find(t["recommended"].get<std::string>()), std::string::npos)
        << r.json["causes"][0]["fix"];
  }
}

TEST_F(DoctorIncidents, PerTensorLayerThatClipsRanksQuantizationFirst) {
  // VWW quantized with per-tensor weights, one early activation's range
  // narrowed to a tenth of what calibration saw.
  std::string planted;
  const std::string deployed = PerTensorClipping(Fixture(kVwwFloat), calibration_, "model/activation_2/Relu", 0.1f,
                                                 dir_ / "clipping_int8.tflite", &planted);
  DoctorRun r = Doctor(Quote(deployed) + " --reference " + Quote(Fixture(kVwwFloat)) + " " + MoreItems(60) +
                       " --calibration " + Quote(calibration_) + " --calibration-samples 16");
  ExpectFirst(r, "quantization");
  // The planted layer is the worst suspect, and it clips.
  bool marked = false;
  for (const auto& l : r.json["layers"])
    if (l["tensor"] == planted) {
      marked = l["suspect_rank"].get<int>() == 1;
      EXPECT_GT(l["clipped_share"].get<double>(), 0.001) << l.dump();
    }
  EXPECT_TRUE(marked) << r.json["layers"].dump();
}

TEST_F(DoctorIncidents, CustomOpForTheTargetRanksCompatibilityFirst) {
  const std::string deployed = WithIdentityCustomOp(Fixture(kMobileNet), dir_ / "custom_op.tflite");
  DoctorRun r = Doctor(Quote(deployed) + " " + Common());
  ExpectFirst(r, "compatibility");
  EXPECT_TRUE(r.json["causes"][0]["cost"]["hard_failure"].get<bool>());
  EXPECT_NE(r.json["causes"][0]["evidence"].dump().find("Convolution2DTransposeBias"), std::string::npos)
      << r.cli.out;
}

TEST_F(DoctorIncidents, CustomOpAndDriftedPreprocessingAreBothFound) {
  const std::string deployed = WithIdentityCustomOp(Fixture(kMobileNet), dir_ / "custom_op.tflite");
  const auto declared = Spec("app.json", R"({"range": [0, 1]})");
  DoctorRun r = Doctor(Quote(deployed) + " " + Common() + " --declared " + Quote(declared));
  ExpectFirst(r, "compatibility");  // a hard failure comes before any cost in points
  EXPECT_EQ(r.kinds(), (std::vector<std::string>{"compatibility", "preprocessing"})) << r.cli.out;
}

TEST_F(DoctorIncidents, NoiseCalibrationAndDriftedPreprocessingAreBothFound) {
  TFD_RELEASE_PASS_ONLY("two MobileNet re-quantizations");
  const std::string noise = NoiseCalibrated();
  const auto declared = Spec("app.json", R"({"range": [0, 1]})");
  DoctorRun r = Doctor(Quote(noise) + " --reference " + Quote(Fixture(kMobileNet)) + " " + Common() +
                       " --calibration " + Quote(calibration_) + " --calibration-samples 16 --declared " +
                       Quote(declared));
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  auto kinds = r.kinds();
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"preprocessing", "quantization"})) << r.cli.out;
  if (r.kinds().size() == 2) {
    EXPECT_GE(r.json["causes"][0]["cost"]["points"].get<double>(), r.json["causes"][1]["cost"]["points"].get<double>());
  }
}

TEST_F(DoctorIncidents, FixesWrittenClearTheCauses) {
  TFD_RELEASE_PASS_ONLY("two doctor runs with re-quantization");
  // --fix writes the corrected spec and a re-quantized model (worst layers
  // kept in float until the --budget agreement is met); doctor run again
  // with them finds nothing.
  const std::string noise = NoiseCalibrated();
  const auto declared = Spec("app.json", R"({"range": [0, 1]})");
  const auto fix = dir_ / "fix";
  DoctorRun r = Doctor(Quote(noise) + " --reference " + Quote(Fixture(kMobileNet)) + " " + Common() +
                       " --calibration " + Quote(calibration_) + " --calibration-samples 16 --declared " +
                       Quote(declared) + " --budget 0.95 --fix " + Quote(fix.string()));
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  ASSERT_EQ(r.kinds().size(), 2u) << r.cli.out;
  ASSERT_TRUE(std::filesystem::exists(fix / "preprocessing.json"));
  ASSERT_TRUE(std::filesystem::exists(fix / "requantized.tflite"));
  const std::string changes = SlurpFile(fix / "CHANGES.txt");
  EXPECT_NE(changes.find("preprocessing.json"), std::string::npos) << changes;
  EXPECT_NE(changes.find("requantized.tflite"), std::string::npos) << changes;
  // The budget: met, or the search's steps (0, 1, 2, 4, 8 layers kept in
  // float) listed and the best written.
  double requantized = -1;
  for (const auto& f : r.json["outputs"])
    if (f["name"] == "top-1 agreement of the re-quantized reference") requantized = f["value"];
  std::string quant_fix;
  for (const auto& c : r.json["causes"])
    if (c["kind"] == "quantization") quant_fix = c["fix"];
  if (requantized < 0.95) {
    EXPECT_NE(r.json["notes"].dump().find("8 kept"), std::string::npos) << r.json["notes"].dump();
  }
  EXPECT_GE(requantized, 0.8) << r.cli.out;
  // The spec written is the model's own: [-1, 1].
  const auto spec = nlohmann::json::parse(SlurpFile(fix / "preprocessing.json"));
  EXPECT_EQ(spec["mean"].dump() + spec["std"].dump(), "[127.5][127.5]") << spec.dump();
  DoctorRun fixed = Doctor(Quote((fix / "requantized.tflite").string()) + " --reference " + Quote(Fixture(kMobileNet)) +
                           " " + Common() + " --declared " + Quote((fix / "preprocessing.json").string()));
  ASSERT_EQ(fixed.cli.exit_code, 0) << fixed.cli.err;
  EXPECT_TRUE(fixed.kinds().empty()) << fixed.cli.out;
  EXPECT_TRUE(Contains(fixed.ruled_out(), "preprocessing")) << fixed.cli.out;
}

// ---- No false alarm: the fixtures as they were published ----

TEST_F(DoctorIncidents, Int8InputFedUnquantizedValuesRanksPreprocessingFirst) {
  // The app scales to [0, 1] as the model expects, but casts the floats to
  // int8 without the input's scale and zero point.
  const auto declared = Spec("app.json", R"({"range": [0, 1], "dtype": "int8"})");
  DoctorRun r = Doctor(Quote(Fixture(kVwwInt8)) + " --reference " + Quote(Fixture(kVwwFloat)) + " " + Common() +
                       " --declared " + Quote(declared));
  ExpectFirst(r, "preprocessing");
  EXPECT_NE(r.json["causes"][0]["summary"].get<std::string>().find("without the input's quantization"),
            std::string::npos)
      << r.cli.out;
}

TEST_F(DoctorIncidents, UntouchedVwwPairHasNoCause) {
  const auto declared = Spec("app.json", R"({"range": [0, 1], "quantization": "input"})");
  DoctorRun r = Doctor(Quote(Fixture(kVwwInt8)) + " --reference " + Quote(Fixture(kVwwFloat)) + " " + Common() +
                       " --calibration " + Quote(calibration_) + " --calibration-samples 16 --declared " +
                       Quote(declared));
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  EXPECT_TRUE(r.kinds().empty()) << r.cli.out;
  auto ruled = r.ruled_out();
  std::sort(ruled.begin(), ruled.end());
  EXPECT_EQ(ruled, (std::vector<std::string>{"compatibility", "preprocessing", "quantization"})) << r.cli.out;
}

TEST_F(DoctorIncidents, UntouchedResNetPairHasNoCause) {
  // The float CIFAR-10 ResNet says nothing about its input; its int8 twin's
  // input quantization does ([0, 255]). The re-quantized reference must be
  // calibrated through that pipeline, not a [0, 1] guess.
  DoctorRun r = Doctor(Quote(Fixture("models/mlperf-tiny/pretrainedResnet_quant.tflite")) + " --reference " +
                       Quote(Fixture("models/mlperf-tiny/pretrainedResnet.tflite")) + " " + Common() +
                       " --calibration " + Quote(calibration_) + " --calibration-samples 16");
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  EXPECT_TRUE(r.kinds().empty()) << r.cli.out;
  EXPECT_TRUE(Contains(r.ruled_out(), "quantization")) << r.cli.out;
  double requantized = -1;
  for (const auto& f : r.json["outputs"])
    if (f["name"] == "top-1 agreement of the re-quantized reference") requantized = f["value"];
  EXPECT_GE(requantized, 0.8) << r.cli.out;
}

TEST_F(DoctorIncidents, UntouchedMobileNetModelsHaveNoCause) {
  TFD_RELEASE_PASS_ONLY("three MobileNet models");
  const auto minus_one_one = Spec("app.json", R"({"range": [-1, 1]})");
  const auto pixels = Spec("app_uint8.json", R"({"range": [0, 255]})");
  for (const auto& [model, declared] : std::vector<std::pair<std::string, std::string>>{
           {kMobileNet, minus_one_one}, {kMobileNetQuant, pixels}, {kMobileNetV2Quant, ""}}) {
    DoctorRun r = Doctor(Quote(Fixture(model)) + " " + Common() +
                         (declared.empty() ? "" : " --declared " + Quote(declared)));
    ASSERT_EQ(r.cli.exit_code, 0) << model << ": " << r.cli.err;
    EXPECT_TRUE(r.kinds().empty()) << model << ": " << r.cli.out;
    EXPECT_TRUE(Contains(r.ruled_out(), "compatibility")) << model;
  }
}

TEST_F(DoctorIncidents, TooFewItemsRuleNothingOut) {
  // Five items cannot give a noise level: undecided, with what to give.
  const auto declared = Spec("app.json", R"({"range": [0, 1], "quantization": "input"})");
  DoctorRun r = Doctor(Quote(Fixture(kVwwInt8)) + " --reference " + Quote(Fixture(kVwwFloat)) + " --data " +
                       Quote(data_) + " --max-items 5 --calibration " + Quote(calibration_) +
                       " --calibration-samples 16 --declared " + Quote(declared));
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  EXPECT_TRUE(r.kinds().empty()) << r.cli.out;
  EXPECT_EQ(r.ruled_out(), (std::vector<std::string>{"compatibility"})) << r.cli.out;
  std::vector<std::string> undecided;
  for (const auto& u : r.json["undecided"]) undecided.push_back(u["kind"]);
  std::sort(undecided.begin(), undecided.end());
  EXPECT_EQ(undecided, (std::vector<std::string>{"preprocessing", "quantization"})) << r.cli.out;
  EXPECT_NE(r.json["undecided"].dump().find("only 5 items"), std::string::npos);
}

// ---- Bad input: one line naming the problem, non-zero exit ----

TEST(DoctorCli, BadInputsGiveOneLineErrors) {
  auto one_line = [](const CliResult& r) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("tflite-doctor: error:"), std::string::npos) << r.err;
  };
  CliResult missing = RunCli("doctor /nonexistent/model.tflite");
  one_line(missing);
  EXPECT_NE(missing.err.find("/nonexistent/model.tflite"), std::string::npos);
  if (!HaveFixtures()) return;
  CliResult budget = RunCli("doctor " + Quote(Fixture(kVwwInt8)) + " --budget 2");
  one_line(budget);
  EXPECT_NE(budget.err.find("--budget"), std::string::npos);
  CliResult calibration = RunCli("doctor " + Quote(Fixture(kVwwInt8)) + " --calibration /tmp");
  one_line(calibration);
  EXPECT_NE(calibration.err.find("--reference"), std::string::npos);
  CliResult no_calibration = RunCli("doctor " + Quote(Fixture(kVwwInt8)) + " --reference " + Quote(Fixture(kVwwFloat)) +
                                    " --calibration /nonexistent/photos");
  one_line(no_calibration);
  EXPECT_NE(no_calibration.err.find("/nonexistent/photos"), std::string::npos) << no_calibration.err;
  CliResult spec = RunCli("doctor " + Quote(Fixture(kVwwInt8)) + " --declared /nonexistent/spec.json");
  one_line(spec);
  CliResult target = RunCli("doctor " + Quote(Fixture(kVwwInt8)) + " --target nosuchtarget");
  one_line(target);
}

}  // namespace
}  // namespace tfd::testing
