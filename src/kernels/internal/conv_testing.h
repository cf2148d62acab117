#pragma once
// Test-only helpers for the convolution-family kernel tests: single-op models
// whose tensors are either constants or graph inputs with given values, seeded
// random data, and one oracle batch comparing every case.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernel_test_util.h"

namespace tfd::conv_testing {

using testing::Array;
using testing::TensorSpec;

inline std::vector<float> RandomFloats(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

template <typename T>
std::vector<T> RandomInts(size_t n, uint32_t seed, int64_t lo, int64_t hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(rng));
  return v;
}

inline size_t Count(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

enum class Compare { kExact, kFloat, kWithinOneStep };

struct OracleCase {
  std::string name;
  Model model;
  std::vector<Array> inputs;
  Compare compare = Compare::kExact;
  double tolerance = 1e-6;
  // kXnnpack: run ours in the xnnpack profile (what the oracle computes).
  Arithmetic arithmetic = Arithmetic::kReference;
};

// Output elements (bytes of 8-bit outputs) that differ between two runs.
inline int64_t CountDifferences(const std::vector<Array>& a, const std::vector<Array>& b) {
  int64_t n = 0;
  for (size_t o = 0; o < a.size() && o < b.size(); ++o)
    for (size_t i = 0; i < a[o].bytes.size() && i < b[o].bytes.size(); ++i) n += a[o].bytes[i] != b[o].bytes[i];
  return n;
}

// Builds one single-op case; tensors are added in operator input order.
class CaseBuilder {
 public:
  explicit CaseBuilder(BuiltinOp op, int version = 1) : model_(op, version) {}
  CaseBuilder(const std::string& custom_code, int version) : model_(custom_code, version) {}

  // A tensor with these values: a constant of the model, or a graph input.
  template <typename T>
  CaseBuilder& Tensor(const TensorSpec& spec, const std::vector<T>& values, bool constant = true) {
    if (constant) {
      model_.Const<T>(spec, values);
    } else {
      model_.Input(spec);
      inputs_.push_back(Array::Of<T>(spec.dtype, spec.shape, values));
    }
    return *this;
  }
  CaseBuilder& Omitted() {
    model_.Omitted();
    return *this;
  }
  CaseBuilder& Output(const TensorSpec& spec) {
    model_.Output(spec);
    return *this;
  }
  template <typename O>
  CaseBuilder& Options(O options) {
    model_.Options(std::move(options));
    return *this;
  }
  CaseBuilder& CustomOptions(std::vector<uint8_t> bytes) {
    model_.CustomOptions(std::move(bytes));
    return *this;
  }
  OracleCase Build(std::string name, Compare compare, double tolerance = 1e-6) const {
    return {std::move(name), model_.Build(), inputs_, compare, tolerance};
  }

 private:
  testing::OpModel model_;
  std::vector<Array> inputs_;
};

// Runs every case through our interpreter and, in one batch, the oracle;
// each output is compared as the case asks. Returns how many output bytes of
// the xnnpack-profile cases the reference profile would have got wrong (so a
// test can show its cases exercise the difference).
inline int64_t ExpectMatchesOracle(const std::vector<OracleCase>& cases) {
  int64_t reference_differences = 0;
  testing::OracleBatch oracle;
  for (const auto& c : cases) oracle.Add(c.model, c.inputs);
  oracle.Run();
  for (size_t i = 0; i < cases.size(); ++i) {
    const OracleCase& c = cases[i];
    SCOPED_TRACE(c.name);
    const int id = static_cast<int>(i);
    if (!oracle.ok(id)) {
      ADD_FAILURE() << "oracle failed: " << oracle.error(id);
      continue;
    }
    std::vector<Array> ours;
    const auto& theirs = oracle.outputs(id);
    try {
      ours = testing::RunOurs(c.model, c.inputs, c.arithmetic);
      if (c.arithmetic == Arithmetic::kXnnpack)
        reference_differences += CountDifferences(testing::RunOurs(c.model, c.inputs, Arithmetic::kReference), theirs);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "ours failed: " << e.what();
      continue;
    }
    if (ours.size() != theirs.size()) {
      ADD_FAILURE() << "output count " << ours.size() << " vs oracle " << theirs.size();
      continue;
    }
    for (size_t o = 0; o < ours.size(); ++o) {
      switch (c.compare) {
        case Compare::kExact: EXPECT_TRUE(testing::Identical(ours[o], theirs[o])); break;
        case Compare::kFloat: EXPECT_TRUE(testing::FloatClose(ours[o], theirs[o], c.tolerance)); break;
        case Compare::kWithinOneStep: EXPECT_TRUE(testing::WithinSteps(ours[o], theirs[o], 1)); break;
      }
    }
  }
  return reference_differences;
}

}  // namespace tfd::conv_testing

namespace tfd::conv_testing {

// ---- AVERAGE_POOL_2D and MAX_POOL_2D ----

inline tflite::Pool2DOptionsT PoolOptions(tflite::Padding padding, int fh, int fw, int sh, int sw,
                                          tflite::ActivationFunctionType act = tflite::ActivationFunctionType::NONE) {
  tflite::Pool2DOptionsT o;
  o.padding = padding;
  o.filter_height = fh;
  o.filter_width = fw;
  o.stride_h = sh;
  o.stride_w = sw;
  o.fused_activation_function = act;
  return o;
}

// A pooling node with its input as the graph input.
inline Model PoolModel(BuiltinOp op, const TensorSpec& in, const TensorSpec& out, const tflite::Pool2DOptionsT& options) {
  testing::OpModel m(op);
  m.Input(in);
  m.Output(out);
  m.Options(options);
  return m.Build();
}

// A pooling case: input NHWC of `dtype` (quantized ones share one scale and
// zero point with the output), as AVERAGE_POOL_2D / MAX_POOL_2D take.
inline OracleCase MakePoolCase(BuiltinOp op, const std::string& name, DType dtype, const std::vector<int32_t>& in,
                               tflite::Padding padding, int fh, int fw, int sh, int sw,
                               tflite::ActivationFunctionType act, uint32_t seed) {
  auto out_size = [&](int size, int filter, int stride) {
    return padding == tflite::Padding::SAME ? (size + stride - 1) / stride : (size + stride - filter) / stride;
  };
  const std::vector<int32_t> out = {in[0], out_size(in[1], fh, sh), out_size(in[2], fw, sw), in[3]};
  const size_t n = Count(in);
  CaseBuilder b(op);
  Compare compare = Compare::kExact;
  switch (dtype) {
    case DType::FLOAT32:
      b.Tensor<float>({dtype, in}, RandomFloats(n, seed, -3.0f, 7.0f), false);
      b.Output({dtype, out});
      compare = Compare::kFloat;
      break;
    case DType::UINT8:
      b.Tensor<uint8_t>({dtype, in, 0.05f, 100}, RandomInts<uint8_t>(n, seed, 0, 255), false);
      b.Output({dtype, out, 0.05f, 100});
      break;
    case DType::INT8:
      b.Tensor<int8_t>({dtype, in, 0.05f, -20}, RandomInts<int8_t>(n, seed, -128, 127), false);
      b.Output({dtype, out, 0.05f, -20});
      break;
    default:
      b.Tensor<int16_t>({dtype, in, 0.001f, 0}, RandomInts<int16_t>(n, seed, -32768, 32767), false);
      b.Output({dtype, out, 0.001f, 0});
      break;
  }
  b.Options(PoolOptions(padding, fh, fw, sh, sw, act));
  return b.Build(name + " seed " + std::to_string(seed), compare);
}

}  // namespace tfd::conv_testing
