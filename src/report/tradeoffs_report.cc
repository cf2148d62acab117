#include "report/tradeoffs_report.h"

#include <cmath>

#include <fmt/format.h>

namespace tfd {

namespace {

using nlohmann::json;

json NumberOrNull(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json LayersJson(const std::vector<tradeoffs::FloatLayer>& layers) {
  json a = json::array();
  for (const auto& l : layers) a.push_back({{"node", l.node}, {"op", l.op}, {"tensor", l.tensor}});
  return a;
}

std::string WithCi(double v, const tradeoffs::Interval& ci) {
  return fmt::format("{:.1f}% [{:.1f}, {:.1f}]", 100 * v, 100 * ci.lo, 100 * ci.hi);
}
std::string Size(size_t bytes) {
  return bytes >= 1000000 ? fmt::format("{:.2f} MB", bytes / 1e6) : fmt::format("{:.1f} kB", bytes / 1e3);
}

}  // namespace

json TradeoffsJson(const tradeoffs::TradeoffsResult& r) {
  json j;
  j["model"] = r.model;
  j["data"] = r.data;
  j["items"] = r.items;
  j["labeled"] = r.labeled;
  j["calibration"] = r.calibration;
  j["preprocess"] = r.preprocess;
  j["arithmetic"] = r.arithmetic;
  j["target"] = r.target.empty() ? json(nullptr) : json(r.target);
  j["budget"] = {{"kind", r.budget.kind == tradeoffs::Budget::Kind::kAgreement ? "agreement" : "sqnr_db"},
                 {"value", r.budget.value},
                 {"given", r.budget.given},
                 {"text", r.budget.Describe()}};
  json variants = json::array();
  for (const auto& row : r.rows) {
    json v;
    v["scheme"] = row.scheme;
    v["file"] = row.file.empty() ? json(nullptr) : json(row.file);
    v["size_bytes"] = row.measured ? json(row.size_bytes) : json(nullptr);
    const auto& m = row.measurement;
    v["latency_ms"] = row.measured ? json(m.latency_ms) : json(nullptr);
    v["sqnr_db"] = row.measured ? NumberOrNull(m.sqnr_db) : json(nullptr);
    v["agreement"] = row.measured ? json(m.agreement) : json(nullptr);
    v["agreement_ci"] = row.measured ? json{m.agreement_ci.lo, m.agreement_ci.hi} : json(nullptr);
    v["accuracy"] = row.measured && m.labeled ? json(m.accuracy) : json(nullptr);
    v["accuracy_ci"] = row.measured && m.labeled ? json{m.accuracy_ci.lo, m.accuracy_ci.hi} : json(nullptr);
    v["items"] = row.measured ? json(m.items) : json(nullptr);
    v["float_layers"] = LayersJson(row.float_layers);
    v["targets"] = row.targets;
    v["within_budget"] = row.within_budget;
    v["error"] = row.error.empty() ? json(nullptr) : json(row.error);
    variants.push_back(v);
  }
  j["variants"] = variants;
  if (r.mixed) {
    const auto& m = *r.mixed;
    json ranking = json::array();
    for (const auto& l : m.ranking)
      ranking.push_back({{"node", l.node},
                         {"op", l.op},
                         {"tensor", l.tensor},
                         {"impact_sqnr_db", l.impact_measured ? NumberOrNull(l.impact_sqnr_db) : json(nullptr)},
                         {"runnable_in_float", l.runnable_in_float}});
    json candidates = json::array();
    for (const auto& c : m.candidates)
      candidates.push_back({{"nodes", c.nodes},
                            {"step", c.step},
                            {"agreement", c.measurement.agreement},
                            {"sqnr_db", NumberOrNull(c.measurement.sqnr_db)},
                            {"met", c.met}});
    j["mixed"] = {{"met", m.met},
                  {"int8_met", m.int8_met},
                  {"nodes", m.nodes},
                  {"top_k", m.top_k},
                  {"ranking", ranking},
                  {"candidates", candidates},
                  {"note", m.note.empty() ? json(nullptr) : json(m.note)}};
  } else {
    j["mixed"] = nullptr;
  }
  j["recommended"] = r.recommendation.scheme.empty() ? json(nullptr) : json(r.recommendation.scheme);
  j["recommendation"] = r.recommendation.reason;
  j["warnings"] = r.warnings;
  return j;
}

std::string TradeoffsText(const tradeoffs::TradeoffsResult& r) {
  std::string out;
  out += fmt::format("Model: {}\n", r.model);
  out += fmt::format("Evaluation: {} ({} items, {} with a label the model knows); preprocessing {}\n", r.data, r.items,
                     r.labeled, r.preprocess);
  out += fmt::format("Calibration: {}\n", r.calibration);
  out += fmt::format("Runtime: our interpreter, {} arithmetic{}\n", r.arithmetic,
                     r.target.empty() ? "" : " (the profile for " + r.target + ")");
  out += fmt::format("Budget: {}{}\n\n", r.budget.Describe(), r.budget.given ? "" : " (default; --budget or --budget-sqnr)");
  out += fmt::format("{:<16} {:>10} {:>10} {:>9} {:>26} {:>26}  {:<2} {}\n", "scheme", "size", "latency", "SQNR",
                     "agreement [95% CI]", "accuracy [95% CI]", "ok", "runs on");
  for (const auto& row : r.rows) {
    if (!row.measured) {
      out += fmt::format("{:<16} not written: {}\n", row.scheme, row.error);
      continue;
    }
    const auto& m = row.measurement;
    out += fmt::format("{:<16} {:>10} {:>7.2f} ms {:>9} {:>26} {:>26}  {:<2} {}\n", row.scheme, Size(row.size_bytes),
                       m.latency_ms, std::isfinite(m.sqnr_db) ? fmt::format("{:.2f} dB", m.sqnr_db) : "-",
                       WithCi(m.agreement, m.agreement_ci), m.labeled ? WithCi(m.accuracy, m.accuracy_ci) : "-",
                       row.within_budget ? "*" : "", row.targets.empty() ? "none" : fmt::format("{}", fmt::join(row.targets, ", ")));
  }
  out += "(* within the budget; SQNR and agreement of output 0 against the float model)\n";
  if (r.mixed) {
    const auto& m = *r.mixed;
    out += "\nMixed precision: ";
    if (m.int8_met) {
      out += "full int8 already meets the budget: no layer kept in float\n";
    } else if (!m.met) {
      out += m.note + "\n";
    } else {
      out += fmt::format("{} layer{} kept in float ({} candidates run; the top {} by impact met the budget before dropping):\n",
                         m.nodes.size(), m.nodes.size() == 1 ? "" : "s", m.candidates.size(), m.top_k);
      for (const auto& l : m.variant.float_layers) out += fmt::format("  node {} {} ({})\n", l.node, l.op, l.tensor);
    }
  }
  if (!r.warnings.empty()) {
    out += "\n";
    for (const auto& w : r.warnings) out += "Warning: " + w + "\n";
  }
  out += "\nRecommended: " + (r.recommendation.scheme.empty() ? "none: " + r.recommendation.reason : r.recommendation.reason) + "\n";
  return out;
}

}  // namespace tfd
