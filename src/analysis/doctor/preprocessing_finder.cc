#include "analysis/doctor/preprocessing_finder.h"

#include <optional>

#include <fmt/format.h>

#include "data/preprocess/audit.h"
#include "data/preprocess/candidate_scores.h"

namespace tfd::doctor {
namespace {

// Share metrics are reported in points (x100); SQNR in dB as it is.
double Points(double v, RankBy by) { return by == RankBy::kSqnr ? v : 100 * v; }

std::string Score(double v, RankBy by) {
  switch (by) {
    case RankBy::kAccuracy:
    case RankBy::kAgreement: return fmt::format("{:.1f}%", 100 * v);
    case RankBy::kSqnr: return fmt::format("{:.1f} dB", v);
    default: return fmt::format("{:.3f}", v);
  }
}

// The declared values fed to the float reference, against its own
// pipeline: agreement with itself (unlabelled), else the label's
// probability (few labelled items) or top-1 accuracy. A cause when the
// loss's 95% interval excludes 0.
std::optional<Cause> OnReference(const ModelSession& deployed, ModelSession& reference, const Dataset& data,
                                 const PreprocessSpec& declared, bool skip_bad,
                                 const std::vector<std::string>& mismatch, size_t items) {
  PreprocessSpec as_float = declared;
  as_float.dtype.reset();
  as_float.quantization.reset();
  as_float.quantize_with_input = false;
  ModelSession model(reference.model(), reference.path(), &deployed.expected());
  if (model.labels().empty() && !deployed.labels().empty()) model.SetLabels(deployed.labels(), deployed.labels_source());
  ScoringOptions so;
  so.skip_bad = skip_bad;
  ScoringPass pass = ScoreCandidates(model, &reference, data, {reference.expected().spec, as_float}, so);
  const CandidateScores& own = pass.scores.at(0);
  const CandidateScores& dec = pass.scores.at(1);
  if (!own.ok || !dec.ok || own.items == 0) return std::nullopt;
  // A dense output (boxes, a mask) is measured by its SQNR, in dB.
  const bool dense = !model.output_is_class_scores();
  const bool labeled = own.labeled > 0 && !dense;
  const bool top1 = !labeled || own.labeled >= kMinItemsForTop1;
  const BootstrapMean& a = dense      ? own.boot_sqnr_db
                           : !labeled ? own.boot_agreement
                           : top1     ? own.boot_accuracy
                                      : own.boot_label_prob;
  const BootstrapMean& b = dense      ? dec.boot_sqnr_db
                           : !labeled ? dec.boot_agreement
                           : top1     ? dec.boot_accuracy
                                      : dec.boot_label_prob;
  const Interval d = a.DifferenceSpread(b);
  if (d.lo <= 0) return std::nullopt;
  const std::string metric = dense      ? "output SQNR against the reference (on the reference)"
                             : !labeled ? "top-1 agreement with the reference (on the reference)"
                             : top1     ? "top-1 accuracy (on the reference)"
                                        : "mean probability of the label (on the reference)";
  const double scale = dense ? 1 : 100;  // dB as they are; shares in points
  const std::string unit = dense ? "dB" : "points";
  Cause c;
  c.kind = kPreprocessing;
  c.summary = "the declared pipeline differs from the model's: " + mismatch.front();
  c.evidence = mismatch;
  c.evidence.push_back(fmt::format(
      "on the deployed model the declared pipeline shows no loss over {} items (its answers are off for another "
      "reason); fed to the float reference it loses {:.1f} {} of {} against the reference's own pipeline, 95% "
      "interval [{:.1f}, {:.1f}] over {} items",
      items, scale * (a.mean() - b.mean()), unit, metric, scale * d.lo, scale * d.hi, own.items));
  c.cost.metric = metric;
  c.cost.unit = unit;
  c.cost.points = scale * (a.mean() - b.mean());
  c.cost.lo = scale * d.lo;
  c.cost.hi = scale * d.hi;
  c.cost.items = own.items;
  c.cost.sentence = fmt::format("{:.1f} {} of {} (95% interval [{:.1f}, {:.1f}], {} items)", c.cost.points, unit,
                                metric, c.cost.lo, c.cost.hi, own.items);
  if (!dense) {
    const double top1_loss = labeled ? (own.accuracy - dec.accuracy) / static_cast<double>(own.labeled)
                                     : (own.agreement - dec.agreement) / static_cast<double>(own.items);
    c.cost.top1_points = 100 * top1_loss;
    c.figures.push_back({"top-1 lost on the reference", top1_loss, "share"});
  }
  return c;
}

}  // namespace

PreprocessingFindings FindPreprocessing(ModelSession& deployed, ModelSession* reference, const Dataset& data,
                                        const PreprocessSpec& declared, bool skip_bad, Progress progress) {
  AuditOptions options;
  options.declared = declared;
  options.skip_bad = skip_bad;
  options.progress = std::move(progress);
  AuditReport rep = AuditPreprocessing(deployed, reference, data, options);

  PreprocessingFindings out;
  out.items = rep.items;
  out.labeled = rep.labeled;
  out.metric = RankByName(rep.rank_by);
  for (const auto& r : rep.ranking)
    out.candidates.push_back({r.rank, r.candidate.name, r.primary, r.spread.lo, r.spread.hi, r.candidate.declared,
                              r.candidate.expected, r.ok});
  if (rep.ranking.empty() || !rep.declared_rank) {
    out.undecided = Undecided{kPreprocessing, "the audit could not rank the declared pipeline", "more readable items"};
    return out;
  }
  const AuditCandidateResult& best = rep.ranking.front();
  const AuditCandidateResult& dec = rep.ranking[static_cast<size_t>(rep.declared_rank - 1)];
  if (!best.ok) {
    out.undecided = Undecided{kPreprocessing, "no pipeline could run on the data", "--data DIR with readable images"};
    return out;
  }
  // The declared pipeline's loss against the best, paired item by item.
  const Interval d = dec.ok ? best.boot.DifferenceSpread(dec.boot) : Interval{1, 1};
  const double loss = dec.ok ? best.primary - dec.primary : best.primary;
  if (rep.verdict == Verdict::kExpectedBeaten) out.notes.push_back("preprocessing audit: " + rep.verdict_sentence);

  std::vector<std::string> mismatch;
  for (const auto& m : rep.mismatches) mismatch.push_back(m.sentence);
  if ((rep.declared_rank == 1 || (dec.ok && d.lo <= 0)) && reference && !mismatch.empty()) {
    if (auto on_reference = OnReference(deployed, *reference, data, declared, skip_bad, mismatch, rep.items)) {
      out.cause = std::move(*on_reference);
      out.corrected = best.candidate.spec;
      out.cause->fix = "use the pipeline '" + best.candidate.name + "': " + DescribeSpec(best.candidate.spec);
      return out;
    }
  }
  if (rep.declared_rank == 1 || (dec.ok && d.lo <= 0)) {
    std::string m = rep.declared_rank == 1
                        ? fmt::format("the declared pipeline scores best of {} by {} ({} over {} items)",
                                      rep.ranking.size(), out.metric, Score(dec.primary, rep.rank_by), rep.items)
                        : fmt::format("the declared pipeline trails the best ('{}') by {} of {}, 95% interval [{}, "
                                      "{}] over {} items: within the noise",
                                      best.candidate.name, Score(loss, rep.rank_by), out.metric,
                                      Score(d.lo, rep.rank_by), Score(d.hi, rep.rank_by), rep.items);
    if (!mismatch.empty()) m += fmt::format(" (it differs from the model's in {} aspect(s))", mismatch.size());
    out.ruled_out = RuledOut{kPreprocessing, m};
    return out;
  }
  Cause c;
  c.kind = kPreprocessing;
  c.summary = mismatch.empty() ? fmt::format("the declared pipeline is not the one the model needs ('{}' is)",
                                             best.candidate.name)
                               : "the declared pipeline differs from the model's: " + mismatch.front();
  for (const auto& s : mismatch) c.evidence.push_back(s);
  c.evidence.push_back(fmt::format("on {} items the declared pipeline ranks {} of {}: {} {} against {} for '{}'",
                                   rep.items, rep.declared_rank, rep.ranking.size(), out.metric,
                                   dec.ok ? Score(dec.primary, rep.rank_by) : "failed: " + dec.error,
                                   Score(best.primary, rep.rank_by), best.candidate.name));
  if (!rep.verdict_sentence.empty()) c.evidence.push_back("audit: " + rep.verdict_sentence);
  c.figures.push_back({"declared pipeline, " + out.metric, dec.primary, rep.rank_by == RankBy::kSqnr ? "dB" : "share"});
  c.figures.push_back({"best pipeline, " + out.metric, best.primary, rep.rank_by == RankBy::kSqnr ? "dB" : "share"});
  const bool top1 = (rep.labeled || reference) && rep.class_scores;
  if (top1) c.figures.push_back({"top-1 lost", rep.top1_loss, "share"});
  c.cost.metric = out.metric;
  c.cost.unit = rep.rank_by == RankBy::kSqnr ? "dB" : "points";
  if (top1) c.cost.top1_points = 100 * rep.top1_loss;
  c.cost.points = Points(loss, rep.rank_by);
  c.cost.lo = Points(d.lo, rep.rank_by);
  c.cost.hi = Points(d.hi, rep.rank_by);
  c.cost.items = rep.items;
  c.cost.sentence = fmt::format("{:.1f} {} of {} (95% interval [{:.1f}, {:.1f}], {} items){}", c.cost.points,
                                c.cost.unit, out.metric, c.cost.lo, c.cost.hi, rep.items,
                                top1 && rep.rank_by != RankBy::kAccuracy &&
                                        rep.rank_by != RankBy::kAgreement
                                    ? fmt::format("; top-1 {}: {:.1f} points", rep.labeled ? "accuracy" : "agreement",
                                                  100 * rep.top1_loss)
                                    : "");
  c.fix = "use the pipeline '" + best.candidate.name + "': " + DescribeSpec(best.candidate.spec);
  out.corrected = best.candidate.spec;
  out.cause = std::move(c);
  return out;
}

}  // namespace tfd::doctor
