#pragma once
// Step 3 of `tradeoffs`: mixed precision to a budget. The smallest set of
// layers to keep in float so that the int8 model meets the budget on the
// evaluation data: layers ranked by what each alone costs at the outputs
// (compare's impact: the float run with only that layer's own int8 error
// added), added in that order until a candidate meets the budget (each one
// written and run over the data), then each layer of the set dropped again
// while the rest still meets it, until no single layer can go: the final
// set is minimal (removing any one misses the budget) and no larger than
// the smallest top-K-by-impact set that meets it.
#include <optional>
#include <string>
#include <vector>

#include "analysis/tradeoffs/budget.h"
#include "analysis/tradeoffs/measurement.h"
#include "analysis/tradeoffs/variants.h"

namespace tfd::tradeoffs {

struct RankedLayer {
  int node = -1;  // in the folded float model (VariantWriter::folded())
  std::string op;
  std::string tensor;           // its output, as compare names it
  double impact_sqnr_db = 0;    // the outputs with only this layer's error (lower: costs more)
  bool impact_measured = false;
  double added_noise = 0;       // its own error at its output (noise/signal), the tie-breaker
  bool runnable_in_float = true;  // false: the --target cannot run this node in float; never chosen
};

struct RankOptions {
  int samples = 16;        // calibration samples compare runs both models on, spread evenly
  int impact_samples = 8;  // of which each layer's error is carried to the outputs on
};

// Every node of the float model, most costly first: the int8 model's
// layers by impact, mapped to the float nodes that produce them; then those
// compare could not measure (no partner tensor), in graph order. With all
// of them kept in float the model is the float model again.
std::vector<RankedLayer> RankLayersByImpact(const Model& folded_float, const Model& int8,
                                            const std::vector<quantize::CalibrationSample>& samples,
                                            const RankOptions& options = {});

// Marks the layers whose float node `target` does not take (its check of
// the float model): a target that cannot run a node in float.
void MarkFloatRunnable(std::vector<RankedLayer>& ranking, const Model& folded_float, const compat::RuleBook& book,
                       const compat::TargetSpec& target);

struct MixedCandidate {
  std::vector<int> nodes;  // sorted
  // Over every item when met; a candidate that misses stops where the
  // budget went out of reach (measurement.complete false).
  Measurement measurement;
  bool met = false;
  std::string step;  // "add", "drop"
};

struct MixedSearchResult {
  Budget budget;
  std::vector<RankedLayer> ranking;
  bool int8_met = false;      // full int8 already met the budget: nothing kept in float
  size_t top_k = 0;           // the first K runnable layers of the ranking that met it (0 when int8 did or none did)
  bool met = false;
  std::vector<int> nodes;     // the final set, sorted
  Variant variant;            // the final set written as mixed.tflite
  Measurement measurement;    // its figures on the evaluation data
  std::vector<MixedCandidate> candidates;  // every set run, in order
  std::string note;           // one line when the budget cannot be met
};

// `int8` is the full int8 model's measurement (Write("int8") measured).
// Candidates are written to OUT_DIR/mixed-candidate-<n>.tflite (removed at
// the end), the result to OUT_DIR/mixed.tflite.
MixedSearchResult SearchMixedPrecision(VariantWriter& writer, const FloatReference& reference, const Budget& budget,
                                       const Measurement& int8, std::vector<RankedLayer> ranking);

// One candidate: int8 with `nodes` kept in float, written to OUT_DIR/FILE
// and measured over every item (for tests holding a set against the
// budget); with `stop`, until the budget is out of reach.
Measurement MeasureMixed(VariantWriter& writer, const FloatReference& reference, const std::vector<int>& nodes,
                         const std::string& file_name, const EarlyStop* stop = nullptr);

}  // namespace tfd::tradeoffs
