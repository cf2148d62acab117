#pragma once
// Running a model over a dataset: accuracy against labels, and agreement and
// SQNR against a reference model fed its own preprocessing.
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

struct LoadedItem {
  std::string path;
  std::string label;
  Sample sample;
};

struct BadItem {
  std::string path;
  std::string error;
};

struct LoadedData {
  std::vector<LoadedItem> items;
  std::vector<BadItem> bad;
  size_t total = 0;
};

// Decodes every item. Unreadable ones are collected in `bad`.
LoadedData LoadItems(const Dataset& dataset, const Progress& progress = {});

// When there are bad items and the user did not ask to skip them: tfd::Error
// with how many failed and the first reasons.
void RequireNoBad(const std::vector<BadItem>& bad, size_t total, bool skip_bad);

struct EvalItem {
  std::string path;
  std::string label;
  int label_index = -1;  // -1: unlabeled or not among the model's labels
  std::vector<int> top5;
  float top1_score = 0;
  float true_prob = 0;  // probability of the label (when labeled)
  // With a reference:
  int ref_top1 = -1;
  double sqnr_db = 0;
  double signal = 0, noise = 0;
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
};

struct EvalOptions {
  PreprocessSpec spec;
  bool allow_cast = false;
  std::optional<PreprocessSpec> reference_spec;
  bool skip_bad = false;
  Progress progress;
};

// Runs `model` (and `reference`, if given) on every item.
EvalResult Evaluate(ModelSession& model, ModelSession* reference, const Dataset& dataset, const EvalOptions& options);
// Same, on items already decoded (bad items already handled).
EvalResult EvaluateLoaded(ModelSession& model, ModelSession* reference, const std::vector<LoadedItem>& items,
                          const EvalOptions& options);

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
