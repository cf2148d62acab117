// classify / eval / audit-preprocessing on the fixture models and images,
// and the acceptance case checked against the real TFLite runtime.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "data/preprocess/expected.h"
#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::Fixture;
using testing::Quote;
using testing::RunCli;

const char* kQuant = "models/tflite-support/mobilenet_v1_0.25_224_quant.tflite";
const char* kFloat = "models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite";
const char* kFloatNoMetadata = "models/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite";

// While operator kernels are still landing, a model our interpreter cannot
// run yet is a skip, not a failure.
#define TFD_SKIP_IF_NO_KERNEL(r)                                                                     \
  do {                                                                                               \
    if ((r).exit_code != 0 && ((r).err.find("(no kernel)") != std::string::npos ||                   \
                               (r).err.find("unsupported input type") != std::string::npos))         \
      GTEST_SKIP() << "the interpreter cannot run this model yet: " << (r).err;                      \
  } while (0)

// The labeled fixture images (ImageNet classes), as a CSV with absolute paths.
std::string LabeledCsv(const fs::path& dir) {
  std::ofstream f(dir / "labeled.csv");
  f << "path,label\n";
  for (const auto& [file, label] : std::vector<std::pair<std::string, std::string>>{
           {"bird.bmp", "chickadee"},
           {"burger.jpg", "cheeseburger"},
           {"burger-224.png", "cheeseburger"},
           {"cat.bmp", "Egyptian cat"},
           {"dragonfly.bmp", "dragonfly"},
           {"missvickie_potato_chips.bmp", "packet"},
           {"sunflower.bmp", "daisy"}})
    f << Fixture("images/" + file) << "," << label << "\n";
  return (dir / "labeled.csv").string();
}

// The colour fixture images in one folder, no labels.
std::string UnlabeledFolder(const fs::path& dir) {
  fs::create_directories(dir / "unlabeled");
  for (const char* file : {"bird.bmp", "burger.jpg", "cat.bmp", "cat.jpg", "dogs.jpg", "dragonfly.bmp",
                           "missvickie_potato_chips.bmp", "sunflower.bmp"})
    fs::copy_file(Fixture(std::string("images/") + file), dir / "unlabeled" / file, fs::copy_options::skip_existing);
  return (dir / "unlabeled").string();
}

std::string WriteSpec(const fs::path& dir, const std::string& name, const std::string& json) {
  std::ofstream(dir / name) << json;
  return (dir / name).string();
}

TEST(ClassifyAcceptanceTest, AutoPreprocessingMatchesTheTaskLibraryInRealTflite) {
  // Our preprocessing, the real runtime: the score TFLite Support's own
  // image_classifier_test asserts (0.96484375 for cheeseburger).
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  Model model = LoadModel(Fixture(kQuant));
  ExpectedPreprocessing e = ExpectedFor(model);
  TensorData in = PreprocessImage(DecodeImage(Fixture("images/burger.jpg")), e.spec, e.target);
  testing::OracleBatch batch;
  int id = batch.AddBytes(ReadFileBytes(Fixture(kQuant)), {{in.dtype, in.shape, in.bytes}});
  batch.Run();
  ASSERT_TRUE(batch.ok(id)) << batch.error(id);
  auto out = batch.outputs(id)[0].values<uint8_t>();
  ASSERT_EQ(out.size(), 1001u);
  int best = static_cast<int>(std::max_element(out.begin(), out.end()) - out.begin());
  EXPECT_EQ(best, 934);
  EXPECT_NEAR(out[934] * 0.00390625, 0.96, 0.01);
}

