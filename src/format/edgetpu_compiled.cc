#include "format/edgetpu_compiled.h"

#include <flatbuffers/flexbuffers.h>

namespace tfd {
namespace {

bool IsEdgeTpuOp(const Model& model, const Operator& op) { return IsEdgeTpuCustomOp(model.op_code(op)); }

// Fills what the custom options say; leaves `readable` false when they are
// not the flexbuffer map libedgetpu writes (the node is still compiled: the
// custom code says so).
void ReadOptions(const std::vector<uint8_t>& bytes, EdgeTpuCompiledNode* node) {
  node->options_bytes = bytes.size();
  if (bytes.empty() || !flexbuffers::VerifyBuffer(bytes.data(), bytes.size())) return;
  const auto root = flexbuffers::GetRoot(bytes.data(), bytes.size());
  if (!root.IsMap()) return;
  const auto map = root.AsMap();
  const auto executable = map["4"];
  if (!executable.IsString()) return;
  node->readable = true;
  if (map["1"].IsInt()) node->format_version = static_cast<int>(map["1"].AsInt64());
  node->executables = 1;
  node->executable_bytes = executable.AsString().length();
  const auto more = map["7"];
  if (more.IsVector()) {
    const auto list = more.AsVector();
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].IsString()) continue;
      ++node->executables;
      node->executable_bytes += list[i].AsString().length();
    }
  }
}

}  // namespace

std::optional<EdgeTpuCompiledModel> ReadEdgeTpuCompiled(const Model& model) {
  EdgeTpuCompiledModel out;
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const auto& ops = model.subgraphs[s].operators;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (!IsEdgeTpuOp(model, ops[i])) {
        out.cpu_nodes.emplace_back(static_cast<int>(s), static_cast<int>(i));
        continue;
      }
      EdgeTpuCompiledNode node;
      node.subgraph = static_cast<int>(s);
      node.node = static_cast<int>(i);
      node.inputs = ops[i].inputs;
      node.outputs = ops[i].outputs;
      ReadOptions(ops[i].custom_options, &node);
      out.compiled.push_back(std::move(node));
    }
  }
  if (out.compiled.empty()) return std::nullopt;
  return out;
}

}  // namespace tfd
