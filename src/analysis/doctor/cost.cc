#include "analysis/doctor/cost.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "format/model_writer.h"
#include "quantize/calibration.h"
#include "quantize/calibration_audit.h"
#include "quantize/calibration_source.h"
#include "quantize/rewrite.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::doctor {

double ItemOutcomes::agreement() const {
  if (agree.empty()) return 0;
  double s = 0;
  for (int a : agree) s += a;
  return s / static_cast<double>(agree.size());
}

ItemOutcomes OutcomesOf(const EvalResult& eval) {
  ItemOutcomes o;
  for (const EvalItem& it : eval.items) {
    const int top1 = it.top5_count ? it.top5_index[0] : -1;
    o.index.push_back(it.index);
    o.agree.push_back(top1 >= 0 && top1 == it.ref_top1 ? 1 : 0);
    o.correct.push_back(it.label_index < 0 ? -1 : top1 == it.label_index ? 1 : 0);
    o.reference_correct.push_back(it.label_index < 0 ? -1 : it.ref_top1 == it.label_index ? 1 : 0);
  }
  return o;
}

PairedDifference Paired(const std::vector<size_t>& index, const std::vector<int>& a, const std::vector<int>& b) {
  BootstrapMean ma, mb;
  PairedDifference d;
  for (size_t i = 0; i < index.size() && i < a.size() && i < b.size(); ++i) {
    if (a[i] < 0 || b[i] < 0) continue;
    const auto w = BootstrapWeights(kBootstrapSeed, index[i], kBootstrapReplicates);
    ma.Add(a[i], w);
    mb.Add(b[i], w);
    ++d.items;
  }
  if (!d.items) return d;
  const Interval s = ma.DifferenceSpread(mb);
  d.points = 100 * (ma.mean() - mb.mean());
  d.lo = 100 * s.lo;
  d.hi = 100 * s.hi;
  return d;
}

namespace {

ItemOutcomes Measure(const Model& model, ModelSession& reference, const Dataset& data, bool skip_bad,
                     const Progress& progress) {
  // A session reads a file: the candidate goes through a temporary one.
  const auto path = std::filesystem::temp_directory_path() /
                    fmt::format("tflite-doctor-requantized-{}.tflite", ::getpid());
  SaveModel(model, path.string());
  struct Remove {
    std::filesystem::path p;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } remove{path};
  ModelSession session(path.string(), &reference.expected());
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
  const auto spec_path = std::filesystem::temp_directory_path() /
                         fmt::format("tflite-doctor-calibration-spec-{}.json", ::getpid());
  {
    const std::string text = PreprocessSpecJson(reference.expected().spec).dump();
    WriteFileBytes(spec_path.string(), std::vector<uint8_t>(text.begin(), text.end()));
  }
  struct RemoveSpec {
    std::filesystem::path p;
    ~RemoveSpec() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } remove_spec{spec_path};
  quantize::CalibrationSourceOptions co;
  co.data = calibration;
  co.preprocess = spec_path.string();
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
  // The temporary spec file means nothing to a reader: name the pipeline.
  const size_t at = best.calibration_description.find(spec_path.string());
  if (at != std::string::npos)
    best.calibration_description.replace(at, spec_path.string().size(),
                                         "the reference's (" + DescribeSpec(reference.expected().spec) + ")");
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
    best.outcomes = std::move(outcomes);
    best.agreement = agreement;
    have = true;
  }
  return best;
}

}  // namespace tfd::doctor
