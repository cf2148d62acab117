#include "graph/dtype.h"
#include "kernel_test_util.h"
#include "kernels/internal/conv_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using conv_testing::PoolModel;
using conv_testing::PoolOptions;
using testing::Array;
using A = tflite::ActivationFunctionType;
using P = tflite::Padding;

constexpr BuiltinOp kOp = BuiltinOp::AVERAGE_POOL_2D;

TEST(AveragePool2D, FloatSameCountsOnlyInsidePositions) {
  // 3x3 input 1..9, 2x2 SAME stride 2: windows {1,2,4,5}, {3,6}, {7,8}, {9}.
  Model m = PoolModel(kOp, {DType::FLOAT32, {1, 3, 3, 1}}, {DType::FLOAT32, {1, 2, 2, 1}}, PoolOptions(P::SAME, 2, 2, 2, 2));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({3, 4.5f, 7.5f, 9}));
}

TEST(AveragePool2D, QuantizedRounding) {
  // int8 rounds halves away from zero: (-3 + -4) / 2 = -3.5 -> -4; (1 + 2) / 2 -> 2.
  Model m = PoolModel(kOp, {DType::INT8, {1, 1, 4, 1}, 1.0f, 0}, {DType::INT8, {1, 1, 2, 1}, 1.0f, 0},
                      PoolOptions(P::VALID, 1, 2, 1, 2));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1, 1, 4, 1}, {-3, -4, 1, 2})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-4, 2}));
  // uint8 adds half the count: (1 + 2 + 0 + 1) / 3 -> 1; (130 + 1) / 3 = 43, clamped by RELU6 at scale 0.5 to 12.
  Model u = PoolModel(kOp, {DType::UINT8, {1, 1, 6, 1}, 0.5f, 0}, {DType::UINT8, {1, 1, 2, 1}, 0.5f, 0},
                      PoolOptions(P::VALID, 1, 3, 1, 3, A::RELU6));
  out = testing::RunOurs(u, {Array::Of<uint8_t>(DType::UINT8, {1, 1, 6, 1}, {1, 2, 0, 40, 40, 50})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 12}));
}

TEST(AveragePool2D, RejectsBadInputs) {
  auto refused = [](const Model& model) { EXPECT_THROW(testing::RunOurs(model, testing::RandomInputs(model, 1)), Error); };
  refused(PoolModel(kOp, {DType::FLOAT32, {1, 4, 4}}, {DType::FLOAT32, {1, 2, 2}}, PoolOptions(P::VALID, 2, 2, 2, 2)));
  refused(PoolModel(kOp, {DType::FLOAT32, {1, 4, 4, 1}}, {DType::FLOAT32, {1, 2, 2, 1}}, PoolOptions(P::VALID, 0, 2, 2, 2)));
  refused(PoolModel(kOp, {DType::INT32, {1, 4, 4, 1}}, {DType::INT32, {1, 2, 2, 1}}, PoolOptions(P::VALID, 2, 2, 2, 2)));
}

TEST(AveragePool2D, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<conv_testing::OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::UINT8, DType::INT8, DType::INT16}) {
    const std::string n = DTypeName(t);
    cases.push_back(conv_testing::MakePoolCase(kOp, n + " same 3x3 s2", t, {1, 9, 8, 3}, P::SAME, 3, 3, 2, 2, A::NONE, 71));
    cases.push_back(conv_testing::MakePoolCase(kOp, n + " valid 2x2 relu6", t, {2, 6, 6, 4}, P::VALID, 2, 2, 2, 2, A::RELU6, 72));
    cases.push_back(conv_testing::MakePoolCase(kOp, n + " global", t, {1, 7, 7, 8}, P::VALID, 7, 7, 1, 1, A::NONE, 73));
    cases.push_back(conv_testing::MakePoolCase(kOp, n + " same 2x3 s1 relu", t, {1, 5, 6, 2}, P::SAME, 2, 3, 1, 1, A::RELU, 74));
  }
  conv_testing::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit average pooling against the oracle over whole ranges, three seeds:
// the oracle's delegate leaves it to TFLite's kernel (no flavor), which ours
// matches.
TEST(AveragePool2D, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  using testing::xnnpack::RandomCase;
  for (DType t : {I8, U8}) {
    const int64_t zp = t == I8 ? -3 : 125;
    cases.push_back(RandomCase("2x2 s2 valid", PoolModel(kOp, {t, {1, 8, 8, 12}, 0.05f, zp}, {t, {1, 4, 4, 12}, 0.05f, zp},
                                                         PoolOptions(P::VALID, 2, 2, 2, 2))));
    cases.push_back(RandomCase("3x3 s1 same relu6", PoolModel(kOp, {t, {1, 8, 8, 12}, 0.05f, zp}, {t, {1, 8, 8, 12}, 0.05f, zp},
                                                              PoolOptions(P::SAME, 3, 3, 1, 1, A::RELU6))));
    cases.push_back(RandomCase("3x3 s2 same", PoolModel(kOp, {t, {1, 8, 8, 12}, 0.05f, zp}, {t, {1, 4, 4, 12}, 0.05f, zp},
                                                        PoolOptions(P::SAME, 3, 3, 2, 2))));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.declined, 6);
}

