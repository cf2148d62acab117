#include "format/model_verifier.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "graph/dtype.h"

namespace tfd {
namespace {

using Problem = std::optional<std::string>;

Problem CheckTensor(const Model& model, const Subgraph& sg, size_t sg_index, size_t t_index) {
  const Tensor& t = sg.tensors[t_index];
  auto where = [&] { return fmt::format("subgraph {} tensor {} ('{}')", sg_index, t_index, t.name); };
  if (!tflite::EnumNameTensorType(t.dtype) || *tflite::EnumNameTensorType(t.dtype) == '\0' ||
      static_cast<int>(t.dtype) < 0 || t.dtype > tflite::TensorType::MAX)
    return fmt::format("{} has unknown type code {}", where(), static_cast<int>(t.dtype));
  if (t.shape.size() > kMaxRank) return fmt::format("{} has rank {} (max {})", where(), t.shape.size(), kMaxRank);
  for (int32_t d : t.shape)
    if (d < 0) return fmt::format("{} has negative dimension {} in its shape", where(), d);
  if (t.shape_signature) {
    const auto& sig = *t.shape_signature;
    if (!sig.empty() && sig.size() != t.shape.size())
      return fmt::format("{} has shape_signature of rank {} but shape of rank {}", where(), sig.size(), t.shape.size());
    for (size_t i = 0; i < sig.size(); ++i)
      if (sig[i] < -1 || (sig[i] >= 0 && sig[i] != t.shape[i]))
        return fmt::format("{} has shape_signature {} inconsistent with shape {}", where(), ShapeString(sig), ShapeString(t.shape));
  }
  if (t.buffer >= model.buffers.size())
    return fmt::format("{} refers to buffer {} but the model has {}", where(), t.buffer, model.buffers.size());
  const auto& data = model.buffers[t.buffer].data;
  auto count = ElementCount(t.shape);
  if (!count) return fmt::format("{} has a shape whose size overflows", where());
  if (!data.empty() && !t.sparsity) {
    if (auto elem = DTypeSize(t.dtype)) {
      if (static_cast<uint64_t>(*count) > SIZE_MAX / *elem || data.size() != static_cast<size_t>(*count) * *elem)
        return fmt::format("{} ({} {}) needs {} bytes of constant data but buffer {} has {}", where(),
                           DTypeName(t.dtype), ShapeString(t.shape), *count * static_cast<int64_t>(*elem), t.buffer, data.size());
    } else if (t.dtype == DType::INT4) {
      size_t packed = static_cast<size_t>((*count + 1) / 2);
      if (data.size() != packed && data.size() != static_cast<size_t>(*count))
        return fmt::format("{} (int4 {}) has {} bytes of constant data", where(), ShapeString(t.shape), data.size());
    } else if (t.dtype == DType::STRING) {
      // String tensors: int32 count, then count+1 offsets, then the bytes.
      if (data.size() < 4) return fmt::format("{} has a string buffer too short for its header", where());
      int32_t n = 0;
      std::memcpy(&n, data.data(), 4);
      if (n < 0 || static_cast<uint64_t>(n + 2) * 4 > data.size())
        return fmt::format("{} has a string buffer with a bad count {}", where(), n);
      int32_t last = 0;
      std::memcpy(&last, data.data() + 4 * (static_cast<size_t>(n) + 1), 4);
      if (last < 0 || static_cast<size_t>(last) > data.size())
        return fmt::format("{} has a string buffer whose offsets run past its end", where());
    }
  }
  if (t.quantization) {
    const Quantization& q = *t.quantization;
    if (!q.zero_point.empty() && q.scale.size() != q.zero_point.size())
      return fmt::format("{} has {} quantization scales but {} zero points", where(), q.scale.size(), q.zero_point.size());
    if (q.scale.size() > 1) {
      if (q.axis < 0) return fmt::format("{} has negative quantized dimension {}", where(), q.axis);
      // An axis past the rank is refused by the TFLite runtime but accepted by
      // TFLite Micro (real micro models have it on biases); `check` reports it.
      if (static_cast<size_t>(q.axis) < t.shape.size() &&
          static_cast<size_t>(t.shape[static_cast<size_t>(q.axis)]) != q.scale.size())
        return fmt::format("{} has {} per-channel scales but dimension {} is {}", where(), q.scale.size(), q.axis,
                           t.shape[static_cast<size_t>(q.axis)]);
    }
    for (float s : q.scale)
      if (!std::isfinite(s)) return fmt::format("{} has a non-finite quantization scale", where());
  }
  if (t.sparsity) {
    const auto& sp = *t.sparsity;
    if (sp.traversal_order.size() != sp.dim_metadata.size())
      return fmt::format("{} has sparsity with {} traversal dims but {} dim metadata", where(),
                         sp.traversal_order.size(), sp.dim_metadata.size());
    for (int32_t b : sp.block_map)
      if (b < 0 || static_cast<size_t>(b) >= t.shape.size())
        return fmt::format("{} has a sparsity block map entry {} out of range", where(), b);
  }
  return std::nullopt;
}

Problem CheckIndexList(const std::vector<int32_t>& list, size_t n, bool allow_omitted, const std::string& what) {
  for (int32_t i : list) {
    if (i == kOmittedInput && allow_omitted) continue;
    if (i < 0 || static_cast<size_t>(i) >= n)
      return fmt::format("{} refers to tensor {} but the subgraph has {}", what, i, n);
  }
  return std::nullopt;
}

// Option fields that name other subgraphs (control flow) must be in range.
Problem CheckSubgraphRefs(const Operator& op, size_t n_subgraphs, const std::string& where) {
  auto check = [&](int64_t index) -> Problem {
    if (index < 0 || static_cast<size_t>(index) >= n_subgraphs)
      return fmt::format("{} calls subgraph {} but the model has {}", where, index, n_subgraphs);
    return std::nullopt;
  };
  if (const auto* o = op.options.AsIfOptions()) {
    if (auto p = check(o->then_subgraph_index)) return p;
    return check(o->else_subgraph_index);
  }
  if (const auto* o = op.options.AsWhileOptions()) {
    if (auto p = check(o->cond_subgraph_index)) return p;
    return check(o->body_subgraph_index);
  }
  if (const auto* o = op.options.AsCallOnceOptions()) return check(o->init_subgraph_index);
  if (const auto* o = op.options.AsCallOptions()) return check(o->subgraph);
  return std::nullopt;
}

std::vector<int64_t> CalledSubgraphs(const Operator& op) {
  if (const auto* o = op.options.AsIfOptions()) return {o->then_subgraph_index, o->else_subgraph_index};
  if (const auto* o = op.options.AsWhileOptions()) return {o->cond_subgraph_index, o->body_subgraph_index};
  if (const auto* o = op.options.AsCallOnceOptions()) return {o->init_subgraph_index};
  if (const auto* o = op.options.AsCallOptions()) return {o->subgraph};
  return {};
}

// A subgraph that calls itself, directly or through others, would recurse
// until the stack runs out in any runtime that ran it. Indices are known to
// be in range (CheckSubgraphRefs ran first).
Problem CheckCallCycles(const Model& model) {
  const size_t n = model.subgraphs.size();
  enum Mark : uint8_t { kNew, kOnPath, kDone };
  std::vector<Mark> mark(n, kNew);
  struct Frame {
    size_t subgraph, node, call;
  };
  for (size_t root = 0; root < n; ++root) {
    if (mark[root] != kNew) continue;
    std::vector<Frame> path{{root, 0, 0}};
    mark[root] = kOnPath;
    while (!path.empty()) {
      Frame& f = path.back();
      const auto& ops = model.subgraphs[f.subgraph].operators;
      if (f.node >= ops.size()) {
        mark[f.subgraph] = kDone;
        path.pop_back();
        continue;
      }
      std::vector<int64_t> calls = CalledSubgraphs(ops[f.node]);
      if (f.call >= calls.size()) {
        ++f.node;
        f.call = 0;
        continue;
      }
      size_t callee = static_cast<size_t>(calls[f.call++]);
      if (mark[callee] == kOnPath) {
        std::string name = model.op_codes[ops[f.node].opcode_index].Name();
        if (callee == f.subgraph)
          return fmt::format("subgraph {} node {} ({}) calls its own subgraph: the call would never end", f.subgraph, f.node, name);
        return fmt::format("subgraph {} node {} ({}) calls subgraph {}, which is already calling it: the calls would never end",
                           f.subgraph, f.node, name, callee);
      }
      if (mark[callee] == kNew) {
        mark[callee] = kOnPath;
        path.push_back({callee, 0, 0});
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FindModelProblem(const Model& model) {
  if (model.subgraphs.empty()) return std::string("the model has no subgraphs");
  for (size_t i = 0; i < model.op_codes.size(); ++i) {
    const OpCode& oc = model.op_codes[i];
    if (static_cast<int32_t>(oc.builtin) < 0)
      return fmt::format("operator code {} has negative builtin code {}", i, static_cast<int>(oc.builtin));
    if (oc.IsCustom() && oc.custom_code.empty())
      return fmt::format("operator code {} is CUSTOM but has no custom code", i);
    if (oc.version < 1) return fmt::format("operator code {} ({}) has version {}", i, oc.Name(), oc.version);
  }
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const Subgraph& sg = model.subgraphs[s];
    size_t n = sg.tensors.size();
    for (size_t t = 0; t < n; ++t)
      if (auto p = CheckTensor(model, sg, s, t)) return p;
    if (auto p = CheckIndexList(sg.inputs, n, false, fmt::format("subgraph {} inputs", s))) return p;
    if (auto p = CheckIndexList(sg.outputs, n, false, fmt::format("subgraph {} outputs", s))) return p;
    for (size_t o = 0; o < sg.operators.size(); ++o) {
      const Operator& op = sg.operators[o];
      std::string where = fmt::format("subgraph {} node {}", s, o);
      if (op.opcode_index >= model.op_codes.size())
        return fmt::format("{} uses operator code {} but the model has {}", where, op.opcode_index, model.op_codes.size());
      where += " (" + model.op_codes[op.opcode_index].Name() + ")";
      if (auto p = CheckIndexList(op.inputs, n, true, where + " input")) return p;
      if (auto p = CheckIndexList(op.outputs, n, false, where + " output")) return p;
      if (auto p = CheckIndexList(op.intermediates, n, false, where + " intermediate")) return p;
      if (!op.mutating_variable_inputs.empty() && op.mutating_variable_inputs.size() != op.inputs.size())
        return fmt::format("{} has {} mutating-variable flags for {} inputs", where, op.mutating_variable_inputs.size(), op.inputs.size());
      if (auto p = CheckSubgraphRefs(op, model.subgraphs.size(), where)) return p;
    }
  }
  if (auto p = CheckCallCycles(model)) return p;
  for (const auto& m : model.metadata)
    if (m.buffer >= model.buffers.size())
      return fmt::format("metadata '{}' refers to buffer {} but the model has {}", m.name, m.buffer, model.buffers.size());
  for (int32_t b : model.metadata_buffer)
    if (b < 0 || static_cast<size_t>(b) >= model.buffers.size())
      return fmt::format("metadata_buffer entry {} is out of range", b);
  for (const auto& sig : model.signatures) {
    if (sig.subgraph_index >= model.subgraphs.size())
      return fmt::format("signature '{}' refers to subgraph {} but the model has {}", sig.key, sig.subgraph_index, model.subgraphs.size());
    size_t n = model.subgraphs[sig.subgraph_index].tensors.size();
    for (const auto* list : {&sig.inputs, &sig.outputs})
      for (const auto& m : *list)
        if (m.tensor_index >= n)
          return fmt::format("signature '{}' tensor '{}' refers to tensor {} but the subgraph has {}", sig.key, m.name, m.tensor_index, n);
  }
  return std::nullopt;
}

}  // namespace tfd
