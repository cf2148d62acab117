#pragma once
// Is the model fed what it was trained on? (a) the declared pipeline against
// what the model says it expects, as plain sentences; (b) a data-driven
// search over candidate pipelines, ranked by accuracy (labels), else top-1
// agreement with a reference model, else prediction confidence.
#include <optional>
#include <string>
#include <vector>

#include "data/preprocess/bootstrap.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/expected.h"
#include "data/preprocess/session.h"

namespace tfd {

struct SpecDifference {
  std::string aspect;    // "values", "channel_order", "layout", "dtype", "quantization", "size", "resize", "fit"
  std::string sentence;  // "inputs are scaled to [0,1]; the model expects [-1,1] (TFLite metadata)"
};

// Differences of `declared` from `expected`, most consequential first.
std::vector<SpecDifference> CompareSpecs(const PreprocessSpec& declared, const ExpectedPreprocessing& expected);

// "[-1,1]" when every channel gets the same real range, else the spec's
// own description (per-channel mean/std).
std::string ValuesPhrase(const PreprocessSpec& spec, const InputTarget& target);

// With labels: top-1 accuracy, or on fewer than kMinItemsForTop1 labeled
// items the mean probability given to the true label (a handful of items
// makes top-1 too coarse to separate pipelines). With a reference: top-1
// agreement, or on few items the output SQNR against it. Else: the mean
// top-1 probability.
enum class RankBy { kAccuracy, kLabelProbability, kAgreement, kSqnr, kConfidence };
inline constexpr size_t kMinItemsForTop1 = 50;
std::string RankByName(RankBy r);  // "top-1 accuracy", "mean probability of the label", ...

struct AuditCandidate {
  std::string name;
  PreprocessSpec spec;
  bool declared = false;
  bool expected = false;
  int differences = 0;  // aspects differing from the expected pipeline
};

struct AuditCandidateResult {
  AuditCandidate candidate;
  bool ok = true;
  std::string error;
  size_t items = 0;
  // Every metric the data allows (0 when not available).
  double accuracy = 0;     // top-1, over labeled items
  double label_prob = 0;   // mean probability of the label
  double agreement = 0;    // top-1 agreement with the reference
  double sqnr_db = 0;      // mean output SQNR against the reference (capped at 100 dB)
  double confidence = 0;   // mean top-1 probability
  double primary = 0;      // the ranking metric
  double secondary = 0;    // its tie-break
  int rank = 0;            // 1-based
  // The spread of `primary` over the items (95% Poisson-bootstrap interval),
  // and of its difference to the incumbent's (the expected pipeline for
  // value pipelines, the best value pipeline for geometry variants) on the
  // same resampled items. `significant`: that interval excludes 0.
  Interval spread;
  double lead = 0;  // primary - the incumbent's
  Interval lead_spread;
  bool significant = false;
  BootstrapMean boot;  // the primary metric, per replicate
};

// What the data says about the expected pipeline.
enum class Verdict {
  kExpectedBest,   // the expected pipeline scores highest
  kInconclusive,   // another scores higher, within the noise: keep the expected one
  kExpectedBeaten, // another is better by a significant margin
  kNoExpectation,  // the model says nothing about its values: ranked by score alone
};
std::string VerdictName(Verdict v);  // "expected_best", "inconclusive", "expected_beaten", "no_expectation"

struct AuditOptions {
  std::optional<PreprocessSpec> declared;
  bool skip_bad = false;
  Progress progress;  // per candidate
};

struct AuditReport {
  ExpectedPreprocessing expected;
  std::optional<PreprocessSpec> declared;
  std::vector<SpecDifference> mismatches;
  RankBy rank_by = RankBy::kConfidence;
  // Output 0 is one vector of class scores: top-1 figures mean something.
  // A dense output (boxes, a mask, landmarks) is ranked by its SQNR against
  // the reference, and has no top-1.
  bool class_scores = true;
  size_t items = 0;
  std::vector<BadItem> bad;
  size_t labeled = 0;
  // Value pipelines (range, mean/std, quantization x channel order x
  // layout) with the expected geometry: best first, failed ones last.
  std::vector<AuditCandidateResult> ranking;
  // Resize and crop variants of the best value pipeline (it included).
  std::vector<AuditCandidateResult> geometry;
  int declared_rank = 0;  // 0: no declared spec
  int expected_rank = 0;
  double loss = 0;        // best primary - declared primary
  double top1_loss = 0;   // the same in top-1 accuracy (or agreement) when available (class scores)
  Verdict verdict = Verdict::kNoExpectation;
  // One sentence: the verdict with the figures behind it ("inconclusive,
  // keep the metadata's pipeline: ...").
  std::string verdict_sentence;
};

// The candidates the search tries for this input (value ranges x channel
// order x layout, plus the expected and declared pipelines); geometry
// variants are tried around the best of them.
std::vector<AuditCandidate> ValueCandidates(const ExpectedPreprocessing& expected,
                                            const std::optional<PreprocessSpec>& declared);
std::vector<AuditCandidate> GeometryCandidates(const AuditCandidate& base, const ExpectedPreprocessing& expected);

// Ranks pipelines by their score, except that a pipeline other than the
// expected one (the model's metadata, its input quantization or the
// reference's) ranks above it only with a significant lead: confidence on
// data the model was not trained for moves by a few points from one
// pipeline to another, and a lead within the noise says nothing. Items are
// streamed (decoded once for all value pipelines, once more for the
// geometry variants).
AuditReport AuditPreprocessing(ModelSession& model, ModelSession* reference, const Dataset& dataset,
                               const AuditOptions& options);

}  // namespace tfd
