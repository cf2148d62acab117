#pragma once
// Who produces and who reads each tensor of a subgraph.
#include <vector>

#include "graph/model.h"

namespace tfd {

struct Topology {
  std::vector<int> producer;                // node index per tensor; -1 if none
  std::vector<std::vector<int>> consumers;  // node indices per tensor

  static Topology Of(const Subgraph& subgraph);
};

}  // namespace tfd
