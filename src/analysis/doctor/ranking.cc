#include "analysis/doctor/ranking.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace tfd::doctor {

void RankCauses(DoctorResult& result) {
  std::stable_sort(result.causes.begin(), result.causes.end(), [](const Cause& a, const Cause& b) {
    if (a.cost.hard_failure != b.cost.hard_failure) return a.cost.hard_failure;
    // Top-1 points where both have them: a cost in dB of SQNR or in label
    // probability is not on the same scale as one in accuracy.
    const double pa = a.cost.top1_points.value_or(a.cost.points), pb = b.cost.top1_points.value_or(b.cost.points);
    return pa > pb;
  });
  std::set<std::string> decided;
  for (const auto& c : result.causes) decided.insert(c.kind);
  for (const auto& r : result.ruled_out) decided.insert(r.kind);
  std::vector<Undecided> undecided;
  std::set<std::string> seen;
  for (auto& u : result.undecided)
    if (!decided.count(u.kind) && seen.insert(u.kind).second) undecided.push_back(u);
  result.undecided = std::move(undecided);
  std::vector<RuledOut> ruled_out;
  std::set<std::string> found;
  for (const auto& c : result.causes) found.insert(c.kind);
  for (auto& r : result.ruled_out)
    if (!found.count(r.kind)) ruled_out.push_back(r);
  result.ruled_out = std::move(ruled_out);
}

std::string VerdictLine(const DoctorResult& result) {
  if (result.causes.empty()) {
    if (result.undecided.empty()) return "no cause found: every kind looked for is ruled out";
    std::string kinds;
    for (const auto& u : result.undecided) kinds += (kinds.empty() ? "" : ", ") + u.kind;
    return "no cause found above the noise; undecided: " + kinds + " (see what to give)";
  }
  const Cause& c = result.causes.front();
  std::string head = result.causes.size() == 1 ? "1 cause: " : fmt::format("{} causes, worst: ", result.causes.size());
  if (c.cost.hard_failure) return head + c.kind + " (" + c.cost.sentence + ")";
  return head + c.kind + fmt::format(" ({:.1f} {} of {})", c.cost.points, c.cost.unit, c.cost.metric);
}

}  // namespace tfd::doctor
