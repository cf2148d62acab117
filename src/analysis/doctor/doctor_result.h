#pragma once
// What `doctor` finds, as plain structs: the causes it measured (worst
// first), the kinds it looked for and ruled out, the ones it could not
// decide (and what to give it), and the details the reports draw (per-layer
// errors, range histograms, preprocessing candidates, the confusion between
// reference and deployed top-1, the check table).
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/tradeoffs/tradeoffs.h"
#include "data/preprocess.h"
#include "graph/model.h"

namespace tfd::doctor {

// The three kinds of cause, as the JSON names them.
inline constexpr const char* kPreprocessing = "preprocessing";
inline constexpr const char* kQuantization = "quantization";
inline constexpr const char* kCompatibility = "compatibility";

// A measured figure, named: {"top-1 agreement, declared pipeline", 0.41, "share"}.
struct Figure {
  std::string name;
  double value = 0;
  std::string unit;  // "share", "dB", "count", "points"
};

// What a cause costs, in the metric it was measured in. A hard failure (the
// model does not load on a target) has no points: it costs everything there.
struct Cost {
  bool hard_failure = false;
  std::string metric;  // "top-1 accuracy", "top-1 agreement with the reference", ...
  double points = 0;   // `metric` lost (positive: worse), in `unit`
  std::string unit = "points";  // "points" (percentage points of a share) or "dB"
  double lo = 0, hi = 0;  // its 95% paired-bootstrap interval
  // Top-1 accuracy or agreement lost, in points, where measured: what causes
  // are ranked by when their own metrics differ.
  std::optional<double> top1_points;
  size_t items = 0;       // items it was measured on
  std::string sentence;   // one line, with the figures
};

struct Cause {
  std::string kind;     // kPreprocessing, kQuantization, kCompatibility
  std::string summary;  // one line
  std::vector<std::string> evidence;  // sentences with the numbers that decide it, most telling first
  std::vector<Figure> figures;
  Cost cost;
  std::string fix;  // what to change (and, with --fix, what was written)
};

// A kind looked for and not found, with the measurement that rules it out.
struct RuledOut {
  std::string kind;
  std::string measurement;
};

// A kind the evidence cannot decide: why, and what to give doctor.
struct Undecided {
  std::string kind;
  std::string reason;
  std::string give;  // "--declared APP_SPEC.json", "--data DIR", ...
};

// ---- Details for the reports ----

struct LayerError {
  std::string tensor;  // deployed tensor
  std::string op;
  int node = -1;
  double own_sqnr_db = 0;  // the layer run alone (100 when exact)
  bool own_measured = false;
  double impact_sqnr_db = 0;  // its own error alone, carried to the outputs
  bool impact_measured = false;
  double full_sqnr_db = 0;  // in the full run (upstream error included)
  double clipped_share = 0;
  int suspect_rank = 0;  // 1 for the worst suspect; 0: not among the suspects shown
};

// Float values a suspect layer produced (reference run) against the range
// its deployed tensor can represent.
struct RangeHistogram {
  std::string tensor;
  double min = 0, max = 0;  // of the values seen
  std::vector<double> counts;  // equal bins over [min, max]
  double representable_min = 0, representable_max = 0;
  double clipped_share = 0;
};

struct PreprocessingCandidate {
  int rank = 0;
  std::string name;
  double score = 0;           // the ranking metric
  double lo = 0, hi = 0;      // its 95% interval
  bool declared = false, expected = false;
  bool ok = true;
};

struct TargetRow {
  std::string target;
  bool runs = false;
  int total_ops = 0, taken_ops = 0;
  int partitions = 0;
  std::string kind;  // runtime or delegate
  std::vector<std::string> errors;    // one line per error finding
  std::vector<std::string> warnings;  // one line per warning
};

// Reference top-1 (rows) against deployed top-1 (columns), over the classes
// either model chose most often; everything else pooled as "other".
struct Confusion {
  std::vector<std::string> classes;  // the last one may be "other"
  std::vector<std::vector<size_t>> counts;
  size_t items = 0;
  size_t agree = 0;
};

struct DoctorResult {
  std::string deployed;
  std::string reference;  // file, or "float shadow of DEPLOYED"
  std::string data;
  size_t items = 0;     // data items used
  size_t labeled = 0;   // of them, with a label the model knows
  std::string verdict;  // one line
  std::vector<Cause> causes;  // worst first
  std::vector<RuledOut> ruled_out;
  std::vector<Undecided> undecided;
  std::vector<std::string> notes;  // warnings that are not causes (numerics, few items)
  // Details.
  std::vector<LayerError> layers;
  std::vector<RangeHistogram> histograms;
  std::string preprocessing_metric;
  std::vector<PreprocessingCandidate> preprocessing;
  std::optional<Confusion> confusion;
  std::vector<TargetRow> targets;
  std::vector<Figure> outputs;  // output SQNR, agreement of the deployed model against the reference
  // What --fix wrote (paths) and what a person must change.
  // What --fix writes (the report layer writes it): the corrected spec when
  // preprocessing is a cause, the re-quantized model when quantization is
  // one and a re-quantized model was made (from `reference`).
  // The scheme trade-offs (`tradeoffs`: float16, dynamic, int8, int8
  // per-tensor, int16x8 from the float reference, measured on the same
  // items) when the float model and calibration data were given.
  std::optional<tradeoffs::TradeoffsResult> tradeoffs;
  std::optional<PreprocessSpec> corrected_spec;
  std::optional<Model> requantized;
  std::vector<std::string> fixes_written;
  std::vector<std::string> manual_fixes;
  // Seconds per step, in order.
  std::vector<std::pair<std::string, double>> timings;
};

}  // namespace tfd::doctor
