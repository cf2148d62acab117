#include <cstdlib>
#include <cstring>
#include <limits>

#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"
#include "simd_tier.h"
#include "util/thread_pool.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using testing::shape::Compare;
using testing::shape::OracleCase;
using testing::shape::Spec;

// The xnnpack profile with the fast kernels (RunOurs runs the exact ones).
std::vector<Array> RunFast(const Model& model, const std::vector<Array>& inputs) {
  InterpreterOptions options;
  options.arithmetic = Arithmetic::kXnnpack;
  Interpreter interp(model, options);
  for (size_t i = 0; i < inputs.size(); ++i)
    interp.SetInput(i, inputs[i].dtype, inputs[i].shape, inputs[i].bytes.data(), inputs[i].bytes.size());
  interp.Invoke();
  return {Array{interp.output(0).dtype, interp.output(0).shape,
                std::vector<uint8_t>(interp.output(0).data, interp.output(0).data + interp.output(0).bytes)}};
}

struct Flags {
  bool align_corners = false, half_pixel = false;
};

// RESIZE_BILINEAR with a constant size, or (runtime_size) the size as a
// graph input.
Model ResizeModel(TensorSpec in, int32_t h, int32_t w, Flags f, bool runtime_size = false) {
  OpModel m(BuiltinOp::RESIZE_BILINEAR);
  m.Input(in);
  if (runtime_size) {
    m.Input({DType::INT32, {2}});
  } else {
    m.Const<int32_t>({DType::INT32, {2}}, {h, w});
  }
  TensorSpec out = in;
  out.shape = {in.shape[0], h, w, in.shape[3]};
  m.Output(out);
  tflite::ResizeBilinearOptionsT o;
  o.align_corners = f.align_corners;
  o.half_pixel_centers = f.half_pixel;
  m.Options(o);
  return m.Build();
}

TEST(ResizeBilinear, FloatUpscale) {
  // 1x2 -> 1x4 without flags: x scale 0.5, positions 0, 0.5, 1, 1.5 (clamped).
  Model m = ResizeModel({DType::FLOAT32, {1, 1, 2, 1}}, 1, 4, {});
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 1, 2, 1}, {1, 3})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 1, 4, 1}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, 3, 3}));
  // align_corners: positions 0, 1/3, 2/3, 1.
  Model a = ResizeModel({DType::FLOAT32, {1, 1, 2, 1}}, 1, 4, {true, false});
  auto ao = testing::RunOurs(a, {Array::Of<float>(DType::FLOAT32, {1, 1, 2, 1}, {0, 3})});
  EXPECT_NEAR(ao[0].values<float>()[1], 1.0f, 1e-6);
  EXPECT_NEAR(ao[0].values<float>()[3], 3.0f, 1e-6);
}

TEST(ResizeBilinear, Int8FixedPoint) {
  // 1x2 -> 1x4, half pixel: scale_10 = 512, positions x*512 - 256 in 1/1024
  // units. x=0: -256 -> both neighbours are pixel 0 -> -100. x=1: 256 ->
  // (-100*768 + 100*256)/1024 = -50. x=2: 768 -> 50. x=3: 1280 -> pixel 1.
  Model m = ResizeModel({DType::INT8, {1, 1, 2, 1}, 0.1f, 0}, 1, 4, {false, true});
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1, 1, 2, 1}, {-100, 100})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-100, -50, 50, 100}));
  // Halves round away from zero: midpoints of (-100, -99) and (100, 101).
  Model h = ResizeModel({DType::INT8, {1, 1, 2, 2}, 0.1f, 0}, 1, 4, {});
  auto ho = testing::RunOurs(h, {Array::Of<int8_t>(DType::INT8, {1, 1, 2, 2}, {-100, 100, -99, 101})});
  EXPECT_EQ(ho[0].values<int8_t>(), std::vector<int8_t>({-100, 100, -100, 101, -99, 101, -99, 101}));
}

TEST(ResizeBilinear, RejectsBadSizeAndFlags) {
  Model z = ResizeModel({DType::FLOAT32, {1, 2, 2, 1}}, 0, 2, {});
  EXPECT_THROW(testing::RunOurs(z, testing::RandomInputs(z, 1)), Error);
  Model both = ResizeModel({DType::FLOAT32, {1, 2, 2, 1}}, 2, 2, {true, true});
  EXPECT_THROW(testing::RunOurs(both, testing::RandomInputs(both, 1)), Error);
  Model rank = ResizeModel({DType::FLOAT32, {1, 2, 2, 1}}, 2, 2, {});
  rank.subgraphs[0].tensors[0].shape = {2, 2, 1};
  EXPECT_THROW(testing::RunOurs(rank, testing::RandomInputs(rank, 1)), Error);
  Model i32 = ResizeModel({DType::INT32, {1, 2, 2, 1}}, 2, 2, {});
  EXPECT_THROW(testing::RunOurs(i32, testing::RandomInputs(i32, 1)), Error);
}

