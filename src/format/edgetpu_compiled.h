#pragma once
// Models compiled by the Edge TPU compiler (edgetpu_compiler). The ops it
// maps to the Edge TPU are folded into custom ops named "edgetpu-custom-op"
// (one per Edge TPU partition); the ops it leaves on the CPU stay as they
// were. A compiled node's custom options are libedgetpu's CustomOpData, a
// flexbuffer map: "1" a format version, "4" the serialized executable (a
// DarwiNN package for the chip), "6" the chip of each executable, "7" further
// executables. Which source ops a compiled node replaces is not recorded.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/edgetpu_op.h"
#include "graph/model.h"

namespace tfd {

struct EdgeTpuCompiledNode {
  int subgraph = 0;
  int node = 0;
  std::vector<int32_t> inputs;   // tensor indices, as in the operator
  std::vector<int32_t> outputs;
  size_t options_bytes = 0;
  // From the custom options, when they are the documented flexbuffer map.
  bool readable = false;
  std::optional<int> format_version;  // key "1"
  int executables = 0;                // "4" plus the entries of "7"
  size_t executable_bytes = 0;
};

struct EdgeTpuCompiledModel {
  std::vector<EdgeTpuCompiledNode> compiled;
  // (subgraph, node) of every other operator: these run on the CPU.
  std::vector<std::pair<int, int>> cpu_nodes;
};

// nullopt when the model holds no edgetpu-custom-op.
std::optional<EdgeTpuCompiledModel> ReadEdgeTpuCompiled(const Model& model);

}  // namespace tfd
