#include "report/compare_report.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "graph/dtype.h"

namespace tfd {
namespace {

using nlohmann::json;

// JSON has no infinity: an exact match reports SQNR as null.
json Db(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string DbText(double v) {
  if (std::isinf(v)) return v > 0 ? "exact" : "-inf";
  return fmt::format("{:.1f}", v);
}

json StatsJson(const ErrorStats& s) {
  return {{"num_elements", s.elements_per_sample()}, {"mean_error", s.mean_error()}, {"stddev", s.error_stddev()},
          {"max_abs_error", s.max_abs_error()},       {"mean_abs_error", s.mean_abs_error()},
          {"mean_squared_error", s.mean_squared_error()}, {"rmse", s.rmse()},
          {"sqnr_db", Db(s.sqnr_db())},               {"cosine", s.cosine()},
          {"reference_min", std::isfinite(s.reference_min()) ? json(s.reference_min()) : json(nullptr)},
          {"reference_max", std::isfinite(s.reference_max()) ? json(s.reference_max()) : json(nullptr)}};
}

// An SQNR cell: empty when not measured, "inf" for an exact match.
std::string DbCell(const ErrorStats& s) {
  if (s.count() == 0) return "";
  return std::isfinite(s.sqnr_db()) ? fmt::format("{:.4f}", s.sqnr_db()) : "inf";
}

}  // namespace

json CompareJson(const CompareResult& r) {
  json j;
  j["samples"] = r.samples;
  j["isolated_samples"] = r.isolated_samples;
  j["impact_samples"] = r.impact_samples;
  j["outputs"] = json::array();
  for (const auto& o : r.outputs) {
    json oj = StatsJson(o.stats);
    oj["index"] = o.index;
    oj["name"] = o.name;
    oj["rmse_over_step"] = o.step && *o.step > 0 ? json(o.stats.rmse() / *o.step) : json(nullptr);
    if (o.classifier && o.top1_total > 0) {
      oj["top1_agreement"] = static_cast<double>(o.top1_agree) / o.top1_total;
      oj["top1_agree"] = o.top1_agree;
      oj["top1_total"] = o.top1_total;
    } else {
      oj["top1_agreement"] = nullptr;
    }
    j["outputs"].push_back(oj);
  }
  j["layers"] = json::array();
  for (const auto& l : r.layers) {
    json lj = StatsJson(l.stats);
    lj["name"] = l.tensor;
    lj["tensor_idx"] = l.pair.deployed;
    lj["reference_name"] = l.reference_tensor;
    lj["reference_tensor_idx"] = l.pair.reference;
    lj["op"] = l.op;
    lj["node"] = l.pair.deployed_node;
    lj["matched_by"] = l.pair.matched_by;
    lj["dtype"] = DTypeName(l.dtype);
    if (l.range) {
      lj["scale"] = l.range->scale;
      lj["zero_point"] = l.range->zero_point;
      lj["representable_min"] = l.range->min;
      lj["representable_max"] = l.range->max;
      lj["clipped_share"] = l.stats.clipped_share();
      lj["clipping_error_share"] = l.stats.clipping_error_share();
      lj["rmse_over_scale"] = l.range->scale > 0 ? json(l.stats.rmse() / l.range->scale) : json(nullptr);
    } else {
      lj["scale"] = nullptr;
      lj["zero_point"] = nullptr;
      lj["clipped_share"] = nullptr;
      lj["clipping_error_share"] = nullptr;
      lj["rmse_over_scale"] = nullptr;
    }
    lj["added_noise"] = l.added_noise;
    lj["added_by"] = l.added_by;
    lj["isolated"] = l.isolated.count() > 0 ? StatsJson(l.isolated) : json(nullptr);
    lj["impact"] = l.impact.count() > 0 ? StatsJson(l.impact) : json(nullptr);
    lj["input_sqnr_db"] = Db(l.input_sqnr_db);
    j["layers"].push_back(lj);
  }
  j["suspects"] = json::array();
  for (const auto& s : r.suspects) {
    const ErrorStats& impact = r.layers[s.layer].impact;
    j["suspects"].push_back({{"tensor", s.tensor}, {"op", s.op}, {"node", s.node}, {"added_noise", s.added_noise},
                             {"impact_sqnr_db", impact.count() > 0 ? Db(impact.sqnr_db()) : json(nullptr)},
                             {"causes", s.causes}, {"evidence", s.evidence}});
  }
  j["unmatched"] = {{"reference", r.unmatched_reference}, {"deployed", r.unmatched_deployed}};
  return j;
}

std::string CompareText(const CompareResult& r, size_t max_layers) {
  std::ostringstream out;
  out << fmt::format("Compared on {} input sample{} (each layer also run alone on {} of them, and its error carried "
                     "to the outputs on {}).\n\nOutputs:\n",
                     r.samples, r.samples == 1 ? "" : "s", r.isolated_samples, r.impact_samples);
  for (const auto& o : r.outputs) {
    if (o.stats.count() == 0) {
      out << fmt::format("  {}: not compared (its values are not numbers compare can read)\n", o.name);
      continue;
    }
    out << fmt::format("  {}: SQNR {} dB, cosine {:.5f}, max |err| {:.4g}, mean |err| {:.4g}", o.name,
                       DbText(o.stats.sqnr_db()), o.stats.cosine(), o.stats.max_abs_error(), o.stats.mean_abs_error());
    if (o.step && *o.step > 0) out << fmt::format(", RMSE {:.2f} steps", o.stats.rmse() / *o.step);
    if (o.classifier && o.top1_total > 0)
      out << fmt::format(", top-1 agreement {}/{} ({:.1f}%)", o.top1_agree, o.top1_total, 100.0 * o.top1_agree / o.top1_total);
    out << "\n";
  }
  out << fmt::format("\nLayers: {} matched", r.layers.size());
  if (!r.unmatched_deployed.empty() || !r.unmatched_reference.empty())
    out << fmt::format(" ({} deployed and {} reference tensors unmatched)", r.unmatched_deployed.size(), r.unmatched_reference.size());
  out << ". Worst first, by the error each adds on its own (\"own\": the layer run alone in both models on "
         "the same input values; \"out\": the outputs' SQNR with only this layer's own error; \"SQNR\": at its "
         "output in the full run; \"in\": its worst input's):\n";
  out << fmt::format("  {:>4}  {:<28} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8}  {}\n", "node", "op", "own dB", "out dB",
                     "SQNR dB", "in dB", "RMSE/step", "clipped", "tensor");
  std::vector<const LayerComparison*> order;
  for (const auto& l : r.layers) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->added_noise > b->added_noise; });
  for (size_t i = 0; i < order.size() && i < max_layers; ++i) {
    const auto& l = *order[i];
    std::string name = l.tensor.size() > 60 ? l.tensor.substr(0, 57) + "..." : l.tensor;
    out << fmt::format("  {:>4}  {:<28} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8}  {}\n", l.pair.deployed_node, l.op,
                       l.added_by == "isolated" ? DbText(-10 * std::log10(l.added_noise)) : "-",
                       l.impact.count() > 0 ? DbText(l.impact.sqnr_db()) : "-", DbText(l.stats.sqnr_db()),
                       DbText(l.input_sqnr_db),
                       l.range && l.range->scale > 0 ? fmt::format("{:.2f}", l.stats.rmse() / l.range->scale) : "-",
                       l.range ? fmt::format("{:.2f}%", 100 * l.stats.clipped_share()) : "-", name);
  }
  if (!r.suspects.empty()) {
    out << "\nSuspects:\n";
    for (size_t i = 0; i < r.suspects.size() && i < 5; ++i) {
      const auto& s = r.suspects[i];
      out << fmt::format("  {}. node {} {} '{}'\n", i + 1, s.node, s.op, s.tensor);
      for (const auto& e : s.evidence) out << "     - " << e << "\n";
    }
  }
  return out.str();
}

