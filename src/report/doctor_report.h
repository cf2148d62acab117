#pragma once
// doctor's reports: the terminal summary (80 columns, the verdict in the
// first three lines), the JSON with every figure (schema/doctor_report.schema.json)
// and the self-contained HTML report (doctor_html.h).
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/doctor/doctor_result.h"

namespace tfd {

std::string DoctorText(const doctor::DoctorResult& result);
nlohmann::json DoctorJson(const doctor::DoctorResult& result);

// `text` wrapped to `width` columns, continuation lines indented by `indent`.
std::string WrapColumns(const std::string& text, size_t width, size_t first_indent, size_t indent);

}  // namespace tfd