TEST(ResizeBilinear, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct C {
    DType dtype;
    std::vector<int32_t> in;
    int32_t h, w;
    Flags flags;
  };
  const std::vector<C> specs = {
      {DType::FLOAT32, {1, 3, 4, 2}, 6, 8, {}},         {DType::FLOAT32, {2, 3, 3, 1}, 5, 7, {true, false}},
      {DType::FLOAT32, {1, 4, 4, 3}, 3, 2, {false, true}}, {DType::FLOAT32, {1, 2, 5, 2}, 7, 3, {false, true}},
      {DType::UINT8, {1, 3, 4, 2}, 6, 8, {}},           {DType::UINT8, {1, 3, 3, 3}, 5, 7, {true, false}},
      {DType::UINT8, {1, 4, 5, 2}, 7, 3, {false, true}}, {DType::UINT8, {1, 2, 2, 8}, 16, 16, {false, true}},
      {DType::INT8, {1, 3, 4, 2}, 6, 8, {}},            {DType::INT8, {2, 3, 3, 3}, 5, 7, {true, false}},
      {DType::INT8, {1, 4, 5, 2}, 7, 3, {false, true}},  {DType::INT8, {1, 5, 5, 1}, 2, 3, {}},
      {DType::INT16, {1, 3, 4, 2}, 6, 8, {}},           {DType::INT16, {1, 3, 3, 2}, 5, 7, {true, false}},
      {DType::INT16, {1, 4, 5, 2}, 7, 3, {false, true}},
  };
  std::vector<OracleCase> cases;
  for (const auto& c : specs) {
    const Compare cmp = c.dtype == DType::FLOAT32 ? Compare::kFloat : Compare::kExact;
    const std::string name = DTypeName(c.dtype) + " " + std::to_string(c.h) + "x" + std::to_string(c.w) +
                             (c.flags.align_corners ? " align" : "") + (c.flags.half_pixel ? " half" : "");
    // A size computed at run time keeps the node away from the oracle's
    // XNNPACK delegate, so TFLite's own kernel is what we compare with.
    Model m = ResizeModel(Spec(c.dtype, c.in), c.h, c.w, c.flags, /*runtime_size=*/true);
    cases.push_back({name + " (TFLite kernel)", m,
                     {testing::RandomInputs(m, 3)[0], Array::Of<int32_t>(DType::INT32, {2}, {c.h, c.w})}, cmp});
  }
  // A constant size lets the oracle's XNNPACK delegate run the node: float
  // agrees within rounding; its uint8/int8 resize uses its own fixed-point
  // weights, which land within one step of TFLite's kernels (checked exactly
  // above), so only that path gets WithinSteps(1).
  for (DType t : {DType::FLOAT32, DType::UINT8, DType::INT8}) {
    for (Flags f : {Flags{}, Flags{true, false}, Flags{false, true}}) {
      const Compare cmp = t == DType::FLOAT32 ? Compare::kFloat : Compare::kWithinOneStep;
      cases.push_back({DTypeName(t) + " XNNPACK", ResizeModel(Spec(t, {1, 5, 6, 3}), 9, 11, f), {}, cmp, 7});
    }
  }
  testing::shape::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

TEST(ResizeBilinear, XnnpackInt8RoundsHalvesUp) {
  // 1x2 -> 1x3, half pixel: x = 1 falls at 0.5 between -128 and -127.
  // XNNPACK: weight 1024/2048, (-128 * 2^22 + 1 * 1024 * 2048 + 2^21) >> 22
  // = -127 (half up); TFLite's 10-bit kernel rounds -127.5 away to -128.
  Model m = ResizeModel({DType::INT8, {1, 1, 2, 1}, 0.1f, 0}, 1, 3, {false, true});
  const Array in = Array::Of<int8_t>(DType::INT8, {1, 1, 2, 1}, {-128, -127});
  EXPECT_EQ(testing::RunOurs(m, {in}, Arithmetic::kXnnpack)[0].values<int8_t>(), std::vector<int8_t>({-128, -127, -127}));
  EXPECT_EQ(testing::RunOurs(m, {in}, Arithmetic::kReference)[0].values<int8_t>(), std::vector<int8_t>({-128, -128, -127}));
  // 11-bit weights: 1x2 -> 1x3 without flags puts x = 1 at 2/3 (float),
  // weight lrintf(2048 * 0.6666667f) = 1365: 0 + 255 * 1365 / 2048 = 169.96
  // -> 170 (uint8).
  Model u = ResizeModel({DType::UINT8, {1, 1, 2, 1}, 0.1f, 0}, 1, 3, {});
  const Array uin = Array::Of<uint8_t>(DType::UINT8, {1, 1, 2, 1}, {0, 255});
  EXPECT_EQ(testing::RunOurs(u, {uin}, Arithmetic::kXnnpack)[0].values<uint8_t>(), std::vector<uint8_t>({0, 170, 255}));
}

// 8-bit resizes over the whole input range (three seeds, and every value
// for the 768-element inputs) against the oracle: constant sizes the
// delegate takes (upscale x2 and x1.5, downscale, odd sizes, each option,
// channels not a multiple of 8) and sizes fed at run time, which it leaves
// to TFLite's kernels. Outputs bit for bit, the delegate's choice ours.
TEST(ResizeBilinear, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  struct Config {
    std::vector<int32_t> in;
    int32_t h, w;
    Flags flags;
    bool runtime_size = false;
  };
  const std::vector<Config> configs = {
      {{1, 16, 16, 4}, 32, 32, {}},              {{1, 16, 16, 4}, 32, 32, {false, true}},
      {{1, 16, 16, 4}, 32, 32, {true, false}},   {{1, 8, 8, 12}, 12, 12, {}},
      {{1, 8, 8, 12}, 12, 12, {false, true}},    {{1, 8, 8, 12}, 12, 12, {true, false}},
      {{1, 9, 7, 3}, 5, 4, {}},                  {{1, 9, 7, 3}, 5, 4, {false, true}},
      {{1, 9, 7, 3}, 5, 4, {true, false}},       {{2, 5, 6, 3}, 9, 11, {}},
      {{2, 5, 6, 3}, 9, 11, {false, true}},      {{1, 5, 6, 17}, 13, 7, {true, false}},
      {{1, 3, 5, 9}, 1, 1, {true, false}},       {{1, 1, 1, 5}, 3, 2, {false, true}},
      {{1, 4, 4, 3}, 8, 8, {false, true}, true},
  };
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {DType::INT8, DType::UINT8})
    for (const Config& c : configs) {
      std::string label = DTypeName(t) + " " + ShapeString(c.in) + " -> " + std::to_string(c.h) + "x" + std::to_string(c.w) +
                          (c.flags.align_corners ? " align" : "") + (c.flags.half_pixel ? " half" : "");
      Model m = ResizeModel(Spec(t, c.in), c.h, c.w, c.flags, c.runtime_size);
      if (!c.runtime_size) {
        cases.push_back(testing::xnnpack::RandomCase(label, m));
        continue;
      }
      testing::xnnpack::Case rc{label + " (size at run time)", m, {}};
      for (uint64_t seed : {5, 6, 7})
        rc.inputs.push_back({testing::RandomInputs(m, seed)[0], Array::Of<int32_t>(DType::INT32, {2}, {c.h, c.w})});
      cases.push_back(std::move(rc));
    }
  // The delegate's rule at its edges: an output quantized differently from
  // the input (its scale, its zero point, or both; TFLite's kernel then
  // interpolates the values as stored), and 8-bit tensors without
  // quantization.
  for (DType t : {DType::INT8, DType::UINT8}) {
    const TensorSpec in = Spec(t, {1, 4, 6, 5});
    for (int which = 0; which < 3; ++which) {
      Model requant = ResizeModel(in, 7, 9, {false, true});
      auto& out_q = requant.subgraphs[0].tensors[static_cast<size_t>(requant.main().outputs[0])].quantization;
      if (which != 1) out_q->scale = {0.3f};
      if (which != 0) out_q->zero_point = {in.zero_point + 1};
      cases.push_back(testing::xnnpack::RandomCase(
          DTypeName(t) + " output " + (which == 0 ? "scale" : which == 1 ? "zero point" : "quantization") + " differs", requant));
    }
    cases.push_back(testing::xnnpack::RandomCase(DTypeName(t) + " not quantized",
                                                 ResizeModel({t, {1, 4, 6, 5}}, 7, 9, {})));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.declined, 10);  // sizes at run time, requantizing, not quantized
  EXPECT_GT(tally.reference_differences, 0);
}

