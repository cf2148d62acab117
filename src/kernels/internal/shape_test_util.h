#pragma once
// Test-only helpers for the data-movement and reduction kernel tests: run a
// list of single-op models through our interpreter and the TFLite oracle in
// one batch and compare every output.
#include <functional>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "kernel_test_util.h"

namespace tfd::testing::shape {

enum class Compare {
  kExact,        // identical bytes (integers, bools, and floats that are only moved)
  kFloat,        // FloatClose(..., 1e-6): float arithmetic
  kWithinOneStep // WithinSteps(..., 1): only where a documented deviation exists
};

struct OracleCase {
  std::string name;
  Model model;
  std::vector<Array> inputs;  // empty: RandomInputs(model, seed)
  Compare compare = Compare::kExact;
  uint64_t seed = 1;
};

inline void ExpectMatchesOracle(std::vector<OracleCase> cases) {
  OracleBatch oracle;
  for (auto& c : cases) {
    if (c.inputs.empty() && !c.model.main().inputs.empty()) c.inputs = RandomInputs(c.model, c.seed);
    oracle.Add(c.model, c.inputs);
  }
  oracle.Run();
  for (size_t i = 0; i < cases.size(); ++i) {
    const OracleCase& c = cases[i];
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.name);
    const int id = static_cast<int>(i);
    ASSERT_TRUE(oracle.ok(id)) << oracle.error(id);
    std::vector<Array> ours;
    ASSERT_NO_THROW(ours = RunOurs(c.model, c.inputs)) << "our interpreter failed";
    const auto& theirs = oracle.outputs(id);
    ASSERT_EQ(ours.size(), theirs.size());
    for (size_t o = 0; o < ours.size(); ++o) {
      SCOPED_TRACE("output " + std::to_string(o));
      switch (c.compare) {
        case Compare::kExact: EXPECT_TRUE(Identical(ours[o], theirs[o])); break;
        case Compare::kFloat: EXPECT_TRUE(FloatClose(ours[o], theirs[o], 1e-6)); break;
        case Compare::kWithinOneStep: EXPECT_TRUE(WithinSteps(ours[o], theirs[o], 1)); break;
      }
    }
  }
}

// The model with its output tensors' shapes set to what our kernel computes
// for these inputs (the XNNPACK delegate in the oracle trusts the shapes
// written in the model, so they must be right).
inline Model WithOurOutputShapes(Model model, const std::vector<Array>& inputs) {
  const std::vector<Array> ours = RunOurs(model, inputs.empty() ? RandomInputs(model, 1) : inputs);
  auto& sg = model.subgraphs[0];
  for (size_t o = 0; o < ours.size() && o < sg.outputs.size(); ++o)
    sg.tensors[static_cast<size_t>(sg.outputs[o])].shape = ours[o].shape;
  return model;
}

// A reduction node (MEAN, SUM, REDUCE_MAX, ...) over `axes`, given as a
// constant or (runtime_axes) as a second graph input - which keeps the node
// away from the oracle's XNNPACK delegate (it needs constant axes). The
// output shape is filled in by the caller (WithOurOutputShapes).
inline Model ReduceModel(BuiltinOp op, const TensorSpec& in, TensorSpec out, const std::vector<int32_t>& axes, bool keep_dims,
                         bool runtime_axes) {
  OpModel m(op);
  m.Input(in);
  TensorSpec axis_spec;
  axis_spec.dtype = DType::INT32;
  axis_spec.shape = {static_cast<int32_t>(axes.size())};
  if (runtime_axes) {
    m.Input(axis_spec);
  } else {
    m.Const<int32_t>(axis_spec, axes);
  }
  out.shape = {1};
  m.Output(out);
  tflite::ReducerOptionsT o;
  o.keep_dims = keep_dims;
  m.Options(o);
  return m.Build();
}

// An oracle case for ReduceModel: random data, the axes fed when they are an
// input, output shape from our kernel.
inline OracleCase ReduceCase(std::string name, BuiltinOp op, const TensorSpec& in, const TensorSpec& out,
                             const std::vector<int32_t>& axes, bool keep_dims, bool runtime_axes, Compare compare,
                             uint64_t seed = 1) {
  Model m = ReduceModel(op, in, out, axes, keep_dims, runtime_axes);
  std::vector<Array> inputs = RandomInputs(m, seed);
  if (runtime_axes) inputs[1] = Array::Of<int32_t>(DType::INT32, {static_cast<int32_t>(axes.size())}, axes);
  OracleCase c;
  c.name = std::move(name);
  c.model = WithOurOutputShapes(std::move(m), inputs);
  c.inputs = inputs;
  c.compare = compare;
  return c;
}

// A SPACE_TO_BATCH_ND or BATCH_TO_SPACE_ND node: `block` and one [before,
// after] pair per block dimension (paddings, or crops) as constants of
// `index_type`; the output shape written in the model is the op's.
template <typename I>
Model SpaceBatchModel(BuiltinOp op, const TensorSpec& in, const std::vector<I>& block, const std::vector<I>& pairs,
                      DType index_type) {
  OpModel m(op);
  m.Input(in);
  const int32_t n = static_cast<int32_t>(block.size());
  m.Const<I>({index_type, {n}}, block);
  m.Const<I>({index_type, {n, 2}}, pairs);
  TensorSpec out = in;
  for (size_t i = 0; i < block.size(); ++i) {
    if (op == BuiltinOp::SPACE_TO_BATCH_ND) {
      out.shape[0] *= static_cast<int32_t>(block[i]);
      if (block[i] > 0) out.shape[1 + i] = static_cast<int32_t>((in.shape[1 + i] + pairs[2 * i] + pairs[2 * i + 1]) / block[i]);
    } else {
      if (block[i] > 0) out.shape[0] /= static_cast<int32_t>(block[i]);
      out.shape[1 + i] = static_cast<int32_t>(in.shape[1 + i] * block[i] - pairs[2 * i] - pairs[2 * i + 1]);
    }
  }
  m.Output(out);
  return m.Build();
}

// Quantization parameters that suit a dtype, for building test tensors.
inline TensorSpec Spec(DType dtype, std::vector<int32_t> shape) {
  TensorSpec s;
  s.dtype = dtype;
  s.shape = std::move(shape);
  switch (dtype) {
    case DType::INT8: s.scale = 0.05f; s.zero_point = -3; break;
    case DType::UINT8: s.scale = 0.04f; s.zero_point = 120; break;
    case DType::INT16: s.scale = 0.001f; s.zero_point = 0; break;
    default: break;
  }
  return s;
}

}  // namespace tfd::testing::shape
