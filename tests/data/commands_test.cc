// classify / eval / audit-preprocessing on the fixture models and images,
// and the acceptance case checked against the real TFLite runtime.
#include <gtest/gtest.h>

#include <cstring>
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

// Every `step`-th item of imagenet-sample (500 ImageNet photos, full
// ImageNet names as labels), as a CSV with absolute paths.
std::string ImagenetSubset(const fs::path& dir, size_t step, size_t offset = 0) {
  Dataset sample = OpenDataset(Fixture("imagenet-sample/labels.csv"));
  std::string path = (dir / ("imagenet-" + std::to_string(step) + "-" + std::to_string(offset) + ".csv")).string();
  std::ofstream f(path);
  f << "path,label\n";
  for (size_t i = offset; i < sample.items.size(); i += step)
    f << sample.items[i].path << ",\"" << sample.items[i].label << "\"\n";
  return path;
}

TEST(EvalCommandTest, ImagenetNamesMapToTheModelsShortLabels) {
  // "goldfish, Carassius auratus" is "goldfish" in the model's label file:
  // every item counts (today's matching counted about half).
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("eval-imagenet");
  CliResult r = RunCli("eval " + Quote(Fixture(kFloat)) + " --data " + Quote(ImagenetSubset(dir, 10)) + " --json");
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["accuracy"]["labeled"], 50);
  EXPECT_EQ(j["accuracy"]["unmapped_items"], 0);
  EXPECT_TRUE(j["accuracy"]["unmapped_labels"].empty());
  EXPECT_FALSE(j.contains("warnings"));
  ASSERT_EQ(j["items"].size(), 50u);
  // MobileNet v1 0.25 is about 50% top-1 on ImageNet.
  EXPECT_GT(j["accuracy"]["top1"].get<double>(), 0.25);
  for (const auto& item : j["items"]) {
    EXPECT_GE(item["label_index"].get<int>(), 1) << item.dump();
    EXPECT_EQ(item["top5"].size(), 5u);
  }
  fs::remove_all(dir);
}

TEST(EvalCommandTest, UnmappedLabelsAreSaidFirst) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("eval-unmapped");
  std::string csv = (dir / "data.csv").string();
  {
    std::ofstream f(csv);
    f << "path,label\n";
    f << Fixture("images/burger.jpg") << ",cheeseburger\n";
    f << Fixture("images/cat.bmp") << ",Egyptian cat\n";
    // Four labels the model does not know: more than a few.
    for (const char* l : {"burger-thing", "kitty", "bug", "flower"}) f << Fixture("images/dragonfly.bmp") << "," << l << "\n";
  }
  CliResult r = RunCli("eval " + Quote(Fixture(kFloat)) + " --data " + Quote(csv));
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string first = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(first.rfind("Warning: 4 of 6 labelled items (4 of 6 labels: 'burger-thing', 'kitty', 'bug' and 1 more) have a "
                        "label that is not among the model's",
                        0),
            0u)
      << r.out;
  EXPECT_NE(first.find("accuracy is measured on the other 2 items only"), std::string::npos) << first;
  r = RunCli("eval " + Quote(Fixture(kFloat)) + " --data " + Quote(csv) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The first key of the JSON object, on its first lines.
  EXPECT_EQ(r.out.rfind("{\n  \"warnings\": [", 0), 0u) << r.out.substr(0, 200);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("4 of 6 labelled items"), std::string::npos);
  EXPECT_EQ(j["accuracy"]["labeled"], 2);
  EXPECT_EQ(j["accuracy"]["unmapped_items"], 4);
  EXPECT_EQ(j["items"].size(), 6u);

  // Two rare unknown labels (2 of 62 items): no warning.
  {
    std::ofstream f(csv);
    f << "path,label\n";
    for (int i = 0; i < 60; ++i) f << Fixture("images/burger.jpg") << ",cheeseburger\n";
    for (const char* l : {"kitty", "bug"}) f << Fixture("images/dragonfly.bmp") << "," << l << "\n";
  }
  r = RunCli("eval " + Quote(Fixture(kFloat)) + " --data " + Quote(csv) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j.contains("warnings")) << j.dump();
  EXPECT_EQ(j["accuracy"]["unmapped_labels"].size(), 2u);
  fs::remove_all(dir);
}

