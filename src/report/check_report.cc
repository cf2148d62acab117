#include "report/check_report.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tfd {
namespace {

using nlohmann::json;

json FindingJson(const compat::Finding& f) {
  json j;
  j["target"] = f.target;
  j["node"] = f.node ? json(*f.node) : json(nullptr);
  j["subgraph"] = f.subgraph;
  j["op"] = f.op.empty() ? json(nullptr) : json(f.op);
  j["output_tensor"] = f.node ? json(f.output_tensor) : json(nullptr);
  j["severity"] = compat::SeverityName(f.severity);
  j["kind"] = f.kind;
  j["reason"] = f.reason;
  j["fix"] = f.fix;
  j["source"] = f.source;
  return j;
}

json Share(int64_t part, int64_t whole) {
  if (whole <= 0) return nullptr;
  return std::round(1000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 1000.0;
}

// Findings shown per group in the text report.
constexpr size_t kShownPerGroup = 3;

// The converter joins fused tensors' names with ';': the first part names
// the layer, the rest only repeats folded constants.
std::string ShortTensorName(const std::string& name) {
  const size_t cut = name.find(';');
  return cut == std::string::npos ? name : name.substr(0, cut) + ";...";
}

std::string Percent(const json& share) {
  if (share.is_null()) return "n/a";
  return fmt::format("{:.0f}%", share.get<double>() * 100.0);
}

}  // namespace

json CheckJson(const compat::CheckResult& result) {
  json targets = json::array();
  for (const auto& t : result.targets) {
    json j;
    j["target"] = t.target;
    j["title"] = t.title;
    j["kind"] = t.kind;
    j["runs"] = t.runs;
    if (t.name == "tflite") {
      j["min_runtime_version"] = t.min_runtime_version ? json(*t.min_runtime_version) : json(nullptr);
      j["declared_min_runtime_version"] =
          t.declared_min_runtime_version ? json(*t.declared_min_runtime_version) : json(nullptr);
    }
    j["delegated_ops"] = t.delegated_ops;
    j["total_ops"] = t.total_ops;
    j["partitions"] = t.partitions;
    j["delegated_macs"] = t.delegated_macs;
    j["total_macs"] = t.total_macs;
    j["delegated_ops_share"] = Share(t.delegated_ops, t.total_ops);
    j["delegated_macs_share"] = Share(t.delegated_macs, t.total_macs);
    j["first_unsupported_node"] = t.first_unsupported_node ? json(*t.first_unsupported_node) : json(nullptr);
    if (t.kind == "delegate") {
      j["compiled"] = t.compiled;
      // Nodes the delegate leaves on the CPU, main subgraph first: with
      // partitions and first_unsupported_node, the mapping node by node.
      json cpu = json::array();
      for (size_t s = 0; s < t.taken.size(); ++s)
        for (size_t i = 0; i < t.taken[s].size(); ++i)
          if (!t.taken[s][i]) cpu.push_back(s == 0 ? json(i) : json{{"subgraph", s}, {"node", i}});
      j["cpu_nodes"] = cpu;
    }
    j["basis"] = t.basis_kind.empty() ? json(nullptr) : json{{"kind", t.basis_kind}, {"text", t.basis_text}};
    json findings = json::array();
    for (const auto& f : t.findings) findings.push_back(FindingJson(f));
    j["findings"] = findings;
    targets.push_back(j);
  }
  return json{{"targets", targets}};
}

std::string CheckText(const json& check) {
  std::ostringstream out;
  for (const auto& t : check.at("targets")) {
    std::string label = t.at("target").get<std::string>();
    std::string title = t.value("title", "");
    out << label << (title.empty() || title == label ? "" : " (" + title + ")") << ": ";
    bool runs = t.at("runs").get<bool>();
    int delegated = t.at("delegated_ops").get<int>(), total = t.at("total_ops").get<int>();
    if (!runs) {
      out << "does not load";
    } else if (t.value("compiled", false)) {
      out << fmt::format("already compiled for it: {} compiled node{} run there, {} op{} on CPU", delegated,
                         delegated == 1 ? "" : "s", total - delegated, total - delegated == 1 ? "" : "s");
    } else if (t.value("kind", "") == "runtime") {
      out << "runs";
    } else if (delegated == total && total > 0) {
      out << fmt::format("fully delegated ({} ops, {} partition{})", total, t.at("partitions").get<int>(),
                         t.at("partitions").get<int>() == 1 ? "" : "s");
    } else if (delegated == 0) {
      out << "runs, nothing delegated (all on CPU)";
    } else {
      out << fmt::format("partially delegated: {} of ops, {} of MACs, {} partition{}",
                         Percent(t.at("delegated_ops_share")), Percent(t.at("delegated_macs_share")),
                         t.at("partitions").get<int>(), t.at("partitions").get<int>() == 1 ? "" : "s");
    }
    if (t.contains("min_runtime_version") && !t["min_runtime_version"].is_null()) {
      out << "; min runtime version " << t["min_runtime_version"].get<std::string>();
      if (t.contains("declared_min_runtime_version") && !t["declared_min_runtime_version"].is_null())
        out << " (model's entry: " << t["declared_min_runtime_version"].get<std::string>() << ")";
    }
    out << "\n";
    if (t.contains("basis") && !t["basis"].is_null()) out << "  basis: " << t["basis"].at("text").get<std::string>() << "\n";
    // Findings that share severity, kind and fix (one cause on many nodes)
    // are shown together, a few of them; --json keeps every one.
    const json& findings = t.at("findings");
    std::vector<std::string> order;
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < findings.size(); ++i) {
      const json& f = findings[i];
      const std::string key = f.at("node").is_null() ? "model#" + std::to_string(i)
                                                     : f.at("severity").get<std::string>() + "|" + f.value("kind", "") +
                                                           "|" + f.at("fix").get<std::string>();
      auto& members = groups[key];
      if (members.empty()) order.push_back(key);
      members.push_back(i);
    }
    for (const auto& key : order) {
      const auto& members = groups.at(key);
      std::set<std::string> hidden_ops;
      for (size_t k = 0; k < members.size(); ++k) {
        const json& f = findings[members[k]];
        const std::string op = f.at("op").is_null() ? "" : f.at("op").get<std::string>();
        if (k >= kShownPerGroup) {
          if (!op.empty()) hidden_ops.insert(op);
          continue;
        }
        std::string where = f.at("node").is_null()
                                ? std::string("model")
                                : fmt::format("node {}{}", f.at("subgraph").get<int>() == 0
                                                               ? ""
                                                               : fmt::format("{}:", f.at("subgraph").get<int>()),
                                              f.at("node").get<int>());
        const std::string name = f.at("output_tensor").is_null() ? "" : f.at("output_tensor").get<std::string>();
        const std::string tensor = name.empty() ? "" : " '" + ShortTensorName(name) + "'";
        out << fmt::format("  {:<7} {}{}{}: {}\n", f.at("severity").get<std::string>(), where,
                           op.empty() ? "" : " " + op, tensor, f.at("reason").get<std::string>());
        if (!f.at("fix").get<std::string>().empty()) out << "          fix: " << f.at("fix").get<std::string>() << "\n";
      }
      if (members.size() > kShownPerGroup) {
        const size_t more = members.size() - kShownPerGroup;
        out << fmt::format("          ... and {} more node{} like these ({}); --json lists every one\n", more,
                           more == 1 ? "" : "s", fmt::join(hidden_ops, ", "));
      }
    }
  }
  return out.str();
}

}  // namespace tfd
