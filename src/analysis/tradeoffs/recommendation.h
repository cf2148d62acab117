#pragma once
// Step 4 of `tradeoffs`: the cheapest variant within the budget for the
// target. Cheapest is the smallest file (deterministic, and what the
// schemes trade for accuracy), then the lowest latency; a variant counts
// only if it was written, meets the budget on the evaluation data and (with
// --target) the target runs it. The float model is the answer of last
// resort: it always meets an agreement budget.
#include <string>
#include <vector>

#include "analysis/tradeoffs/budget.h"
#include "analysis/tradeoffs/measurement.h"
#include "analysis/tradeoffs/variants.h"

namespace tfd::tradeoffs {

struct Row {
  std::string scheme;  // "float" for the float model itself
  std::string file;
  size_t size_bytes = 0;
  bool measured = false;
  Measurement measurement;
  std::vector<std::string> targets;  // that run it
  std::vector<FloatLayer> float_layers;  // mixed: the layers kept in float
  std::string error;                      // why there are no figures (one line)
  bool within_budget = false;
};

struct Recommendation {
  std::string scheme;  // "" when nothing qualifies
  std::string reason;  // one line
};

// `target`: "" for any target.
Recommendation Recommend(const std::vector<Row>& rows, const Budget& budget, const std::string& target);

}  // namespace tfd::tradeoffs