TEST(AuditCommandTest, OutOfDomainConfidenceIsInconclusiveAndKeepsTheMetadata) {
  // MNIST digits on an ImageNet classifier: confidence moves a little from
  // one pipeline to another, and by chance one that contradicts the
  // metadata leads. Within the noise, the metadata's pipeline stays first.
  TFD_REQUIRE_FIXTURES();
  CliResult r = RunCli("audit-preprocessing " + Quote(Fixture(kFloat)) + " --data " +
                       Quote(Fixture("images/mnist")) + " --json");
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ranked_by"], "mean confidence");
  EXPECT_EQ(j["expected_rank"], 1) << j["ranking"].dump(1);
  EXPECT_TRUE(j["ranking"][0]["expected"].get<bool>());
  EXPECT_EQ(j["verdict"]["kind"], "inconclusive") << j["verdict"].dump();
  EXPECT_EQ(j["verdict"]["sentence"].get<std::string>().rfind("inconclusive, keep the metadata's pipeline", 0), 0u)
      << j["verdict"].dump();
  // The case itself: a pipeline that contradicts the metadata scores higher
  // than it, and the bootstrap interval of that lead holds 0.
  double best_other = -1;
  for (const auto& c : j["ranking"]) {
    if (c["expected"].get<bool>()) continue;
    EXPECT_FALSE(c["significant"].get<bool>() && c["lead"].get<double>() > 0) << c.dump();
    best_other = std::max(best_other, c["score"].get<double>());
    EXPECT_LE(c["lead_spread"][0].get<double>(), c["lead"].get<double>()) << c.dump();
    EXPECT_GE(c["lead_spread"][1].get<double>(), c["lead"].get<double>()) << c.dump();
  }
  EXPECT_GT(best_other, j["ranking"][0]["score"].get<double>()) << j["ranking"].dump(1);
  CliResult text = RunCli("audit-preprocessing " + Quote(Fixture(kFloat)) + " --data " + Quote(Fixture("images/mnist")));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Verdict: inconclusive, keep the metadata's pipeline"), std::string::npos) << text.out;
}

TEST(AuditCommandTest, InDomainLabelledDataKeepsTheMetadataDecisively) {
  // 60 labelled ImageNet photos: the metadata's [-1,1] ranks first by top-1
  // accuracy, and the pipelines that get the values wrong trail it by a
  // margin beyond the noise; a declared [0,1] is named and measured.
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("audit-imagenet");
  std::string spec = WriteSpec(dir, "declared.json", R"({"range": [0, 1]})");
  CliResult r = RunCli("audit-preprocessing " + Quote(Fixture(kFloat)) + " --data " +
                       Quote(ImagenetSubset(dir, 25, 3)) + " --declared " + Quote(spec) + " --json");
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["data"]["labeled"], 20);
  EXPECT_EQ(j["expected_rank"], 1) << j["ranking"].dump(1);
  EXPECT_EQ(j["verdict"]["kind"], "expected_best") << j["verdict"].dump();
  size_t wrong_values = 0;
  for (const auto& c : j["ranking"]) {
    const std::string name = c["name"];
    if (c["expected"].get<bool>() || name.find("RGB NHWC") == std::string::npos) continue;
    if (name.find("[0,1]") == 0 || name.find("declared: [0,1]") != std::string::npos ||
        name.find("[0,255] RGB") == 0) {
      ++wrong_values;
      EXPECT_TRUE(c["significant"].get<bool>()) << c.dump();
      EXPECT_LT(c["lead_spread"][1].get<double>(), 0.0) << c.dump();
    }
  }
  EXPECT_GE(wrong_values, 2u) << j["ranking"].dump(1);
  EXPECT_GT(j["declared_rank"].get<int>(), 1);
  fs::remove_all(dir);
}

