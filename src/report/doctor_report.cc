#include "report/doctor_report.h"

#include <sstream>

#include <fmt/format.h>

#include "report/tradeoffs_report.h"

namespace tfd {
namespace {

constexpr size_t kColumns = 80;

std::string Interval(const doctor::Cost& c) { return fmt::format("[{:.1f}, {:.1f}]", c.lo, c.hi); }

std::string CostLine(const doctor::Cost& c) {
  if (c.hard_failure) return c.sentence;
  std::string line = fmt::format("costs {:.1f} {} of {} {}, {} items", c.points, c.unit, c.metric, Interval(c), c.items);
  if (c.top1_points && c.unit != "points") line += fmt::format("; top-1: {:.1f} points", *c.top1_points);
  return line;
}

// The first lines stay short: a long summary (a check finding's whole
// explanation) is cut at a word; the causes section has it whole.
std::string Short(const std::string& text, size_t limit = 110) {
  if (text.size() <= limit) return text;
  size_t cut = text.rfind(' ', limit);
  return text.substr(0, cut == std::string::npos ? limit : cut) + " ...";
}

std::string Size(size_t bytes) {
  return bytes >= 1000000 ? fmt::format("{:.2f} MB", static_cast<double>(bytes) / 1e6)
                          : fmt::format("{:.0f} kB", static_cast<double>(bytes) / 1e3);
}

}  // namespace

std::string WrapColumns(const std::string& text, size_t width, size_t first_indent, size_t indent) {
  std::istringstream words(text);
  std::string word, out, line(first_indent, ' ');
  bool empty = true;
  while (words >> word) {
    // A word longer than a line (a path) is cut, so no line passes `width`.
    while (word.size() > width - indent) {
      if (!empty) {
        out += line + "\n";
        line.assign(indent, ' ');
        empty = true;
      }
      const size_t room = width - line.size();
      out += line + word.substr(0, room) + "\n";
      word = word.substr(room);
      line.assign(indent, ' ');
    }
    if (!empty && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.assign(indent, ' ');
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  if (!empty) out += line + "\n";
  return out;
}

std::vector<std::array<std::string, 5>> SchemeRows(const tradeoffs::TradeoffsResult& t) {
  std::vector<std::array<std::string, 5>> rows;
  for (const auto& r : t.rows) {
    if (!r.measured) {
      rows.push_back({r.scheme, "", "", "", "not made: " + r.error});
      continue;
    }
    const auto& m = r.measurement;
    const bool exact = r.scheme == "float";
    // Under an SQNR budget (doctor's, for a dense output) top-1 means nothing.
    const bool top1 = t.budget.kind == tradeoffs::Budget::Kind::kAgreement;
    rows.push_back({r.scheme, Size(r.size_bytes), exact ? "exact" : fmt::format("{:.1f} dB", m.sqnr_db),
                    top1 ? fmt::format("{:.1f}%", 100 * m.agreement) : "-", exact ? "" : r.within_budget ? "yes" : "no"});
  }
  return rows;
}

std::string DoctorText(const doctor::DoctorResult& r) {
  std::string s;
  auto wrap = [&](const std::string& t, size_t first, size_t rest) { s += WrapColumns(t, kColumns, first, rest); };
  // The verdict first: what a person reads if they read nothing else.
  wrap("Verdict: " + r.verdict, 0, 2);
  if (!r.causes.empty()) {
    const auto& c = r.causes.front();
    wrap("Worst: " + c.kind + ": " + Short(c.summary) + " (" + CostLine(c.cost) + ")", 0, 2);
    wrap("Fix: " + Short(c.fix, 150), 0, 2);
  } else if (!r.undecided.empty()) {
    wrap("To decide " + r.undecided.front().kind + ", give " + r.undecided.front().give, 0, 2);
  }
  s += "\n";
  wrap("Deployed: " + r.deployed, 0, 2);
  wrap("Reference: " + r.reference, 0, 2);
  if (!r.data.empty()) wrap(fmt::format("Data: {} ({} items)", r.data, r.items), 0, 2);

  if (!r.causes.empty()) {
    s += "\nCauses, worst first:\n";
    for (size_t i = 0; i < r.causes.size(); ++i) {
      const auto& c = r.causes[i];
      wrap(fmt::format("{}. {}: {}", i + 1, c.kind, c.summary), 2, 5);
      wrap("cost: " + CostLine(c.cost), 5, 7);
      for (const auto& e : c.evidence) wrap("- " + e, 5, 7);
      wrap("fix: " + c.fix, 5, 7);
    }
  }
  if (!r.ruled_out.empty()) {
    s += "\nRuled out:\n";
    for (const auto& o : r.ruled_out) wrap("- " + o.kind + ": " + o.measurement, 2, 4);
  }
  if (!r.undecided.empty()) {
    s += "\nUndecided (give more to decide):\n";
    for (const auto& u : r.undecided) wrap("- " + u.kind + ": " + u.reason + "; give " + u.give, 2, 4);
  }
  if (!r.notes.empty()) {
    s += "\nNotes:\n";
    for (const auto& n : r.notes) wrap("- " + n, 2, 4);
  }
  if (r.tradeoffs) {
    s += "\n";
    wrap("Quantization schemes from the float model, on the same items (budget: " +
             r.tradeoffs->budget.Describe() + "):",
         0, 2);
    s += fmt::format("  {:<16} {:>9} {:>9} {:>7}  {}\n", "scheme", "size", "SQNR", "agree", "budget");
    for (const auto& row : SchemeRows(*r.tradeoffs)) {
      if (row[1].empty()) {
        wrap(fmt::format("{:<16} {}", row[0], row[4]), 2, 19);
        continue;
      }
      s += fmt::format("  {:<16} {:>9} {:>9} {:>7}  {}\n", row[0], row[1], row[2], row[3], row[4]);
    }
    if (!r.tradeoffs->recommendation.reason.empty()) wrap(r.tradeoffs->recommendation.reason, 2, 4);
  }
  if (!r.targets.empty()) {
    s += "\nCheck:\n";
    for (const auto& t : r.targets)
      wrap(fmt::format("{:<12} {:<5} {} of {} ops {}{}", t.target, t.runs ? "runs" : "FAILS", t.taken_ops, t.total_ops,
                       t.kind == "delegate" ? "delegated" : "with kernels",
                       t.errors.empty() ? "" : ": " + t.errors.front()),
           2, 4);
  }
  if (!r.fixes_written.empty() || !r.manual_fixes.empty()) {
    s += "\nFixes:\n";
    for (const auto& f : r.fixes_written) wrap("written: " + f, 2, 4);
    for (const auto& f : r.manual_fixes) wrap("to change by hand: " + f, 2, 4);
  }
  std::string times;
  for (const auto& [step, sec] : r.timings) times += fmt::format("{}{} {:.1f} s", times.empty() ? "" : ", ", step, sec);
  if (!times.empty()) {
    s += "\n";
    wrap("Time: " + times, 0, 2);
  }
  return s;
}

nlohmann::json DoctorJson(const doctor::DoctorResult& r) {
  using nlohmann::json;
  auto figures = [](const std::vector<doctor::Figure>& fs) {
    json a = json::array();
    for (const auto& f : fs) a.push_back({{"name", f.name}, {"value", f.value}, {"unit", f.unit}});
    return a;
  };
  json j;
  j["deployed"] = r.deployed;
  j["reference"] = r.reference;
  j["data"] = {{"source", r.data}, {"items", r.items}, {"labeled", r.labeled}};
  j["verdict"] = r.verdict;
  json causes = json::array();
  for (size_t i = 0; i < r.causes.size(); ++i) {
    const auto& c = r.causes[i];
    causes.push_back({{"rank", i + 1},
                      {"kind", c.kind},
                      {"summary", c.summary},
                      {"evidence", c.evidence},
                      {"figures", figures(c.figures)},
                      {"cost",
                       {{"hard_failure", c.cost.hard_failure},
                        {"metric", c.cost.metric},
                        {"points", c.cost.points},
                        {"unit", c.cost.unit},
                        {"top1_points", c.cost.top1_points ? json(*c.cost.top1_points) : json()},
                        {"interval", {c.cost.lo, c.cost.hi}},
                        {"items", c.cost.items},
                        {"sentence", c.cost.sentence}}},
                      {"fix", c.fix}});
  }
  j["causes"] = causes;
  json ruled = json::array();
  for (const auto& o : r.ruled_out) ruled.push_back({{"kind", o.kind}, {"measurement", o.measurement}});
  j["ruled_out"] = ruled;
  json undecided = json::array();
  for (const auto& u : r.undecided) undecided.push_back({{"kind", u.kind}, {"reason", u.reason}, {"give", u.give}});
  j["undecided"] = undecided;
  j["notes"] = r.notes;
  j["tradeoffs"] = r.tradeoffs ? TradeoffsJson(*r.tradeoffs) : nlohmann::json();
  json layers = json::array();
  for (const auto& l : r.layers) {
    json e{{"tensor", l.tensor}, {"op", l.op}, {"node", l.node}, {"full_sqnr_db", l.full_sqnr_db},
           {"clipped_share", l.clipped_share}, {"suspect_rank", l.suspect_rank}};
    e["own_sqnr_db"] = l.own_measured ? json(l.own_sqnr_db) : json();
    e["impact_sqnr_db"] = l.impact_measured ? json(l.impact_sqnr_db) : json();
    layers.push_back(e);
  }
  j["layers"] = layers;
  json hist = json::array();
  for (const auto& h : r.histograms)
    hist.push_back({{"tensor", h.tensor}, {"min", h.min}, {"max", h.max}, {"counts", h.counts},
                    {"representable", {h.representable_min, h.representable_max}}, {"clipped_share", h.clipped_share}});
  j["histograms"] = hist;
  json cands = json::array();
  for (const auto& c : r.preprocessing)
    cands.push_back({{"rank", c.rank}, {"name", c.name}, {"score", c.score}, {"interval", {c.lo, c.hi}},
                     {"declared", c.declared}, {"expected", c.expected}, {"ok", c.ok}});
  j["preprocessing"] = {{"metric", r.preprocessing_metric}, {"candidates", cands}};
  if (r.confusion)
    j["confusion"] = {{"classes", r.confusion->classes}, {"counts", r.confusion->counts}, {"items", r.confusion->items},
                      {"agree", r.confusion->agree}};
  else
    j["confusion"] = nullptr;
  json targets = json::array();
  for (const auto& t : r.targets)
    targets.push_back({{"target", t.target}, {"runs", t.runs}, {"kind", t.kind}, {"total_ops", t.total_ops},
                       {"taken_ops", t.taken_ops}, {"partitions", t.partitions}, {"errors", t.errors},
                       {"warnings", t.warnings}});
  j["targets"] = targets;
  j["outputs"] = figures(r.outputs);
  j["fix"] = {{"written", r.fixes_written}, {"manual", r.manual_fixes}};
  json timings = json::array();
  for (const auto& [step, sec] : r.timings) timings.push_back({{"step", step}, {"seconds", sec}});
  j["timings"] = timings;
  return j;
}

}  // namespace tfd
