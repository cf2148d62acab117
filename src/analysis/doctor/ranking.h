#pragma once
// Ranking the causes: a hard failure (the model does not load on a target)
// first, then by what each costs, worst first. Only causes whose cost's 95%
// interval excludes zero reach here (the finders hold the noise level); a
// kind with a cause is neither ruled out nor undecided.
#include "analysis/doctor/doctor_result.h"

namespace tfd::doctor {

void RankCauses(DoctorResult& result);

// The one-line verdict, from the ranked causes.
std::string VerdictLine(const DoctorResult& result);

}  // namespace tfd::doctor
