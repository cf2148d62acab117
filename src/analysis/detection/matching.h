#pragma once
// What a user of a detector sees change between two models: the objects
// found by both (same class, boxes overlapping), those the deployed model
// lost and those it made up, how far the matched boxes moved (IoU) and how
// their scores changed. And, against labelled boxes, precision, recall and
// average precision at IoU 0.5.
#include <cstddef>
#include <map>
#include <vector>

#include "data/detection/detections.h"

namespace tfd {

// Intersection over union of two boxes; 0 when either is empty.
double BoxIoU(const Box& a, const Box& b);

struct DetectionMatch {
  size_t reference = 0, deployed = 0;  // indices into the two lists
  double iou = 0;
};

struct MatchResult {
  std::vector<DetectionMatch> matched;
  std::vector<size_t> lost;      // reference detections without a partner
  std::vector<size_t> spurious;  // deployed detections without a partner
};

// Pairs of the same class whose IoU is at least `min_iou`, taken greedily
// from the highest IoU down; each detection is in at most one pair.
MatchResult MatchDetections(const std::vector<Detection>& reference, const std::vector<Detection>& deployed,
                            double min_iou = 0.5);

// Totals over many images.
struct DetectionAgreement {
  size_t images = 0;
  size_t reference_detections = 0, deployed_detections = 0;
  size_t found_in_both = 0, lost = 0, spurious = 0;
  double iou_sum = 0, iou_min = 1;
  double score_diff_sum = 0;      // deployed minus reference
  double abs_score_diff_sum = 0, abs_score_diff_max = 0;
  void Add(const std::vector<Detection>& reference, const std::vector<Detection>& deployed, const MatchResult& m);
  double mean_iou() const { return found_in_both ? iou_sum / static_cast<double>(found_in_both) : 0; }
  double mean_score_diff() const { return found_in_both ? score_diff_sum / static_cast<double>(found_in_both) : 0; }
  double mean_abs_score_diff() const { return found_in_both ? abs_score_diff_sum / static_cast<double>(found_in_both) : 0; }
  // Share of the reference's detections the deployed model also found.
  double recall_of_reference() const {
    return reference_detections ? static_cast<double>(found_in_both) / static_cast<double>(reference_detections) : 1;
  }
};

struct LabelledBox {
  Box box;
  int class_index = 0;
};

// Detections against labelled boxes over many images, at IoU 0.5: a
// detection is a true positive when it is the best-scoring one to claim a
// still unclaimed labelled box of its class (COCO / VOC's rule).
class AveragePrecision {
 public:
  void Add(const std::vector<Detection>& detections, const std::vector<LabelledBox>& truth, double min_iou = 0.5);
  // Over all classes at every score the detector gave.
  double precision() const;
  double recall() const;
  // Mean over the classes with labelled boxes of the area under each class's
  // precision-recall curve, precision made monotone (VOC 2010+ all points).
  double mean_ap() const;
  std::map<int, double> per_class_ap() const;
  size_t labelled() const;

 private:
  struct Scored {
    float score;
    bool true_positive;
  };
  std::map<int, std::vector<Scored>> by_class_;
  std::map<int, size_t> truth_count_;
};

}  // namespace tfd
