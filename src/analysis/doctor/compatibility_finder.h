#pragma once
// Compatibility: will the deployed model load and run on each target? A
// target where it does not (an op it lacks, a Flex or custom op, a runtime
// too old for an op version) is a hard failure, whatever the accuracy.
#include <optional>
#include <string>
#include <vector>

#include "analysis/doctor/doctor_result.h"
#include "graph/model.h"

namespace tfd::doctor {

struct CompatibilityFindings {
  std::vector<Cause> causes;  // one per target the model fails on
  std::optional<RuledOut> ruled_out;
  std::vector<TargetRow> rows;
  std::vector<std::string> notes;  // warnings on targets it runs on (numerics, fallbacks)
};

// `targets` empty: the stock TFLite runtime and its XNNPACK delegate (the
// CPU default). tfd::Error for an unknown target.
CompatibilityFindings FindCompatibility(const Model& deployed, const std::string& rules_dir,
                                        const std::vector<std::string>& targets);

}  // namespace tfd::doctor
