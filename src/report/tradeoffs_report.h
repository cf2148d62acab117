#pragma once
// `tradeoffs`: the variants side by side as one JSON object, and as a text
// table for people.
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/tradeoffs/tradeoffs.h"

namespace tfd {

// {"model", "data", "items", "labeled", "budget": {"kind", "value", "given",
//  "text"}, "arithmetic", "target", "variants": [{"scheme", "file",
//  "size_bytes", "latency_ms", "sqnr_db", "agreement", "agreement_ci",
//  "accuracy", "accuracy_ci", "float_layers": [{"node", "op", "tensor"}],
//  "targets", "within_budget", "error"}], "mixed": {...} | null,
//  "recommended": scheme | null, "recommendation", "warnings"}.
// The float model is the first variant ("float"); figures a row lacks
// (not written, no labels, SQNR of identical outputs) are null.
nlohmann::json TradeoffsJson(const tradeoffs::TradeoffsResult& result);

// The table, the mixed-precision set and the recommendation line.
std::string TradeoffsText(const tradeoffs::TradeoffsResult& result);

}  // namespace tfd