TEST(ClassifyCommandTest, CheeseburgerFromMetadata) {
  TFD_REQUIRE_FIXTURES();
  CliResult r = RunCli("classify " + Quote(Fixture(kQuant)) + " " + Quote(Fixture("images/burger.jpg")) +
                       " --top-k 3 --json");
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["file"], Fixture("images/burger.jpg"));
  ASSERT_EQ(j[0]["top"].size(), 3u);
  EXPECT_EQ(j[0]["top"][0]["index"], 934);
  EXPECT_EQ(j[0]["top"][0]["label"], "cheeseburger");
  EXPECT_NEAR(j[0]["top"][0]["score"].get<double>(), 0.96, 0.01);
  EXPECT_NE(r.err.find("preprocessing: auto, from metadata"), std::string::npos) << r.err;

  CliResult text = RunCli("classify " + Quote(Fixture(kFloat)) + " " + Quote(Fixture("images/burger.jpg")));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Preprocessing: auto, from metadata"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("cheeseburger"), std::string::npos) << text.out;
}

// Items are independent: the LSTM MNIST model's answer for a digit must not
// depend on the digit classified before it (its state was carried over:
// sample3 scored 0.87 alone and 0.39 after sample0). Each item's scores
// equal those of a classify of that item alone.
TEST(ClassifyCommandTest, StatefulModelItemsDoNotDependOnTheItemsBefore) {
  TFD_REQUIRE_FIXTURES();
  const std::string model = Quote(Fixture("models/coral/keras_lstm_mnist_ptq.tflite"));
  auto scores = [](const CliResult& r, size_t item) {
    auto j = nlohmann::json::parse(r.out);
    std::vector<double> out;
    for (const auto& t : j.at(item)["top"]) out.push_back(t["score"].get<double>());
    return out;
  };
  std::string all;
  for (int d = 0; d < 10; ++d) all += " " + Quote(Fixture("images/mnist/sample" + std::to_string(d) + ".png"));
  CliResult together = RunCli("classify " + model + all + " --top-k 3 --json");
  ASSERT_EQ(together.exit_code, 0) << together.err;
  for (int d = 0; d < 10; ++d) {
    SCOPED_TRACE("sample" + std::to_string(d));
    CliResult alone = RunCli("classify " + model + " " + Quote(Fixture("images/mnist/sample" + std::to_string(d) + ".png")) +
                             " --top-k 3 --json");
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    EXPECT_EQ(scores(together, static_cast<size_t>(d)), scores(alone, 0));
  }
}

TEST(ClassifyCommandTest, BadImageAndBadSpecNameTheFile) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("classify-bad");
  std::ofstream(dir / "broken.jpg") << "not a jpeg";
  CliResult r = RunCli("classify " + Quote(Fixture(kFloat)) + " " + Quote((dir / "broken.jpg").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tflite-doctor: error: " + (dir / "broken.jpg").string()), std::string::npos) << r.err;
  std::string spec = WriteSpec(dir, "spec.json", R"({"range": [0, 1], "layuot": "NHWC"})");
  r = RunCli("classify " + Quote(Fixture(kFloat)) + " " + Quote(Fixture("images/burger.jpg")) + " --preprocess " +
             Quote(spec));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown key \"layuot\""), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(EvalCommandTest, AccuracyPerClassAndBadItems) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("eval");
  std::string csv = LabeledCsv(dir);
  CliResult r = RunCli("eval " + Quote(Fixture(kFloat)) + " --data " + Quote(csv) + " --json");
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["accuracy"]["labeled"], 7);
  EXPECT_GE(j["accuracy"]["top1"].get<double>(), 5.0 / 7 - 1e-9);
  EXPECT_GE(j["accuracy"]["top5"].get<double>(), j["accuracy"]["top1"].get<double>());
  EXPECT_EQ(j["per_class"].size(), 6u);
  EXPECT_EQ(j["preprocessing"]["source"], "metadata");

  // A bad item stops the run unless --skip-bad.
  std::ofstream(dir / "labeled.csv", std::ios::app) << (dir / "missing.png").string() << ",daisy\n";
  r = RunCli("eval " + Quote(Fixture(kFloat)) + " --data " + Quote(csv));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1 of 8 items could not be used"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.png"), std::string::npos) << r.err;
  r = RunCli("eval " + Quote(Fixture(kFloat)) + " --data " + Quote(csv) + " --skip-bad");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Skipped 1 of 8 items"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Accuracy on 7 labeled items"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(EvalCommandTest, ReferenceAgreementAndSqnr) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("eval-ref");
  CliResult r = RunCli("eval " + Quote(Fixture("models/mlperf-tiny/vww_96_int8.tflite")) + " --data " +
                       Quote(UnlabeledFolder(dir)) + " --reference " +
                       Quote(Fixture("models/mlperf-tiny/vww_96_float.tflite")) + " --json");
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["preprocessing"]["source"], "quantization");
  // The float reference says nothing itself: it takes the int8 model's range.
  EXPECT_NE(j["reference"]["preprocessing"]["description"].get<std::string>().find("auto, from reference"),
            std::string::npos);
  EXPECT_GE(j["reference"]["agreement"].get<double>(), 0.75);
  EXPECT_GT(j["reference"]["sqnr_db"].get<double>(), 5.0);
  fs::remove_all(dir);
}

