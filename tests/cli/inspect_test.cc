#include <nlohmann/json.hpp>

#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;
using testing::RunCli;

TEST(InspectCli, JsonForAQuantizedModel) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("inspect --json " + Quote(Fixture("models/coral/mobilenet_v2_1.0_224_quant.tflite")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs"][0]["dtype"], "uint8");
  EXPECT_EQ(j["inputs"][0]["shape"], nlohmann::json({1, 224, 224, 3}));
  EXPECT_EQ(j["inputs"][0]["quantization"]["zero_point"], nlohmann::json({128}));
  int conv = 0;
  for (const auto& op : j["operators"])
    if (op["op"] == "CONV_2D") conv = op["count"];
  EXPECT_EQ(conv, 36);
  EXPECT_EQ(j["min_runtime_version"], "1.5.0");  // the file's own entry, as written
  EXPECT_FALSE(j["metadata"].is_null());
}

TEST(InspectCli, TextShowsMetadataSummary) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("inspect " + Quote(Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("normalize (x - [127.5]) / [127.5]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1001 labels from labels.txt (background, tench"), std::string::npos) << r.out;
}

TEST(InspectCli, FlexOpsAreListed) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("inspect " + Quote(Fixture("models/tflite-support/whitespace_tokenizer_flex_delegate.tflite")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Flex ops (need the TensorFlow select-ops runtime): FlexCumsum, FlexMul, FlexRaggedRange, FlexStridedSlice, "
                         "FlexSub, FlexUnicodeDecodeWithOffsets, FlexUnicodeEncode, FlexWhitespaceTokenizeWithOffsets\n"),
            std::string::npos) << r.out;
}

void ExpectOneLineError(const testing::CliResult& r) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.exit_code, 128) << "killed by a signal";
  EXPECT_TRUE(r.out.empty()) << r.out;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
  EXPECT_EQ(r.err.rfind("tflite-doctor: error: ", 0), 0u) << r.err;
}

TEST(InspectCli, BadInputsGiveOneLineErrors) {
  auto dir = testing::TempDir("inspect-bad");
  std::string empty = (dir / "empty.tflite").string();
  WriteFileBytes(empty, {});
  ExpectOneLineError(RunCli("inspect " + Quote(empty)));
  ExpectOneLineError(RunCli("inspect " + Quote((dir / "missing.tflite").string())));
  ExpectOneLineError(RunCli("inspect " + Quote(dir.string())));
  if (testing::HaveFixtures()) {
    ExpectOneLineError(RunCli("inspect " + Quote(Fixture("images/burger.jpg"))));
    auto bytes = ReadFileBytes(Fixture("models/mlperf-tiny/vww_96_int8.tflite"));
    std::string truncated = (dir / "truncated.tflite").string();
    WriteFileBytes(truncated, std::vector<uint8_t>(bytes.begin(), bytes.begin() + 1000));
    ExpectOneLineError(RunCli("inspect --json " + Quote(truncated)));
  }
  std::filesystem::remove_all(dir);
}

TEST(InspectCli, InputFileIsNotChanged) {
  TFD_REQUIRE_FIXTURES();
  std::string path = Fixture("models/tflite-micro/hello_world_int8.tflite");
  auto before = ReadFileBytes(path);
  ASSERT_EQ(RunCli("inspect --json " + Quote(path)).exit_code, 0);
  EXPECT_EQ(ReadFileBytes(path), before);
}

}  // namespace
}  // namespace tfd
