// The fast kernels never change an answer: every fixture model (and the
// MediaPipe packages' models when installed) runs with
// the fast kernels and with the reference kernels only, in both arithmetic
// profiles, on whole-range inputs, and every tensor of the run is compared
// byte for byte; again with the portable path forced
// (TFLITE_DOCTOR_SIMD=portable, what a CPU without AVX-512 runs). The SIMD
// requantization is also held against the scalar one on edge cases.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "kernels/internal/fast8.h"
#include "test_support.h"
#include "util/error.h"
#include "util/thread_pool.h"
#include "whole_range_inputs.h"

namespace tfd {
namespace {

using Tensors = std::map<std::pair<int, int>, std::vector<uint8_t>>;

Tensors RunAll(const Model& m, Arithmetic arithmetic, bool reference_only, const std::vector<testing::Array>& inputs) {
  InterpreterOptions options;
  options.arithmetic = arithmetic;
  options.reference_kernels_only = reference_only;
  Interpreter interp(m, options);
  Tensors out;
  interp.SetObserver([&](int sg, int, int t, const RuntimeTensor& rt) {
    out[{sg, t}].assign(rt.data, rt.data + rt.bytes);
  });
  for (size_t i = 0; i < inputs.size(); ++i)
    interp.SetInput(i, inputs[i].dtype, inputs[i].shape, inputs[i].bytes.data(), inputs[i].bytes.size());
  interp.Invoke();
  return out;
}

// Sets TFLITE_DOCTOR_SIMD for the scope.
struct ForcePortable {
  ForcePortable() { setenv("TFLITE_DOCTOR_SIMD", "portable", 1); }
  ~ForcePortable() { unsetenv("TFLITE_DOCTOR_SIMD"); }
};

void ExpectSame(const Tensors& want, const Tensors& got, const std::string& what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  int differing = 0;
  for (const auto& [key, bytes] : want) {
    auto it = got.find(key);
    ASSERT_TRUE(it != got.end()) << what << ": tensor " << key.second << " missing";
    if (it->second != bytes && ++differing <= 3)
      ADD_FAILURE() << what << ": subgraph " << key.first << " tensor " << key.second << " differs";
  }
  EXPECT_EQ(differing, 0) << what;
}

TEST(FastPath, EveryFixtureModelEveryTensorEqualToReferenceKernels) {
  TFD_REQUIRE_FIXTURES();
  int compared = 0;
  // Every .tflite of the fixtures (models/, edgetpu/, golden/; a file
  // whose bytes were already run is skipped) and the MediaPipe npm
  // packages' models under 3 MB when installed (float: fp16 weights with
  // DEQUANTIZE, HARD_SWISH, transposed convolutions, sparse weights; the
  // larger ones repeat their layers at more cost than the test's budget).
  std::vector<std::string> paths = testing::FixtureModels();
  for (const auto& p : testing::MediaPipeModels())
    if (std::filesystem::file_size(p) < 3u * 1024 * 1024) paths.push_back(p);
  std::set<size_t> seen;  // hashes of the files run
  for (const auto& path : paths) {
    if (!seen.insert(std::hash<std::string>{}(testing::SlurpFile(path))).second) continue;
    SCOPED_TRACE(path);
    Model m;
    try {
      m = LoadModel(path);
    } catch (const Error&) {
      continue;
    }
    std::vector<testing::InputSet> sets;
    try {
      sets = testing::WholeRangeInputs(m, 2);
    } catch (const Error&) {
      continue;
    }
    int64_t elements = 0;
    for (const auto& a : sets.at(0).arrays) elements += static_cast<int64_t>(a.bytes.size());
    if (elements > 100000) sets.resize(1);  // DeepLab's 513x513 image: one set
    for (Arithmetic a : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
      for (const auto& set : sets) {
        const std::string what = std::string(ArithmeticName(a)) + ", " + set.label;
        Tensors want;
        try {
          want = RunAll(m, a, /*reference_only=*/true, set.arrays);
        } catch (const Error&) {
          break;  // a model we cannot run (custom ops...): not this test's business
        }
        ExpectSame(want, RunAll(m, a, false, set.arrays), what + " (fast kernels)");
        ForcePortable portable;
        ExpectSame(want, RunAll(m, a, false, set.arrays), what + " (portable fast kernels)");
        ++compared;
      }
    }
  }
  // 30 models under models/, 135 more under edgetpu/ and golden/, up to 7
  // MediaPipe ones; most run in both profiles.
  EXPECT_GE(compared, 300);
  std::printf("model x profile x input set runs compared: %d\n", compared);
}

// Rows split between threads: every tensor as with one thread, for the
// models whose convolutions are large enough to be split.
TEST(FastPath, ThreadCountDoesNotChangeAnyTensor) {
  TFD_REQUIRE_FIXTURES();
  for (const char* rel : {"models/coral/mobilenet_v2_1.0_224_quant.tflite", "models/mlperf-tiny/vww_96_int8.tflite",
                          "models/mlperf-tiny/vww_96_float.tflite",
                          "models/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite"}) {
    SCOPED_TRACE(rel);
    const Model m = LoadModel(testing::Fixture(rel));
    const auto sets = testing::WholeRangeInputs(m, 1);
    for (Arithmetic a : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
      SetIntraOpThreads(1);
      const Tensors one = RunAll(m, a, false, sets.at(0).arrays);
      SetIntraOpThreads(3);
      const Tensors three = RunAll(m, a, false, sets.at(0).arrays);
      SetIntraOpThreads(1);
      ExpectSame(one, three, std::string(ArithmeticName(a)) + ", 3 threads");
    }
  }
}

// The GEMM with random 8-bit data and extreme requantization parameters:
// AVX-512 lanes, portable path and the scalar formula agree.
TEST(FastPath, GemmRequantizationMatchesScalarOnEdgeCases) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    const bool xnnpack = trial % 2 == 1;
    const bool in_signed = trial % 4 < 2;
    const int n = 1 + static_cast<int>(rng() % 40), k = 1 + static_cast<int>(rng() % 70), m = 1 + static_cast<int>(rng() % 9);
    conv::Conv2DState s;
    s.output_offset = static_cast<int32_t>(rng() % 256) - (in_signed ? 128 : 0);
    s.quant_range = in_signed ? QuantRange{-128, 127} : QuantRange{0, 255};
    if (trial % 5 == 0) s.quant_range = in_signed ? QuantRange{-20, 90} : QuantRange{30, 200};
    std::vector<int32_t> bias(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      if (xnnpack) s.xnn_scale.push_back(std::ldexp(1.0f + (rng() % 1000) / 1000.0f, -static_cast<int>(rng() % 24)));
      s.requant.multiplier.push_back(c % 7 == 0 ? (1 << 30) : static_cast<int32_t>((1u << 30) + rng() % (1u << 30)));
      s.requant.shift.push_back(static_cast<int>(rng() % 34) - 31);  // -31..2
      // Accumulators reaching the int32 limits (and wrapping) through the bias.
      bias[c] = c % 3 == 0 ? static_cast<int32_t>(rng()) : static_cast<int32_t>(rng() % 20001) - 10000;
    }
    std::vector<uint8_t> weights(static_cast<size_t>(n * k)), input(static_cast<size_t>(m * k));
    for (auto& w : weights) w = static_cast<uint8_t>(rng());
    for (auto& x : input) x = static_cast<uint8_t>(rng());
    const int32_t io = in_signed ? -(static_cast<int32_t>(rng() % 256) - 128) : -static_cast<int32_t>(rng() % 256);
    const int32_t fo = in_signed ? 0 : -static_cast<int32_t>(rng() % 256);
    std::vector<uint8_t> outputs[2];
    for (int portable = 0; portable < 2; ++portable) {
      std::unique_ptr<ForcePortable> force;
      if (portable) force = std::make_unique<ForcePortable>();
      fast8::Gemm g;
      g.Prepare(weights.data(), in_signed, in_signed, bias.data(), n, k, io, fo, s, in_signed);
      std::vector<uint8_t> a(static_cast<size_t>(m) * g.kp);
      std::vector<int32_t> rowsum(static_cast<size_t>(m));
      for (int i = 0; i < m; ++i) rowsum[i] = g.PackRow(input.data() + i * k, a.data() + i * g.kp);
      outputs[portable].resize(static_cast<size_t>(m * n));
      g.Run(a.data(), rowsum.data(), m, outputs[portable].data(), n);
    }
    for (int i = 0; i < m; ++i)
      for (int c = 0; c < n; ++c) {
        uint32_t acc = static_cast<uint32_t>(bias[c]);
        for (int j = 0; j < k; ++j) {
          const int32_t x = (in_signed ? static_cast<int8_t>(input[i * k + j]) : input[i * k + j]) + io;
          const int32_t w = (in_signed ? static_cast<int8_t>(weights[c * k + j]) : weights[c * k + j]) + fo;
          acc += static_cast<uint32_t>(x * w);
        }
        const int32_t want = (xnnpack ? xnn::Requantize(static_cast<int32_t>(acc), s.xnn_scale[c], s.output_offset,
                                                        s.quant_range.min, s.quant_range.max)
                                      : conv::Requantize<int32_t>(static_cast<int32_t>(acc), s.requant, c,
                                                                  s.output_offset, s.quant_range));
        const uint8_t want8 = static_cast<uint8_t>(want);
        ASSERT_EQ(outputs[0][i * n + c], want8) << "trial " << trial << " row " << i << " channel " << c;
        ASSERT_EQ(outputs[1][i * n + c], want8) << "portable, trial " << trial << " row " << i << " channel " << c;
      }
  }
}

}  // namespace
}  // namespace tfd
