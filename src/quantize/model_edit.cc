#include "quantize/model_edit.h"

#include <set>

namespace tfd::quantize {

uint32_t FindOrAddOpCode(Model& m, BuiltinOp op) {
  for (size_t i = 0; i < m.op_codes.size(); ++i)
    if (m.op_codes[i].builtin == op) return static_cast<uint32_t>(i);
  OpCode c;
  c.builtin = op;
  c.version = 1;
  m.op_codes.push_back(c);
  return static_cast<uint32_t>(m.op_codes.size() - 1);
}

void ClearUnusedBuffers(Model& m) {
  std::set<uint32_t> used;
  for (const auto& sg : m.subgraphs)
    for (const auto& t : sg.tensors) used.insert(t.buffer);
  for (const auto& md : m.metadata) used.insert(md.buffer);
  for (int32_t b : m.metadata_buffer) used.insert(static_cast<uint32_t>(b));
  for (size_t b = 1; b < m.buffers.size(); ++b)
    if (!used.count(static_cast<uint32_t>(b))) m.buffers[b].data.clear();
}

}  // namespace tfd::quantize
