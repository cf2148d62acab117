// Matching, AP and class-map agreement on hand-made cases whose answers are
// worked out in the comments.
#include <gtest/gtest.h>

#include "analysis/detection/matching.h"
#include "analysis/segmentation/agreement.h"
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
