// doctor's reports as a reader meets them: the terminal summary (80
// columns, the verdict in the first three lines), --json against the schema
// in schema/ (Ajv, tools/report_check), and the HTML report loaded from disk
// in headless Chromium with the network off (DOM checked, screenshot taken).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "doctor/doctor_incidents.h"

namespace tfd::testing {
namespace {

std::filesystem::path ReportCheckDir() { return std::filesystem::path(TFD_SOURCE_DIR) / "tools" / "report_check"; }

bool HaveReportCheck() { return std::filesystem::is_directory(ReportCheckDir() / "node_modules" / "ajv"); }

bool HaveChromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

CliResult RunNode(const std::string& script, const std::string& args) {
  auto dir = TempDir("node");
  const auto out = dir / "stdout", err = dir / "stderr";
  const std::string cmd = "node " + Quote((ReportCheckDir() / script).string()) + " " + args + " >" +
                          Quote(out.string()) + " 2>" + Quote(err.string());
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  r.out = SlurpFile(out);
  r.err = SlurpFile(err);
  std::filesystem::remove_all(dir);
  return r;
}

// The README's first command's incident, run once for every report test:
// three causes at once (quantized on noise by our quantizer, a custom op
// stock TFLite lacks, a drifted declared pipeline); doctor finds all three.
class DoctorReports : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveFixtures()) return;
    dir_ = new std::filesystem::path(TempDir("doctor-reports"));
    const std::string data = ImagenetRows(*dir_, "data", 0, 20, 24);
    const std::string calibration = ImagenetRows(*dir_, "calibration", 1, 20, 24);
    const std::string mobilenet = Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
    const auto noise = (*dir_ / "noise_int8.tflite").string();
    CliResult q = RunCli("quantize " + Quote(mobilenet) + " -o " + Quote(noise) + " --calibration random --samples 16");
    ASSERT_EQ(q.exit_code, 0) << q.err;
    const auto deployed = WithIdentityCustomOp(noise, *dir_ / "deployed.tflite");
    const std::string declared = WriteText(*dir_ / "app.json", R"({"range": [0, 1]})");
    const std::string args = Quote(deployed) + " --reference " + Quote(mobilenet) + " --data " + Quote(data) +
                             " --max-items 24 --calibration " + Quote(calibration) +
                             " --calibration-samples 16 --declared " + Quote(declared) + " --report " +
                             Quote((*dir_ / "report.html").string());
    text_ = new CliResult(RunCli("doctor " + args));
    json_ = new CliResult(RunCli("doctor " + args + " --json"));
  }
  static void TearDownTestSuite() {
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete text_;
    delete json_;
    dir_ = nullptr;
  }
  void SetUp() override {
    TFD_REQUIRE_FIXTURES();
    ASSERT_EQ(text_->exit_code, 0) << text_->err;
    ASSERT_EQ(json_->exit_code, 0) << json_->err;
  }
  static std::filesystem::path* dir_;
  static CliResult *text_, *json_;
};
std::filesystem::path* DoctorReports::dir_ = nullptr;
CliResult* DoctorReports::text_ = nullptr;
CliResult* DoctorReports::json_ = nullptr;

TEST_F(DoctorReports, TerminalSummaryFitsEightyColumnsWithTheVerdictFirst) {
  std::istringstream lines(text_->out);
  std::string line, first3;
  for (int n = 0; std::getline(lines, line); ++n) {
    EXPECT_LE(line.size(), 80u) << "line " << n + 1 << ": " << line;
    if (n < 3) first3 += line + "\n";
  }
  EXPECT_EQ(first3.rfind("Verdict: 3 causes, worst: compatibility", 0), 0u) << text_->out;
  EXPECT_NE(first3.find("Convolution2DTransposeBias"), std::string::npos) << first3;
}