// XNNPACK's window sum pairs taps (t2 + t3) before adding t0 + t1: for taps
// {3, 3, 1e8, -1e8} it is 6 exactly (mean 1.5), while the reference's running
// sum rounds 6 + 1e8 to 100000008 (mean 2).
TEST(AveragePool2D, XnnpackFloatSumsInXnnpacksOrder) {
  Model m = PoolModel(kOp, {DType::FLOAT32, {1, 1, 4, 1}}, {DType::FLOAT32, {1, 1, 1, 1}}, PoolOptions(P::VALID, 1, 4, 1, 1));
  const Array in = Array::Of<float>(DType::FLOAT32, {1, 1, 4, 1}, {3.0f, 3.0f, 1e8f, -1e8f});
  EXPECT_EQ(testing::RunOurs(m, {in}, Arithmetic::kXnnpack)[0].values<float>(), std::vector<float>({1.5f}));
  EXPECT_EQ(testing::RunOurs(m, {in}, Arithmetic::kReference)[0].values<float>(), std::vector<float>({2.0f}));
}

// float32 average pooling bit for bit against the oracle: XNNPACK's tap
// order and multipass sums (windows of 2 to 49 taps), 1 / count multipliers
// for SAME padding, its global pooling when the window covers the padded
// input (also multipass: 13x13, 3x20), the 1x1 clamp, fused activations,
// batches, 37 channels; values in [-10, 10] and [-1e4, 1e4], three seeds;
// the delegate's refusals (a stride above the filter size, 1x1 filters
// with a stride among them) left to TFLite's kernel, as ours.
TEST(AveragePool2D, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  struct Config {
    std::vector<int32_t> shape;
    P padding;
    int fh, fw, sh, sw;
    A act;
  };
  const std::vector<Config> configs = {
      {{1, 5, 5, 3}, P::VALID, 2, 2, 1, 1, A::NONE},   {{1, 7, 6, 5}, P::SAME, 3, 3, 2, 2, A::NONE},
      {{2, 9, 8, 7}, P::SAME, 3, 3, 1, 1, A::RELU6},   {{1, 11, 10, 6}, P::VALID, 4, 4, 2, 2, A::NONE},
      {{1, 10, 9, 5}, P::SAME, 5, 5, 2, 2, A::NONE},   {{1, 9, 9, 3}, P::SAME, 7, 7, 1, 1, A::NONE},
      {{1, 7, 7, 9}, P::VALID, 7, 7, 1, 1, A::NONE},   {{1, 3, 3, 4}, P::SAME, 3, 3, 3, 3, A::NONE},
      {{2, 6, 5, 3}, P::VALID, 6, 5, 2, 2, A::RELU},   {{1, 6, 7, 5}, P::SAME, 2, 3, 1, 1, A::RELU},
      {{1, 5, 5, 2}, P::VALID, 3, 1, 1, 1, A::RELU_N1_TO_1}, {{1, 4, 8, 3}, P::SAME, 1, 6, 1, 2, A::NONE},
      {{1, 12, 12, 4}, P::SAME, 6, 6, 3, 3, A::NONE},  {{1, 6, 5, 3}, P::VALID, 1, 1, 1, 1, A::RELU_N1_TO_1},
      {{3, 5, 7, 37}, P::SAME, 3, 2, 2, 1, A::RELU6},  {{1, 4, 4, 2}, P::SAME, 5, 5, 1, 1, A::NONE},
      {{1, 13, 13, 2}, P::VALID, 13, 13, 1, 1, A::NONE}, {{1, 3, 20, 2}, P::VALID, 3, 20, 1, 1, A::NONE},
      // Refused: a stride above the filter size.
      {{1, 6, 5, 3}, P::VALID, 1, 1, 2, 2, A::NONE},   {{1, 6, 5, 3}, P::SAME, 1, 1, 1, 2, A::RELU},
      {{1, 8, 8, 3}, P::VALID, 2, 2, 3, 3, A::NONE},   {{1, 9, 9, 3}, P::SAME, 3, 3, 4, 4, A::NONE},
      {{1, 6, 6, 3}, P::SAME, 2, 2, 1, 3, A::NONE},
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    auto out_dim = [&](int in, int f, int s) { return c.padding == P::SAME ? (in + s - 1) / s : (in - f) / s + 1; };
    const std::vector<int32_t> out = {c.shape[0], out_dim(c.shape[1], c.fh, c.sh), out_dim(c.shape[2], c.fw, c.sw),
                                      c.shape[3]};
    Model m = PoolModel(kOp, {DType::FLOAT32, c.shape}, {DType::FLOAT32, out}, PoolOptions(c.padding, c.fh, c.fw, c.sh, c.sw, c.act));
    const std::string label = ShapeString(c.shape) + (c.padding == P::SAME ? " same " : " valid ") + std::to_string(c.fh) +
                              "x" + std::to_string(c.fw) + " s" + std::to_string(c.sh) + "x" + std::to_string(c.sw);
    cases.push_back(testing::xnnpack::FloatCase(label, m, -10.0f, 10.0f));
    cases.push_back(testing::xnnpack::FloatCase(label + " wide", m, -1e4f, 1e4f, 95));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 2 * 18);
  EXPECT_EQ(tally.declined, 2 * 5);
  EXPECT_GT(tally.reference_differences, 0);
}

}  // namespace
}  // namespace tfd
