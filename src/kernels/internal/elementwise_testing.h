#pragma once
// Test-only helpers for the elementwise kernel tests (src/kernels/*_test.cc):
// building one-op models and checking many of them against the TFLite oracle
// in one batch. Include only from tests.
#include <cmath>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/dtype.h"
#include "kernel_test_util.h"
#include "kernels/internal/broadcast.h"

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

// Float inputs for a unary op: `count` values in [lo, hi].
inline Array FloatInput(const std::vector<int32_t>& shape, double lo, double hi, uint64_t seed) {
  return Array::Of<float>(DType::FLOAT32, shape, Spread<float>(Count(shape), lo, hi, seed));
}

// Oracle cases for a float-only unary op over several shapes (scalar to
// rank 5), inputs in [lo, hi].
inline std::vector<OracleRun> FloatUnaryRuns(BuiltinOp op, double lo, double hi) {
  std::vector<OracleRun> runs;
  uint64_t seed = 1;
  for (std::vector<int32_t> shape : {std::vector<int32_t>{}, {7}, {2, 3, 4}, {1, 4, 4, 3}, {2, 1, 3, 2, 2}}) {
    Model model = UnaryModel(op, T(DType::FLOAT32, shape), T(DType::FLOAT32, shape));
    runs.push_back({"float32 " + ShapeString(shape), model, {FloatInput(shape, lo, hi, seed++)}, Check::kFloat});
  }
  return runs;
}

// The bytes of a TFLite string tensor: count, count + 1 offsets, contents.
inline std::vector<uint8_t> StringTensorBytes(const std::vector<std::string>& strings) {
  std::vector<int32_t> header;
  header.push_back(static_cast<int32_t>(strings.size()));
  int32_t offset = static_cast<int32_t>(4 * (strings.size() + 2));
  for (const auto& str : strings) {
    header.push_back(offset);
    offset += static_cast<int32_t>(str.size());
  }
  header.push_back(offset);
  std::vector<uint8_t> bytes(header.size() * 4);
  std::memcpy(bytes.data(), header.data(), bytes.size());
  for (const auto& str : strings) bytes.insert(bytes.end(), str.begin(), str.end());
  return bytes;
}

// Oracle cases shared by the six comparison tests: float32, int32,
// int8/uint8 with equal and different quantization (including scales >= 1),
// bool for the equality ops (the oracle's TFLite predates int16 comparisons;
// the tests check int16 by hand); shapes up to rank 4 (TFLite's comparisons
// broadcast up to 4-D), scalars. Values come from small ranges so that ties
// occur.
inline std::vector<OracleRun> ComparisonOracleRuns(BuiltinOp op, bool equality) {
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
    float sa = 0, sb = 0;
    int64_t za = 0, zb = 0;
  };
  std::vector<Case> cases = {
      {DType::FLOAT32, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}},
      {DType::FLOAT32, {}, {1, 2, 3, 2}, {1, 2, 3, 2}},
      {DType::INT32, {3, 5}, {5}, {3, 5}},
      {DType::INT8, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}, 0.1f, 0.1f, 3, 3},
      {DType::INT8, {2, 3, 4}, {4}, {2, 3, 4}, 0.05f, 0.1f, -10, 4},
      {DType::INT8, {3, 4}, {3, 4}, {3, 4}, 0.5f, 0.9f, 0, -1},
      {DType::UINT8, {2, 1, 5}, {3, 1}, {2, 3, 5}, 0.02f, 0.04f, 128, 100},
      {DType::UINT8, {4, 2}, {}, {4, 2}, 0.5f, 0.25f, 0, 10},
  };
  if (equality) cases.push_back({DType::BOOL, {2, 3}, {3}, {2, 3}});
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    OpModel m(op);
    m.Input(Q(c.dtype, c.a, c.sa, c.za));
    m.Input(Q(c.dtype, c.b, c.sb, c.zb));
    m.Output(T(DType::BOOL, c.out));
    Model model = m.Build();
    for (uint64_t seed : {1, 2}) {
      std::vector<Array> inputs = RandomInputs(model, seed);
      for (size_t i = 0; i < 2; ++i) {
        const auto& shape = i == 0 ? c.a : c.b;
        const uint64_t s = seed * 10 + i;
        if (c.dtype == DType::FLOAT32) {
          // Multiples of 0.5 in [-1.5, 1.5].
          auto v = Spread<int32_t>(Count(shape), -3, 3, s);
          std::vector<float> f(v.begin(), v.end());
          for (auto& x : f) x *= 0.5f;
          inputs[i] = Array::Of<float>(c.dtype, shape, f);
        }
        if (c.dtype == DType::INT32) inputs[i] = Array::Of<int32_t>(c.dtype, shape, Spread<int32_t>(Count(shape), -4, 4, s));
      }
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " vs " + ShapeString(c.b) + " seed " +
                          std::to_string(seed),
                      model, inputs, Check::kIdentical});
    }
  }
  return runs;
}

