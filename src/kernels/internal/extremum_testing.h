#pragma once
// Test-only helpers shared by the twin tests of the ops that pick a maximum
// or a minimum along axes: ARG_MAX / ARG_MIN and REDUCE_MAX / REDUCE_MIN.
// Each pair runs the same models on the same inputs; what differs is the
// answer, which every test file states itself. Include only from tests.
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd::testing::extremum {

using shape::Compare;
using shape::OracleCase;
using shape::ReduceCase;
using shape::ReduceModel;
using shape::Spec;

// ---- ARG_MAX / ARG_MIN ----

// An ARG_MAX or ARG_MIN node along `axis`: a constant, or (runtime_axis) a
// second graph input.
inline Model ArgModel(BuiltinOp op, TensorSpec in, int32_t axis, DType out_type, bool runtime_axis = false) {
  OpModel m(op);
  m.Input(in);
  if (runtime_axis) {
    m.Input({DType::INT32, {1}});
  } else {
    m.Const<int32_t>({DType::INT32, {1}}, {axis});
  }
  std::vector<int32_t> out = in.shape;
  const int32_t a = axis < 0 ? axis + static_cast<int32_t>(out.size()) : axis;
  if (a >= 0 && a < static_cast<int32_t>(out.size())) out.erase(out.begin() + a);
  m.Output({out_type, out});
  if (op == BuiltinOp::ARG_MAX) {
    tflite::ArgMaxOptionsT o;
    o.output_type = out_type;
    m.Options(o);
  } else {
    tflite::ArgMinOptionsT o;
    o.output_type = out_type;
    m.Options(o);
  }
  return m.Build();
}

// The op's answers for the hand-checked inputs of ExpectArgIndices.
struct ArgIndices {
  std::vector<int32_t> float_rows;      // float [2, 4] {1, 5, 5, -2 | 3, -2, 0, -2}, along axis 1
  std::vector<int64_t> int8_columns;    // int8 [3, 2] {4, -7 | 9, 9 | -1, -7}, axis -2, int64 output
  int32_t int64_input;                  // int64 [3] {2^40, 2^41, -2^42}
};

// Ties go to the first index; int64 output, negative axis and int64 input.
inline void ExpectArgIndices(BuiltinOp op, const ArgIndices& expected) {
  Model m = ArgModel(op, {DType::FLOAT32, {2, 4}}, 1, DType::INT32);
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 4}, {1, 5, 5, -2, 3, -2, 0, -2})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2}));
  EXPECT_EQ(out[0].values<int32_t>(), expected.float_rows);
  Model m64 = ArgModel(op, {DType::INT8, {3, 2}, 0.1f, 0}, -2, DType::INT64);
  auto o64 = RunOurs(m64, {Array::Of<int8_t>(DType::INT8, {3, 2}, {4, -7, 9, 9, -1, -7})});
  EXPECT_EQ(o64[0].values<int64_t>(), expected.int8_columns);
  Model i64 = ArgModel(op, {DType::INT64, {3}}, 0, DType::INT32);
  auto oi = RunOurs(i64, {Array::Of<int64_t>(DType::INT64, {3}, {1LL << 40, 1LL << 41, -(1LL << 42)})});
  EXPECT_EQ(oi[0].values<int32_t>(), std::vector<int32_t>({expected.int64_input}));
}

// A float output type and an axis past the input's rank are refused.
inline void ExpectArgRejectsBadModels(BuiltinOp op) {
  Model f = ArgModel(op, {DType::FLOAT32, {2, 2}}, 1, DType::FLOAT32);
  EXPECT_THROW(RunOurs(f, RandomInputs(f, 1)), Error);
  Model a = ArgModel(op, {DType::FLOAT32, {2, 2}}, 2, DType::INT32);
  EXPECT_THROW(RunOurs(a, RandomInputs(a, 1)), Error);
}

inline std::vector<OracleCase> ArgOracleCases(BuiltinOp op) {
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT32}) {
    cases.push_back({"last axis " + DTypeName(t), ArgModel(op, Spec(t, {2, 3, 10}), 2, DType::INT32)});
    cases.push_back({"axis 0 " + DTypeName(t), ArgModel(op, Spec(t, {7, 4}), 0, DType::INT32)});
  }
  // int32 inputs are in [0, 16): plenty of ties.
  cases.push_back({"ties", ArgModel(op, {DType::INT32, {5, 30}}, 1, DType::INT32)});
  cases.push_back({"negative axis", ArgModel(op, Spec(DType::FLOAT32, {3, 4, 5}), -2, DType::INT32)});
  cases.push_back({"1-D", ArgModel(op, Spec(DType::FLOAT32, {9}), 0, DType::INT32)});
  cases.push_back({"bool", ArgModel(op, {DType::BOOL, {4, 6}}, 1, DType::INT32)});
  {
    Model m = ArgModel(op, Spec(DType::FLOAT32, {3, 5}), 1, DType::INT32, /*runtime_axis=*/true);
    cases.push_back({"run-time axis", m, {RandomInputs(m, 2)[0], Array::Of<int32_t>(DType::INT32, {1}, {1})}});
  }
  return cases;
}

