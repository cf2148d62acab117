// detect against the TFLite Task Library's ObjectDetector on the fixture SSD,
// classify refusing detectors, and detect's bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "data/detection/detector_outputs.h"
#include "format/model_reader.h"
#include "task_model_util.h"
#include "task_oracle_util.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;
using testing::RunCli;

const char* kSsd = "models/tflite-support/ssd_mobilenet_v1.tflite";
const char* kCocoLabels = "labels/coco_labelmap.txt";

struct Found {
  std::string label;
  float score;
  int x, y, w, h;
};

std::vector<Found> FromCli(const nlohmann::json& image) {
  std::vector<Found> out;
  for (const auto& d : image["detections"])
    out.push_back({d["label"].is_null() ? "" : d["label"].get<std::string>(), d["score"].get<float>(), d["box"]["x"].get<int>(),
                   d["box"]["y"].get<int>(), d["box"]["width"].get<int>(), d["box"]["height"].get<int>()});
  return out;
}

std::vector<Found> FromTaskLibrary(const nlohmann::json& result) {
  std::vector<Found> out;
  for (const auto& d : result) {
    const auto& c = d["classes"][0];
    out.push_back({c["name"].get<std::string>(), c["score"].get<float>(), d["x"].get<int>(), d["y"].get<int>(),
                   d["width"].get<int>(), d["height"].get<int>()});
  }
  return out;
}

int EdgeDistance(const Found& a, const Found& b) {
  return std::max({std::abs(a.x - b.x), std::abs(a.y - b.y), std::abs(a.x + a.w - b.x - b.w), std::abs(a.y + a.h - b.y - b.h)});
}

// The same detections in the same order: class, every box edge within 3 px,
// score within 0.05 (measured: boxes within 1 px, scores identical, as the
// input bytes and the XNNPACK arithmetic are the Task Library's own).
void ExpectSameDetections(const std::vector<Found>& ours, const std::vector<Found>& theirs, const std::string& what) {
  ASSERT_EQ(ours.size(), theirs.size()) << what;
  for (size_t i = 0; i < ours.size(); ++i) {
    const Found &o = ours[i], &t = theirs[i];
    EXPECT_EQ(o.label, t.label) << what << " #" << i;
    EXPECT_LE(EdgeDistance(o, t), 3) << what << " #" << i << ": " << o.x << "," << o.y << " " << o.w << "x" << o.h
                                     << " vs " << t.x << "," << t.y << " " << t.w << "x" << t.h;
    EXPECT_NEAR(o.score, t.score, 0.05) << what << " #" << i;
  }
}