// ---- Shared checks of the six comparison ops ----

inline Model ComparisonModel(BuiltinOp op, const TensorSpec& a, const TensorSpec& b, std::vector<int32_t> out_shape) {
  return BinaryModel(op, a, b, T(DType::BOOL, std::move(out_shape)));
}

// {1, 2, 3} against a broadcast 2 in float32, int64 and int16: `expected`
// is the op's answer for each of the three.
inline void ExpectComparesPlainValues(BuiltinOp op, const std::vector<uint8_t>& expected) {
  Model f = ComparisonModel(op, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {}), {3});
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {3}, {1, 2, 3}), Array::Of<float>(DType::FLOAT32, {}, {2})});
  EXPECT_EQ(out[0].dtype, DType::BOOL);
  EXPECT_EQ(out[0].values<uint8_t>(), expected);
  Model l = ComparisonModel(op, T(DType::INT64, {3}), T(DType::INT64, {}), {3});
  out = RunOurs(l, {Array::Of<int64_t>(DType::INT64, {3}, {1, 2, 3}), Array::Of<int64_t>(DType::INT64, {}, {2})});
  EXPECT_EQ(out[0].values<uint8_t>(), expected);
  Model s = ComparisonModel(op, T(DType::INT16, {3}), T(DType::INT16, {}), {3});
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {3}, {1, 2, 3}), Array::Of<int16_t>(DType::INT16, {}, {2})});
  EXPECT_EQ(out[0].values<uint8_t>(), expected);
}

// Quantized inputs compare by real value. Scales 0.5 and 0.25: q = {2, 4, 6}
// are 1.0, 2.0, 3.0 against b = 8, which is 2.0 (`expected`); and uint8 130
// at zero point 128 (1.0) against 2 at zero point 0 (1.0): `expected_equal_values`.
inline void ExpectComparesRealValues(BuiltinOp op, const std::vector<uint8_t>& expected, uint8_t expected_equal_values) {
  Model m = ComparisonModel(op, Q(DType::INT8, {3}, 0.5f, 0), Q(DType::INT8, {}, 0.25f, 0), {3});
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {3}, {2, 4, 6}), Array::Of<int8_t>(DType::INT8, {}, {8})});
  EXPECT_EQ(out[0].values<uint8_t>(), expected);
  Model u = ComparisonModel(op, Q(DType::UINT8, {1}, 0.5f, 128), Q(DType::UINT8, {1}, 0.5f, 0), {1});
  out = RunOurs(u, {Array::Of<uint8_t>(DType::UINT8, {1}, {130}), Array::Of<uint8_t>(DType::UINT8, {1}, {2})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({expected_equal_values}));
}