// ---- REDUCE_MAX / REDUCE_MIN ----

// The op's answers for the hand-checked inputs of ExpectReducedValues.
struct ReducedValues {
  std::vector<float> float_rows;  // float [2, 3] {1, -5, 3 | 0, 2, -1}, along axis -1
  int64_t int64_all;              // int64 [2, 2] {2^40, -2^41 | 3, 4}, along both axes, kept
};

inline void ExpectReducedValues(BuiltinOp op, const ReducedValues& expected) {
  Model m = ReduceModel(op, {DType::FLOAT32, {2, 3}}, {DType::FLOAT32, {1}}, {-1}, false, false);
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, -5, 3, 0, 2, -1})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2}));
  EXPECT_EQ(out[0].values<float>(), expected.float_rows);
  Model i = ReduceModel(op, {DType::INT64, {2, 2}}, {DType::INT64, {1}}, {0, 1}, true, false);
  auto io = RunOurs(i, {Array::Of<int64_t>(DType::INT64, {2, 2}, {1LL << 40, -(1LL << 41), 3, 4})});
  EXPECT_EQ(io[0].shape, std::vector<int32_t>({1, 1}));
  EXPECT_EQ(io[0].values<int64_t>(), std::vector<int64_t>({expected.int64_all}));
}

// Reducing an empty int8 axis leaves the op's start value in each output.
inline void ExpectEmptyReductionGives(BuiltinOp op, int8_t start_value) {
  Model m = ReduceModel(op, {DType::INT8, {2, 0}, 0.1f, 0}, {DType::INT8, {1}, 0.1f, 0}, {1}, false, false);
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {2, 0}, {})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>(2, start_value));
}

// The output must keep the input's quantization (the value is only picked).
inline void ExpectReduceRejectsRequantization(BuiltinOp op) {
  Model m = ReduceModel(op, {DType::INT8, {2}, 0.1f, 0}, {DType::INT8, {1}, 0.2f, 0}, {0}, false, false);
  EXPECT_THROW(RunOurs(m, RandomInputs(m, 1)), Error);
}

inline std::vector<OracleCase> ReduceOracleCases(BuiltinOp op) {
  std::vector<OracleCase> cases;
  for (bool keep : {true, false}) {
    const std::string k = keep ? " keep" : "";
    cases.push_back(ReduceCase("float {1,2}" + k, op, {DType::FLOAT32, {2, 4, 5, 3}}, {DType::FLOAT32, {1}}, {1, 2}, keep, false,
                               Compare::kExact));
    cases.push_back(ReduceCase("float {-1,0}" + k, op, {DType::FLOAT32, {3, 4, 5}}, {DType::FLOAT32, {1}}, {-1, 0, 0}, keep, false,
                               Compare::kExact));
    cases.push_back(ReduceCase("int8 {1}" + k, op, {DType::INT8, {3, 6, 2}, 0.1f, 3}, {DType::INT8, {1}, 0.1f, 3}, {1}, keep, false,
                               Compare::kExact));
    cases.push_back(ReduceCase("uint8 all" + k, op, {DType::UINT8, {3, 4, 2}, 0.1f, 128}, {DType::UINT8, {1}, 0.1f, 128},
                               {0, 1, 2}, keep, false, Compare::kExact));
    cases.push_back(ReduceCase("int16 {0}" + k, op, {DType::INT16, {5, 4}, 0.01f, 0}, {DType::INT16, {1}, 0.01f, 0}, {0}, keep,
                               false, Compare::kExact));
    cases.push_back(ReduceCase("int32 {1}" + k, op, {DType::INT32, {4, 7}}, {DType::INT32, {1}}, {1}, keep, false, Compare::kExact));
  }
  cases.push_back(ReduceCase("run-time axes", op, {DType::FLOAT32, {2, 3, 4}}, {DType::FLOAT32, {1}}, {2, -3}, false, true,
                             Compare::kExact));
  return cases;
}

}  // namespace tfd::testing::extremum
