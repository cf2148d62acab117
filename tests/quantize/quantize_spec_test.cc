// The quantization spec, checked on real models: parameters from ranges,
// symmetric per-channel weights, biases at input_scale * weight_scale, fixed
// and shared output ranges, and the range methods on real calibration data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "format/model_reader.h"
#include "graph/dtype.h"
#include "quantize/quantize.h"
#include "test_support.h"
#include "util/error.h"

namespace tfd {
namespace {

using quantize::AffineParams;
using quantize::AsymmetricParams;

TEST(QuantizeSpec, AsymmetricParamsHoldZeroExactly) {
  AffineParams relu6 = AsymmetricParams(0.0f, 6.0f, -128, 127);
  EXPECT_FLOAT_EQ(relu6.scale, 6.0f / 255.0f);
  EXPECT_EQ(relu6.zero_point, -128);
  // A range that does not reach 0 is widened to it.
  AffineParams positive = AsymmetricParams(2.0f, 5.0f, -128, 127);
  EXPECT_FLOAT_EQ(positive.scale, 5.0f / 255.0f);
  EXPECT_EQ(positive.zero_point, -128);
  AffineParams negative = AsymmetricParams(-4.0f, -1.0f, -128, 127);
  EXPECT_FLOAT_EQ(negative.scale, 4.0f / 255.0f);
  EXPECT_EQ(negative.zero_point, 127);
  // Over many ranges: 0 maps to an integer, and lo/hi stay within one step of the ends.
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-50.0f, 50.0f);
  for (int i = 0; i < 1000; ++i) {
    float a = d(rng), b = d(rng);
    float lo = std::min({a, b, 0.0f}), hi = std::max({a, b, 0.0f});
    AffineParams p = AsymmetricParams(lo, hi, -128, 127);
    ASSERT_GT(p.scale, 0.0f);
    ASSERT_GE(p.zero_point, -128);
    ASSERT_LE(p.zero_point, 127);
    EXPECT_LE(std::fabs(p.scale * (-128 - p.zero_point) - lo), p.scale * 0.5001f + 1e-6f);
    EXPECT_LE(std::fabs(p.scale * (127 - p.zero_point) - hi), p.scale * 0.5001f + 1e-6f);
  }
  AffineParams zero = AsymmetricParams(0.0f, 0.0f, -128, 127);
  EXPECT_GT(zero.scale, 0.0f);
}

TEST(QuantizeSpec, RangeMethodsParseOrNameTheProblem) {
  EXPECT_EQ(quantize::ParseRangeMethod("minmax").kind, quantize::RangeMethodKind::kMinMax);
  EXPECT_EQ(quantize::ParseRangeMethod("mse").kind, quantize::RangeMethodKind::kMse);
  EXPECT_EQ(quantize::ParseRangeMethod("entropy").kind, quantize::RangeMethodKind::kEntropy);
  EXPECT_EQ(quantize::RangeMethodName(quantize::ParseRangeMethod("entropy")), "entropy");
  auto p = quantize::ParseRangeMethod("percentile:99.9");
  EXPECT_EQ(p.kind, quantize::RangeMethodKind::kPercentile);
  EXPECT_DOUBLE_EQ(p.percentile, 99.9);
  for (const char* bad : {"percentile:", "percentile:40", "percentile:101", "percentile:9x", "kl", ""}) {
    try {
      quantize::ParseRangeMethod(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--calibration-method"), std::string::npos) << e.what();
    }
  }
}

std::vector<quantize::CalibrationSample> UniformSamples(const Model& m, size_t n, float lo, float hi) {
  std::vector<quantize::CalibrationSample> out;
  for (size_t k = 0; k < n; ++k) {
    std::mt19937_64 rng(k + 1);
    std::uniform_real_distribution<float> d(lo, hi);
    quantize::CalibrationSample s;
    for (int32_t i : m.main().inputs) {
      const Tensor& t = m.main().tensors[static_cast<size_t>(i)];
      std::vector<float> v(static_cast<size_t>(*ElementCount(t.shape)));
      for (auto& x : v) x = d(rng);
      TensorData td{DType::FLOAT32, t.shape, std::vector<uint8_t>(v.size() * 4)};
      std::memcpy(td.bytes.data(), v.data(), td.bytes.size());
      s.push_back(td);
    }
    out.push_back(s);
  }
  return out;
}

template <typename T>
std::vector<T> Values(const Model& m, const Tensor& t) {
  const auto* d = m.ConstantData(t);
  std::vector<T> v(d->size() / sizeof(T));
  std::memcpy(v.data(), d->data(), v.size() * sizeof(T));
  return v;
}

// Every weight, bias and activation of the quantized model against the
// float model it came from, tensor by tensor (same indices: the rewrite
// appends the edge tensors after the originals).
void CheckSpec(const std::string& path, bool per_channel) {
  SCOPED_TRACE(path);
  const Model f = LoadModel(testing::Fixture(path));
  quantize::RewriteOptions options;
  options.spec.per_channel = per_channel;
  const Model q = quantize::QuantizeModel(f, UniformSamples(f, 4, 0.0f, 1.0f), options);
  const Subgraph& fg = f.main();
  const Subgraph& qg = q.main();
  int weights = 0, biases = 0, fixed = 0, shared = 0;
  size_t full = 0, all = 0;
  for (const Operator& op : qg.operators) {
    const std::string name = q.op_code(op).Name();
    auto qt = [&](size_t i) -> const Tensor& { return qg.tensors[static_cast<size_t>(op.inputs[i])]; };
    if (name == "CONV_2D" || name == "DEPTHWISE_CONV_2D" || name == "FULLY_CONNECTED") {
      const Tensor& w = qt(1);
      ASSERT_EQ(w.dtype, DType::INT8) << w.name;
      const Quantization& wq = *w.quantization;
      const int axis = name == "CONV_2D" ? 0 : 3;
      const bool pc = per_channel && name != "FULLY_CONNECTED";
      ASSERT_EQ(wq.scale.size(), pc ? static_cast<size_t>(w.shape[static_cast<size_t>(axis)]) : 1u) << w.name;
      if (pc) { EXPECT_EQ(wq.axis, axis); }
      for (int64_t z : wq.zero_point) EXPECT_EQ(z, 0);
      // Symmetric in [-127, 127]; each channel's largest weight at +-127; within half a step of the float.
      const auto qv = Values<int8_t>(q, w);
      const auto fv = quantize::ConstantFloats(f, fg.tensors[static_cast<size_t>(op.inputs[1])]);
      ASSERT_EQ(qv.size(), fv.size());
      const size_t channels = wq.scale.size();
      size_t inner = 1;
      if (pc)
        for (size_t d = static_cast<size_t>(axis) + 1; d < w.shape.size(); ++d) inner *= static_cast<size_t>(w.shape[d]);
      std::vector<int> peak(channels, 0);
      for (size_t i = 0; i < qv.size(); ++i) {
        const size_t c = pc ? (i / inner) % channels : 0;
        ASSERT_GE(qv[i], -127);
        peak[c] = std::max(peak[c], std::abs(static_cast<int>(qv[i])));
        // Per-tensor scales are chosen by least squared error and may clip the largest weights to +-127.
        const bool clipped = !pc && std::abs(static_cast<int>(qv[i])) == 127 && std::fabs(fv[i]) > 127 * wq.scale[c];
        if (!clipped) { EXPECT_LE(std::fabs(qv[i] * wq.scale[c] - fv[i]), wq.scale[c] * 0.5001f) << w.name << "[" << i << "]"; }
      }
      // A channel's largest weight is at +-127, unless its scale was raised
      // to keep the bias within int32 (tiny weights), or it is all zero.
      for (size_t c = 0; c < channels; ++c) EXPECT_LE(peak[c], 127);
      std::vector<bool> raised(channels, false);
      ++weights;
      if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
        const Tensor& b = qt(2);
        ASSERT_EQ(b.dtype, DType::INT32);
        const float in_scale = qt(0).quantization->scale[0];
        const auto bv = Values<int32_t>(q, b);
        const auto fb = quantize::ConstantFloats(f, fg.tensors[static_cast<size_t>(op.inputs[2])]);
        for (size_t c = 0; c < bv.size(); ++c) {
          const float s = b.quantization->scale[channels > 1 ? c : 0];
          EXPECT_FLOAT_EQ(s, in_scale * wq.scale[channels > 1 ? c : 0]);
          EXPECT_EQ(b.quantization->zero_point[channels > 1 ? c : 0], 0);
          EXPECT_LE(std::fabs(bv[c] * static_cast<double>(s) - fb[c]), s * 0.5001) << b.name;
          // The bias leaves room for the accumulation: 127 * 255 per tap.
          const double taps = static_cast<double>(qv.size()) / static_cast<double>(bv.size());
          const double room = std::max(2147483646.0 - 127.0 * 255.0 * taps, 2147483647.0 / 2);
          EXPECT_LE(std::abs(static_cast<double>(bv[c])), room + 1) << b.name << "[" << c << "]";
          if (std::abs(static_cast<double>(bv[c])) > room * 0.99) raised[channels > 1 ? c : 0] = true;
        }
        ++biases;
      }
      for (size_t c = 0; c < channels; ++c) {
        all += 1;
        if (peak[c] == 127) {
          full += 1;
        } else {
          // Only where the bias would not have fit int32 at max|w|/127 (the
          // scale was raised: the bias sits near the limit) or the channel is all zero.
          EXPECT_TRUE(raised[c] || (peak[c] == 0 && wq.scale[c] == 1.0f)) << w.name << " channel " << c << " peak " << peak[c];
        }
      }
    }
    const Tensor& out = qg.tensors[static_cast<size_t>(op.outputs[0])];
    if (name == "SOFTMAX") {
      EXPECT_FLOAT_EQ(out.quantization->scale[0], 1.0f / 256.0f);
      EXPECT_EQ(out.quantization->zero_point[0], -128);
      ++fixed;
    }
    if (name == "RESHAPE" || name == "AVERAGE_POOL_2D" || name == "MAX_POOL_2D" || name == "SQUEEZE") {
      EXPECT_EQ(out.quantization->scale, qt(0).quantization->scale) << out.name;
      EXPECT_EQ(out.quantization->zero_point, qt(0).quantization->zero_point) << out.name;
      ++shared;
    }
  }
  EXPECT_GT(weights, 0);
  EXPECT_GT(biases, 0);
  EXPECT_GE(full, all / 2) << "channels whose largest weight is at +-127";
  // The metadata and the float model's other entries are all still there.
  for (const auto& md : f.metadata) {
    const auto* a = f.MetadataBytes(md.name);
    const auto* b = q.MetadataBytes(md.name);
    ASSERT_NE(b, nullptr) << md.name;
    if (md.name != "min_runtime_version") { EXPECT_EQ(*a, *b) << md.name; }
  }
  EXPECT_EQ(q.associated_files, f.associated_files);
  (void)fixed;
  (void)shared;
}

TEST(QuantizeSpec, WeightsBiasesAndOutputRangesFollowTheSpec) {
  TFD_REQUIRE_FIXTURES();
  for (const char* p : {"models/mlperf-tiny/vww_96_float.tflite", "models/mlperf-tiny/pretrainedResnet.tflite",
                        "models/mlperf-tiny/kws_ref_model_float32.tflite", "models/mlperf-tiny/ad01_fp32.tflite",
                        "models/tflite-micro/hello_world_float.tflite",
                        "models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite"}) {
    CheckSpec(p, true);
    CheckSpec(p, false);
  }
}

TEST(QuantizeSpec, PercentileAndMseClipInsideMinMax) {
  TFD_REQUIRE_FIXTURES();
  const Model f = LoadModel(testing::Fixture("models/mlperf-tiny/pretrainedResnet.tflite"));
  quantize::CalibrationOptions copt;
  copt.histograms = true;
  quantize::Calibration cal = quantize::Calibrate(f, UniformSamples(f, 6, 0.0f, 1.0f), copt);
  int narrower_p = 0, narrower_m = 0, narrower_e = 0, seen = 0;
  for (const auto& st : cal.tensors) {
    if (!st.seen) continue;
    ++seen;
    uint64_t total = 0;
    for (auto c : st.histogram) total += c;
    EXPECT_EQ(total, st.count);
    auto mm = quantize::ChooseRange(st, quantize::ParseRangeMethod("minmax"));
    EXPECT_EQ(mm.first, st.min);
    EXPECT_EQ(mm.second, st.max);
    for (const char* m : {"percentile:99", "mse", "percentile:100", "entropy"}) {
      auto r = quantize::ChooseRange(st, quantize::ParseRangeMethod(m));
      EXPECT_GE(r.first, st.min) << m;
      EXPECT_LE(r.second, st.max) << m;
      EXPECT_LE(r.first, r.second) << m;
      if (std::string(m) == "percentile:99" && r.second - r.first < 0.999f * (st.max - st.min)) ++narrower_p;
      if (std::string(m) == "mse" && r.second - r.first < 0.999f * (st.max - st.min)) ++narrower_m;
      if (std::string(m) == "entropy" && r.second - r.first < 0.999f * (st.max - st.min)) ++narrower_e;
    }
  }
  EXPECT_GT(seen, 10);
  EXPECT_GT(narrower_p, seen / 2);  // 1% tails clipped on most tensors
  EXPECT_GT(narrower_m, 0);
  EXPECT_GT(narrower_e, 0);  // KL clips somewhere too
  std::printf("of %d tensors, clipped: percentile:99 %d, mse %d, entropy %d\n", seen, narrower_p, narrower_m, narrower_e);
}


// --bias-correction: each corrected bias moves by minus the mean output
// shift weight rounding causes, i.e. sum over the filter of (dequantized -
// float weight) x the calibrated mean of the input channel it reads.
TEST(QuantizeSpec, BiasCorrectionCancelsTheMeanShiftOfWeightRounding) {
  TFD_REQUIRE_FIXTURES();
  for (const char* path : {"models/mlperf-tiny/vww_96_float.tflite", "models/mlperf-tiny/pretrainedResnet.tflite",
                           "models/mlperf-tiny/ad01_fp32.tflite"}) {
    SCOPED_TRACE(path);
    const Model f = LoadModel(testing::Fixture(path));
    const auto samples = UniformSamples(f, 3, 0.0f, 1.0f);
    const quantize::Calibration cal = quantize::Calibrate(f, samples);
    quantize::RewriteOptions options;
    options.bias_correction = true;
    quantize::RewriteSummary summary;
    const Model q = quantize::QuantizeModel(f, samples, options, &summary);
    size_t checked = 0, moved = 0;
    for (const Operator& op : q.main().operators) {
      const BuiltinOp b = q.op_code(op).builtin;
      if ((b != BuiltinOp::CONV_2D && b != BuiltinOp::DEPTHWISE_CONV_2D && b != BuiltinOp::FULLY_CONNECTED) ||
          op.inputs.size() < 3 || op.inputs[2] < 0)
        continue;
      const Tensor& qw = q.main().tensors[static_cast<size_t>(op.inputs[1])];
      const Tensor& qb = q.main().tensors[static_cast<size_t>(op.inputs[2])];
      const auto w = quantize::ConstantFloats(f, f.main().tensors[static_cast<size_t>(op.inputs[1])]);
      const auto wq = quantize::ConstantFloats(q, qw);
      const auto bias = quantize::ConstantFloats(f, f.main().tensors[static_cast<size_t>(op.inputs[2])]);
      const auto bq = quantize::ConstantFloats(q, qb);
      const auto& mean = cal.tensors[static_cast<size_t>(op.inputs[0])].channel_mean;
      const size_t out = b == BuiltinOp::DEPTHWISE_CONV_2D ? static_cast<size_t>(qw.shape.back()) : static_cast<size_t>(qw.shape[0]);
      ASSERT_EQ(bias.size(), out);
      std::vector<double> shift(out, 0.0);
      for (size_t i = 0; i < w.size(); ++i) {
        const double e = static_cast<double>(wq[i]) - w[i];
        if (b == BuiltinOp::DEPTHWISE_CONV_2D)
          shift[i % out] += e * mean[(i % out) / (out / mean.size())];
        else
          shift[i / (w.size() / out)] += e * mean[i % mean.size()];
      }
      for (size_t c = 0; c < out; ++c) {
        const double step = qb.quantization->scale[qb.quantization->scale.size() > 1 ? c : 0];
        EXPECT_NEAR(bq[c] - bias[c], -shift[c], step * 0.5001 + 1e-6 * std::fabs(bias[c])) << qb.name << "[" << c << "]";
        moved += std::fabs(shift[c]) > step;
      }
      ++checked;
    }
    EXPECT_GT(checked, 0u);
    EXPECT_EQ(summary.corrected_biases, checked);
    EXPECT_GT(moved, 0u);  // the correction is larger than a bias step somewhere
  }
}

}  // namespace
// A bias so large that at max|w| / 127 it would sit near the int32 limit:
// the accumulation of products onto it would wrap. The weight scale is
// raised until the bias leaves 127 * 255 per tap of room, and the int8
// model still follows the float one on that channel.
TEST(QuantizeSpec, HugeBiasKeepsAccumulationHeadroom) {
  TFD_REQUIRE_FIXTURES();
  Model f = LoadModel(testing::Fixture("models/mlperf-tiny/vww_96_float.tflite"));
  // The first CONV_2D's bias, channel 0, planted at -1e6: about 1.6e10 steps at
  // the channel's own weight scale.
  const Operator* conv = nullptr;
  for (const Operator& op : f.main().operators)
    if (f.op_code(op).builtin == BuiltinOp::CONV_2D && op.inputs.size() > 2 && op.inputs[2] >= 0) { conv = &op; break; }
  ASSERT_NE(conv, nullptr);
  Tensor& bias = f.subgraphs[0].tensors[static_cast<size_t>(conv->inputs[2])];
  auto values = quantize::ConstantFloats(f, bias);
  values[0] = -1e6f;
  Buffer planted;
  planted.data.resize(values.size() * 4);
  std::memcpy(planted.data.data(), values.data(), planted.data.size());
  f.buffers.push_back(planted);
  bias.buffer = static_cast<uint32_t>(f.buffers.size() - 1);
  const auto samples = UniformSamples(f, 3, 0.0f, 1.0f);
  const Model q = quantize::QuantizeModel(f, samples, quantize::RewriteOptions{});
  const Tensor& qw = q.main().tensors[static_cast<size_t>(conv->inputs[1])];
  const Tensor& qb = q.main().tensors[static_cast<size_t>(conv->inputs[2])];
  const auto bq = Values<int32_t>(q, qb);
  const double taps = static_cast<double>(*ElementCount(qw.shape)) / static_cast<double>(qw.shape[0]);
  EXPECT_LE(std::abs(static_cast<double>(bq[0])) + 127.0 * 255.0 * taps, 2147483647.0);
  EXPECT_GT(std::abs(static_cast<double>(bq[0])), 2147483647.0 - 127.0 * 255.0 * taps - 2e4);  // raised to the limit, no further
  // Channel 0's weights no longer reach +-127: their scale was raised.
  const auto wv = Values<int8_t>(q, qw);
  const size_t per = wv.size() / static_cast<size_t>(qw.shape[0]);
  int peak = 0;
  for (size_t i = 0; i < per; ++i) peak = std::max(peak, std::abs(static_cast<int>(wv[i])));
  EXPECT_LT(peak, 127);
}

}  // namespace tfd
