#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;
using A = tflite::ActivationFunctionType;

tflite::SubOptionsT SubOptions(A act, bool pot_scale_int16 = false) {
  tflite::SubOptionsT o;
  o.fused_activation_function = act;
  o.pot_scale_int16 = pot_scale_int16;
  return o;
}

TEST(Sub, FloatBroadcastAndRelu) {
  Model m = BinaryModel(BuiltinOp::SUB, T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {3}), T(DType::FLOAT32, {2, 3}),
                        std::optional(SubOptions(A::RELU)));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, -2, 3, 4, 5, -6}),
                         Array::Of<float>(DType::FLOAT32, {3}, {0.5f, 1, 2})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 3}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0.5f, 0, 1, 3.5f, 4, 0}));
}

TEST(Sub, Int8HandComputed) {
  // (3 - 5) * 0.5 = -1.0 -> -1.0 / 0.25 + 10 = 6.
  Model m = BinaryModel(BuiltinOp::SUB, Q(DType::INT8, {1}, 0.5f, 0), Q(DType::INT8, {1}, 0.5f, 0),
                        Q(DType::INT8, {1}, 0.25f, 10), std::optional(SubOptions(A::NONE)));
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1}, {3}), Array::Of<int8_t>(DType::INT8, {1}, {5})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({6}));
}

