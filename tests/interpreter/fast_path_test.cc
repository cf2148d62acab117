// The fast kernels never change an answer: every fixture model (and the
// MediaPipe packages' models when installed) runs with
// the fast kernels and with the reference kernels only, in both arithmetic
// profiles, on whole-range inputs, and every tensor of the run is compared
// byte for byte; again with each lower SIMD tier forced
// (TFLITE_DOCTOR_SIMD=avx2, what a CPU with AVX2 and without AVX-512 runs,
// and =portable). The SIMD requantization of every tier is also held
// against the scalar one on random and edge-case accumulators.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "kernels/internal/fast8.h"
#include "kernels/internal/xnnpack.h"
#include "simd_tier.h"
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
        // Under the sanitizers (CI's slower second pass) the forced tiers
        // run on each model's first input set; the Release pass runs all.
        if (!testing::kSanitized || &set == &sets.front()) {
          for (const char* tier : testing::kForcedSimdTiers) {
            testing::ScopedSimdTier forced(tier);
            ExpectSame(want, RunAll(m, a, false, set.arrays), what + " (" + tier + " fast kernels)");
          }
        }
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
// models whose convolutions are large enough to be split; 3 threads with
// the AVX2 tier forced too.
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
      Tensors three_avx2;
      {
        testing::ScopedSimdTier avx2("avx2");
        three_avx2 = RunAll(m, a, false, sets.at(0).arrays);
      }
      SetIntraOpThreads(1);
      ExpectSame(one, three, std::string(ArithmeticName(a)) + ", 3 threads");
      ExpectSame(one, three_avx2, std::string(ArithmeticName(a)) + ", 3 threads, avx2");
    }
  }
}

// The tier TFLITE_DOCTOR_SIMD forces is the one the kernels get: avx2 on
// any CPU with AVX2 (this one too when it has AVX-512), portable always; an
// unknown value is ignored.
TEST(FastPath, SimdTierIsTheOneForced) {
  fast8::Isa best;
  {
    testing::ScopedSimdTier none("");  // whatever the environment forces
    best = fast8::SelectIsa();
  }
  {
    testing::ScopedSimdTier forced("portable");
    EXPECT_EQ(fast8::SelectIsa(), fast8::Isa::kPortable);
  }
  {
    testing::ScopedSimdTier forced("avx2");
    const bool avx2 = __builtin_cpu_supports("avx2");
    EXPECT_EQ(fast8::SelectIsa(), avx2 ? fast8::Isa::kAvx2 : fast8::Isa::kPortable);
    if (!avx2) std::printf("this CPU has no AVX2: the avx2 runs of these tests ran the portable path\n");
  }
  {
    testing::ScopedSimdTier forced("no-such-tier");
    EXPECT_EQ(fast8::SelectIsa(), best);
  }
  if (best != fast8::Isa::kAvx512Vnni)
    std::printf("this CPU has no AVX-512 VNNI: the default runs of these tests ran a lower tier\n");
}

// Each tier's GEMM outputs for m rows of input, prepared as the kernels do
// (the tier read when it is prepared): [0] the CPU's best, then
// kForcedSimdTiers in order.
std::vector<std::vector<uint8_t>> GemmOutputsPerTier(const std::vector<uint8_t>& weights, bool in_signed,
                                                     const std::vector<int32_t>& bias, int n, int k, int m,
                                                     const std::vector<uint8_t>& input, int32_t io, int32_t fo,
                                                     const conv::Conv2DState& s) {
  std::vector<std::vector<uint8_t>> outputs;
  for (int tier = -1; tier < static_cast<int>(std::size(testing::kForcedSimdTiers)); ++tier) {
    std::unique_ptr<testing::ScopedSimdTier> forced;
    if (tier >= 0) forced = std::make_unique<testing::ScopedSimdTier>(testing::kForcedSimdTiers[tier]);
    fast8::Gemm g;
    g.Prepare(weights.data(), in_signed, in_signed, bias.data(), n, k, io, fo, s, in_signed);
    std::vector<uint8_t> a(static_cast<size_t>(m) * g.kp);
    std::vector<int32_t> rowsum(static_cast<size_t>(m));
    for (int i = 0; i < m; ++i) rowsum[i] = g.PackRow(input.data() + static_cast<int64_t>(i) * k, a.data() + i * g.kp);
    outputs.emplace_back(static_cast<size_t>(m) * n);
    g.Run(a.data(), rowsum.data(), m, outputs.back().data(), n);
  }
  return outputs;
}

const char* TierName(size_t i) { return i == 0 ? "best tier" : testing::kForcedSimdTiers[i - 1]; }

// The scalar requantization of one accumulator (the exact kernels' own).
uint8_t ScalarRequantize(const conv::Conv2DState& s, bool xnnpack, int32_t acc, int c) {
  return static_cast<uint8_t>(xnnpack ? xnn::Requantize(acc, s.xnn_scale[c], s.output_offset, s.quant_range.min,
                                                        s.quant_range.max)
                                      : conv::Requantize<int32_t>(acc, s.requant, c, s.output_offset, s.quant_range));
}

