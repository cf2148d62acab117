#pragma once
// Small edits every rewrite of the quantizer makes to a Model: appending a
// buffer, finding or adding an op code, dropping the data no tensor holds
// any more.
#include <cstdint>
#include <cstring>
#include <vector>

#include "graph/model.h"

namespace tfd::quantize {

// Appends a buffer holding `values` and returns its index.
template <typename T>
uint32_t AddBuffer(Model& m, const std::vector<T>& values) {
  Buffer b;
  b.data.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(b.data.data(), values.data(), b.data.size());
  m.buffers.push_back(std::move(b));
  return static_cast<uint32_t>(m.buffers.size() - 1);
}

// The index of `op`'s op code (the first one), added at version 1 if absent.
uint32_t FindOrAddOpCode(Model& m, BuiltinOp op);

// Empties every buffer (but buffer 0) that no tensor of any subgraph and no
// metadata entry refers to; indices stay valid.
void ClearUnusedBuffers(Model& m);

}  // namespace tfd::quantize
