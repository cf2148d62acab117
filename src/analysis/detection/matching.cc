#include "analysis/detection/matching.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tfd {

double BoxIoU(const Box& a, const Box& b) {
  const double iw = std::min(a.right, b.right) - std::max(a.left, b.left);
  const double ih = std::min(a.bottom, b.bottom) - std::max(a.top, b.top);
  if (iw <= 0 || ih <= 0) return 0;
  const double inter = iw * ih;
  const double area_a = static_cast<double>(a.width()) * a.height(), area_b = static_cast<double>(b.width()) * b.height();
  const double uni = area_a + area_b - inter;
  return uni > 0 ? inter / uni : 0;
}

MatchResult MatchDetections(const std::vector<Detection>& reference, const std::vector<Detection>& deployed,
                            double min_iou) {
  struct Candidate {
    double iou;
    size_t r, d;
  };
  std::vector<Candidate> candidates;
  for (size_t r = 0; r < reference.size(); ++r)
    for (size_t d = 0; d < deployed.size(); ++d) {
      if (reference[r].class_index != deployed[d].class_index) continue;
      double iou = BoxIoU(reference[r].box, deployed[d].box);
      if (iou >= min_iou) candidates.push_back({iou, r, d});
    }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.iou > b.iou; });
  std::vector<bool> ref_taken(reference.size()), dep_taken(deployed.size());
  MatchResult m;
  for (const Candidate& c : candidates) {
    if (ref_taken[c.r] || dep_taken[c.d]) continue;
    ref_taken[c.r] = dep_taken[c.d] = true;
    m.matched.push_back({c.r, c.d, c.iou});
  }
  for (size_t r = 0; r < reference.size(); ++r)
    if (!ref_taken[r]) m.lost.push_back(r);
  for (size_t d = 0; d < deployed.size(); ++d)
    if (!dep_taken[d]) m.spurious.push_back(d);
  return m;
}

void DetectionAgreement::Add(const std::vector<Detection>& reference, const std::vector<Detection>& deployed,
                             const MatchResult& m) {
  images++;
  reference_detections += reference.size();
  deployed_detections += deployed.size();
  found_in_both += m.matched.size();
  lost += m.lost.size();
  spurious += m.spurious.size();
  for (const DetectionMatch& p : m.matched) {
    iou_sum += p.iou;
    iou_min = std::min(iou_min, p.iou);
    const double diff = static_cast<double>(deployed[p.deployed].score) - reference[p.reference].score;
    score_diff_sum += diff;
    abs_score_diff_sum += std::fabs(diff);
    abs_score_diff_max = std::max(abs_score_diff_max, std::fabs(diff));
  }
}

void AveragePrecision::Add(const std::vector<Detection>& detections, const std::vector<LabelledBox>& truth,
                           double min_iou) {
  for (const LabelledBox& t : truth) truth_count_[t.class_index]++;
  std::vector<size_t> order(detections.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return detections[a].score > detections[b].score; });
  std::vector<bool> claimed(truth.size());
  for (size_t i : order) {
    const Detection& d = detections[i];
    double best = min_iou;
    int best_truth = -1;
    for (size_t t = 0; t < truth.size(); ++t) {
      if (claimed[t] || truth[t].class_index != d.class_index) continue;
      double iou = BoxIoU(d.box, truth[t].box);
      if (iou >= best) best = iou, best_truth = static_cast<int>(t);
    }
    if (best_truth >= 0) claimed[static_cast<size_t>(best_truth)] = true;
    by_class_[d.class_index].push_back({d.score, best_truth >= 0});
  }
}

size_t AveragePrecision::labelled() const {
  size_t n = 0;
  for (const auto& [c, k] : truth_count_) n += k;
  return n;
}

double AveragePrecision::precision() const {
  size_t tp = 0, all = 0;
  for (const auto& [c, v] : by_class_)
    for (const Scored& s : v) tp += s.true_positive, all++;
  return all ? static_cast<double>(tp) / static_cast<double>(all) : 0;
}

double AveragePrecision::recall() const {
  size_t tp = 0;
  for (const auto& [c, v] : by_class_)
    for (const Scored& s : v) tp += s.true_positive;
  size_t n = labelled();
  return n ? static_cast<double>(tp) / static_cast<double>(n) : 0;
}

std::map<int, double> AveragePrecision::per_class_ap() const {
  std::map<int, double> out;
  for (const auto& [cls, count] : truth_count_) {
    if (count == 0) continue;
    std::vector<Scored> v;
    if (auto it = by_class_.find(cls); it != by_class_.end()) v = it->second;
    std::stable_sort(v.begin(), v.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    std::vector<double> precision, recall;
    size_t tp = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      tp += v[i].true_positive;
      precision.push_back(static_cast<double>(tp) / static_cast<double>(i + 1));
      recall.push_back(static_cast<double>(tp) / static_cast<double>(count));
    }
    // Precision made monotone from the right, then summed over recall steps.
    for (size_t i = precision.size(); i-- > 1;) precision[i - 1] = std::max(precision[i - 1], precision[i]);
    double ap = 0, prev_recall = 0;
    for (size_t i = 0; i < precision.size(); ++i) {
      ap += (recall[i] - prev_recall) * precision[i];
      prev_recall = recall[i];
    }
    out[cls] = ap;
  }
  return out;
}

double AveragePrecision::mean_ap() const {
  auto per = per_class_ap();
  if (per.empty()) return 0;
  double sum = 0;
  for (const auto& [c, ap] : per) sum += ap;
  return sum / static_cast<double>(per.size());
}

}  // namespace tfd
