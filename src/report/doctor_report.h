#pragma once
// doctor's reports: the terminal summary (80 columns, the verdict in the
// first three lines), the JSON with every figure (schema/doctor_report.schema.json)
// and the self-contained HTML report (doctor_html.h).
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/doctor/doctor_result.h"

namespace tfd {

std::string DoctorText(const doctor::DoctorResult& result);
nlohmann::json DoctorJson(const doctor::DoctorResult& result);

// The scheme trade-offs doctor measured, one row per scheme (each cell as
// text: scheme, size, output SQNR, top-1 agreement, within the budget),
// for the terminal and the HTML table.
std::vector<std::array<std::string, 5>> SchemeRows(const tradeoffs::TradeoffsResult& t);

// `text` wrapped to `width` columns, continuation lines indented by `indent`.
std::string WrapColumns(const std::string& text, size_t width, size_t first_indent, size_t indent);

}  // namespace tfd
