#pragma once
// Test-only helpers for the convolution-family kernel tests: single-op models
// whose tensors are either constants or graph inputs with given values, seeded
// random data, and one oracle batch comparing every case.
#include <cmath>
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

// ---- CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED ----

// Weights of `dtype` and `shape`. INT8 ones are symmetric, with seeded
// scales around 0.01, one per output channel (`channels` of them, along
// `axis`), or a single 0.01 per tensor; AddWeightedTensors quantizes UINT8 ones.
inline TensorSpec WeightSpec(DType dtype, std::vector<int32_t> shape, int channels, bool per_channel, uint32_t seed,
                             int32_t axis = 0) {
  TensorSpec spec{dtype, std::move(shape)};
  if (dtype != DType::INT8) return spec;
  spec.scales = RandomFloats(static_cast<size_t>(channels), seed, 0.004f, 0.02f);
  if (!per_channel) spec.scales.assign(1, 0.01f);
  spec.zero_points.assign(spec.scales.size(), 0);
  spec.axis = axis;
  return spec;
}

// The four tensors of a case of a weighted op, in operator order: input,
// weights, bias and output (the bias's length is the output's last
// dimension). Each activation type has fixed quantization, with an output
// scale that keeps a sum of `depth` products in range.
struct WeightedTensors {
  DType dtype = DType::FLOAT32;           // activations: FLOAT32, UINT8, INT8 or INT16
  TensorSpec weights;                     // from WeightSpec
  std::vector<int32_t> in, out;
  int depth = 1;                          // products summed into each output
  bool const_weights = true;              // false: the weights are a graph input
  bool has_bias = true;
  DType int16_bias_dtype = DType::INT64;  // INT16 activations: INT64 or INT32
  DType uint8_out_dtype = DType::UINT8;   // UINT8 activations: UINT8 or INT16
  int64_t int8_weights_max = 127;         // INT8 activations: weights drawn from [-127, this]
};

// Adds `t`'s tensors to `b` with seeded values (input: seed, weights: seed + 1,
// bias: seed + 2); returns how the case compares with the oracle.
inline Compare AddWeightedTensors(CaseBuilder& b, const WeightedTensors& t, uint32_t seed) {
  const size_t n_in = Count(t.in), n_w = Count(t.weights.shape);
  const int32_t channels = t.out.back();
  const size_t nb = static_cast<size_t>(channels);
  const std::vector<float>& scales = t.weights.scales;
  float mean_scale = 0;
  for (float s : scales) mean_scale += s / static_cast<float>(scales.size());
  const float root_depth = std::sqrt(static_cast<float>(t.depth));
  auto bias_or_omitted = [&](const TensorSpec& spec, auto values) {
    if (t.has_bias) b.Tensor(spec, values);
    else b.Omitted();
  };
  switch (t.dtype) {
    case DType::FLOAT32:  // float weights, or int8 ones (hybrid)
      b.Tensor<float>({DType::FLOAT32, t.in}, RandomFloats(n_in, seed), false);
      if (t.weights.dtype == DType::FLOAT32)
        b.Tensor<float>({DType::FLOAT32, t.weights.shape}, RandomFloats(n_w, seed + 1), t.const_weights);
      else
        b.Tensor<int8_t>(t.weights, RandomInts<int8_t>(n_w, seed + 1, -127, 127), t.const_weights);
      bias_or_omitted(TensorSpec{DType::FLOAT32, {channels}}, RandomFloats(nb, seed + 2));
      b.Output({DType::FLOAT32, t.out});
      // Hybrid kernels are TFLite's to the float operation order: bit for
      // bit (one ulp flips the next layer's on-the-fly quantization).
      return t.weights.dtype == DType::FLOAT32 ? Compare::kFloat : Compare::kExact;
    case DType::UINT8: {
      const float in_scale = 0.05f, w_scale = 0.01f;
      const bool to_int16 = t.uint8_out_dtype == DType::INT16;
      float out_scale = in_scale * w_scale * 135.0f * root_depth;
      if (to_int16) out_scale /= 256.0f;
      b.Tensor<uint8_t>({DType::UINT8, t.in, in_scale, 131}, RandomInts<uint8_t>(n_in, seed, 0, 255), false);
      b.Tensor<uint8_t>({DType::UINT8, t.weights.shape, w_scale, 120}, RandomInts<uint8_t>(n_w, seed + 1, 0, 255),
                        t.const_weights);
      bias_or_omitted(TensorSpec{DType::INT32, {channels}, in_scale * w_scale, 0},
                      RandomInts<int32_t>(nb, seed + 2, -3000, 3000));
      if (to_int16) b.Output({DType::INT16, t.out, out_scale, 0});
      else b.Output({DType::UINT8, t.out, out_scale, 125});
      // With constant uint8 weights the oracle's XNNPACK delegate runs the
      // node (QU8) with its float requantization, which rounds a few values
      // one step away from TFLite's fixed-point kernel. Weights fed as an
      // input run TFLite's own kernel, which must match exactly.
      return t.const_weights ? Compare::kWithinOneStep : Compare::kExact;
    }
    case DType::INT8: {
      const float in_scale = 0.05f;
      const float out_scale = in_scale * mean_scale * 135.0f * root_depth;
      b.Tensor<int8_t>({DType::INT8, t.in, in_scale, -5}, RandomInts<int8_t>(n_in, seed, -128, 127), false);
      b.Tensor<int8_t>(t.weights, RandomInts<int8_t>(n_w, seed + 1, -127, t.int8_weights_max), t.const_weights);
      TensorSpec bias{DType::INT32, {channels}};
      for (float s : scales) bias.scales.push_back(s * in_scale);
      bias_or_omitted(bias, RandomInts<int32_t>(nb, seed + 2, -3000, 3000));
      b.Output({DType::INT8, t.out, out_scale, 3});
      return Compare::kExact;
    }
    default: {  // int16 activations, int8 weights
      const float in_scale = 0.001f;
      const float out_scale = in_scale * mean_scale * 172.0f * root_depth;
      b.Tensor<int16_t>({DType::INT16, t.in, in_scale, 0}, RandomInts<int16_t>(n_in, seed, -32768, 32767), false);
      b.Tensor<int8_t>(t.weights, RandomInts<int8_t>(n_w, seed + 1, -127, 127), t.const_weights);
      TensorSpec bias{t.int16_bias_dtype, {channels}};
      for (float s : scales) bias.scales.push_back(s * in_scale);
      if (t.int16_bias_dtype == DType::INT64) bias_or_omitted(bias, RandomInts<int64_t>(nb, seed + 2, -400000, 400000));
      else bias_or_omitted(bias, RandomInts<int32_t>(nb, seed + 2, -400000, 400000));
      b.Output({DType::INT16, t.out, out_scale, 0});
      return Compare::kExact;
    }
  }
}

// Each config at each seed, run in the xnnpack profile and compared exactly:
// the profile computes what the oracle's XNNPACK delegate does, and nodes the
// delegate leaves to TFLite take the reference kernels.
template <typename Config, typename MakeCase>
std::vector<OracleCase> ExactXnnpackProfileCases(const std::vector<Config>& configs, const std::vector<uint32_t>& seeds,
                                                 MakeCase make_case) {
  std::vector<OracleCase> cases;
  for (uint32_t seed : seeds)
    for (const auto& c : configs) {
      OracleCase oc = make_case(c, seed);
      oc.arithmetic = Arithmetic::kXnnpack;
      oc.compare = Compare::kExact;
      cases.push_back(std::move(oc));
    }
  return cases;
}

}  // namespace tfd::conv_testing