// The xnnpack flavor's fast kernels (horizontal pass once per input row,
// vertical pass over whole rows) against its exact kernels: upscales by 16
// (DeepLab's 33 -> 513), 2, 1.5, downscales, odd sizes, 1..33 channels,
// batches of 2, every flag; 8-bit over the whole range (five seeds, plus
// every input at its minimum and maximum), float32 on five seeds and on
// inputs mixing +-0, +-inf, NaN, subnormals and the largest floats; with the
// AVX-512 lanes, the AVX2 ones (8-bit; float runs portable there), the
// portable path and three threads. Every output byte equal.
TEST(ResizeBilinear, XnnpackFastKernelEqualsExactKernel) {
  struct Config {
    std::vector<int32_t> in;
    int32_t h, w;
  };
  const std::vector<Config> configs = {
      {{1, 5, 5, 21}, 65, 65}, {{1, 4, 6, 3}, 64, 96},  {{2, 5, 6, 3}, 9, 11},  {{1, 16, 16, 4}, 32, 32},
      {{1, 8, 8, 12}, 12, 12}, {{1, 9, 7, 3}, 5, 4},    {{1, 3, 5, 33}, 1, 1},  {{1, 1, 1, 5}, 3, 2},
      {{2, 7, 3, 1}, 20, 17},  {{1, 2, 2, 16}, 31, 1},  {{1, 12, 1, 7}, 3, 9},  {{1, 6, 6, 2}, 6, 6},
  };
  const std::vector<Flags> flags = {{}, {false, true}, {true, false}};
  int compared = 0;
  for (DType t : {DType::INT8, DType::UINT8, DType::FLOAT32})
    for (const Config& c : configs)
      for (const Flags& f : flags) {
        const Model m = ResizeModel(Spec(t, c.in), c.h, c.w, f);
        std::vector<std::vector<Array>> inputs;
        for (uint64_t seed : {1, 2, 3, 4, 5}) inputs.push_back(testing::RandomInputs(m, seed));
        int64_t n = 1;
        for (int32_t d : c.in) n *= d;
        for (int extreme : {0, 1}) {
          if (t == DType::FLOAT32) {
            const float specials[] = {0.0f, -0.0f, std::numeric_limits<float>::infinity(),
                                      -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(),
                                      std::numeric_limits<float>::denorm_min(), -1e-40f, 3.4e38f, -3.4e38f, 1.5f, -2.25f};
            std::vector<float> v(static_cast<size_t>(n));
            for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = specials[(i * (extreme ? 5 : 3) + i / 7) % 11];
            std::vector<uint8_t> bytes(v.size() * sizeof(float));
            std::memcpy(bytes.data(), v.data(), bytes.size());
            inputs.push_back({Array{t, c.in, bytes}});
            continue;
          }
          std::vector<uint8_t> bytes(static_cast<size_t>(n));
          for (int64_t i = 0; i < n; ++i)
            bytes[static_cast<size_t>(i)] = ((i * 7 + i / 3) % 2 == extreme) ? (t == DType::INT8 ? 0x80 : 0x00)
                                                                             : (t == DType::INT8 ? 0x7F : 0xFF);
          inputs.push_back({Array{t, c.in, bytes}});
        }
        for (const auto& in : inputs) {
          const std::string what = DTypeName(t) + " " + ShapeString(c.in) + " -> " + std::to_string(c.h) + "x" +
                                   std::to_string(c.w) + (f.align_corners ? " align" : "") + (f.half_pixel ? " half" : "");
          const auto exact = testing::RunOurs(m, in, Arithmetic::kXnnpack);
          ASSERT_TRUE(testing::SameOutputs(RunFast(m, in)[0].bytes, exact[0].bytes, t)) << what;
          SetIntraOpThreads(3);
          const auto threaded = RunFast(m, in);
          SetIntraOpThreads(1);
          ASSERT_TRUE(testing::SameOutputs(threaded[0].bytes, exact[0].bytes, t)) << what << ", 3 threads";
          for (const char* tier : testing::kForcedSimdTiers) {
            testing::ScopedSimdTier forced(tier);
            ASSERT_TRUE(testing::SameOutputs(RunFast(m, in)[0].bytes, exact[0].bytes, t)) << what << ", " << tier;
          }
          ++compared;
        }
      }
  EXPECT_EQ(compared, 3 * 12 * 3 * 7);
}

}  // namespace
}  // namespace tfd
