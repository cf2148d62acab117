#pragma once
// Cost measurement for quantization: the float reference re-quantized by
// tflite-doctor's quantizer (calibrated on the data given, mse ranges with
// bias correction), then the worst layers kept in float until the top-1
// agreement budget is met; each candidate run on the same items as the
// deployed model, so their agreements are paired item by item.
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/preprocess/bootstrap.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "graph/model.h"

namespace tfd::doctor {

// Paired difference a - b of a per-item 0/1 measure, in points with its 95%
// Poisson-bootstrap interval (the audit's seed and replicates).
struct PairedDifference {
  double points = 0, lo = 0, hi = 0;
  size_t items = 0;
};
PairedDifference Paired(const std::vector<size_t>& index, const std::vector<int>& a, const std::vector<int>& b);

// Per item of a run against the reference: top-1 agreement, and top-1
// correctness of both when the item's label is one the model knows.
struct ItemOutcomes {
  std::vector<size_t> index;  // dataset item index (the bootstrap's key)
  std::vector<int> agree;     // 1 when the model's top-1 equals the reference's
  std::vector<int> correct, reference_correct;  // -1: no label
  std::vector<double> sqnr_db;  // output 0's SQNR against the reference, capped (CappedSqnrDb)
  double agreement() const;
  double mean_sqnr_db() const;
};

// Paired difference a - b of a per-item value in its own unit (dB), with
// its 95% Poisson-bootstrap interval.
PairedDifference PairedValues(const std::vector<size_t>& index, const std::vector<double>& a,
                              const std::vector<double>& b);

ItemOutcomes OutcomesOf(const EvalResult& eval);

struct Requantized {
  Model model;
  std::vector<std::string> kept_float;  // reference tensors whose nodes stay float
  ItemOutcomes outcomes;
  double agreement = 0;
  std::vector<std::string> calibration_findings;  // the calibration audit's sentences
  std::string calibration_description;
  // Agreement after each step of the budget search: {layers kept, agreement}.
  std::vector<std::pair<size_t, double>> steps;
  double mean_sqnr_db = 0;  // output 0's, per item, against the reference
};

// `worst`: reference tensors, worst layer first. Keeps 0, 1, 2, 4, 8 of
// them in float until `budget` (top-1 agreement) is met, or none is given.
Requantized RequantizeReference(ModelSession& reference, const Dataset& data, const std::string& calibration,
                                size_t calibration_samples, const std::vector<std::string>& worst,
                                std::optional<double> budget, bool skip_bad, const Progress& progress);

}  // namespace tfd::doctor
