#include "graph/topology.h"

namespace tfd {

Topology Topology::Of(const Subgraph& subgraph) {
  Topology t;
  t.producer.assign(subgraph.tensors.size(), -1);
  t.consumers.resize(subgraph.tensors.size());
  for (size_t n = 0; n < subgraph.operators.size(); ++n) {
    const Operator& op = subgraph.operators[n];
    for (int32_t o : op.outputs) t.producer[static_cast<size_t>(o)] = static_cast<int>(n);
    for (int32_t i : op.inputs)
      if (i >= 0) t.consumers[static_cast<size_t>(i)].push_back(static_cast<int>(n));
  }
  return t;
}

std::vector<StatefulOperator> StatefulOperators(const Model& model) {
  std::vector<StatefulOperator> out;
  for (size_t g = 0; g < model.subgraphs.size(); ++g) {
    const Subgraph& sg = model.subgraphs[g];
    for (size_t n = 0; n < sg.operators.size(); ++n) {
      const Operator& op = sg.operators[n];
      const OpCode& code = model.op_code(op);
      bool stateful = code.builtin == BuiltinOp::VAR_HANDLE || code.builtin == BuiltinOp::ASSIGN_VARIABLE;
      for (int32_t i : op.inputs)
        if (i >= 0 && static_cast<size_t>(i) < sg.tensors.size() && sg.tensors[static_cast<size_t>(i)].is_variable)
          stateful = true;
      if (stateful) out.push_back({static_cast<int>(g), static_cast<int>(n), code.Name()});
    }
  }
  return out;
}

bool LooksLikeClassScores(const std::vector<int32_t>& shape) {
  if (shape.empty() || shape.back() < 2) return false;
  int64_t outer = 1;
  for (size_t d = 0; d + 1 < shape.size(); ++d) outer *= shape[d];
  return outer == 1;
}

}  // namespace tfd
