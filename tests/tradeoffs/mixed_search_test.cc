// Mixed precision to a budget, held to its promises on a real model where
// full int8 misses the budget: the set found meets it on the evaluation
// data, removing any one of its layers misses it (minimal), and it is no
// larger than the smallest top-K-by-impact set that meets it. Every claim is
// checked by writing the candidate model and running it over the data again.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "analysis/tradeoffs/mixed_search.h"
#include "data/dataset.h"
#include "format/model_reader.h"
#include "quantization_test_data.h"
#include "quantize/calibration_source.h"
#include "test_support.h"

namespace tfd {
namespace {

using namespace tradeoffs;
using testing::Fixture;

struct Setup {
  std::filesystem::path dir;
  Dataset evaluation;
  std::unique_ptr<FloatReference> reference;
  std::unique_ptr<VariantWriter> writer;
  Measurement int8;
};

// ResNet (CIFAR-10): calibrated on `calibration` ("random" or photos), measured on 40 photos.
std::unique_ptr<Setup> MakeSetup(const std::string& name, bool noise_calibration) {
  auto s = std::make_unique<Setup>();
  s->dir = testing::TempDir("mixed-" + name);
  const std::string model = Fixture("models/mlperf-tiny/pretrainedResnet.tflite");
  s->evaluation = OpenDataset(testing::ImageNetHalf(s->dir / "evaluation.csv", false, 40));
  MeasureOptions mopt;
  mopt.latency_runs = 1;
  s->reference = std::make_unique<FloatReference>(model, s->evaluation, mopt);
  quantize::CalibrationSourceOptions copt;
  copt.data = noise_calibration ? "random" : testing::ImageNetHalf(s->dir / "calibration.csv", true, 16);
  copt.samples = noise_calibration ? 16 : 0;
  copt.seed = 5;
  VariantWriterOptions wopt;
  wopt.float_path = model;
  wopt.out_dir = s->dir.string();
  wopt.calibration = copt;
  wopt.rewrite.method = quantize::ParseRangeMethod("mse");
  wopt.rewrite.bias_correction = true;
  s->writer = std::make_unique<VariantWriter>(LoadModel(model), quantize::CalibrationSamples(model, copt).TakeSamples(), wopt);
  s->int8 = s->reference->Measure(s->writer->Write("int8").file);
  return s;
}

void ExpectSearchKeepsItsPromises(Setup& s, const Budget& budget) {
  ASSERT_FALSE(budget.MetBy(s.int8)) << "full int8 must miss the budget for this test: " << s.int8.sqnr_db << " dB, "
                                     << s.int8.agreement;
  std::vector<RankedLayer> ranking = RankLayersByImpact(s.writer->folded(), s.writer->Int8Model(), s.writer->samples());
  ASSERT_GE(ranking.size(), 5u);
  MixedSearchResult r = SearchMixedPrecision(*s.writer, *s.reference, budget, s.int8, ranking);
  ASSERT_TRUE(r.met) << r.note;
  ASSERT_FALSE(r.nodes.empty());
  EXPECT_EQ(r.variant.float_layers.size(), r.nodes.size());
  // The set meets the budget on the evaluation data: written and run again.
  const Measurement final_run = MeasureMixed(*s.writer, *s.reference, r.nodes, "check.tflite");
  EXPECT_TRUE(budget.MetBy(final_run)) << final_run.sqnr_db << " dB, " << final_run.agreement;
  EXPECT_EQ(final_run.sqnr_db, r.measurement.sqnr_db);
  EXPECT_EQ(final_run.agree, r.measurement.agree);
  // Minimal: without any one of its layers the budget is missed.
  for (int node : r.nodes) {
    std::vector<int> without = r.nodes;
    without.erase(std::find(without.begin(), without.end(), node));
    const Measurement m = MeasureMixed(*s.writer, *s.reference, without, "check.tflite");
    EXPECT_FALSE(budget.MetBy(m)) << "node " << node << " can go: " << m.sqnr_db << " dB, " << m.agreement;
  }
  // No larger than the smallest top-K set by impact that meets the budget.
  std::vector<int> top;
  size_t k_met = 0;
  for (const RankedLayer& layer : ranking) {
    top.push_back(layer.node);
    if (budget.MetBy(MeasureMixed(*s.writer, *s.reference, top, "check.tflite"))) {
      k_met = top.size();
      break;
    }
  }
  ASSERT_GT(k_met, 0u);
  EXPECT_EQ(r.top_k, k_met);
  EXPECT_LE(r.nodes.size(), k_met);
  std::filesystem::remove_all(s.dir);
}

TEST(MixedPrecision, SqnrBudgetSetIsMinimalAndNoLargerThanTopK) {
  TFD_REQUIRE_FIXTURES();
  auto s = MakeSetup("sqnr", false);
  // A tight budget: 8 dB over what full int8 reaches.
  Budget budget;
  budget.kind = Budget::Kind::kSqnr;
  budget.value = s->int8.sqnr_db + 8;
  ExpectSearchKeepsItsPromises(*s, budget);
}

TEST(MixedPrecision, AgreementBudgetAfterNoiseCalibration) {
  TFD_REQUIRE_FIXTURES();
  // Calibrated on noise, int8 loses top-1 agreement on photos.
  auto s = MakeSetup("agreement", true);
  Budget budget;
  budget.value = 0.95;
  ExpectSearchKeepsItsPromises(*s, budget);
}

// A target that cannot run float layers gets no layer chosen: the Edge TPU
// takes no float op, so the search says it cannot meet the budget.
TEST(MixedPrecision, NeverChoosesLayersTheTargetCannotRunInFloat) {
  TFD_REQUIRE_FIXTURES();
  auto s = MakeSetup("edgetpu", false);
  Budget budget;
  budget.kind = Budget::Kind::kSqnr;
  budget.value = s->int8.sqnr_db + 8;
  std::vector<RankedLayer> ranking = RankLayersByImpact(s->writer->folded(), s->writer->Int8Model(), s->writer->samples());
  const compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir());
  std::vector<RankedLayer> gpu = ranking;
  MarkFloatRunnable(ranking, s->writer->folded(), book, compat::ParseTargetSpec("edgetpu", book));
  for (const auto& l : ranking) EXPECT_FALSE(l.runnable_in_float) << l.node << " " << l.op;
  MixedSearchResult r = SearchMixedPrecision(*s->writer, *s->reference, budget, s->int8, ranking);
  EXPECT_FALSE(r.met);
  EXPECT_TRUE(r.nodes.empty());
  EXPECT_TRUE(r.candidates.empty());
  EXPECT_NE(r.note.find("no layer can be kept in float"), std::string::npos) << r.note;
  // The GPU delegate runs these float ops: every layer stays a candidate.
  MarkFloatRunnable(gpu, s->writer->folded(), book, compat::ParseTargetSpec("gpu", book));
  size_t runnable = 0;
  for (const auto& l : gpu) runnable += l.runnable_in_float;
  EXPECT_GT(runnable, gpu.size() / 2);
  std::filesystem::remove_all(s->dir);
}

TEST(Wilson, KnownIntervals) {
  // Wilson score intervals at 95% (z = 1.96), as tabulated by Newcombe (1998).
  Interval a = WilsonInterval(0, 10);
  EXPECT_NEAR(a.lo, 0.0, 1e-12);
  EXPECT_NEAR(a.hi, 0.2775, 1e-4);
  Interval b = WilsonInterval(81, 263);
  EXPECT_NEAR(b.lo, 0.2553, 1e-4);
  EXPECT_NEAR(b.hi, 0.3662, 1e-4);
  Interval c = WilsonInterval(15, 148);
  EXPECT_NEAR(c.lo, 0.0624, 1e-4);
  EXPECT_NEAR(c.hi, 0.1605, 1e-4);
  Interval d = WilsonInterval(10, 10);
  EXPECT_NEAR(d.lo, 0.7225, 1e-4);
  EXPECT_NEAR(d.hi, 1.0, 1e-12);
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// A pass reads the float pass's kept inputs when they fit, else streams the
// data again: the same figures either way.
TEST(Measurement, StreamedAndCachedPassesAgree) {
  TFD_REQUIRE_FIXTURES();
  using namespace tradeoffs;
  const auto dir = testing::TempDir("tradeoffs-cache");
  const std::string model = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const Dataset evaluation = OpenDataset(testing::ImageNetHalf(dir / "evaluation.csv", false, 12));
  quantize::CalibrationSourceOptions copt;
  copt.data = testing::ImageNetHalf(dir / "calibration.csv", true, 8);
  VariantWriterOptions wopt;
  wopt.float_path = model;
  wopt.out_dir = dir.string();
  wopt.rewrite.method = quantize::ParseRangeMethod("mse");
  VariantWriter writer(LoadModel(model), quantize::CalibrationSamples(model, copt).TakeSamples(), wopt);
  const std::string int8 = writer.Write("int8").file;
  MeasureOptions cached, streamed;
  cached.latency_runs = streamed.latency_runs = 1;
  streamed.input_cache_bytes = 0;
  const Measurement a = FloatReference(model, evaluation, cached).Measure(int8);
  const Measurement b = FloatReference(model, evaluation, streamed).Measure(int8);
  EXPECT_EQ(a.items, 12u);
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.agree, b.agree);
  EXPECT_EQ(a.sqnr_db, b.sqnr_db);
  EXPECT_TRUE(std::isfinite(a.sqnr_db));
  EXPECT_GT(a.sqnr_db, 15.0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