TEST(Sub, Int32WrapsAndClamps) {
  Model plain = BinaryModel(BuiltinOp::SUB, T(DType::INT32, {3}), T(DType::INT32, {3}), T(DType::INT32, {3}),
                            std::optional(SubOptions(A::NONE)));
  auto out = RunOurs(plain, {Array::Of<int32_t>(DType::INT32, {3}, {INT32_MIN, 5, -7}),
                             Array::Of<int32_t>(DType::INT32, {3}, {1, 9, -7})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({INT32_MAX, -4, 0}));
  Model relu6 = BinaryModel(BuiltinOp::SUB, T(DType::INT32, {3}), T(DType::INT32, {}), T(DType::INT32, {3}),
                            std::optional(SubOptions(A::RELU6)));
  out = RunOurs(relu6, {Array::Of<int32_t>(DType::INT32, {3}, {100, 3, -50}), Array::Of<int32_t>(DType::INT32, {}, {1})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({6, 2, 0}));
}

TEST(Sub, Int64) {
  // The oracle cannot read int64, so these are checked by hand.
  Model m = BinaryModel(BuiltinOp::SUB, T(DType::INT64, {2, 2}), T(DType::INT64, {2}), T(DType::INT64, {2, 2}),
                        std::optional(SubOptions(A::NONE)));
  auto out = RunOurs(m, {Array::Of<int64_t>(DType::INT64, {2, 2}, {int64_t{1} << 40, 7, -3, INT64_MIN}),
                         Array::Of<int64_t>(DType::INT64, {2}, {1, 10})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({(int64_t{1} << 40) - 1, -3, -4, INT64_MAX - 9}));
  Model relu = BinaryModel(BuiltinOp::SUB, T(DType::INT64, {3}), T(DType::INT64, {3}), T(DType::INT64, {3}),
                           std::optional(SubOptions(A::RELU)));
  out = RunOurs(relu, {Array::Of<int64_t>(DType::INT64, {3}, {5, 1, int64_t{1} << 50}),
                       Array::Of<int64_t>(DType::INT64, {3}, {2, 4, 0})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({3, 0, int64_t{1} << 50}));
}

TEST(Sub, Int16PowerOfTwoScales) {
  // a at 2^-10, b at 2^-12, output at 2^-10: b is rounding-shifted right by 2.
  Model m = BinaryModel(BuiltinOp::SUB, Q(DType::INT16, {3}, 1.0f / 1024, 0), Q(DType::INT16, {3}, 1.0f / 4096, 0),
                        Q(DType::INT16, {3}, 1.0f / 1024, 0), std::optional(SubOptions(A::NONE, true)));
  auto out = RunOurs(m, {Array::Of<int16_t>(DType::INT16, {3}, {100, -32768, 32767}),
                         Array::Of<int16_t>(DType::INT16, {3}, {6, 400, -400})});
  // 6/4 = 1.5 rounds to 2; -32768 - 100 saturates; 32767 + 100 saturates.
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({98, -32768, 32767}));
}

TEST(Sub, RejectsBadInputs) {
  Model shapes = BinaryModel(BuiltinOp::SUB, T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2, 3}),
                             std::optional(SubOptions(A::NONE)));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
  Model types = BinaryModel(BuiltinOp::SUB, T(DType::FLOAT32, {2}), T(DType::INT32, {2}), T(DType::FLOAT32, {2}),
                            std::optional(SubOptions(A::NONE)));
  EXPECT_THROW(RunOurs(types, testing::RandomInputs(types, 1)), Error);
  Model zp = BinaryModel(BuiltinOp::SUB, Q(DType::INT16, {2}, 0.01f, 3), Q(DType::INT16, {2}, 0.01f, 0),
                         Q(DType::INT16, {2}, 0.02f, 0), std::optional(SubOptions(A::NONE)));
  EXPECT_THROW(RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model unquantized = BinaryModel(BuiltinOp::SUB, T(DType::INT8, {2}), T(DType::INT8, {2}), T(DType::INT8, {2}),
                                  std::optional(SubOptions(A::NONE)));
  EXPECT_THROW(RunOurs(unquantized, testing::RandomInputs(unquantized, 1)), Error);
  Model bools = BinaryModel(BuiltinOp::SUB, T(DType::BOOL, {2}), T(DType::BOOL, {2}), T(DType::BOOL, {2}),
                            std::optional(SubOptions(A::NONE)));
  EXPECT_THROW(RunOurs(bools, testing::RandomInputs(bools, 1)), Error);
}

struct Case {
  DType dtype;
  std::vector<int32_t> a, b, out;
  A act;
  float sa = 0, sb = 0, so = 0;
  int64_t za = 0, zb = 0, zo = 0;
  bool pot = false;
};

TEST(Sub, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}, A::NONE},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}, A::RELU},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}, A::RELU_N1_TO_1},
      {DType::FLOAT32, {2, 1, 3, 1, 2}, {3, 4, 1}, {2, 1, 3, 4, 2}, A::RELU6},
      {DType::FLOAT32, {1, 2, 1, 2, 1, 3}, {2, 1, 2, 3, 1}, {1, 2, 2, 2, 3, 3}, A::NONE},
      {DType::INT32, {3, 5}, {5}, {3, 5}, A::NONE},
      {DType::INT32, {2, 3, 4}, {2, 1, 4}, {2, 3, 4}, A::RELU6},
      {DType::INT8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.02f, 0.03f, 0.05f, -3, 7, 1},
      {DType::INT8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, A::RELU6, 0.05f, 0.01f, 0.04f, 10, -20, -128},
      {DType::INT8, {2, 1, 3, 1, 2}, {3, 4, 1}, {2, 1, 3, 4, 2}, A::RELU_N1_TO_1, 0.1f, 0.1f, 0.05f, 0, 0, 0},
      {DType::INT8, {4, 1}, {}, {4, 1}, A::RELU, 0.007f, 0.5f, 0.2f, -128, 127, 5},
      {DType::UINT8, {2, 3, 7}, {2, 3, 7}, {2, 3, 7}, A::RELU, 0.1f, 0.07f, 0.12f, 128, 120, 5},
      {DType::UINT8, {2, 1, 7}, {3, 1}, {2, 3, 7}, A::NONE, 0.02f, 0.02f, 0.03f, 0, 255, 128},
      {DType::INT16, {2, 9}, {2, 9}, {2, 9}, A::NONE, 0.001f, 0.0007f, 0.002f},
      {DType::INT16, {2, 3, 4}, {4}, {2, 3, 4}, A::RELU, 0.0005f, 0.002f, 0.003f},
      {DType::INT16, {3, 4}, {3, 4}, {3, 4}, A::NONE, 1.0f / 1024, 1.0f / 4096, 1.0f / 1024, 0, 0, 0, true},
      {DType::INT16, {3, 1}, {3, 4}, {3, 4}, A::RELU6, 1.0f / 8192, 1.0f / 2048, 1.0f / 2048, 0, 0, 0, true},
  };
  std::vector<OracleRun> runs;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    Model model = BinaryModel(BuiltinOp::SUB, Q(c.dtype, c.a, c.sa, c.za), Q(c.dtype, c.b, c.sb, c.zb),
                              Q(c.dtype, c.out, c.so, c.zo), std::optional(SubOptions(c.act, c.pot)));
    for (uint64_t seed : {1, 2}) {
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " - " + ShapeString(c.b) + " seed " + std::to_string(seed),
                      model, testing::RandomInputs(model, seed), c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
    }
  }
  // Rank 7 keeps the node away from the oracle's XNNPACK delegate (at most 6
  // dimensions there): TFLite's own int8/uint8 kernel.
  const std::vector<int32_t> rank7 = {1, 2, 1, 3, 1, 2, 4};
  for (DType d : {DType::INT8, DType::UINT8}) {
    const int64_t z = d == DType::INT8 ? 0 : 128;
    Model model = BinaryModel(BuiltinOp::SUB, Q(d, rank7, 0.02f, z - 3), Q(d, rank7, 0.03f, z + 7),
                              Q(d, rank7, 0.04f, z + 1), std::optional(SubOptions(A::RELU6)));
    for (uint64_t seed : {1, 2})
      runs.push_back({DTypeName(d) + " rank 7 (TFLite kernel)", model, testing::RandomInputs(model, seed), Check::kIdentical});
  }
  ExpectMatchesOracle(runs);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit SUB against the oracle over the whole input range, three seeds:
