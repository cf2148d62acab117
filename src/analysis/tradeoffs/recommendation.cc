#include "analysis/tradeoffs/recommendation.h"

#include <algorithm>

#include <fmt/format.h>

namespace tfd::tradeoffs {

Recommendation Recommend(const std::vector<Row>& rows, const Budget& budget, const std::string& target) {
  const Row* best = nullptr;
  for (const Row& row : rows) {
    if (!row.measured || !row.within_budget) continue;
    if (!target.empty() && std::find(row.targets.begin(), row.targets.end(), target) == row.targets.end()) continue;
    if (!best || row.size_bytes < best->size_bytes ||
        (row.size_bytes == best->size_bytes && row.measurement.latency_ms < best->measurement.latency_ms))
      best = &row;
  }
  Recommendation r;
  const std::string on = target.empty() ? "" : " that " + target + " runs";
  if (!best) {
    r.reason = fmt::format("no variant{} meets {}", on, budget.Describe());
    return r;
  }
  r.scheme = best->scheme;
  r.reason = fmt::format("{}: the smallest file{} within {} ({} bytes, agreement {:.1f}%, {:.2f} dB)", best->scheme, on,
                         budget.Describe(), best->size_bytes, 100 * best->measurement.agreement,
                         best->measurement.sqnr_db);
  return r;
}

}  // namespace tfd::tradeoffs
