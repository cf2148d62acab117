#pragma once
// Preprocessing: does the pipeline the app declares feed the model what it
// expects? The audit runs the declared pipeline, the model's own and the
// plausible others on the data; the declared one is a cause when the best
// leads it beyond the paired-bootstrap noise, and its cost is that lead.
#include <optional>
#include <string>
#include <vector>

#include "analysis/doctor/doctor_result.h"
#include "data/dataset.h"
#include "data/preprocess.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"

namespace tfd::doctor {

struct PreprocessingFindings {
  std::optional<Cause> cause;
  std::optional<RuledOut> ruled_out;
  std::optional<Undecided> undecided;
  std::string metric;
  std::vector<PreprocessingCandidate> candidates;  // ranked
  std::optional<PreprocessSpec> corrected;         // the best pipeline, when it differs from the declared one
  size_t items = 0, labeled = 0;
  std::vector<std::string> notes;
};

// `reference` may be null (ranked by labels, else confidence). When the
// audit on the deployed model finds no loss and a float reference is given,
// the declared values are also tried on the reference itself (its own
// pipeline against the declared one): a deployed model whose answers are
// already wrong for another reason (quantization) cannot show what the
// pipeline costs.
PreprocessingFindings FindPreprocessing(ModelSession& deployed, ModelSession* reference, const Dataset& data,
                                        const PreprocessSpec& declared, bool skip_bad, Progress progress);

}  // namespace tfd::doctor
