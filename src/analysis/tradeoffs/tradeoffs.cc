#include "analysis/tradeoffs/tradeoffs.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "analysis/compat/rules.h"
#include "data/dataset.h"
#include "format/model_reader.h"
#include "quantize/calibration_audit.h"
#include "quantize/rewrite.h"
#include "util/error.h"

namespace tfd::tradeoffs {

namespace {

// TFLite's CPU path applies XNNPACK by default; the other targets' own
// arithmetic is not reproduced here, and TFLite's kernels stand for it.
Arithmetic ProfileFor(const std::string& target_name) {
  return target_name.empty() || target_name == "tflite" || target_name == "xnnpack" ? Arithmetic::kXnnpack
                                                                                    : Arithmetic::kReference;
}

}  // namespace

TradeoffsResult RunTradeoffs(const TradeoffsRequest& request) {
  TradeoffsResult result;
  result.model = request.model;
  result.data = request.data;
  result.budget = request.budget;
  if (request.schemes.empty()) Fail("no scheme to measure");
  // Cheap checks first: rules and target, the model, the evaluation data.
  compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir(request.rules_dir));
  std::optional<compat::TargetSpec> target;
  if (!request.target.empty()) {
    target = compat::ParseTargetSpec(request.target, book);
    result.target = target->Label();
  }
  std::vector<compat::TargetSpec> all_targets;
  for (const auto& name : book.order) all_targets.push_back({name, ""});
  if (target && std::none_of(all_targets.begin(), all_targets.end(),
                             [&](const compat::TargetSpec& t) { return t.Label() == target->Label(); }))
    all_targets.push_back(*target);
  const Arithmetic arithmetic = ProfileFor(target ? target->name : "");
  result.arithmetic = ArithmeticName(arithmetic);

  const Model float_model = LoadModel(request.model);
  // An already quantized model has no variant to make: one error. Other
  // refusals (an op int8 has no spec for, several subgraphs) are the rows'
  // reasons.
  quantize::RequireNotQuantized(float_model);
  if (request.data.empty() && !request.dataset)
    Fail("--data EVAL is required: the evaluation data the variants are measured on");
  std::optional<Dataset> opened;
  const Dataset& dataset = request.dataset ? *request.dataset : opened.emplace(OpenDataset(request.data));
  if (request.calibration.data.empty())
    Fail("--calibration DATA is required: a dataset fed through the model's preprocessing, or 'random'");
  std::filesystem::create_directories(request.out_dir);

  MeasureOptions mopt;
  mopt.arithmetic = arithmetic;
  mopt.preprocess = request.calibration.preprocess;
  mopt.spec = request.calibration.spec;
  mopt.labels_file = request.labels;
  mopt.skip_bad = request.calibration.skip_bad;
  mopt.latency_runs = request.latency_runs;
  FloatReference reference(request.model, dataset, mopt);
  result.preprocess = reference.spec_description();
  result.items = reference.float_measurement().items;
  result.labeled = reference.labeled();

  // Held in memory: every variant and mixed-precision candidate is
  // calibrated from the same samples (the streamed source would decode them
  // again for each); not streamed, so that they are decoded once even when
  // --skip-bad first looks for unreadable items.
  quantize::CalibrationSourceOptions calibration = request.calibration;
  calibration.stream = false;
  quantize::CalibrationSource source = quantize::CalibrationSamples(request.model, calibration);
  std::vector<quantize::CalibrationSample> samples = source.TakeSamples();
  result.calibration = source.description;
  if (source.random)
    result.warnings.push_back("calibrated on random inputs, not data: activation ranges reflect noise");
  for (const auto& f : quantize::AuditCalibration(float_model, samples, source.declared_range).findings)
    result.warnings.push_back(f);

  VariantWriterOptions wopt;
  wopt.float_path = request.model;
  wopt.out_dir = request.out_dir;
  wopt.calibration = request.calibration;
  wopt.rewrite = request.rewrite;
  VariantWriter writer(float_model, std::move(samples), wopt);

  auto row_of = [&](const Variant& v) {
    Row row;
    row.scheme = v.scheme;
    row.file = v.file;
    row.size_bytes = v.size_bytes;
    row.error = v.error;
    if (!v.written()) return row;
    row.measurement = reference.Measure(v.file);
    row.measured = true;
    row.targets = TargetsThatRun(LoadModel(v.file), book, all_targets);
    row.float_layers = v.float_layers;
    row.within_budget = request.budget.MetBy(row.measurement);
    return row;
  };

  Row float_row;
  float_row.scheme = "float";
  float_row.file = request.model;
  float_row.size_bytes = std::filesystem::file_size(request.model);
  float_row.measured = true;
  float_row.measurement = reference.float_measurement();
  float_row.targets = TargetsThatRun(float_model, book, all_targets);
  float_row.within_budget = request.budget.MetBy(float_row.measurement);
  result.rows.push_back(float_row);

  std::optional<Measurement> int8;
  for (const std::string& scheme : request.schemes) {
    if (scheme == "mixed") {
      Row pending;
      pending.scheme = "mixed";  // filled below, once int8 is known
      result.rows.push_back(pending);
      continue;
    }
    result.rows.push_back(row_of(writer.Write(scheme)));
    if (scheme == "int8" && result.rows.back().measured) int8 = result.rows.back().measurement;
    if (request.progress) request.progress(result.rows.size() - 1, request.schemes.size(), scheme);
  }
  for (Row& row : result.rows) {
    if (row.scheme != "mixed") continue;
    if (!int8) {
      Variant v = writer.Write("int8");
      if (!v.written()) {
        row.error = "mixed precision starts from int8, which the quantizer refused: " + v.error;
        continue;
      }
      int8 = reference.Measure(v.file);
    }
    std::vector<RankedLayer> ranking = RankLayersByImpact(writer.folded(), writer.Int8Model(), writer.samples(), request.rank);
    if (target) MarkFloatRunnable(ranking, writer.folded(), book, *target);
    result.mixed = SearchMixedPrecision(writer, reference, request.budget, *int8, std::move(ranking));
    const MixedSearchResult& m = *result.mixed;
    row.file = m.variant.file;
    row.size_bytes = m.variant.size_bytes;
    row.measurement = m.measurement;
    row.measured = true;
    row.targets = TargetsThatRun(LoadModel(m.variant.file), book, all_targets);
    row.float_layers = m.variant.float_layers;
    row.within_budget = m.met;
  }
  result.recommendation = Recommend(result.rows, request.budget, result.target);
  return result;
}

}  // namespace tfd::tradeoffs
