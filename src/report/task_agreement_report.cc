#include "report/task_agreement_report.h"

#include <algorithm>

#include <fmt/format.h>

namespace tfd {
namespace {

std::string ClassName(int c, const std::vector<std::string>& labels) {
  return c >= 0 && static_cast<size_t>(c) < labels.size() ? labels[static_cast<size_t>(c)] : "#" + std::to_string(c);
}

}  // namespace

std::string DetectionAgreementText(const DetectionAgreement& a, float threshold) {
  std::string out = fmt::format(
      "\nDetections (scores above {:.2f}; matched by class and box IoU >= 0.5), over {} image{}:\n", threshold,
      a.images, a.images == 1 ? "" : "s");
  out += fmt::format("  reference {}, deployed {}: found in both {} ({:.1f}% of the reference's), lost {}, spurious {}\n",
                     a.reference_detections, a.deployed_detections, a.found_in_both, 100.0 * a.recall_of_reference(),
                     a.lost, a.spurious);
  if (a.found_in_both)
    out += fmt::format("  matched boxes: IoU mean {:.3f}, min {:.3f}; score deployed - reference: mean {:+.3f}, mean |.| "
                       "{:.3f}, max |.| {:.3f}\n",
                       a.mean_iou(), a.iou_min, a.mean_score_diff(), a.mean_abs_score_diff(), a.abs_score_diff_max);
  return out;
}

nlohmann::json DetectionAgreementJson(const DetectionAgreement& a, float threshold) {
  return {{"score_threshold", threshold},
          {"images", a.images},
          {"reference_detections", a.reference_detections},
          {"deployed_detections", a.deployed_detections},
          {"found_in_both", a.found_in_both},
          {"lost", a.lost},
          {"spurious", a.spurious},
          {"mean_iou", a.mean_iou()},
          {"min_iou", a.found_in_both ? a.iou_min : 0.0},
          {"mean_score_diff", a.mean_score_diff()},
          {"mean_abs_score_diff", a.mean_abs_score_diff()},
          {"max_abs_score_diff", a.abs_score_diff_max}};
}

std::string ClassMapAgreementText(const ClassMapAgreement& a, const std::vector<std::string>& labels) {
  std::string out = fmt::format("\nSegmentation (class per pixel), over {} image{}:\n", a.images, a.images == 1 ? "" : "s");
  out += fmt::format("  pixels given the same class: {:.2f}%; mean IoU over {} classes: {:.3f}\n", 100.0 * a.pixel_agreement(),
                     a.per_class.size(), a.mean_iou());
  // Worst classes first: where the deployed model's pixels differ most.
  std::vector<std::pair<double, int32_t>> by_iou;
  for (const auto& [c, counts] : a.per_class) by_iou.push_back({a.iou(c), c});
  std::sort(by_iou.begin(), by_iou.end());
  for (const auto& [iou, c] : by_iou) {
    const auto& n = a.per_class.at(c);
    out += fmt::format("  {:<20} IoU {:.3f}  pixels: reference {}, deployed {}\n", ClassName(c, labels), iou, n.reference,
                       n.deployed);
  }
  return out;
}

nlohmann::json ClassMapAgreementJson(const ClassMapAgreement& a, const std::vector<std::string>& labels) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& [c, n] : a.per_class)
    classes.push_back({{"class", c},
                       {"label", static_cast<size_t>(c) < labels.size() && c >= 0 ? nlohmann::json(labels[static_cast<size_t>(c)]) : nlohmann::json()},
                       {"iou", a.iou(c)},
                       {"reference_pixels", n.reference},
                       {"deployed_pixels", n.deployed}});
  return {{"images", a.images}, {"pixels", a.pixels}, {"pixel_agreement", a.pixel_agreement()}, {"mean_iou", a.mean_iou()},
          {"classes", classes}};
}

nlohmann::json AveragePrecisionJson(const AveragePrecision& ap, const std::vector<std::string>& labels) {
  nlohmann::json per = nlohmann::json::array();
  for (const auto& [c, v] : ap.per_class_ap())
    per.push_back({{"class", c}, {"label", ClassName(c, labels)}, {"ap", v}});
  return {{"labelled_boxes", ap.labelled()}, {"precision", ap.precision()}, {"recall", ap.recall()},
          {"map_50", ap.mean_ap()}, {"per_class", per}};
}

}  // namespace tfd
