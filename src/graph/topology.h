#pragma once
// Who produces and who reads each tensor of a subgraph.
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd {

struct Topology {
  std::vector<int> producer;                // node index per tensor; -1 if none
  std::vector<std::vector<int>> consumers;  // node indices per tensor

  static Topology Of(const Subgraph& subgraph);
};

// Operators of a model's subgraphs that keep state from one run to the next:
// readers of variable tensors (the state of UNIDIRECTIONAL_SEQUENCE_LSTM,
// SVDF...) and resource-variable ops (VAR_HANDLE, ASSIGN_VARIABLE). TFLite's
// Interpreter keeps that state across Invoke() calls until
// ResetVariableTensors() or a new interpreter.
struct StatefulOperator {
  int subgraph = 0;
  int node = 0;
  std::string op;  // "UNIDIRECTIONAL_SEQUENCE_LSTM"
};
std::vector<StatefulOperator> StatefulOperators(const Model& model);

// One vector of two or more scores ([N], [1, N], [1, 1, N]...): what a
// classifier's output looks like (top-1 applies). Other outputs (boxes,
// masks, landmarks) are dense: measured by their SQNR.
bool LooksLikeClassScores(const std::vector<int32_t>& shape);

}  // namespace tfd
