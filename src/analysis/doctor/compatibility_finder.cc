#include "analysis/doctor/compatibility_finder.h"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/compat/engine.h"
#include "analysis/compat/rules.h"

namespace tfd::doctor {
namespace {

std::string FindingLine(const compat::Finding& f) {
  std::string where = f.node ? fmt::format("node {} ", *f.node) : std::string();
  return where + (f.op.empty() ? "" : f.op + ": ") + f.reason;
}

// Warnings that share an op and a reason as one line naming their nodes
// ("nodes 1, 5, 10 and 11 more RELU: runs on CPU: ..."), in the order they
// first appear: a quantized model can have dozens of one kind.
std::vector<std::string> GroupedWarnings(const std::vector<compat::Finding>& findings) {
  struct Group {
    const compat::Finding* first;
    std::vector<int> nodes;
  };
  std::vector<Group> groups;
  for (const auto& f : findings) {
    if (f.severity != compat::Severity::kWarning) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.first->op == f.op && g.first->reason == f.reason; });
    if (it == groups.end() || !f.node) {
      groups.push_back({&f, {}});
      it = groups.end() - 1;
    }
    if (f.node) it->nodes.push_back(*f.node);
  }
  std::vector<std::string> lines;
  for (const Group& g : groups) {
    if (g.nodes.size() <= 1) {
      lines.push_back(FindingLine(*g.first));
      continue;
    }
    constexpr size_t kShown = 4;
    std::string nodes;
    for (size_t i = 0; i < g.nodes.size() && i < kShown; ++i) nodes += fmt::format("{}{}", i ? ", " : "", g.nodes[i]);
    if (g.nodes.size() > kShown) nodes += fmt::format(" and {} more", g.nodes.size() - kShown);
    lines.push_back(fmt::format("nodes {} {}{}", nodes, g.first->op.empty() ? "" : g.first->op + ": ", g.first->reason));
  }
  return lines;
}

}  // namespace

CompatibilityFindings FindCompatibility(const Model& deployed, const std::string& rules_dir,
                                        const std::vector<std::string>& targets) {
  compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir(rules_dir));
  std::vector<compat::TargetSpec> specs;
  for (const auto& t : targets.empty() ? std::vector<std::string>{"tflite", "xnnpack"} : targets)
    specs.push_back(compat::ParseTargetSpec(t, book));
  compat::CheckResult check = compat::CheckModel(deployed, book, specs);

  CompatibilityFindings out;
  std::vector<std::string> fine;
  for (const compat::TargetResult& t : check.targets) {
    TargetRow row;
    row.target = t.target;
    row.runs = t.runs;
    row.kind = t.kind;
    row.total_ops = t.total_ops;
    row.taken_ops = t.delegated_ops;
    row.partitions = t.partitions;
    for (const auto& f : t.findings) {
      if (f.severity == compat::Severity::kError) row.errors.push_back(FindingLine(f));
      if (f.severity == compat::Severity::kWarning) row.warnings.push_back(FindingLine(f));
    }
    out.rows.push_back(row);
    if (t.runs) {
      fine.push_back(t.kind == "delegate"
                         ? fmt::format("{} takes {} of {} ops", t.target, t.delegated_ops, t.total_ops)
                         : fmt::format("{} has kernels for all {} ops", t.target, t.total_ops));
      for (const auto& w : GroupedWarnings(t.findings)) out.notes.push_back(t.target + ": " + w);
      continue;
    }
    Cause c;
    c.kind = kCompatibility;
    c.summary = fmt::format("the model does not load on {}: {}", t.target,
                            row.errors.empty() ? std::string("see the check table") : row.errors.front());
    std::vector<std::string> fixes;
    for (const auto& f : t.findings) {
      if (f.severity != compat::Severity::kError) continue;
      c.evidence.push_back(fmt::format("check {}: {}{}", t.target, FindingLine(f),
                                       f.source.empty() ? "" : " (" + f.source + ")"));
      if (!f.fix.empty() && (fixes.empty() || fixes.back() != f.fix)) fixes.push_back(f.fix);
    }
    c.figures.push_back({"nodes with a kernel or delegated on " + t.target, static_cast<double>(t.delegated_ops), "count"});
    c.figures.push_back({"nodes", static_cast<double>(t.total_ops), "count"});
    c.cost.hard_failure = true;
    c.cost.metric = "loads on " + t.target;
    c.cost.sentence = "hard failure: " + t.target + " refuses the model";
    for (size_t i = 0; i < fixes.size(); ++i) c.fix += (i ? " " : "") + fixes[i];
    if (c.fix.empty()) c.fix = "replace the ops " + t.target + " lacks (see the check table)";
    out.causes.push_back(std::move(c));
  }
  if (out.causes.empty()) {
    std::string m = "check: ";
    for (size_t i = 0; i < fine.size(); ++i) m += (i ? "; " : "") + fine[i];
    out.ruled_out = RuledOut{kCompatibility, m};
  }
  return out;
}

}  // namespace tfd::doctor