struct AuditCase {
  std::string name;
  std::string model;
  std::string reference;  // "" for none
  bool labeled;
  std::string declared;
  std::string sentence;  // expected in the mismatches
};

class AuditCommandTest : public ::testing::TestWithParam<AuditCase> {};

TEST_P(AuditCommandTest, NamesTheMismatchAndRanksTheTruePipelineFirst) {
  TFD_REQUIRE_FIXTURES();
  const AuditCase& c = GetParam();
  auto dir = testing::TempDir("audit-" + c.name);
  std::string data = c.labeled ? LabeledCsv(dir) : UnlabeledFolder(dir);
  std::string spec = WriteSpec(dir, "declared.json", c.declared);
  std::string cmd = "audit-preprocessing " + Quote(Fixture(c.model)) + " --data " + Quote(data) + " --declared " +
                    Quote(spec) + " --json";
  if (!c.reference.empty()) cmd += " --reference " + Quote(Fixture(c.reference));
  CliResult r = RunCli(cmd);
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::string sentences;
  for (const auto& m : j["mismatches"]) sentences += m["sentence"].get<std::string>() + "\n";
  EXPECT_NE(sentences.find(c.sentence), std::string::npos) << sentences;
  // A handful of items: ranked by the label's probability / SQNR, finer than top-1.
  EXPECT_EQ(j["ranked_by"], c.labeled ? "mean probability of the label" : "output SQNR against the reference");
  EXPECT_EQ(j["expected_rank"], 1) << j["ranking"].dump(1);
  EXPECT_TRUE(j["ranking"][0]["expected"].get<bool>()) << j["ranking"][0].dump();
  EXPECT_GT(j["declared_rank"].get<int>(), 1);
  EXPECT_GE(j["loss"].get<double>(), 0.0);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, AuditCommandTest,
    ::testing::Values(
        AuditCase{"range_metadata", kFloat, "", true, R"({"range": [0, 1]})",
                  "inputs are scaled to [0,1]; the model expects [-1,1] (TFLite metadata)"},
        AuditCase{"range_reference", kFloatNoMetadata, kFloat, false, R"({"range": [0, 1]})",
                  "inputs are scaled to [0,1]; the model expects [-1,1] (the reference model)"},
        AuditCase{"bgr", kFloat, "", true, R"({"range": [-1, 1], "channel_order": "BGR"})",
                  "channels are fed in BGR order; the model expects RGB"},
        AuditCase{"no_mean_std", kFloat, "", true, R"({"range": [0, 255]})",
                  "no mean/std normalization is applied"},
        AuditCase{"float_into_uint8", kQuant, "", true, R"({"range": [-1, 1], "dtype": "float32"})",
                  "values are cast to uint8 without the input's quantization"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tfd
