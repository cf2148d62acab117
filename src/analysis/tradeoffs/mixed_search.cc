#include "analysis/tradeoffs/mixed_search.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "analysis/compare/compare.h"
#include "graph/topology.h"
#include "util/error.h"

namespace tfd::tradeoffs {

std::vector<RankedLayer> RankLayersByImpact(const Model& folded_float, const Model& int8,
                                            const std::vector<quantize::CalibrationSample>& samples,
                                            const RankOptions& options) {
  if (samples.empty()) Fail("no calibration samples to rank layers on");
  const int count = std::min<int>(static_cast<int>(samples.size()), std::max(1, options.samples));
  CompareInputs inputs;
  inputs.count = count;
  inputs.sample = [&samples, count](int k) {
    // Spread evenly over the calibration set.
    const auto& s = samples[static_cast<size_t>(k) * samples.size() / static_cast<size_t>(count)];
    CompareSample out;
    for (const TensorData& t : s) {
      RawInput raw{t.dtype, t.shape, t.bytes};
      out.reference.push_back(raw);
      out.deployed.push_back(raw);
    }
    return out;
  };
  CompareOptions copt;
  copt.isolated_samples = 0;
  copt.impact_samples = std::min(count, std::max(1, options.impact_samples));
  CompareResult compared = CompareModels(folded_float, int8, inputs, copt);

  const Topology topology = Topology::Of(folded_float.main());
  std::vector<RankedLayer> ranking;
  std::set<int> seen;
  for (const LayerComparison& layer : compared.layers) {
    if (layer.pair.reference < 0 || layer.pair.deployed_node < 0) continue;
    const int node = topology.producer.at(static_cast<size_t>(layer.pair.reference));
    if (node < 0 || !seen.insert(node).second) continue;
    RankedLayer r;
    r.node = node;
    r.op = folded_float.op_code(folded_float.main().operators[static_cast<size_t>(node)]).Name();
    r.tensor = layer.reference_tensor;
    r.impact_measured = layer.impact.count() > 0;
    r.impact_sqnr_db = r.impact_measured ? layer.impact.sqnr_db() : std::numeric_limits<double>::infinity();
    r.added_noise = layer.added_noise;
    // A layer whose int8 form adds no error of its own (RESHAPE, SQUEEZE...)
    // still quantizes what its float neighbours pass through it: ranked
    // last, so that all the ranking in float is the float model.
    ranking.push_back(r);
  }
  // Nodes compare could not pair (no partner tensor in the int8 model) are
  // ranked after every measured one, in graph order.
  const auto& ops = folded_float.main().operators;
  for (size_t node = 0; node < ops.size(); ++node) {
    if (seen.count(static_cast<int>(node))) continue;
    RankedLayer r;
    r.node = static_cast<int>(node);
    r.op = folded_float.op_code(ops[node]).Name();
    if (!ops[node].outputs.empty() && ops[node].outputs[0] >= 0)
      r.tensor = folded_float.main().tensors[static_cast<size_t>(ops[node].outputs[0])].name;
    r.impact_sqnr_db = std::numeric_limits<double>::infinity();
    ranking.push_back(r);
  }
  std::stable_sort(ranking.begin(), ranking.end(), [](const RankedLayer& a, const RankedLayer& b) {
    if (a.impact_measured != b.impact_measured) return a.impact_measured;
    if (a.impact_measured && a.impact_sqnr_db != b.impact_sqnr_db) return a.impact_sqnr_db < b.impact_sqnr_db;
    return a.added_noise > b.added_noise;
  });
  return ranking;
}

void MarkFloatRunnable(std::vector<RankedLayer>& ranking, const Model& folded_float, const compat::RuleBook& book,
                       const compat::TargetSpec& target) {
  compat::CheckResult check = compat::CheckModel(folded_float, book, {target});
  const auto& taken = check.targets.at(0).taken;
  for (RankedLayer& r : ranking) {
    const bool ok = !taken.empty() && static_cast<size_t>(r.node) < taken[0].size() && taken[0][static_cast<size_t>(r.node)];
    r.runnable_in_float = ok;
  }
}

Measurement MeasureMixed(VariantWriter& writer, const FloatReference& reference, const std::vector<int>& nodes,
                         const std::string& file_name, const EarlyStop* stop) {
  Variant v = writer.WriteMixed(nodes, file_name);
  return reference.Measure(v.file, stop);
}

MixedSearchResult SearchMixedPrecision(VariantWriter& writer, const FloatReference& reference, const Budget& budget,
                                       const Measurement& int8, std::vector<RankedLayer> ranking) {
  MixedSearchResult r;
  r.budget = budget;
  r.ranking = std::move(ranking);
  // One file per candidate, all removed at the end: a file this process
  // has read is never written again (the CLI's input guard, by file
  // identity, which a removed file's successor could reuse).
  std::vector<std::string> candidate_files;
  std::map<std::vector<int>, MixedCandidate> tried;
  const EarlyStop stop = budget.StopFor(reference);
  auto run = [&](std::vector<int> nodes, const char* step) -> const MixedCandidate& {
    std::sort(nodes.begin(), nodes.end());
    auto it = tried.find(nodes);
    if (it != tried.end()) return it->second;
    MixedCandidate c;
    c.nodes = nodes;
    candidate_files.push_back(fmt::format("mixed-candidate-{}.tflite", candidate_files.size() + 1));
    c.step = step;
    try {
      c.measurement = MeasureMixed(writer, reference, nodes, candidate_files.back(), &stop);
      c.met = c.measurement.complete && budget.MetBy(c.measurement);
    } catch (const Error& e) {
      // A set the quantizer cannot write is a candidate that misses.
      c.measurement.complete = false;
      c.step += std::string(" (not written: ") + e.what() + ")";
    }
    r.candidates.push_back(c);
    return tried.emplace(nodes, c).first->second;
  };

  std::vector<int> set;
  if (budget.MetBy(int8)) {
    r.int8_met = true;
    r.met = true;
  } else {
    // Greedy: the top-K runnable layers by impact, K growing until one meets the budget.
    for (const RankedLayer& layer : r.ranking) {
      if (!layer.runnable_in_float) continue;
      set.push_back(layer.node);
      if (run(set, "add").met) {
        r.met = true;
        r.top_k = set.size();
        break;
      }
    }
    if (!r.met) {
      size_t runnable = 0;
      for (const RankedLayer& layer : r.ranking) runnable += layer.runnable_in_float;
      r.note = runnable == 0 ? "no layer can be kept in float on this target: the budget cannot be met by mixed precision"
                             : fmt::format("with all {} candidate layers in float the budget is still missed", runnable);
    } else {
      // Drop layers again, the least costly first, while the rest meets the
      // budget; repeat until no single layer can go (the result is minimal).
      for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = set.size(); i-- > 0;) {
          if (set.size() == 1) break;  // the empty set is full int8, which missed
          std::vector<int> without = set;
          without.erase(without.begin() + static_cast<long>(i));
          if (run(without, "drop").met) {
            set = without;
            changed = true;
          }
        }
      }
    }
  }
  std::sort(set.begin(), set.end());
  r.nodes = set;
  r.variant = writer.WriteMixed(set, "mixed.tflite");
  if (set.empty()) {
    r.measurement = int8;
  } else {
    r.measurement = tried.at(set).measurement;
    // A set that missed stopped early: its row gets figures over every item.
    r.measurement = r.measurement.complete ? r.measurement : reference.Measure(r.variant.file);
    r.measurement.latency_ms = reference.LatencyMs(r.variant.file);
  }
  std::error_code ec;
  for (const std::string& file : candidate_files)
    std::filesystem::remove(std::filesystem::path(r.variant.file).parent_path() / file, ec);
  return r;
}

}  // namespace tfd::tradeoffs
