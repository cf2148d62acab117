// eval on a detector (labelled boxes as CSV or COCO JSON; a reference) and
// on a segmenter (a reference), and their bad inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "analysis/compare/float_shadow.h"
#include "data/detection/labelled_boxes.h"
#include "format/model_reader.h"
#include "format/model_writer.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;
using testing::RunCli;

const char* kSsd = "models/tflite-support/ssd_mobilenet_v1.tflite";
const char* kDeepLab = "models/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite";

std::filesystem::path ImagesDir(const std::string& name, std::initializer_list<const char*> images) {
  auto dir = testing::TempDir(name);
  std::filesystem::create_directories(dir / "images");
  for (const char* image : images) std::filesystem::copy_file(Fixture(image), dir / "images" / std::filesystem::path(image).filename());
  return dir;
}

void Write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST(EvalDetector, LabelledBoxesGivePrecisionRecallAndMap) {
  TFD_REQUIRE_FIXTURES();
  auto dir = ImagesDir("eval-boxes", {"images/dogs.jpg", "images/cat.jpg"});
  // The two dogs and the cat where a person would draw them (detect puts
  // them at 104,16 137x369; 356,135 189x205; 100,65 363x270), and a
  // labelled bird nobody detects.
  Write(dir / "boxes.csv",
        "path,label,x,y,width,height\nimages/dogs.jpg,dog,100,15,140,370\nimages/dogs.jpg,dog,355,135,190,205\n"
        "cat.jpg,cat,100,65,363,270\ncat.jpg,bird,0,0,20,20\n");
  auto r = RunCli("eval " + Quote(Fixture(kSsd)) + " --data " + Quote((dir / "images").string()) + " --boxes " +
                  Quote((dir / "boxes.csv").string()) + " --labels " + Quote(Fixture("labels/coco_labelmap.txt")) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto b = nlohmann::json::parse(r.out)["labelled_boxes"];
  EXPECT_EQ(b["labelled_boxes"], 4);
  // dog and cat found at rank 1 of their class: AP 1 each; bird 0.
  EXPECT_NEAR(b["map_50"].get<double>(), 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(b["recall"].get<double>(), 3.0 / 4.0, 1e-9);
  EXPECT_GT(b["precision"].get<double>(), 0.0);
  EXPECT_LT(b["precision"].get<double>(), 1.0);  // couches and sheep above 0.3 are not labelled

  // The same boxes as COCO JSON (ids 1-based with gaps, names decide).
  Write(dir / "boxes.json", R"({"images": [{"id": 1, "file_name": "dogs.jpg"}, {"id": 2, "file_name": "cat.jpg"}],
    "categories": [{"id": 18, "name": "dog"}, {"id": 17, "name": "cat"}, {"id": 16, "name": "bird"}],
    "annotations": [{"image_id": 1, "category_id": 18, "bbox": [100, 15, 140, 370]},
                    {"image_id": 1, "category_id": 18, "bbox": [355, 135, 190, 205]},
                    {"image_id": 2, "category_id": 17, "bbox": [100, 65, 363, 270]},
                    {"image_id": 2, "category_id": 16, "bbox": [0, 0, 20, 20]}]})");
  LabelledBoxes coco = ReadLabelledBoxes((dir / "boxes.json").string());
  EXPECT_EQ(coco.boxes, 4u);
  ASSERT_EQ(coco.by_file["dogs.jpg"].size(), 2u);
  EXPECT_EQ(coco.by_file["dogs.jpg"][1].label, "dog");
  EXPECT_FLOAT_EQ(coco.by_file["dogs.jpg"][1].box.right, 545.0f);
  auto j = RunCli("eval " + Quote(Fixture(kSsd)) + " --data " + Quote((dir / "images").string()) + " --boxes " +
                  Quote((dir / "boxes.json").string()) + " --labels " + Quote(Fixture("labels/coco_labelmap.txt")) + " --json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out)["labelled_boxes"], b);
  std::filesystem::remove_all(dir);
}

TEST(EvalDetector, AgainstAReferenceReportsDetectionsFoundLostAndSpurious) {
  TFD_REQUIRE_FIXTURES();
  auto dir = ImagesDir("eval-ref", {"images/dogs.jpg", "images/cat.jpg", "images/multi_objects.jpg"});
  // The SSD's float shadow, written out, stands for its float original.
  SaveModel(MakeFloatShadow(LoadModel(Fixture(kSsd))), (dir / "float.tflite").string());
  auto r = RunCli("eval " + Quote(Fixture(kSsd)) + " --data " + Quote((dir / "images").string()) + " --reference " +
             Quote((dir / "float.tflite").string()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto d = nlohmann::json::parse(r.out)["detection"];
  EXPECT_EQ(d["images"], 3);
  const int reference = d["reference_detections"], both = d["found_in_both"];
  EXPECT_GE(reference, 10);
  EXPECT_GE(both, reference * 8 / 10);
  EXPECT_EQ(d["lost"].get<int>() + both, reference);
  EXPECT_EQ(d["spurious"].get<int>() + both, d["deployed_detections"].get<int>());
  EXPECT_GT(d["mean_iou"].get<double>(), 0.9);
  std::filesystem::remove_all(dir);
}

TEST(EvalSegmenter, AgainstAReferenceReportsClassMapAgreement) {
  TFD_REQUIRE_FIXTURES();
  auto dir = ImagesDir("eval-seg", {"images/segmentation_input.jpg"});
  SaveModel(MakeFloatShadow(LoadModel(Fixture(kDeepLab))), (dir / "float.tflite").string());
  auto r = RunCli("eval " + Quote(Fixture(kDeepLab)) + " --data " + Quote((dir / "images").string()) + " --reference " +
                  Quote((dir / "float.tflite").string()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = nlohmann::json::parse(r.out)["segmentation"];
  EXPECT_EQ(s["pixels"], 513 * 513);
  EXPECT_GT(s["pixel_agreement"].get<double>(), 0.95);
  EXPECT_GT(s["mean_iou"].get<double>(), 0.85);
  std::filesystem::remove_all(dir);
}

TEST(EvalTask, BadInputsAreOneLineErrors) {
  TFD_REQUIRE_FIXTURES();
  auto one_line = [](const testing::CliResult& r, const std::string& needle) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  };
  auto dir = ImagesDir("eval-bad", {"images/dogs.jpg"});
  const std::string data = Quote((dir / "images").string());
  one_line(RunCli("eval " + Quote(Fixture(kSsd)) + " --data " + data), "--boxes FILE");
  one_line(RunCli("eval " + Quote(Fixture(kDeepLab)) + " --data " + data), "--reference");
  Write(dir / "boxes.csv", "dogs.jpg,dog,1,2,3\n");
  one_line(RunCli("eval " + Quote(Fixture(kSsd)) + " --data " + data + " --boxes " + Quote((dir / "boxes.csv").string()) +
                  " --labels " + Quote(Fixture("labels/coco_labelmap.txt"))),
           "line 1");
  one_line(RunCli("eval " + Quote(Fixture(kSsd)) + " --data " + data + " --boxes " + Quote((dir / "boxes.csv").string())),
           "--labels FILE");
  one_line(RunCli("eval " + Quote(Fixture("models/coral/mobilenet_v2_1.0_224_quant.tflite")) + " --data " + data +
                  " --boxes " + Quote((dir / "boxes.csv").string())),
           "not one");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