// Bad models every comparison refuses (one-line errors, never a guess).
inline void ExpectRejectsBadComparisons(BuiltinOp op) {
  auto refused = [](const Model& m) { EXPECT_THROW(RunOurs(m, RandomInputs(m, 1)), Error); };
  refused(ComparisonModel(op, T(DType::INT8, {2}), T(DType::INT8, {2}), {2}));            // no quantization
  refused(ComparisonModel(op, T(DType::FLOAT32, {2}), T(DType::INT32, {2}), {2}));        // mixed types
  refused(BinaryModel(op, T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2})));  // not bool
  refused(ComparisonModel(op, T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {2}), {2, 3}));  // no broadcast
  // TFLite aborts on quantized comparisons with a scale of 1 or more.
  refused(ComparisonModel(op, Q(DType::INT8, {2}, 1.0f, 0), Q(DType::INT8, {2}, 0.5f, 0), {2}));
}

// {0, 0, 1, 1} against {0, 1, 0, 1} in bool, for EQUAL / NOT_EQUAL.
inline void ExpectComparesBools(BuiltinOp op, const std::vector<uint8_t>& expected) {
  Model b = ComparisonModel(op, T(DType::BOOL, {4}), T(DType::BOOL, {4}), {4});
  auto out = RunOurs(b, {Array::Of<uint8_t>(DType::BOOL, {4}, {0, 0, 1, 1}), Array::Of<uint8_t>(DType::BOOL, {4}, {0, 1, 0, 1})});
  EXPECT_EQ(out[0].values<uint8_t>(), expected);
}

// The ordering comparisons (GREATER, LESS, ...) refuse bools.
inline void ExpectRejectsBools(BuiltinOp op) {
  Model b = ComparisonModel(op, T(DType::BOOL, {2}), T(DType::BOOL, {2}), {2});
  EXPECT_THROW(RunOurs(b, RandomInputs(b, 1)), Error);
}

// A string comparison (EQUAL / NOT_EQUAL). The oracle cannot feed string
// inputs, so both operands are constants.
inline Model StringComparisonModel(BuiltinOp op, const std::vector<std::string>& a, std::vector<int32_t> a_shape,
                                   const std::vector<std::string>& b, std::vector<int32_t> b_shape,
                                   std::vector<int32_t> out_shape) {
  OpModel m(op);
  m.ConstBytes(T(DType::STRING, std::move(a_shape)), StringTensorBytes(a));
  m.ConstBytes(T(DType::STRING, std::move(b_shape)), StringTensorBytes(b));
  m.Output(T(DType::BOOL, std::move(out_shape)));
  return m.Build();
}

// {"cat", "dog", "", "ca"} against {"cat", "cat", "", "cat"}.
inline void ExpectComparesStrings(BuiltinOp op, const std::vector<uint8_t>& expected) {
  Model m = StringComparisonModel(op, {"cat", "dog", "", "ca"}, {4}, {"cat", "cat", "", "cat"}, {4}, {4});
  auto out = RunOurs(m, {});
  EXPECT_EQ(out[0].values<uint8_t>(), expected);
}

// String oracle cases: same shape, and broadcast with empty strings.
inline std::vector<OracleRun> StringComparisonOracleRuns(BuiltinOp op) {
  return {{"same shape", StringComparisonModel(op, {"a", "bb", "", "ccc", "x"}, {5}, {"a", "b", "", "ccc", "y"}, {5}, {5}), {}},
          {"broadcast", StringComparisonModel(op, {"a", "", "a b"}, {3, 1}, {"a", "a b"}, {2}, {3, 2}), {}}};
}

// ---- Shared checks of MAXIMUM and MINIMUM ----

// The op's answers for the inputs of ExpectMaxMinHandComputed.
struct MaxMinAnswers {
  std::vector<float> float32;  // {3, -2 | 5, -4} against a broadcast {-1, 1}
  std::vector<int32_t> int32;  // {5, -1, 7, -100} against {-3, -8, 7, 100}
  std::vector<int64_t> int64;  // {2^40, 2} against {-3, -2^40}
};

