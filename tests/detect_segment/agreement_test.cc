// Matching, AP and class-map agreement on hand-made cases whose answers are
// worked out in the comments.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/detection/matching.h"
#include "analysis/segmentation/agreement.h"
#include "data/detection/detections.h"
#include "data/segmentation/class_map.h"

namespace tfd {
namespace {

Detection D(int cls, float score, float l, float t, float r, float b) { return {{l, t, r, b}, cls, score, ""}; }

TEST(DetectionMatching, SameClassOverlappingBoxesPairHighestIoUFirst) {
  // Box [0,10]^2 vs [0,10]x[1,11]: intersection 90, union 110, IoU 9/11.
  EXPECT_NEAR(BoxIoU({0, 0, 10, 10}, {0, 1, 10, 11}), 90.0 / 110.0, 1e-12);
  EXPECT_EQ(BoxIoU({0, 0, 1, 1}, {2, 2, 3, 3}), 0.0);
  std::vector<Detection> ref = {D(1, 0.9f, 0, 0, 10, 10), D(2, 0.8f, 20, 20, 30, 30), D(1, 0.5f, 50, 50, 60, 60)};
  std::vector<Detection> dep = {D(1, 0.7f, 0, 1, 10, 11),     // ref 0, IoU 9/11
                                D(3, 0.8f, 20, 20, 30, 30),   // same box, other class: spurious
                                D(1, 0.6f, 0, 0, 10, 10)};    // also fits ref 0, better (IoU 1)
  MatchResult m = MatchDetections(ref, dep);
  ASSERT_EQ(m.matched.size(), 1u);
  EXPECT_EQ(m.matched[0].reference, 0u);
  EXPECT_EQ(m.matched[0].deployed, 2u);
  EXPECT_EQ(m.lost, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(m.spurious, (std::vector<size_t>{0, 1}));
  DetectionAgreement a;
  a.Add(ref, dep, m);
  EXPECT_EQ(a.found_in_both, 1u);
  EXPECT_NEAR(a.mean_score_diff(), 0.6 - 0.9, 1e-6);
  EXPECT_NEAR(a.recall_of_reference(), 1.0 / 3.0, 1e-12);
}

TEST(AveragePrecision, VocAllPointsOnAWorkedExample) {
  // Two labelled cats; detections by score: TP (0.9), FP (0.8), TP (0.7).
  // Precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1; made monotone: 1, 2/3, 2/3;
  // AP = 1/2 * 1 + 1/2 * 2/3 = 5/6.
  AveragePrecision ap;
  std::vector<LabelledBox> truth = {{{0, 0, 10, 10}, 7}, {{20, 20, 30, 30}, 7}};
  std::vector<Detection> found = {D(7, 0.9f, 0, 0, 10, 10), D(7, 0.8f, 50, 50, 60, 60), D(7, 0.7f, 20, 20, 30, 31)};
  ap.Add(found, truth);
  EXPECT_NEAR(ap.mean_ap(), 5.0 / 6.0, 1e-9);
  EXPECT_NEAR(ap.precision(), 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(ap.recall(), 1.0, 1e-9);
  // A class with labels and no detection counts 0 in the mean.
  AveragePrecision missing;
  missing.Add(found, {{{0, 0, 10, 10}, 7}, {{0, 0, 5, 5}, 3}});
  EXPECT_NEAR(missing.per_class_ap().at(3), 0.0, 1e-12);
  EXPECT_NEAR(missing.mean_ap(), (1.0 + 0.0) / 2, 1e-9);
}

TEST(ClassMapAgreement, PixelShareAndPerClassIoU) {
  ClassMap r{2, 2, {0, 0, 1, 1}}, d{2, 2, {0, 1, 1, 1}};
  ClassMapAgreement a;
  a.Add(r, d);
  EXPECT_NEAR(a.pixel_agreement(), 0.75, 1e-12);
  EXPECT_NEAR(a.iou(0), 1.0 / 2.0, 1e-12);  // class 0: 1 shared of 2
  EXPECT_NEAR(a.iou(1), 2.0 / 3.0, 1e-12);  // class 1: 2 shared of 3
  EXPECT_NEAR(a.mean_iou(), (0.5 + 2.0 / 3.0) / 2, 1e-12);
  EXPECT_THROW(a.Add(r, ClassMap{1, 1, {0}}), std::exception);
}

TEST(ClassMap, ScaledToTheImageByNearestPixelRoundingDown) {
  ClassMap m{2, 2, {1, 2, 3, 4}};
  ClassMap s = ScaleClassMap(m, 3, 3);
  // x or y = 0 -> 0, 1 -> 2/3 -> 0, 2 -> 4/3 -> 1.
  EXPECT_EQ(s.classes, (std::vector<int32_t>{1, 1, 2, 1, 1, 2, 3, 3, 4}));
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

TEST(ScoreCalibration, SigmoidOfTheTransformedScoreWithDefaults) {
  ScoreCalibration c;
  c.default_score = 0.1f;
  c.per_class = {CalibrationParams{0.9f, 2.0f, -1.0f, std::nullopt}, std::nullopt,
                 CalibrationParams{1.0f, 1.0f, 0.0f, 0.4f}};
  // Identity: z = 2 * 0.5 - 1 = 0, so 0.9 / (1 + e^0) = 0.45.
  EXPECT_NEAR(CalibrateScore(c, 0, 0.5f), 0.45f, 1e-6);
  // A class whose line is empty, or past the file, scores the default.
  EXPECT_FLOAT_EQ(CalibrateScore(c, 1, 0.9f), 0.1f);
  EXPECT_FLOAT_EQ(CalibrateScore(c, 7, 0.9f), 0.1f);
  // Under the class's min_score: the default.
  EXPECT_FLOAT_EQ(CalibrateScore(c, 2, 0.3f), 0.1f);
  // Inverse logistic of 0.75 is ln 3; 1 / (1 + e^-ln 3) = 0.75 again.
  c.transform = ScoreTransform::kInverseLogistic;
  EXPECT_NEAR(CalibrateScore(c, 2, 0.75f), 0.75f, 1e-6);
  // Log of e^-1 is -1: z = 2 * -1 - 1 = -3.
  c.transform = ScoreTransform::kLog;
  EXPECT_NEAR(CalibrateScore(c, 0, std::exp(-1.0f)), 0.9 / (1 + std::exp(3.0)), 1e-6);
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// Outputs with these shapes and no metadata or post-processing node to go by.
Model ModelWithOutputs(const std::vector<std::vector<int32_t>>& shapes) {
  Model m;
  m.buffers.push_back({});
  Subgraph g;
  for (const auto& s : shapes) {
    Tensor t;
    t.name = "out" + std::to_string(g.tensors.size());
    t.shape = s;
    g.outputs.push_back(static_cast<int32_t>(g.tensors.size()));
    g.tensors.push_back(t);
  }
  m.subgraphs.push_back(g);
  return m;
}

TEST(DetectorOutputs, SsdAndEfficientDetLiteOrdersByShape) {
  // SSD: boxes, classes, scores, count.
  auto ssd = FindDetectorOutputs(ModelWithOutputs({{1, 10, 4}, {1, 10}, {1, 10}, {1}}));
  ASSERT_TRUE(ssd);
  EXPECT_EQ(ssd->boxes, 0u);
  EXPECT_EQ(ssd->classes, 1u);
  EXPECT_EQ(ssd->scores, 2u);
  EXPECT_EQ(ssd->count, 3u);
  EXPECT_EQ(ssd->max_detections, 10);
  // EfficientDet-Lite (Model Maker): scores, boxes, count, classes.
  auto eff = FindDetectorOutputs(ModelWithOutputs({{1, 25}, {1, 25, 4}, {1}, {1, 25}}));
  ASSERT_TRUE(eff);
  EXPECT_EQ(eff->scores, 0u);
  EXPECT_EQ(eff->boxes, 1u);
  EXPECT_EQ(eff->count, 2u);
  EXPECT_EQ(eff->classes, 3u);
  EXPECT_EQ(eff->found_by, "output shapes");
  // Not detectors: a classifier, and four outputs of the wrong shapes.
  EXPECT_FALSE(FindDetectorOutputs(ModelWithOutputs({{1, 1001}})));
  EXPECT_FALSE(FindDetectorOutputs(ModelWithOutputs({{1, 10, 4}, {1, 9}, {1, 10}, {1}})));
}

TEST(Detections, EfficientDetLiteRowsDecodeToPixelBoxesInOrderUntilTheCount) {
  DetectorOutputs o;  // SSD's [top, left, bottom, right] ratios
  DetectorValues v;
  v.boxes = {0.1f, 0.2f, 0.5f, 0.6f, 0.0f, 0.0f, 1.0f, 1.0f, 0.3f, 0.3f, 0.4f, 0.4f};
  v.classes = {2, 0, 1};
  v.scores = {0.9f, 0.5f, 0.4f};
  v.count = 2;  // the third row is past the count
  DetectOptions none;
  auto d = DecodeDetections(v, o, 200, 100, none, {"a", "b", "c"});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].label, "c");
  EXPECT_FLOAT_EQ(d[0].box.left, 0.2f * 200);
  EXPECT_FLOAT_EQ(d[0].box.top, 0.1f * 100);
  EXPECT_FLOAT_EQ(d[0].box.right, 0.6f * 200);
  EXPECT_FLOAT_EQ(d[0].box.bottom, 0.5f * 100);
  PixelBox p = ToPixelBox(d[0].box);
  EXPECT_EQ(p.x, 40);
  EXPECT_EQ(p.width, 80);
  DetectOptions strict;
  strict.score_threshold = 0.5f;  // kept only above it, as the Task Library
  EXPECT_EQ(DecodeDetections(v, o, 200, 100, strict, {}).size(), 1u);
  // A metadata box layout: [left, top, width, height] in pixels.
  o.box.index = {0, 1, 2, 3};
  o.box.type = BoxType::kUpperLeft;
  o.box.coordinates = BoxCoordinates::kPixel;
  v.boxes = {10, 20, 30, 40, 0, 0, 1, 1, 0, 0, 1, 1};
  auto px = DecodeDetections(v, o, 200, 100, none, {});
  EXPECT_FLOAT_EQ(px[0].box.right, 40.0f);
  EXPECT_FLOAT_EQ(px[0].box.bottom, 60.0f);
}

}  // namespace
}  // namespace tfd
