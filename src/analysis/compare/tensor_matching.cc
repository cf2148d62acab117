#include "analysis/compare/tensor_matching.h"

#include <algorithm>
#include <map>
#include <set>

#include "graph/dtype.h"
#include "graph/topology.h"

namespace tfd {
namespace {

bool IsActivation(const Model& m, const Topology& topo, int t) {
  const Subgraph& g = m.main();
  if (m.ConstantData(g.tensors[static_cast<size_t>(t)]) != nullptr) return false;
  if (topo.producer[static_cast<size_t>(t)] >= 0) return true;
  return std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end();
}

std::string NormalizedName(std::string name) {
  for (const char* suffix : {"_int8", "_uint8", "_int16", "_quantized", "_dequantize"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) name.resize(name.size() - s.size());
  }
  return name;
}

// The computing nodes of a graph, in execution order.
std::vector<int> ComputingNodes(const Model& m) {
  std::vector<int> nodes;
  const auto& ops = m.main().operators;
  for (size_t n = 0; n < ops.size(); ++n)
    if (!IsRepresentationChange(m, ops[n])) nodes.push_back(static_cast<int>(n));
  return nodes;
}

std::string OpName(const Model& m, int node) { return m.op_code(m.main().operators[static_cast<size_t>(node)]).Name(); }

// Longest common subsequence of two node lists by operator type.
std::vector<std::pair<int, int>> AlignNodes(const Model& a, const std::vector<int>& na, const Model& b,
                                            const std::vector<int>& nb) {
  const size_t n = na.size(), m = nb.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = OpName(a, na[i]) == OpName(b, nb[j]) ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<std::pair<int, int>> out;
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (OpName(a, na[i]) == OpName(b, nb[j]) && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
      out.push_back({na[i], nb[j]});
      ++i;
      ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

int64_t Elements(const Model& m, int t) {
  return ElementCount(m.main().tensors[static_cast<size_t>(t)].shape).value_or(-1);
}

}  // namespace

bool IsRepresentationChange(const Model& model, const Operator& op) {
  switch (model.op_code(op).builtin) {
    case BuiltinOp::QUANTIZE:
    case BuiltinOp::DEQUANTIZE:
    case BuiltinOp::CAST:
      return op.inputs.size() == 1 && op.outputs.size() == 1 && op.inputs[0] >= 0;
    default:
      return false;
  }
}

int SourceTensor(const Model& model, int tensor) {
  const Subgraph& g = model.main();
  Topology topo = Topology::Of(g);
  for (int guard = 0; guard < 64; ++guard) {
    int p = topo.producer[static_cast<size_t>(tensor)];
    if (p < 0 || !IsRepresentationChange(model, g.operators[static_cast<size_t>(p)])) break;
    tensor = g.operators[static_cast<size_t>(p)].inputs[0];
  }
  return tensor;
}

TensorMatching MatchTensors(const Model& reference, const Model& deployed) {
  const Subgraph& rg = reference.main();
  const Subgraph& dg = deployed.main();
  Topology rt = Topology::Of(rg), dt = Topology::Of(dg);

  std::map<int, TensorPair> by_deployed;  // canonical deployed tensor -> pair
  std::set<int> used_reference;
  auto add = [&](int r, int d, const char* how) {
    r = SourceTensor(reference, r);
    d = SourceTensor(deployed, d);
    if (by_deployed.count(d) || used_reference.count(r)) return;
    if (Elements(reference, r) != Elements(deployed, d)) return;
    by_deployed[d] = {r, d, dt.producer[static_cast<size_t>(d)], how};
    used_reference.insert(r);
  };

  // 1. Names.
  std::map<std::string, int> reference_names;
  for (size_t t = 0; t < rg.tensors.size(); ++t)
    if (IsActivation(reference, rt, static_cast<int>(t)) && static_cast<int>(t) == SourceTensor(reference, static_cast<int>(t)))
      reference_names.emplace(NormalizedName(rg.tensors[t].name), static_cast<int>(t));
  for (size_t t = 0; t < dg.tensors.size(); ++t) {
    if (!IsActivation(deployed, dt, static_cast<int>(t)) || static_cast<int>(t) != SourceTensor(deployed, static_cast<int>(t)))
      continue;
    auto it = reference_names.find(NormalizedName(dg.tensors[t].name));
    if (it != reference_names.end() && !dg.tensors[t].name.empty()) add(it->second, static_cast<int>(t), "name");
  }
  // 2. Graph inputs and outputs by position.
  for (size_t i = 0; i < std::min(rg.inputs.size(), dg.inputs.size()); ++i) add(rg.inputs[i], dg.inputs[i], "input");
  for (size_t i = 0; i < std::min(rg.outputs.size(), dg.outputs.size()); ++i) add(rg.outputs[i], dg.outputs[i], "output");
  // 3. Aligned computing nodes: their outputs, pairwise.
  for (auto [rn, dn] : AlignNodes(reference, ComputingNodes(reference), deployed, ComputingNodes(deployed))) {
    const auto& ro = rg.operators[static_cast<size_t>(rn)].outputs;
    const auto& dout = dg.operators[static_cast<size_t>(dn)].outputs;
    for (size_t k = 0; k < std::min(ro.size(), dout.size()); ++k) add(ro[k], dout[k], "topology");
  }

  TensorMatching result;
  for (auto& [d, pair] : by_deployed) result.pairs.push_back(pair);
  std::stable_sort(result.pairs.begin(), result.pairs.end(),
                   [](const TensorPair& a, const TensorPair& b) { return a.deployed_node < b.deployed_node; });
  std::set<int> used_deployed;
  for (const auto& p : result.pairs) used_deployed.insert(p.deployed);
  for (size_t t = 0; t < rg.tensors.size(); ++t)
    if (IsActivation(reference, rt, static_cast<int>(t)) && static_cast<int>(t) == SourceTensor(reference, static_cast<int>(t)) &&
        !used_reference.count(static_cast<int>(t)))
      result.unmatched_reference.push_back(static_cast<int>(t));
  for (size_t t = 0; t < dg.tensors.size(); ++t)
    if (IsActivation(deployed, dt, static_cast<int>(t)) && static_cast<int>(t) == SourceTensor(deployed, static_cast<int>(t)) &&
        !used_deployed.count(static_cast<int>(t)))
      result.unmatched_deployed.push_back(static_cast<int>(t));
  return result;
}

}  // namespace tfd
