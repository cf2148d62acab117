#pragma once
// The audit's measuring step: candidate pipelines run over a dataset that is
// streamed (each item decoded once and given to every candidate, then
// dropped), each candidate's metrics summed with their Poisson bootstrap.
// Memory: one decoded item, one reference output, and per candidate a few
// sums and kBootstrapReplicates replicates per metric, whatever the
// dataset's size.
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/preprocess.h"
#include "data/preprocess/bootstrap.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"

namespace tfd {

// One candidate's sums over the items it ran on (a failed candidate stops
// at its first failure and keeps what it had).
struct CandidateScores {
  bool ok = true;
  std::string error;
  size_t items = 0, labeled = 0;
  // Sums; divide by items (confidence, agreement, sqnr_db) or labeled.
  double accuracy = 0, label_prob = 0, agreement = 0, sqnr_db = 0, confidence = 0;
  // Per-item values, bootstrapped (same weights per item for every candidate).
  BootstrapMean boot_accuracy, boot_label_prob, boot_agreement, boot_sqnr_db, boot_confidence;
};

struct ScoringPass {
  std::vector<CandidateScores> scores;  // one per spec, in order
  std::vector<BadItem> unreadable;      // files that could not be decoded
  std::vector<BadItem> reference_failed;  // items the reference could not run on
  std::vector<size_t> left_out;         // their indices in the dataset, ascending
  size_t decoded = 0;                   // items decoded
  size_t labeled = 0;                   // decoded items whose label the model knows
  size_t usable = 0;                    // decoded items the candidates ran on
};

struct ScoringOptions {
  bool skip_bad = false;
  // Items known bad from an earlier pass (ascending): not decoded again.
  const std::vector<size_t>* left_out = nullptr;
  Progress progress;  // per item
};

// Runs every spec through `model` on every item (with the cast the audit
// allows), and `reference` with its expected pipeline when given. Without
// skip_bad, an unreadable item or one the reference cannot run on is a
// tfd::Error naming them all (the unreadable ones first), as before the
// data was streamed.
ScoringPass ScoreCandidates(ModelSession& model, ModelSession* reference, const Dataset& dataset,
                            const std::vector<PreprocessSpec>& specs, const ScoringOptions& options);

}  // namespace tfd
