#include "analysis/doctor/doctor.h"

#include <chrono>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "analysis/doctor/compatibility_finder.h"
#include "analysis/doctor/data_selection.h"
#include "analysis/doctor/plan.h"
#include "analysis/doctor/preprocessing_finder.h"
#include "analysis/doctor/quantization_finder.h"
#include "analysis/doctor/ranking.h"
#include "data/dataset.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::doctor {
namespace {

class StepTimer {
 public:
  StepTimer(DoctorResult& r, std::string step) : r_(r), step_(std::move(step)), t0_(std::chrono::steady_clock::now()) {}
  ~StepTimer() {
    r_.timings.push_back({step_, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count()});
  }

 private:
  DoctorResult& r_;
  std::string step_;
  std::chrono::steady_clock::time_point t0_;
};

// The float reference through every scheme our quantizer writes, measured
// on doctor's items (tradeoffs without the mixed-precision search: doctor's
// own keep-float steps stand for it). Variants go to a temporary folder.
// A failure leaves a note; the causes stand.
std::optional<tradeoffs::TradeoffsResult> MeasureSchemes(const DoctorRequest& rq, const ModelSession& reference,
                                                         const Dataset& data, bool class_scores,
                                                         DoctorResult& result) {
  tradeoffs::TradeoffsRequest t;
  t.model = rq.reference;
  t.dataset = &data;
  t.data = rq.data;
  t.calibration.data = rq.calibration;
  t.calibration.spec = reference.expected().spec;
  t.calibration.samples = rq.calibration_samples;
  t.calibration.skip_bad = rq.skip_bad;
  t.schemes = tradeoffs::ParseSchemes("float16,dynamic,int8,int8-per-tensor,int16x8");
  // A classifier's budget is top-1 agreement (--budget, else 99%); a dense
  // output's, its SQNR (30 dB).
  t.budget = class_scores ? tradeoffs::MakeBudget(rq.budget.value_or(0.99), 0, rq.budget.has_value(), false)
                          : tradeoffs::MakeBudget(0, 30, false, true);
  if (!class_scores) t.budget.given = false;
  t.rules_dir = rq.rules_dir;
  t.latency_runs = 1;
  if (rq.progress) t.progress = rq.progress("schemes");
  try {
    const ScopedTempDir dir("tflite-doctor-schemes");
    t.out_dir = dir.path().string();
    tradeoffs::TradeoffsResult r = tradeoffs::RunTradeoffs(t);
    for (auto& row : r.rows) row.file.clear();  // removed with the folder
    return r;
  } catch (const Error& e) {
    result.notes.push_back(std::string("scheme trade-offs not measured: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace

DoctorResult RunDoctor(const DoctorRequest& rq) {
  if (rq.deployed.empty()) Fail("give the deployed model: tflite-doctor doctor DEPLOYED.tflite");
  if (rq.budget && (*rq.budget <= 0 || *rq.budget > 1))
    Fail("--budget {} is not a top-1 agreement in (0, 1] (e.g. 0.99)", *rq.budget);
  if (rq.max_items == 0) Fail("--max-items must be at least 1");
  if (!rq.calibration.empty() && rq.reference.empty())
    Fail("--calibration re-quantizes the float model: give it with --reference FLOAT.tflite");
  DoctorResult result;
  result.deployed = rq.deployed;
  result.reference = rq.reference.empty() ? "float shadow of " + rq.deployed : rq.reference;
  result.data = rq.data;

  if (!rq.deployed_model) Fail("doctor: the deployed model was not read");
  if (!rq.reference.empty() && !rq.reference_model) Fail("doctor: the reference model was not read");
  if (!rq.data.empty() && !rq.dataset) Fail("doctor: the data was not listed");
  if (!rq.declared.empty() && !rq.declared_spec) Fail("doctor: the declared spec was not read");
  const Model& deployed = *rq.deployed_model;
  const std::optional<PreprocessSpec>& declared = rq.declared_spec;
  std::optional<Dataset> data;
  if (rq.dataset) {
    data = SpreadSubset(*rq.dataset, rq.max_items);
    if (data->items.empty()) Fail("{}: no items", rq.data);
    result.items = data->items.size();
  }
  DoctorPlan plan = PlanDoctor(rq, deployed);
  result.undecided = plan.undecided;
  result.ruled_out = plan.ruled_out;

  {
    StepTimer t(result, "check");
    CompatibilityFindings compat = FindCompatibility(deployed, rq.rules_dir, rq.targets);
    for (auto& c : compat.causes) result.causes.push_back(std::move(c));
    if (compat.ruled_out) result.ruled_out.push_back(*compat.ruled_out);
    result.targets = std::move(compat.rows);
    for (auto& n : compat.notes) result.notes.push_back(std::move(n));
  }

  std::optional<QuantizationFindings> quant;
  if (data && plan.deployed_runs && plan.image_input && (plan.preprocessing || plan.quantization)) {
    std::unique_ptr<ModelSession> reference;
    if (rq.reference_model) reference = std::make_unique<ModelSession>(*rq.reference_model, rq.reference);
    ModelSession session(deployed, rq.deployed, reference ? &reference->expected() : nullptr);
    if (reference) reference->SetPartner(session.expected());
    // Labels: the deployed model's, else the reference's (same classes).
    if (session.labels().empty() && reference && !reference->labels().empty())
      session.SetLabels(reference->labels(), reference->labels_source());
    if (plan.preprocessing) {
      StepTimer t(result, "preprocessing audit");
      PreprocessingFindings pre = FindPreprocessing(session, reference.get(), *data, *declared, rq.skip_bad,
                                                    rq.progress ? rq.progress("audit") : Progress{});
      result.preprocessing_metric = pre.metric;
      result.preprocessing = pre.candidates;
      result.labeled = pre.labeled;
      if (pre.cause) result.causes.push_back(*pre.cause);
      if (pre.ruled_out) result.ruled_out.push_back(*pre.ruled_out);
      if (pre.undecided) result.undecided.insert(result.undecided.begin(), *pre.undecided);
      for (auto& n : pre.notes) result.notes.push_back(n);
      if (pre.cause) result.corrected_spec = pre.corrected;
    }
    if (plan.quantization) {
      StepTimer t(result, "compare");
      QuantizationRequest q;
      q.deployed = &session;
      q.reference = reference.get();
      q.data = &*data;
      q.calibration = rq.calibration;
      q.calibration_samples = rq.calibration_samples;
      q.budget = rq.budget;
      q.skip_bad = rq.skip_bad;
      q.progress = rq.progress;
      quant = FindQuantization(q);
      if (quant->cause) result.causes.push_back(*quant->cause);
      if (quant->ruled_out) result.ruled_out.push_back(*quant->ruled_out);
      if (quant->undecided) result.undecided.insert(result.undecided.begin(), *quant->undecided);
      for (auto& n : quant->notes) result.notes.push_back(n);
      result.layers = quant->layers;
      result.histograms = quant->histograms;
      result.confusion = quant->confusion;
      result.outputs = quant->outputs;
      if (quant->cause && quant->requantized) result.requantized = std::move(quant->requantized->model);
    }
    if (plan.requantize && reference) {
      StepTimer t(result, "scheme trade-offs");
      result.tradeoffs = MeasureSchemes(rq, *reference, *data, session.output_is_class_scores(), result);
      if (result.tradeoffs && !result.causes.empty() && result.causes.back().kind == kQuantization &&
          !result.tradeoffs->recommendation.scheme.empty())
        result.causes.back().fix += "; of the schemes measured on the same items: " +
                                    result.tradeoffs->recommendation.reason;
    }
  }
  // Too few items cannot rule a cause out: the noise level itself is then
  // unknown (a 95% interval over five items spans most outcomes). Found
  // causes stand (their interval already excludes 0).
  if (data && result.items < kFewItems) {
    std::vector<RuledOut> kept;
    for (auto& r : result.ruled_out) {
      if (r.kind == kCompatibility || r.measurement.find("computes in float") != std::string::npos) {
        kept.push_back(r);
        continue;
      }
      result.undecided.insert(result.undecided.begin(),
                              Undecided{r.kind,
                                        fmt::format("only {} items, too few to rule it out ({})", result.items,
                                                    r.measurement),
                                        fmt::format("--data with {} items or more", kFewItems)});
    }
    result.ruled_out = std::move(kept);
  }
  RankCauses(result);
  result.verdict = VerdictLine(result);
  return result;
}

}  // namespace tfd::doctor
