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

}  // namespace tfd
