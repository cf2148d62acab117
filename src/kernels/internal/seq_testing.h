#pragma once
// Test-only helpers for the sequence/signal kernel tests (LSTM, SVDF, FFT,
// DENSIFY, detection post-processing): variable state tensors, multi-op
// models, one node cut out of a real model, and running one interpreter
// several times. Include only from tests.
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "interpreter/interpreter.h"
#include "kernel_test_util.h"

namespace tfd::testing::seq {

// Turns tensor `index` (added with OpModel::Input) into a variable: no longer
// a graph input, kept by the interpreter across runs.
inline void MakeVariable(Model& model, int index) {
  auto& g = model.subgraphs[0];
  g.tensors[static_cast<size_t>(index)].is_variable = true;
  std::vector<int32_t> inputs;
  for (int32_t i : g.inputs)
    if (i != index) inputs.push_back(i);
  g.inputs = inputs;
}

// A model holding only nodes `op_indices` (in that order) of `source`'s main
// graph: their tensors, constant buffers and operator codes. Graph inputs are
// the non-constant, non-variable tensors the nodes read but do not produce;
// graph outputs are the tensors they produce and do not read.
inline Model ExtractNodes(const Model& source, const std::vector<size_t>& op_indices) {
  const Subgraph& g = source.main();
  Model m;
  m.buffers.resize(1);
  m.subgraphs.emplace_back();
  Subgraph& out = m.subgraphs[0];
  std::map<int32_t, int32_t> remap;
  auto add = [&](int32_t i) -> int32_t {
    if (i < 0) return i;
    auto it = remap.find(i);
    if (it != remap.end()) return it->second;
    Tensor t = g.tensors[static_cast<size_t>(i)];
    if (const auto* data = source.ConstantData(t)) {
      m.buffers.push_back({*data});
      t.buffer = static_cast<uint32_t>(m.buffers.size() - 1);
    } else {
      t.buffer = 0;
    }
    out.tensors.push_back(t);
    const int32_t index = static_cast<int32_t>(out.tensors.size() - 1);
    remap[i] = index;
    return index;
  };
  std::vector<bool> produced, consumed;
  for (size_t op_index : op_indices) {
    Operator copy = g.operators.at(op_index);
    const OpCode& code = source.op_code(copy);
    size_t c = 0;
    while (c < m.op_codes.size() && !(m.op_codes[c] == code)) ++c;
    if (c == m.op_codes.size()) m.op_codes.push_back(code);
    copy.opcode_index = static_cast<uint32_t>(c);
    for (auto& i : copy.inputs) i = add(i);
    for (auto& i : copy.outputs) i = add(i);
    for (auto& i : copy.intermediates) i = add(i);
    produced.resize(out.tensors.size(), false);
    consumed.resize(out.tensors.size(), false);
    for (int32_t i : copy.inputs) {
      if (i < 0) continue;
      const Tensor& t = out.tensors[static_cast<size_t>(i)];
      if (!produced[static_cast<size_t>(i)] && t.buffer == 0 && !t.is_variable && !consumed[static_cast<size_t>(i)])
        out.inputs.push_back(i);
      consumed[static_cast<size_t>(i)] = true;
    }
    for (int32_t i : copy.outputs) produced[static_cast<size_t>(i)] = true;
    out.operators.push_back(copy);
  }
  for (const auto& op : out.operators)
    for (int32_t i : op.outputs)
      if (!consumed[static_cast<size_t>(i)]) out.outputs.push_back(i);
  return m;
}

inline Model ExtractNode(const Model& source, size_t op_index) { return ExtractNodes(source, {op_index}); }

// Appends a node `op` reading tensors `inputs` and writing a new tensor of
// `dtype`/`shape`; returns the new tensor's index. The new tensor becomes a
// graph output when `graph_output`.
inline int32_t AppendNode(Model& model, BuiltinOp op, const std::vector<int32_t>& inputs, DType dtype,
                          const std::vector<int32_t>& shape, bool graph_output = true) {
  uint32_t code = 0;
  while (code < model.op_codes.size() && !(model.op_codes[code].builtin == op && !model.op_codes[code].IsCustom())) ++code;
  if (code == model.op_codes.size()) model.op_codes.push_back({op, "", 1});
  auto& g = model.subgraphs[0];
  Tensor t;
  t.name = "node" + std::to_string(g.operators.size()) + "_out";
  t.dtype = dtype;
  t.shape = shape;
  g.tensors.push_back(t);
  const int32_t index = static_cast<int32_t>(g.tensors.size() - 1);
  Operator node;
  node.opcode_index = code;
  node.inputs = inputs;
  node.outputs = {index};
  g.operators.push_back(node);
  if (graph_output) g.outputs.push_back(index);
  return index;
}

// Runs the same interpreter once per input set (state carries over) and
// returns every run's outputs.
inline std::vector<std::vector<Array>> RunOursRepeatedly(const Model& model,
                                                         const std::vector<std::vector<Array>>& runs) {
  Interpreter interp(model, {true});
  std::vector<std::vector<Array>> results;
  for (const auto& inputs : runs) {
    for (size_t i = 0; i < inputs.size(); ++i)
      interp.SetInput(i, inputs[i].dtype, inputs[i].shape, inputs[i].bytes.data(), inputs[i].bytes.size());
    interp.Invoke();
    std::vector<Array> out;
    for (size_t i = 0; i < interp.num_outputs(); ++i) {
      const RuntimeTensor& t = interp.output(i);
      out.push_back({t.dtype, t.shape, std::vector<uint8_t>(t.data, t.data + t.bytes)});
    }
    results.push_back(out);
  }
  return results;
}

template <typename T>
std::vector<T> RandomValues(std::mt19937_64& rng, size_t count, T lo, T hi) {
  std::vector<T> v(count);
  if constexpr (std::is_floating_point_v<T>) {
    std::uniform_real_distribution<T> d(lo, hi);
    for (auto& x : v) x = d(rng);
  } else {
    std::uniform_int_distribution<int64_t> d(lo, hi);
    for (auto& x : v) x = static_cast<T>(d(rng));
  }
  return v;
}

// Elements [begin, end) of an array along dimension `dim`.
inline Array SliceDim(const Array& a, int dim, int begin, int end) {
  size_t element = a.bytes.size();
  for (int32_t d : a.shape) element /= static_cast<size_t>(d);
  size_t outer = 1, inner = element;
  for (int d = 0; d < dim; ++d) outer *= static_cast<size_t>(a.shape[static_cast<size_t>(d)]);
  for (size_t d = static_cast<size_t>(dim) + 1; d < a.shape.size(); ++d) inner *= static_cast<size_t>(a.shape[d]);
  const size_t extent = static_cast<size_t>(a.shape[static_cast<size_t>(dim)]);
  Array out{a.dtype, a.shape, {}};
  out.shape[static_cast<size_t>(dim)] = end - begin;
  for (size_t o = 0; o < outer; ++o) {
    const auto* start = a.bytes.data() + (o * extent + static_cast<size_t>(begin)) * inner;
    out.bytes.insert(out.bytes.end(), start, start + static_cast<size_t>(end - begin) * inner);
  }
  return out;
}

// One model with its inputs, for ExpectMatchesOracle.
struct OracleRun {
  std::string label;
  Model model;
  std::vector<Array> inputs;
};

// Runs every case through the oracle (one process) and through our
// interpreter; every output must match: float ones within 1e-6, the others
// exactly.
inline void ExpectMatchesOracle(const std::vector<OracleRun>& runs) {
  OracleBatch oracle;
  for (const auto& r : runs) oracle.Add(r.model, r.inputs);
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE(runs[i].label);
    const int id = static_cast<int>(i);
    ASSERT_TRUE(oracle.ok(id)) << oracle.error(id);
    const auto ours = RunOurs(runs[i].model, runs[i].inputs);
    const auto& theirs = oracle.outputs(id);
    ASSERT_EQ(ours.size(), theirs.size());
    for (size_t o = 0; o < ours.size(); ++o) {
      SCOPED_TRACE("output " + std::to_string(o));
      if (ours[o].dtype == DType::FLOAT32) {
        EXPECT_TRUE(FloatClose(ours[o], theirs[o], 1e-6));
      } else {
        EXPECT_TRUE(Identical(ours[o], theirs[o]));
      }
    }
  }
}

inline bool FixturesAvailable() { return std::ifstream(std::string(TFD_FIXTURES_DIR) + "/README.md").good(); }

}  // namespace tfd::testing::seq