// A copy of the float MobileNet whose metadata claims [0,1] inputs
// (mean 0, std 255) instead of its true [-1,1] (mean 127.5, std 127.5): the
// two floats 127.5 of its NormalizationOptions are rewritten in place.
std::string WrongMetadataModel(const fs::path& dir) {
  std::vector<uint8_t> bytes = ReadFileBytes(Fixture(kFloat));
  const float half = 127.5f;
  std::vector<size_t> at;
  for (size_t i = 0; i + 4 <= bytes.size(); ++i)
    if (std::memcmp(&bytes[i], &half, 4) == 0) at.push_back(i);
  if (at.size() != 2) return "";
  std::string path = (dir / "wrong_metadata.tflite").string();
  for (bool swap : {false, true}) {
    const float mean = 0, stdev = 255;
    std::memcpy(&bytes[at[swap ? 1 : 0]], &mean, 4);
    std::memcpy(&bytes[at[swap ? 0 : 1]], &stdev, 4);
    WriteFileBytes(path, bytes);
    ExpectedPreprocessing e = ExpectedFor(LoadModel(path));
    if (e.spec.mean == std::vector<float>{0} && e.spec.std == std::vector<float>{255}) return path;
  }
  return "";
}

TEST(AuditCommandTest, CandidatesSpreadOverThreadsGiveTheSameReport) {
  // The candidates of each item run on several threads (each on its own
  // interpreter) and are folded in candidate order: every figure of the
  // report, bootstrap intervals included, is the one of one thread. With
  // labels (accuracy) and with a reference model (agreement, SQNR).
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("audit-threads");
  const std::string data = ImagenetSubset(dir, 50, 7);
  for (const std::string& extra : {std::string(""), " --reference " + Quote(Fixture(kFloat))}) {
    const std::string cmd = "audit-preprocessing " + Quote(Fixture(kQuant)) + " --data " + Quote(data) + extra + " --json";
    CliResult one = RunCli(cmd + " --threads 1");
    TFD_SKIP_IF_NO_KERNEL(one);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    CliResult three = RunCli(cmd + " --threads 3");
    ASSERT_EQ(three.exit_code, 0) << three.err;
    EXPECT_EQ(one.out, three.out) << extra;
    auto j = nlohmann::json::parse(one.out);
    EXPECT_GE(j["ranking"].size(), 4u) << j.dump();
  }
  fs::remove_all(dir);
}

TEST(AuditCommandTest, MetadataContradictedByLabelledDataIsBeatenBeyondTheNoise) {
  // The rule that keeps the metadata's pipeline on noise must not keep it
  // against evidence: with metadata that is wrong, 20 labelled photos rank
  // the true [-1,1] first, by a significant margin.
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("audit-wrong-metadata");
  std::string model = WrongMetadataModel(dir);
  ASSERT_FALSE(model.empty()) << "could not find the normalization floats in " << kFloat;
  CliResult r = RunCli("audit-preprocessing " + Quote(model) + " --data " + Quote(ImagenetSubset(dir, 25, 3)) + " --json");
  TFD_SKIP_IF_NO_KERNEL(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"]["kind"], "expected_beaten") << j["verdict"].dump();
  EXPECT_GT(j["expected_rank"].get<int>(), 1);
  const auto& best = j["ranking"][0];
  EXPECT_EQ(best["name"].get<std::string>().rfind("[-1,1] RGB NHWC", 0), 0u) << best.dump();
  EXPECT_TRUE(best["significant"].get<bool>()) << best.dump();
  EXPECT_GT(best["lead_spread"][0].get<double>(), 0.0) << best.dump();
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