std::string CompareCsv(const CompareResult& r) {
  std::ostringstream out;
  out << "op_name,tensor_idx,num_elements,stddev,mean_error,max_abs_error,mean_squared_error,scale,zero_point,"
         "tensor_name,sqnr_db,rmse_over_scale,clipped_share,added_noise,isolated_sqnr_db,impact_sqnr_db\n";
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  for (const auto& l : r.layers) {
    out << l.op << "," << l.pair.deployed << "," << l.stats.elements_per_sample() << ","
        << fmt::format("{:.9g},{:.9g},{:.9g},{:.9g}", l.stats.error_stddev(), l.stats.mean_error(), l.stats.max_abs_error(),
                       l.stats.mean_squared_error())
        << "," << (l.range ? fmt::format("{:.9g}", l.range->scale) : "") << ","
        << (l.range ? std::to_string(l.range->zero_point) : "") << "," << quote(l.tensor) << ","
        << (std::isfinite(l.stats.sqnr_db()) ? fmt::format("{:.4f}", l.stats.sqnr_db()) : "inf") << ","
        << (l.range && l.range->scale > 0 ? fmt::format("{:.6g}", l.stats.rmse() / l.range->scale) : "") << ","
        << (l.range ? fmt::format("{:.6g}", l.stats.clipped_share()) : "") << "," << fmt::format("{:.6g}", l.added_noise) << ","
        << DbCell(l.isolated) << "," << DbCell(l.impact) << "\n";
  }
  return out.str();
}

}  // namespace tfd