TEST_F(DoctorReports, JsonValidatesAgainstTheSchema) {
  if (!HaveReportCheck()) GTEST_SKIP() << "tools/report_check/node_modules missing: run scripts/setup.sh";
  const auto schema = std::filesystem::path(TFD_SOURCE_DIR) / "schema" / "doctor_report.schema.json";
  const auto doc = *dir_ / "report.json";
  WriteText(doc, json_->out);
  CliResult v = RunNode("validate_json.js", Quote(schema.string()) + " " + Quote(doc.string()));
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(v.out, "valid\n");
  // The validator can fail: a cause of an unknown kind, a cost without its interval.
  auto j = nlohmann::json::parse(json_->out);
  ASSERT_FALSE(j["causes"].empty());
  j["causes"][0]["kind"] = "weather";
  j["causes"][0]["cost"].erase("interval");
  WriteText(doc, j.dump());
  CliResult bad = RunNode("validate_json.js", Quote(schema.string()) + " " + Quote(doc.string()));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("/causes/0/kind"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("interval"), std::string::npos) << bad.out;
}

TEST_F(DoctorReports, HtmlReportInHeadlessChromium) {
  if (!HaveReportCheck()) GTEST_SKIP() << "tools/report_check/node_modules missing: run scripts/setup.sh";
  if (!HaveChromium()) GTEST_SKIP() << "chromium not installed: run scripts/setup.sh (Debian package chromium)";
  const auto j = nlohmann::json::parse(json_->out);
  const auto shot = *dir_ / "report.png";
  CliResult c = RunNode("check_html.js", Quote((*dir_ / "report.html").string()) + " " + Quote(shot.string()));
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  const auto dom = nlohmann::json::parse(c.out);
  // The verdict as the JSON has it, the causes in its order.
  EXPECT_EQ(dom["verdict"], j["verdict"]);
  std::vector<std::string> kinds;
  for (const auto& cause : j["causes"]) kinds.push_back(cause["kind"]);
  EXPECT_EQ(dom["causes"].get<std::vector<std::string>>(), kinds);
  EXPECT_EQ(kinds.size(), 3u) << json_->out;
  // One bar per layer, in the JSON's order; the worst marked; impact dots.
  ASSERT_EQ(dom["layer_bars"].get<size_t>(), j["layers"].size());
  ASSERT_GT(j["layers"].size(), 10u);
  for (size_t i = 0; i < j["layers"].size(); ++i) EXPECT_EQ(dom["layer_names"][i], j["layers"][i]["tensor"]);
  size_t worst = 0;
  for (const auto& l : j["layers"]) worst += l["suspect_rank"].get<int>() > 0;
  EXPECT_EQ(dom["worst_bars"].get<size_t>(), worst);
  EXPECT_GT(worst, 0u);
  EXPECT_GT(dom["impact_dots"].get<size_t>(), 0u);
  EXPECT_EQ(dom["histograms"].get<size_t>(), j["histograms"].size());
  EXPECT_GT(j["histograms"].size(), 0u);
  EXPECT_EQ(dom["candidates"].get<size_t>(), j["preprocessing"]["candidates"].size());
  EXPECT_GT(dom["confusion_rows"].get<size_t>(), 1u);
  // The scheme trade-offs: one row per scheme, in the JSON's order.
  ASSERT_TRUE(j["tradeoffs"].is_object()) << json_->out;
  std::vector<std::string> schemes;
  for (const auto& v : j["tradeoffs"]["variants"]) schemes.push_back(v["scheme"]);
  EXPECT_EQ(dom["schemes"].get<std::vector<std::string>>(), schemes);
  EXPECT_EQ(schemes.size(), 6u);  // float and the five schemes
  EXPECT_EQ(dom["targets"].get<std::vector<std::string>>(), (std::vector<std::string>{"tflite", "xnnpack"}));
  EXPECT_EQ(dom["failing_targets"].get<std::vector<std::string>>(), (std::vector<std::string>{"tflite"}));
  // Nothing went wrong and nothing was fetched.
  EXPECT_TRUE(dom["console_errors"].empty()) << dom["console_errors"].dump();
  EXPECT_TRUE(dom["requests"].empty()) << dom["requests"].dump();
  EXPECT_GT(dom["screenshot_bytes"].get<size_t>(), 20000u);
  EXPECT_LE(dom["width"].get<int>(), 1200) << "the page scrolls sideways";
}

}  // namespace
}  // namespace tfd::testing
