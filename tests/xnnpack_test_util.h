#pragma once
// Holding the `xnnpack` arithmetic profile against the real runtime: one-op
// models run by the oracle (whose CPU path applies the XNNPACK delegate) and by
// our interpreter in the xnnpack profile, outputs compared bit for bit, and the
// node's kernel choice compared with what the oracle's delegate took.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "interpreter/interpreter.h"
#include "interpreter/kernel_registry.h"
#include "interpreter/xnnpack_delegate.h"
#include "kernel_test_util.h"

namespace tfd::testing::xnnpack {

struct Case {
  std::string label;
  Model model;                             // one operator (node 0)
  std::vector<std::vector<Array>> inputs;  // one run per entry (seeds, ranges)
};

// A case with three seeded runs of whole-range random inputs (RandomInputs)
// and, for a single 8-bit input of 768 elements, a run with every value
// three times.
inline Case RandomCase(std::string label, Model model, uint64_t seed = 61) {
  Case c{std::move(label), std::move(model), {}};
  for (uint64_t s = seed; s < seed + 3; ++s) c.inputs.push_back(RandomInputs(c.model, s));
  const auto& g = c.model.main();
  if (g.inputs.size() == 1) {
    const Tensor& t = g.tensors.at(static_cast<size_t>(g.inputs[0]));
    int64_t count = 1;
    for (int32_t d : t.shape) count *= d;
    if ((t.dtype == DType::INT8 || t.dtype == DType::UINT8) && count == 768) {
      std::vector<uint8_t> every(768);
      for (size_t i = 0; i < every.size(); ++i) every[i] = static_cast<uint8_t>(i);
      c.inputs.push_back({Array{t.dtype, t.shape, every}});
    }
  }
  return c;
}

// A float32 case: three seeded runs of values uniform in [lo, hi] for every
// graph input.
inline Case FloatCase(std::string label, Model model, float lo, float hi, uint64_t seed = 91) {
  Case c{std::move(label), std::move(model), {}};
  for (uint64_t s = seed; s < seed + 3; ++s) {
    std::mt19937_64 rng(s);
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<Array> inputs;
    for (int32_t i : c.model.main().inputs) {
      const Tensor& t = c.model.main().tensors.at(static_cast<size_t>(i));
      int64_t n = 1;
      for (int32_t d : t.shape) n *= d;
      std::vector<float> v(static_cast<size_t>(n));
      for (float& x : v) x = u(rng);
      inputs.push_back(Array::Of<float>(DType::FLOAT32, t.shape, v));
    }
    c.inputs.push_back(std::move(inputs));
  }
  return c;
}

struct Tally {
  int delegated = 0;               // cases the oracle's delegate took
  int declined = 0;                // cases it left to TFLite's kernels
  int64_t reference_differences = 0;  // output values where the reference profile differs from the oracle
};

// Whether a kernel with XNNPACK's arithmetic is registered for node 0's op
// and first-input dtype (if not, the delegate's arithmetic is TFLite's).
inline bool HasXnnpackFlavor(const Model& model) {
  const Subgraph& g = model.main();
  const Operator& op = g.operators.at(0);
  const OpKey key = OpKey::Of(model.op_code(op));
  const DType dtype = g.tensors.at(static_cast<size_t>(op.inputs.at(0))).dtype;
  for (const KernelEntry& e : KernelRegistry::Global().entries())
    if (e.arithmetic == Arithmetic::kXnnpack && e.op == key && (!e.input_dtype || *e.input_dtype == dtype)) return true;
  return false;
}

// Every run: outputs identical to the oracle's in the xnnpack profile; and
// where an xnnpack flavor exists for the op, the node takes it exactly when
// the oracle's delegate took the node.
inline Tally ExpectProfileMatchesOracle(const std::vector<Case>& cases) {
  OracleBatch oracle;
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t c = 0; c < cases.size(); ++c)
    for (size_t r = 0; r < cases[c].inputs.size(); ++r) {
      oracle.Add(cases[c].model, cases[c].inputs[r]);
      runs.push_back({c, r});
    }
  oracle.Run();
  Tally tally;
  for (size_t i = 0; i < runs.size(); ++i) {
    const Case& c = cases[runs[i].first];
    const std::vector<Array>& inputs = c.inputs[runs[i].second];
    SCOPED_TRACE(c.label + ", run " + std::to_string(runs[i].second));
    const int id = static_cast<int>(i);
    if (!oracle.ok(id)) {
      ADD_FAILURE() << "oracle: " << oracle.error(id);
      continue;
    }
    if (oracle.delegated(id) == nullptr) {
      ADD_FAILURE() << "the oracle cannot tell what its delegate took: " << oracle.delegation_error(id);
      continue;
    }
    const bool delegated = !oracle.delegated(id)->empty();
    if (runs[i].second == 0) ++(delegated ? tally.delegated : tally.declined);
    // The delegate's rule for the node (xnnpack_delegate_rules.cc), flavor
    // kernel or not, says what the runtime did.
    EXPECT_EQ(XnnpackDelegation(c.model).at(0).at(0).taken, delegated)
        << "the delegate rule says " << (delegated ? "left" : "taken") << ", the oracle's delegate "
        << (delegated ? "took" : "declined") << " the node";
    if (HasXnnpackFlavor(c.model)) {
      InterpreterOptions options;
      options.arithmetic = Arithmetic::kXnnpack;
      EXPECT_EQ(Interpreter(c.model, options).kernel_name(0), delegated ? "xnnpack" : "reference")
          << "the oracle's delegate " << (delegated ? "took" : "declined") << " the node";
    }
    const std::vector<Array> ours = RunOurs(c.model, inputs, Arithmetic::kXnnpack);
    const std::vector<Array>& theirs = oracle.outputs(id);
    if (ours.size() != theirs.size()) {
      ADD_FAILURE() << ours.size() << " outputs, the oracle's " << theirs.size();
      continue;
    }
    for (size_t o = 0; o < ours.size(); ++o) EXPECT_TRUE(Identical(ours[o], theirs[o])) << "output " << o;
    const std::vector<Array> reference = RunOurs(c.model, inputs, Arithmetic::kReference);
    for (size_t o = 0; o < reference.size(); ++o)
      if (reference[o].bytes.size() == theirs[o].bytes.size())
        for (size_t k = 0; k < reference[o].bytes.size(); ++k)
          tally.reference_differences += reference[o].bytes[k] != theirs[o].bytes[k];
  }
  std::printf("oracle's delegate took %d case(s), declined %d; reference profile differs from the runtime in %lld value(s)\n",
              tally.delegated, tally.declined, static_cast<long long>(tally.reference_differences));
  return tally;
}

}  // namespace tfd::testing::xnnpack
