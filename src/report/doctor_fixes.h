#pragma once
// doctor --fix OUT_DIR: the fixes doctor made (the corrected preprocessing
// spec, a re-quantized model) written out, and, in OUT_DIR/CHANGES.txt,
// what a person must change (an op a target lacks, with the check finding).
#include <string>

#include "analysis/doctor/doctor_result.h"

namespace tfd {

// Fills result.fixes_written and result.manual_fixes, and adds where each
// fix went to its cause. tfd::Error naming a file that cannot be written.
void WriteDoctorFixes(const std::string& dir, doctor::DoctorResult& result);

}  // namespace tfd
