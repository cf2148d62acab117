#include <algorithm>
// `tflite-doctor check` end to end: JSON shape, exit codes, one-line errors.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace tfd {
namespace {

using testing::Quote;
using testing::RunCli;

std::string Example() { return std::string(TFD_BUILD_DIR) + "/examples/tiny_classifier.tflite"; }

TEST(CheckCli, JsonHasOneEntryPerTargetWithTheDocumentedKeys) {
  auto r = RunCli("check --json " + Quote(Example()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.at("targets").size(), 7u);
  for (const auto& t : j["targets"]) {
    for (const char* key : {"target", "runs", "delegated_ops", "total_ops", "partitions", "findings"})
      EXPECT_TRUE(t.contains(key)) << key;
    EXPECT_EQ(t.contains("min_runtime_version"), t["target"] == "tflite");
    EXPECT_EQ(t["total_ops"], 2);
    for (const auto& f : t["findings"])
      for (const char* key : {"node", "op", "severity", "reason", "fix", "output_tensor", "target"})
        EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(j["targets"][0]["target"], "tflite");
  EXPECT_EQ(j["targets"][0]["min_runtime_version"], "1.5.0");
  EXPECT_TRUE(j["targets"][0]["runs"].get<bool>());
}

TEST(CheckCli, FindingsStillExitZero) {
  TFD_REQUIRE_FIXTURES();
  std::string model = testing::Fixture("models/tflite-support/whitespace_tokenizer_flex_delegate.tflite");
  auto r = RunCli("check --json --target tflite --target tflm " + Quote(model));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["targets"].size(), 2u);
  EXPECT_FALSE(j["targets"][0]["runs"].get<bool>());
  EXPECT_FALSE(j["targets"][1]["runs"].get<bool>());
  bool flex = false;
  for (const auto& f : j["targets"][0]["findings"]) {
    if (f["op"] == "CUSTOM:FlexMul") {
      flex = true;
      EXPECT_EQ(f["severity"], "error");
      EXPECT_EQ(f["target"], "tflite");
      EXPECT_FALSE(f["output_tensor"].get<std::string>().empty());
      EXPECT_TRUE(f["node"].is_number_integer());
    }
  }
  EXPECT_TRUE(flex);
}

TEST(CheckCli, TextShowsAVerdictPerTargetAndFixes) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("check --target tflite@1.13.1 --target edgetpu --target gpu " +
                  Quote(testing::Fixture("models/mlperf-tiny/vww_96_int8.tflite")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tflite@1.13.1 (TFLite builtin op resolver): does not load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("needs TFLite 1.14.0"), std::string::npos);
  EXPECT_NE(r.out.find("stale min_runtime_version"), std::string::npos);
  EXPECT_NE(r.out.find("edgetpu (Edge TPU (edgetpu_compiler)): fully delegated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: "), std::string::npos);
  // Errors are listed before warnings and infos.
  EXPECT_LT(r.out.find("  error"), r.out.find("  warning"));
}

// One cause on many nodes (a uint8 model on Core ML: every node) is shown
// a few times with a count of the rest (62: RESHAPE has a cause of its own
// besides); JSON keeps every finding.
TEST(CheckCli, TextGroupsRepeatedFindings) {
  TFD_REQUIRE_FIXTURES();
  const std::string model = Quote(testing::Fixture("models/coral/mobilenet_v2_1.0_224_quant.tflite"));
  auto text = RunCli("check --target coreml " + model);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("... and 62 more nodes like these"), std::string::npos) << text.out;
  EXPECT_LT(std::count(text.out.begin(), text.out.end(), '\n'), 20) << text.out;
  auto js = RunCli("check --json --target coreml " + model);
  ASSERT_EQ(js.exit_code, 0) << js.err;
  size_t warnings = 0;
  const nlohmann::json report = nlohmann::json::parse(js.out);
  for (const auto& f : report["targets"][0]["findings"])
    warnings += f["severity"] == "warning";
  EXPECT_EQ(warnings, 66u);
}

TEST(CheckCli, PartialDelegationLine) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("check --target gpu " + Quote(testing::Fixture("models/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("partially delegated: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("of MACs"), std::string::npos);
}

TEST(CheckCli, CorruptModelIsAOneLineError) {
  auto dir = testing::TempDir("check-corrupt");
  auto path = dir / "corrupt.tflite";
  std::ofstream(path) << "this is not a flatbuffer at all, just text";
  auto r = RunCli("check " + Quote(path.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err.rfind("tflite-doctor: error: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CheckCli, UnknownTargetIsAOneLineError) {
  auto r = RunCli("check --target tpu " + Quote(Example()));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.exit_code, 128);
  EXPECT_EQ(r.err, "tflite-doctor: error: unknown target 'tpu' (known: tflite, xnnpack, gpu, nnapi, coreml, edgetpu, tflm)\n");
  auto v = RunCli("check --target edgetpu@2 " + Quote(Example()));
  EXPECT_NE(v.exit_code, 0);
  EXPECT_EQ(v.err.find('\n'), v.err.size() - 1) << v.err;
}

TEST(CheckCli, RulesDirectoryFromFlagAndEnvironment) {
  auto dir = testing::TempDir("check-rules");
  for (const auto& e : std::filesystem::directory_iterator(std::string(TFD_SOURCE_DIR) + "/rules"))
    if (e.path().extension() == ".json") std::filesystem::copy_file(e.path(), dir / e.path().filename());
  std::ofstream(dir / "xnnpack.json") << "{ broken";
  auto flag = RunCli("check --rules " + Quote(dir.string()) + " " + Quote(Example()));
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_NE(flag.err.find("xnnpack.json"), std::string::npos) << flag.err;
  EXPECT_EQ(flag.err.find('\n'), flag.err.size() - 1) << flag.err;
  EXPECT_EQ(RunCli("check " + Quote(Example())).exit_code, 0);
  std::string cmd = "TFLITE_DOCTOR_RULES=" + Quote(dir.string()) + " '" + TFD_CLI_PATH + "' check " + Quote(Example()) +
                    " >/dev/null 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  auto missing = RunCli("check --rules /nonexistent/rules " + Quote(Example()));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/rules"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
