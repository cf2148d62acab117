#pragma once
// doctor's HTML report: one self-contained file (inline CSS and SVG, no
// script, nothing fetched) with the verdict, a section per cause, the kinds
// ruled out, a per-layer error chart (each layer's own error and its impact
// at the outputs, the worst layers marked), range histograms of the suspect
// layers against their representable range, the preprocessing candidates
// ranked, the reference-vs-deployed top-1 confusion and the check table.
#include <string>

#include "analysis/doctor/doctor_result.h"

namespace tfd {

std::string DoctorHtml(const doctor::DoctorResult& result);

}  // namespace tfd
