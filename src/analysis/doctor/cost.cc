#include "analysis/doctor/cost.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "quantize/calibration.h"
#include "quantize/calibration_audit.h"
#include "quantize/calibration_source.h"
#include "quantize/rewrite.h"
#include "util/error.h"

namespace tfd::doctor {

double ItemOutcomes::agreement() const {
  if (agree.empty()) return 0;
  double s = 0;
  for (int a : agree) s += a;
  return s / static_cast<double>(agree.size());
}

double ItemOutcomes::mean_sqnr_db() const {
  if (sqnr_db.empty()) return 0;
  double s = 0;
  for (double v : sqnr_db) s += v;
  return s / static_cast<double>(sqnr_db.size());
}

ItemOutcomes OutcomesOf(const EvalResult& eval) {
  ItemOutcomes o;
  for (const EvalItem& it : eval.items) {
    const int top1 = it.top5_count ? it.top5_index[0] : -1;
    o.index.push_back(it.index);
    o.agree.push_back(top1 >= 0 && top1 == it.ref_top1 ? 1 : 0);
    o.correct.push_back(it.label_index < 0 ? -1 : top1 == it.label_index ? 1 : 0);
    o.reference_correct.push_back(it.label_index < 0 ? -1 : it.ref_top1 == it.label_index ? 1 : 0);
    o.sqnr_db.push_back(CappedSqnrDb(it.sqnr_db));
  }
  return o;
}

PairedDifference PairedValues(const std::vector<size_t>& index, const std::vector<double>& a,
                              const std::vector<double>& b) {
  BootstrapMean ma, mb;
  PairedDifference d;
  for (size_t i = 0; i < index.size() && i < a.size() && i < b.size(); ++i) {
    const auto w = BootstrapWeights(kBootstrapSeed, index[i], kBootstrapReplicates);
    ma.Add(a[i], w);
    mb.Add(b[i], w);
    ++d.items;
  }
  if (!d.items) return d;
  const Interval s = ma.DifferenceSpread(mb);
  d.points = ma.mean() - mb.mean();
  d.lo = s.lo;
  d.hi = s.hi;
  return d;
}

PairedDifference Paired(const std::vector<size_t>& index, const std::vector<int>& a, const std::vector<int>& b) {
  // The items where both are known (-1: no label), as shares in points.
  std::vector<size_t> idx;
  std::vector<double> da, db;
  for (size_t i = 0; i < index.size() && i < a.size() && i < b.size(); ++i) {
    if (a[i] < 0 || b[i] < 0) continue;
    idx.push_back(index[i]);
    da.push_back(a[i]);
    db.push_back(b[i]);
  }
  PairedDifference d = PairedValues(idx, da, db);
  d.points *= 100;
  d.lo *= 100;
  d.hi *= 100;
  return d;
}

namespace {

ItemOutcomes Measure(const Model& model, ModelSession& reference, const Dataset& data, bool skip_bad,
                     const Progress& progress) {
  ModelSession session(model, "the re-quantized reference", &reference.expected());
  if (!reference.labels().empty()) session.SetLabels(reference.labels(), reference.labels_source());
  EvalOptions o;
  o.spec = session.expected().spec;
  o.reference_spec = reference.expected().spec;
  o.skip_bad = skip_bad;
  o.progress = progress;
  return OutcomesOf(Evaluate(session, &reference, data, o));
}

}  // namespace

Requantized RequantizeReference(ModelSession& reference, const Dataset& data, const std::string& calibration,
                                size_t calibration_samples, const std::vector<std::string>& worst,
                                std::optional<double> budget, bool skip_bad, const Progress& progress) {
  // Calibration items go through the pipeline the reference is measured
  // with (its metadata, else its deployed partner's input range): a float
  // model that says nothing would otherwise be calibrated on [0,1] guesses.
  quantize::CalibrationSourceOptions co;
  co.data = calibration;
  co.spec = reference.expected().spec;
  co.samples = calibration_samples;
  co.skip_bad = skip_bad;
  // Held in memory: decoded once for the audit's and the calibration's
  // passes (a few dozen; doctor's calibration is small).
  co.stream = false;
  quantize::CalibrationSource source = quantize::CalibrationSamples(reference.path(), co);
  const Model& float_model = reference.model();
  quantize::RequireQuantizableFloatModel(float_model);
  Model folded = quantize::FoldConstantDequantize(float_model);
  quantize::CalibrationAudit audit = quantize::AuditCalibration(folded, source.Feed(), source.declared_range);
  quantize::CalibrationOptions copt;
  copt.histograms = true;
  quantize::Calibration cal = quantize::Calibrate(folded, source.Feed(), copt);

  quantize::RewriteOptions options;
  options.method = quantize::ParseRangeMethod("mse");
  options.bias_correction = true;
  Requantized best;
  best.calibration_findings = audit.findings;
  best.calibration_description = source.description;
  bool have = false;
  // More layers in float is not always better on the items measured (the
  // ranking is the deployed model's): the best step measured is kept, the
  // fewest layers on a tie.
  for (size_t keep : {size_t{0}, size_t{1}, size_t{2}, size_t{4}, size_t{8}}) {
    if (keep > worst.size()) break;
    if (keep > 0 && (!budget || (have && best.agreement >= *budget))) break;
    options.keep_float.assign(worst.begin(), worst.begin() + static_cast<std::ptrdiff_t>(keep));
    Model m = quantize::RewriteInt8(folded, cal, options);
    ItemOutcomes outcomes = Measure(m, reference, data, skip_bad, progress);
    const double agreement = outcomes.agreement();
    best.steps.push_back({keep, agreement});
    if (have && agreement <= best.agreement) continue;
    best.model = std::move(m);
    best.kept_float = options.keep_float;
    best.mean_sqnr_db = outcomes.mean_sqnr_db();
    best.outcomes = std::move(outcomes);
    best.agreement = agreement;
    have = true;
  }
  return best;
}

}  // namespace tfd::doctor
