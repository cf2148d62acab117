#pragma once
// Test helpers for the activation / quantization kernel tests (include only
// from *_test.cc): unary single-op models, input sweeps, and a batch
// comparison against the real TFLite runtime.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "format/model_reader.h"
#include "graph/dtype.h"
#include "kernel_test_util.h"

namespace tfd::acttest {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;

inline TensorSpec Spec(DType dtype, std::vector<int32_t> shape, float scale = 0.0f, int64_t zero_point = 0) {
  TensorSpec s;
  s.dtype = dtype;
  s.shape = std::move(shape);
  s.scale = scale;
  s.zero_point = zero_point;
  return s;
}

// A one-input, one-output model.
template <typename Options>
Model Unary(BuiltinOp op, const TensorSpec& in, const TensorSpec& out, const Options& options, int version = 1) {
  OpModel m(op, version);
  m.Input(in);
  m.Output(out);
  m.Options(options);
  return m.Build();
}
inline Model Unary(BuiltinOp op, const TensorSpec& in, const TensorSpec& out, int version = 1) {
  OpModel m(op, version);
  m.Input(in);
  m.Output(out);
  return m.Build();
}

// Every value of an 8-bit type, in order, as a 1-D array (256 elements).
inline Array AllValues8(DType t) {
  std::vector<uint8_t> bytes(256);
  for (int i = 0; i < 256; ++i) {
    const int v = t == DType::INT8 ? i - 128 : i;
    bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
  }
  return Array{t, {256}, bytes};
}

// int16 values from -32768 to 32767 in steps of `stride` (plus 32767).
inline Array Int16Sweep(int stride) {
  std::vector<int16_t> v;
  for (int x = -32768; x < 32767; x += stride) v.push_back(static_cast<int16_t>(x));
  v.push_back(32767);
  return Array::Of<int16_t>(DType::INT16, {static_cast<int32_t>(v.size())}, v);
}

// Uniform random floats in [lo, hi).
inline Array RandomFloats(std::vector<int32_t> shape, float lo, float hi, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return Array::Of<float>(DType::FLOAT32, std::move(shape), v);
}

// Uniform random integers over [lo, hi] stored as `dtype`.
inline Array RandomInts(DType dtype, std::vector<int32_t> shape, int64_t lo, int64_t hi, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  Array a{dtype, std::move(shape), {}};
  const size_t size = a.dtype == DType::INT8 || a.dtype == DType::UINT8 || a.dtype == DType::BOOL ? 1
                      : a.dtype == DType::INT16 || a.dtype == DType::UINT16                       ? 2
                      : a.dtype == DType::INT64                                                   ? 8
                                                                                                  : 4;
  a.bytes.resize(static_cast<size_t>(n) * size);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = dist(rng);
    std::memcpy(a.bytes.data() + i * size, &v, size);  // little-endian truncation
  }
  return a;
}

// How an output is compared with the oracle's.
struct Compare {
  enum Kind { kIdentical, kWithinSteps, kFloatClose } kind = kIdentical;
  double tolerance = 0;  // steps or relative tolerance
  static Compare Exact() { return {kIdentical, 0}; }
  static Compare Steps(int n) { return {kWithinSteps, static_cast<double>(n)}; }
  static Compare Float(double tol) { return {kFloatClose, tol}; }
};

struct OracleCase {
  std::string label;
  Model model;
  std::vector<Array> inputs;
  Compare compare = Compare::Exact();
};

// Runs every case with our kernels and with the real runtime (one Node
// process) and compares all outputs.
inline void ExpectMatchesOracle(const std::vector<OracleCase>& cases) {
  testing::OracleBatch oracle;
  for (const auto& c : cases) oracle.Add(c.model, c.inputs);
  oracle.Run();
  for (size_t i = 0; i < cases.size(); ++i) {
    const OracleCase& c = cases[i];
    SCOPED_TRACE(c.label);
    const int id = static_cast<int>(i);
    ASSERT_TRUE(oracle.ok(id)) << oracle.error(id);
    const auto ours = testing::RunOurs(c.model, c.inputs);
    const auto& theirs = oracle.outputs(id);
    ASSERT_EQ(ours.size(), theirs.size());
    for (size_t k = 0; k < ours.size(); ++k) {
      switch (c.compare.kind) {
        case Compare::kIdentical: EXPECT_TRUE(testing::Identical(ours[k], theirs[k])); break;
        case Compare::kWithinSteps:
          EXPECT_TRUE(testing::WithinSteps(ours[k], theirs[k], static_cast<int>(c.compare.tolerance)));
          break;
        case Compare::kFloatClose: EXPECT_TRUE(testing::FloatClose(ours[k], theirs[k], c.compare.tolerance)); break;
      }
    }
  }
}

// Integers of a comma/whitespace separated file, stored as `dtype`.
inline Array CsvArray(const std::string& path, DType dtype, std::vector<int32_t> shape) {
  std::ifstream f(path);
  std::stringstream text;
  text << f.rdbuf();
  std::string s = text.str();
  for (char& c : s)
    if (c == ',') c = ' ';
  std::istringstream in(s);
  std::vector<int64_t> values;
  for (int64_t v; in >> v;) values.push_back(v);
  Array a{dtype, std::move(shape), {}};
  const size_t size = *DTypeSize(dtype);
  a.bytes.resize(values.size() * size);
  for (size_t i = 0; i < values.size(); ++i) std::memcpy(a.bytes.data() + i * size, &values[i], size);
  return a;
}

// The one file in `dir` named PREFIX*.csv (TFLM golden data names carry the dtype).
inline std::string FindCsv(const std::string& dir, const std::string& prefix) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && e.path().extension() == ".csv") return e.path().string();
  }
  return "";
}

// TFLite Micro golden data: DIR/NAME.tflite run on NAME_input0_*.csv must give
// exactly NAME_golden_*.csv.
inline void ExpectGoldenMatch(const std::string& dir, const std::string& name) {
  SCOPED_TRACE(name);
  const Model model = LoadModel(dir + "/" + name + ".tflite");
  const Subgraph& g = model.main();
  ASSERT_EQ(g.inputs.size(), 1u);
  ASSERT_EQ(g.outputs.size(), 1u);
  const Tensor& in = g.tensors[static_cast<size_t>(g.inputs[0])];
  const Tensor& out = g.tensors[static_cast<size_t>(g.outputs[0])];
  const std::string in_csv = FindCsv(dir, name + "_input0_");
  const std::string golden_csv = FindCsv(dir, name + "_golden_");
  ASSERT_FALSE(in_csv.empty() || golden_csv.empty()) << "golden files missing for " << name;
  const Array input = CsvArray(in_csv, in.dtype, in.shape);
  const Array golden = CsvArray(golden_csv, out.dtype, out.shape);
  ASSERT_EQ(input.count(), *ElementCount(in.shape));
  const auto ours = testing::RunOurs(model, {input});
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_TRUE(testing::Identical(ours[0], golden));
}

}  // namespace tfd::acttest