inline void ExpectMaxMinHandComputed(BuiltinOp op, const MaxMinAnswers& expected) {
  Model f = BinaryModel(op, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {2, 2}, {3, -2, 5, -4}), Array::Of<float>(DType::FLOAT32, {2}, {-1, 1})});
  EXPECT_EQ(out[0].values<float>(), expected.float32);
  Model i = BinaryModel(op, T(DType::INT32, {4}), T(DType::INT32, {4}), T(DType::INT32, {4}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {4}, {5, -1, 7, -100}), Array::Of<int32_t>(DType::INT32, {4}, {-3, -8, 7, 100})});
  EXPECT_EQ(out[0].values<int32_t>(), expected.int32);
  // int64 is not readable by the oracle: checked here.
  Model l = BinaryModel(op, T(DType::INT64, {2}), T(DType::INT64, {2}), T(DType::INT64, {2}));
  out = RunOurs(l, {Array::Of<int64_t>(DType::INT64, {2}, {int64_t{1} << 40, 2}),
                    Array::Of<int64_t>(DType::INT64, {2}, {-3, -(int64_t{1} << 40)})});
  EXPECT_EQ(out[0].values<int64_t>(), expected.int64);
}

// Mixed types, shapes that do not broadcast and bools are refused.
inline void ExpectMaxMinRejectsBadInputs(BuiltinOp op) {
  Model types = BinaryModel(op, T(DType::FLOAT32, {2}), T(DType::INT32, {2}), T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(types, RandomInputs(types, 1)), Error);
  Model shapes = BinaryModel(op, T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2, 3}));
  EXPECT_THROW(RunOurs(shapes, RandomInputs(shapes, 1)), Error);
  Model bools = BinaryModel(op, T(DType::BOOL, {2}), T(DType::BOOL, {2}), T(DType::BOOL, {2}));
  EXPECT_THROW(RunOurs(bools, RandomInputs(bools, 1)), Error);
}

// Oracle cases for MAXIMUM / MINIMUM: float32 up to rank 5, int32, and
// int8/uint8/int16 with one quantization shared by inputs and output.
inline std::vector<OracleRun> MaxMinOracleRuns(BuiltinOp op) {
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
    float scale = 0;
    int64_t zero_point = 0;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}},
      {DType::FLOAT32, {2, 1, 3, 1, 2}, {3, 4, 1}, {2, 1, 3, 4, 2}},
      {DType::INT32, {3, 5}, {5}, {3, 5}},
      {DType::INT8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, 0.05f, -3},
      {DType::INT8, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}, 0.1f, 0},
      {DType::UINT8, {2, 1, 7}, {3, 1}, {2, 3, 7}, 0.02f, 128},
      {DType::INT16, {2, 9}, {2, 9}, {2, 9}, 0.001f, 0},
      {DType::INT16, {4, 1}, {}, {4, 1}, 0.002f, 0},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(op, Q(c.dtype, c.a, c.scale, c.zero_point), Q(c.dtype, c.b, c.scale, c.zero_point),
                              Q(c.dtype, c.out, c.scale, c.zero_point));
    for (uint64_t seed : {1, 2})
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " vs " + ShapeString(c.b), model,
                      RandomInputs(model, seed), c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
  }
  return runs;
}

// ---- Shared by FLOOR_DIV, FLOOR_MOD and POW ----

// The two operands of one oracle case, from the case's dtype (FLOAT32 or
// INT32), shapes and seed.
using OperandMaker =
    std::function<std::vector<Array>(DType dtype, const std::vector<int32_t>& a, const std::vector<int32_t>& b, uint64_t seed)>;

// Oracle cases in float32 and int32 with broadcasting (TFLite's kernels
// broadcast up to 4-D), two seeds each; `symbol` names the op in the labels.
inline std::vector<OracleRun> FloatInt32OracleRuns(BuiltinOp op, const std::string& symbol, const OperandMaker& operands) {
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}},
      {DType::INT32, {3, 5}, {5}, {3, 5}},
      {DType::INT32, {2, 3, 4}, {2, 1, 4}, {2, 3, 4}},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(op, T(c.dtype, c.a), T(c.dtype, c.b), T(c.dtype, c.out));
    for (uint64_t seed : {1, 2})
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " " + symbol + " " + ShapeString(c.b), model,
                      operands(c.dtype, c.a, c.b, seed), c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
  }
  return runs;
}