// shapes with and without broadcasting, each fused activation XNNPACK can
// clamp, scale ratios inside and outside the range the
// delegate takes. Bit-exact; the delegate's choice must be ours, and the
// reference arithmetic must differ from the runtime somewhere.
TEST(Sub, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  struct Config {
    DType dtype;
    std::vector<int32_t> a, b, out;
    A act;
    float sa, sb, so;
    int64_t za, zb, zo;
  };
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  const std::vector<Config> configs = {
      {I8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.5f, 0.25f, 1.0f, 3, -2, 1},
      {I8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.0235f, 0.0117f, 0.031f, -5, 3, 7},
      {I8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, A::RELU6, 0.05f, 0.1f, 0.1f, 10, -20, -128},
      {I8, {2, 16}, {2, 16}, {2, 16}, A::RELU, 0.0407254f, 0.0412456f, 0.0583774f, -2, -1, -3},
      {U8, {2, 3, 7}, {2, 3, 7}, {2, 3, 7}, A::NONE, 0.5f, 0.5f, 1.0f, 128, 120, 5},
      {U8, {4, 1, 6}, {3, 1}, {4, 3, 6}, A::RELU_N1_TO_1, 0.1f, 0.07f, 0.12f, 128, 120, 131},
      {I8, {2, 9}, {2, 9}, {2, 9}, A::NONE, 0.00001f, 0.5f, 1.0f, 0, 0, 0},      // ratio 1e-5
      {I8, {2, 9}, {2, 9}, {2, 9}, A::NONE, 3.0f, 0.5f, 0.01f, 0, 0, 0},         // ratio 300
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    Model m = BinaryModel(BuiltinOp::SUB, Q(c.dtype, c.a, c.sa, c.za), Q(c.dtype, c.b, c.sb, c.zb),
                          Q(c.dtype, c.out, c.so, c.zo), std::optional(SubOptions(c.act)));
    testing::xnnpack::Case xc{std::string(DTypeName(c.dtype)) + " " + ShapeString(c.a) + " x " + ShapeString(c.b) +
                                  " scales " + std::to_string(c.sa) + " " + std::to_string(c.sb) + " -> " +
                                  std::to_string(c.so) + " " + tflite::EnumNameActivationFunctionType(c.act),
                              m, {}};
    for (uint64_t seed : {41, 42, 43}) xc.inputs.push_back(testing::RandomInputs(m, seed));
    cases.push_back(std::move(xc));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_GT(tally.delegated, 0);
  EXPECT_GT(tally.declined, 0);
  EXPECT_GT(tally.reference_differences, 0);
}


// float32 SUB in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK's IEEE single operation equals TFLite's, so
// no flavor (broadcast second input, RELU6 (clamped as XNNPACK does: max, then min)).
TEST(Sub, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<testing::xnnpack::Case> cases;
  {
    tflite::SubOptionsT o;
    o.fused_activation_function = tflite::ActivationFunctionType::RELU6;
    cases.push_back(testing::xnnpack::FloatCase("float32", testing::elementwise::BinaryModel(BuiltinOp::SUB, testing::elementwise::T(DType::FLOAT32, {2, 5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {2, 5, 40}), std::optional(o)), -8.0f, 8.0f));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
