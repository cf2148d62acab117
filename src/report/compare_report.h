#pragma once
// Rendering a comparison: a table for terminals (worst layers first), JSON
// with every number, and CSV with one row per layer.
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/compare/compare.h"

namespace tfd {

nlohmann::json CompareJson(const CompareResult& result);
std::string CompareText(const CompareResult& result, size_t max_layers = 15);
// Columns TFLite's QuantizationDebugger users know, plus SQNR and clipping.
std::string CompareCsv(const CompareResult& result);

}  // namespace tfd