// Operands for FLOOR_DIV / FLOOR_MOD: dividends in [-10, 10] (float) or
// [-50, 50] (int32), divisors in [-3, 3] or [-7, 7] kept away from zero.
inline std::vector<Array> NonZeroDivisorOperands(DType dtype, const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                                 uint64_t seed) {
  if (dtype == DType::FLOAT32) {
    auto d = Spread<float>(Count(b), -3, 3, seed + 10);
    for (auto& x : d)
      if (std::abs(x) < 0.1f) x = 0.5f;
    return {Array::Of<float>(dtype, a, Spread<float>(Count(a), -10, 10, seed)), Array::Of<float>(dtype, b, d)};
  }
  auto d = Spread<int32_t>(Count(b), -7, 7, seed + 10);
  for (auto& x : d)
    if (x == 0) x = 3;
  return {Array::Of<int32_t>(dtype, a, Spread<int32_t>(Count(a), -50, 50, seed)), Array::Of<int32_t>(dtype, b, d)};
}

// FLOOR_DIV and FLOOR_MOD refuse an int32 zero divisor and uint8 operands.
inline void ExpectRejectsIntZeroDivisorAndUint8(BuiltinOp op) {
  Model i = BinaryModel(op, T(DType::INT32, {2}), T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2}, {1, 2}), Array::Of<int32_t>(DType::INT32, {2}, {1, 0})}), Error);
  Model u8 = BinaryModel(op, T(DType::UINT8, {2}), T(DType::UINT8, {2}), T(DType::UINT8, {2}));
  EXPECT_THROW(RunOurs(u8, RandomInputs(u8, 1)), Error);
}

// ---- Shared by LOGICAL_AND and LOGICAL_OR ----

// {0, 0, 1 | 1, 1, 0} with a broadcast {1, 0, 0}: `expected` is the op's answer.
inline void ExpectLogicalHandComputed(BuiltinOp op, const std::vector<uint8_t>& expected) {
  Model m = BinaryModel(op, T(DType::BOOL, {2, 3}), T(DType::BOOL, {3}), T(DType::BOOL, {2, 3}));
  auto out = RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {2, 3}, {0, 0, 1, 1, 1, 0}), Array::Of<uint8_t>(DType::BOOL, {3}, {1, 0, 0})});
  EXPECT_EQ(out[0].values<uint8_t>(), expected);
}

// Non-bool operands and shapes that do not broadcast are refused.
inline void ExpectLogicalRejectsBadInputs(BuiltinOp op) {
  Model f = BinaryModel(op, T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}));
  try {
    RunOurs(f, RandomInputs(f, 1));
    ADD_FAILURE() << "float operands ran";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos) << e.what();
  }
  Model shapes = BinaryModel(op, T(DType::BOOL, {2, 3}), T(DType::BOOL, {2}), T(DType::BOOL, {2, 3}));
  EXPECT_THROW(RunOurs(shapes, RandomInputs(shapes, 1)), Error);
}

// Bool oracle cases: same shape, broadcasting both ways, a scalar, rank 4.
inline std::vector<OracleRun> LogicalOracleRuns(BuiltinOp op) {
  const std::vector<std::vector<std::vector<int32_t>>> shapes = {
      {{2, 3, 4}, {2, 3, 4}}, {{2, 1, 3}, {4, 1}}, {{}, {3, 2}}, {{1, 2, 1, 3}, {2, 2, 1}}};
  std::vector<OracleRun> runs;
  for (const auto& s : shapes) {
    auto out = *BroadcastShapes(s[0], s[1]);
    Model model = BinaryModel(op, T(DType::BOOL, s[0]), T(DType::BOOL, s[1]), T(DType::BOOL, out));
    for (uint64_t seed : {1, 2})
      runs.push_back({ShapeString(s[0]) + " with " + ShapeString(s[1]), model, RandomInputs(model, seed)});
  }
  return runs;
}

}  // namespace tfd::testing::elementwise