// The GEMM with random 8-bit data and extreme requantization parameters:
// every tier (AVX-512 lanes, AVX2 lanes, portable path) and the scalar
// formula agree.
TEST(FastPath, GemmRequantizationMatchesScalarOnEdgeCases) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 90; ++trial) {
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
    const auto outputs = GemmOutputsPerTier(weights, in_signed, bias, n, k, m, input, io, fo, s);
    for (int i = 0; i < m; ++i)
      for (int c = 0; c < n; ++c) {
        uint32_t acc = static_cast<uint32_t>(bias[c]);
        for (int j = 0; j < k; ++j) {
          const int32_t x = (in_signed ? static_cast<int8_t>(input[i * k + j]) : input[i * k + j]) + io;
          const int32_t w = (in_signed ? static_cast<int8_t>(weights[c * k + j]) : weights[c * k + j]) + fo;
          acc += static_cast<uint32_t>(x * w);
        }
        const uint8_t want = ScalarRequantize(s, xnnpack, static_cast<int32_t>(acc), c);
        for (size_t t = 0; t < outputs.size(); ++t)
          ASSERT_EQ(outputs[t][i * n + c], want) << TierName(t) << ", trial " << trial << " row " << i << " channel " << c;
      }
  }
}

// Chosen accumulators through every tier's requantization lanes: with one
// weight w + fo = 1 per channel, the accumulator is bias + (x + io), so 259
// rows of x = 0..255, 0..2 sweep 256 consecutive accumulators around each
// channel's bias: the int32 limits (wrapping across them), 0, +-2^30, and
// the rounding ties the sweeps cross, with multipliers at their edges (0,
// 1, 2^30, 2^31 - 1, and INT32_MIN, the high multiply's one overflow) and
// every shift -31..31; XNNPACK's scales include exact halves (ties to
// even), tiny ones and ones so large every output clamps. 37 channels: the
// last of each lane group partial.
TEST(FastPath, RequantizationLanesMatchScalarOnEdgeAccumulators) {
  std::mt19937 rng(11);
  const int32_t kCenters[] = {INT32_MIN, INT32_MIN + 128, -(1 << 30), -65536, -1000, -129, 0,
                              1,         128,             1000,       65536,  1 << 30, INT32_MAX - 127, INT32_MAX};
  const int32_t kMultipliers[] = {0, 1, 1 << 30, (1 << 30) + 1, 1518500250, INT32_MAX, INT32_MIN};
  const float kScales[] = {0.5f, 0.25f, 1.5f, 1.0f, 1e-9f, 3.0517578125e-05f, 0.0078125f, 1e30f, 255.5f};
  const int n = 37, k = 1, m = 259;
  int64_t checked = 0;
  for (int trial = 0; trial < 64; ++trial) {
    const bool xnnpack = trial % 2 == 1;
    const bool in_signed = trial % 4 >= 2;
    conv::Conv2DState s;
    s.output_offset = static_cast<int32_t>(rng() % 256) - (in_signed ? 128 : 0);
    s.quant_range = in_signed ? QuantRange{-128, 127} : QuantRange{0, 255};
    if (trial % 3 == 0) s.quant_range = in_signed ? QuantRange{-100, 60} : QuantRange{7, 250};
    std::vector<int32_t> bias(n);
    for (int c = 0; c < n; ++c) {
      bias[c] = kCenters[(c + trial) % std::size(kCenters)];
      const bool edge = (c + trial) % 3 == 0;
      s.requant.multiplier.push_back(edge ? kMultipliers[(c / 3 + trial) % std::size(kMultipliers)]
                                          : static_cast<int32_t>((1u << 30) + rng() % (1u << 30)));
      s.requant.shift.push_back((c * 7 + trial * 5) % 63 - 31);  // -31..31
      if (xnnpack)
        s.xnn_scale.push_back(c % 2 == 0 ? kScales[(c / 2 + trial) % std::size(kScales)]
                                         : std::ldexp(1.0f + (rng() % 4096) / 4096.0f, -static_cast<int>(rng() % 30)));
    }
    // w + fo = 1 for every channel.
    const int32_t fo = in_signed ? 0 : -static_cast<int32_t>(rng() % 255);
    const std::vector<uint8_t> weights(n, static_cast<uint8_t>(1 - fo));
    const int32_t io = in_signed ? -(static_cast<int32_t>(rng() % 256) - 128) : -static_cast<int32_t>(rng() % 256);
    std::vector<uint8_t> input(m);
    for (int i = 0; i < m; ++i) input[i] = static_cast<uint8_t>(i);
    const auto outputs = GemmOutputsPerTier(weights, in_signed, bias, n, k, m, input, io, fo, s);
    for (int i = 0; i < m; ++i)
      for (int c = 0; c < n; ++c) {
        const int32_t x = (in_signed ? static_cast<int8_t>(input[i]) : input[i]) + io;
        const int32_t acc = static_cast<int32_t>(static_cast<uint32_t>(bias[c]) + static_cast<uint32_t>(x));
        const uint8_t want = ScalarRequantize(s, xnnpack, acc, c);
        for (size_t t = 0; t < outputs.size(); ++t) {
          ASSERT_EQ(outputs[t][i * n + c], want)
              << TierName(t) << ", trial " << trial << " accumulator " << acc << " channel " << c << " multiplier "
              << s.requant.multiplier[c] << " shift " << s.requant.shift[c];
          ++checked;
        }
      }
  }
  EXPECT_EQ(checked, 64 * 259 * 37 * static_cast<int64_t>(1 + std::size(testing::kForcedSimdTiers)));
}

}  // namespace
}  // namespace tfd