TEST(Detect, SsdMatchesTheTaskLibraryObjectDetector) {
  TFD_REQUIRE_FIXTURES();
  if (auto why = testing::TaskLibraryUnavailable(); !why.empty()) GTEST_SKIP() << why;
  auto dir = testing::TempDir("detect-oracle");
  const std::string model = (dir / "ssd_with_metadata.tflite").string();
  // The Task Library refuses a detector without metadata: a copy gets some.
  testing::WriteSsdWithMetadata(Fixture(kSsd), model, Fixture(kCocoLabels));
  for (const char* image : {"images/dogs.jpg", "images/multi_objects.jpg", "images/cat.jpg"}) {
    std::string pixels = testing::WritePixels(Fixture(image), dir);
    auto theirs = FromTaskLibrary(nlohmann::json::parse(
        testing::RunTaskLibrary("detect " + Quote(model) + " " + Quote(pixels), dir)));
    // The fixture itself, labels given on the command line.
    auto r = RunCli("detect " + Quote(Fixture(kSsd)) + " " + Quote(Fixture(image)) + " --labels " +
                    Quote(Fixture(kCocoLabels)) + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ours = FromCli(nlohmann::json::parse(r.out)[0]);
    ASSERT_EQ(theirs.size(), 10u) << image;  // no threshold: all the SSD returns
    ExpectSameDetections(ours, theirs, image);
    // With a threshold, on both sides.
    auto theirs_03 = FromTaskLibrary(nlohmann::json::parse(
        testing::RunTaskLibrary("detect " + Quote(model) + " " + Quote(pixels) + " --score-threshold 0.4", dir)));
    r = RunCli("detect " + Quote(Fixture(kSsd)) + " " + Quote(Fixture(image)) + " --labels " +
               Quote(Fixture(kCocoLabels)) + " --score-threshold 0.4 --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ExpectSameDetections(FromCli(nlohmann::json::parse(r.out)[0]), theirs_03, std::string(image) + " above 0.4");
    // The copy with metadata: labels from it, same answer.
    auto m = RunCli("detect " + Quote(model) + " " + Quote(Fixture(image)) + " --json");
    ASSERT_EQ(m.exit_code, 0) << m.err;
    auto ours_md = FromCli(nlohmann::json::parse(m.out)[0]);
    ASSERT_EQ(ours_md.size(), ours.size());
    for (size_t i = 0; i < ours.size(); ++i) EXPECT_EQ(ours_md[i].label, ours[i].label);
  }
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

TEST(Detect, DogsAreFoundWhereTheyAre) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("detect " + Quote(Fixture(kSsd)) + " " + Quote(Fixture("images/dogs.jpg")) + " --labels " +
                  Quote(Fixture(kCocoLabels)) + " --score-threshold 0.5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out)[0];
  EXPECT_EQ(j["width"], 640);
  EXPECT_EQ(j["height"], 427);
  auto found = FromCli(j);
  ASSERT_EQ(found.size(), 2u);  // the two dogs, in the left and right halves
  for (const Found& f : found) EXPECT_EQ(f.label, "dog");
  const int a = found[0].x + found[0].w / 2, b = found[1].x + found[1].w / 2;
  EXPECT_LT(std::min(a, b), 320);
  EXPECT_GT(std::max(a, b), 320);
}

TEST(Detect, MaxResultsAndThresholdFromMetadata) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("detect-md");
  const std::string model = (dir / "ssd_threshold.tflite").string();
  testing::WriteSsdWithMetadata(Fixture(kSsd), model, Fixture(kCocoLabels), 0.5f);
  auto outputs = FindDetectorOutputs(LoadModel(model));
  ASSERT_TRUE(outputs);
  EXPECT_EQ(outputs->found_by, "metadata");
  ASSERT_TRUE(outputs->score_threshold);
  EXPECT_FLOAT_EQ(*outputs->score_threshold, 0.5f);
  EXPECT_EQ(outputs->labels.size(), 90u);
  auto r = RunCli("detect " + Quote(model) + " " + Quote(Fixture("images/dogs.jpg")) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FromCli(nlohmann::json::parse(r.out)[0]).size(), 2u);
  r = RunCli("detect " + Quote(model) + " " + Quote(Fixture("images/dogs.jpg")) + " --score-threshold 0 --max-results 3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FromCli(nlohmann::json::parse(r.out)[0]).size(), 3u);
  std::filesystem::remove_all(dir);
}

TEST(Detect, ClassifyRefusesADetectorAndPointsToDetect) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("classify " + Quote(Fixture(kSsd)) + " " + Quote(Fixture("images/dogs.jpg")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("object detector"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tflite-doctor detect"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Detect, BadInputsAreOneLineErrors) {
  TFD_REQUIRE_FIXTURES();
  auto one_line = [](const testing::CliResult& r, const std::string& needle) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  };
  // No labels in the metadata and none given: say how to give them.
  one_line(RunCli("detect " + Quote(Fixture(kSsd)) + " " + Quote(Fixture("images/dogs.jpg"))), "--labels FILE");
  // ...or --ids falls back to class numbers.
  auto ids = RunCli("detect " + Quote(Fixture(kSsd)) + " " + Quote(Fixture("images/dogs.jpg")) + " --ids --json");
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  EXPECT_TRUE(nlohmann::json::parse(ids.out)[0]["detections"][0]["label"].is_null());
  EXPECT_EQ(nlohmann::json::parse(ids.out)[0]["detections"][0]["class"], 17);  // dog
  // A classifier is not a detector.
  one_line(RunCli("detect " + Quote(Fixture("models/coral/mobilenet_v2_1.0_224_quant.tflite")) + " " +
                  Quote(Fixture("images/dogs.jpg"))),
           "not an object detector");
  // An unreadable image.
  auto dir = testing::TempDir("detect-bad");
  auto bad = dir / "broken.jpg";
  { std::FILE* f = std::fopen(bad.c_str(), "wb"); std::fputs("not a jpeg", f); std::fclose(f); }
  one_line(RunCli("detect " + Quote(Fixture(kSsd)) + " " + Quote(bad.string()) + " --ids"), "broken.jpg");
  one_line(RunCli("detect " + Quote(Fixture(kSsd)) + " " + Quote((dir / "missing.png").string()) + " --ids"), "missing.png");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
