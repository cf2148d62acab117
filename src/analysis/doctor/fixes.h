#pragma once
// --fix OUT_DIR: the fixes doctor can make itself (the corrected
// preprocessing spec, a re-quantized model) and, in OUT_DIR/CHANGES.txt,
// what a person must change (an op a target lacks, with the check finding).
#include <optional>
#include <string>

#include "analysis/doctor/doctor_result.h"
#include "data/preprocess.h"
#include "graph/model.h"

namespace tfd::doctor {

struct FixInputs {
  std::optional<PreprocessSpec> corrected_spec;  // when preprocessing is a cause
  const Model* requantized = nullptr;            // when quantization is a cause and a re-quantized model was made
  std::string float_model;                       // the reference file it was made from
};

// Fills result.fixes_written and result.manual_fixes. tfd::Error naming a
// file that cannot be written.
void WriteFixes(const std::string& dir, const FixInputs& inputs, DoctorResult& result);

}  // namespace tfd::doctor
