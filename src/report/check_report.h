#pragma once
// `check`: the compatibility verdicts as one JSON object, and as text for people.
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/compat/engine.h"

namespace tfd {

// {"targets": [{"target", "runs", "min_runtime_version" (tflite only),
//   "delegated_ops", "total_ops", "partitions", ..., "findings": [{"node",
//   "op", "severity", "reason", "fix", "output_tensor", "target", ...}]}]}
nlohmann::json CheckJson(const compat::CheckResult& result);

// Per target a verdict line, then its findings (errors first) with fixes.
std::string CheckText(const nlohmann::json& check);

}  // namespace tfd
