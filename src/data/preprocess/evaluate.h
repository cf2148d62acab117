#pragma once
// Running a model over a dataset: accuracy against labels, and agreement and
// SQNR against a reference model fed its own preprocessing.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "data/preprocess/session.h"
#include "data/dataset.h"
#include "data/preprocess.h"

namespace tfd {

using Progress = std::function<void(size_t done, size_t total, const std::string& item)>;

struct BadItem {
  std::string path;
  std::string error;
};

// When there are bad items and the user did not ask to skip them: tfd::Error
// with how many failed and the first reasons.
void RequireNoBad(const std::vector<BadItem>& bad, size_t total, bool skip_bad);

// What the report keeps of each item: small, so that a run over 50,000
// items holds a few MB (the decoded items are never kept).
struct EvalItem {
  size_t index = 0;      // position in the dataset listing (its path and label)
  int label_index = -1;  // -1: unlabeled or not among the model's labels
  int ref_top1 = -1;     // with a reference
  float top1_score = 0;
  float true_prob = 0;  // probability of the label (when labeled)
  std::array<int32_t, 5> top5_index{};
  uint8_t top5_count = 0;
  double sqnr_db = 0;  // with a reference
  std::vector<int> top5() const { return {top5_index.begin(), top5_index.begin() + top5_count}; }
};

struct ClassStats {
  std::string label;
  int index = -1;
  size_t count = 0;
  size_t top1 = 0;
  size_t top5 = 0;
};

struct EvalResult {
  size_t total = 0;  // items in the dataset
  std::vector<EvalItem> items;
  std::vector<BadItem> bad;
  size_t labeled = 0;          // items whose label maps to a model label
  std::vector<std::string> unmapped_labels;  // dataset labels the model does not know
  double top1 = 0, top5 = 0;   // over labeled items
  double mean_true_prob = 0;
  double mean_confidence = 0;  // mean top-1 probability
  std::vector<ClassStats> per_class;
  std::map<std::pair<int, int>, size_t> confusion;  // (label index, predicted index) -> count
  bool has_reference = false;
  double agreement = 0;  // top-1 agreement with the reference
  double sqnr_db = 0;    // pooled over all items
  double mean_sqnr_db = 0, min_sqnr_db = 0;
  size_t unmapped_items = 0;  // labelled items whose label the model does not know
  // The report must say first that accuracy covers only part of the data.
  bool warn_unmapped() const;
};

struct EvalOptions {
  PreprocessSpec spec;
  bool allow_cast = false;
  std::optional<PreprocessSpec> reference_spec;
  bool skip_bad = false;
  Progress progress;
};

// Runs `model` (and `reference`, if given) on every item, streamed: one
// decoded item in memory at a time. An item that cannot be decoded or fed
// stops the run (after the others are checked, so that the error names them
// all) unless options.skip_bad.
EvalResult Evaluate(ModelSession& model, ModelSession* reference, const Dataset& dataset, const EvalOptions& options);

}  // namespace tfd

namespace tfd {

// A one-line progress bar on stderr when it is a terminal (nothing
// otherwise); cleared when done reaches total.
Progress TerminalProgressBar(const std::string& what);

// `arg` is "auto" (the model's expectation) or a JSON spec file.
struct ResolvedSpec {
  PreprocessSpec spec;
  bool is_auto = false;
  std::string description;  // "auto (metadata): ..." or "FILE: ..."
};
ResolvedSpec ResolveSpec(const std::string& arg, const ModelSession& session);

}  // namespace tfd
