#pragma once
// Test-only helpers for the elementwise kernel tests (src/kernels/*_test.cc):
// building one-op models and checking many of them against the TFLite oracle
// in one batch. Include only from tests.
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/dtype.h"
#include "kernel_test_util.h"

namespace tfd::testing::elementwise {

enum class Check {
  kIdentical,     // same bytes (integer, bool and quantized outputs)
  kFloat,         // FloatClose within `tolerance`
  kWithinOneStep  // quantized, at most one step apart (only where documented)
};

struct OracleRun {
  std::string label;
  Model model;
  std::vector<Array> inputs;
  Check check = Check::kIdentical;
  double tolerance = 1e-6;
};

// Runs every case through the oracle (one process) and through our
// interpreter, and compares every output.
inline void ExpectMatchesOracle(const std::vector<OracleRun>& runs) {
  OracleBatch oracle;
  for (const auto& r : runs) oracle.Add(r.model, r.inputs);
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    const OracleRun& r = runs[i];
    SCOPED_TRACE("case " + std::to_string(i) + ": " + r.label);
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    const auto ours = RunOurs(r.model, r.inputs);
    const auto& theirs = oracle.outputs(static_cast<int>(i));
    ASSERT_EQ(ours.size(), theirs.size());
    for (size_t o = 0; o < ours.size(); ++o) {
      switch (r.check) {
        case Check::kIdentical: EXPECT_TRUE(Identical(ours[o], theirs[o])); break;
        case Check::kFloat: EXPECT_TRUE(FloatClose(ours[o], theirs[o], r.tolerance)); break;
        case Check::kWithinOneStep: EXPECT_TRUE(WithinSteps(ours[o], theirs[o], 1)); break;
      }
    }
  }
}

// A model with one binary op: inputs a and b (graph inputs unless given
// constant bytes), one output.
template <typename Options = std::nullptr_t>
Model BinaryModel(BuiltinOp op, const TensorSpec& a, const TensorSpec& b, const TensorSpec& out,
                  std::optional<Options> options = std::nullopt, int version = 1) {
  OpModel m(op, version);
  m.Input(a);
  m.Input(b);
  m.Output(out);
  if constexpr (!std::is_same_v<Options, std::nullptr_t>) {
    if (options) m.Options(*options);
  }
  return m.Build();
}

template <typename Options = std::nullptr_t>
Model UnaryModel(BuiltinOp op, const TensorSpec& in, const TensorSpec& out, std::optional<Options> options = std::nullopt,
                 int version = 1) {
  OpModel m(op, version);
  m.Input(in);
  m.Output(out);
  if constexpr (!std::is_same_v<Options, std::nullptr_t>) {
    if (options) m.Options(*options);
  }
  return m.Build();
}

// Shorthands for tensor specs.
inline TensorSpec Q(DType dtype, std::vector<int32_t> shape, float scale, int64_t zero_point) {
  TensorSpec spec;
  spec.dtype = dtype;
  spec.shape = std::move(shape);
  spec.scale = scale;
  spec.zero_point = zero_point;
  return spec;
}
inline TensorSpec T(DType dtype, std::vector<int32_t> shape) { return Q(dtype, std::move(shape), 0.0f, 0); }

// Values of `count` elements spread over [lo, hi] (deterministic, seeded).
template <typename V>
std::vector<V> Spread(int64_t count, double lo, double hi, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<V> v(static_cast<size_t>(count));
  for (auto& x : v) {
    const double d = dist(rng);
    if constexpr (std::is_integral_v<V>) {
      x = static_cast<V>(std::llround(d));
    } else {
      x = static_cast<V>(d);
    }
  }
  return v;
}

inline int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

}  // namespace tfd::testing::elementwise
