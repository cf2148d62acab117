#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;
using A = tflite::ActivationFunctionType;

std::optional<tflite::MulOptionsT> MulOptions(A act) {
  tflite::MulOptionsT o;
  o.fused_activation_function = act;
  return o;
}

TEST(Mul, FloatBroadcastAndRelu6) {
  Model m = BinaryModel(BuiltinOp::MUL, T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {3}), T(DType::FLOAT32, {2, 3}),
                        MulOptions(A::RELU6));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, -2, 3, 4, 5, -6}),
                         Array::Of<float>(DType::FLOAT32, {3}, {0.5f, 1, 2})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0.5f, 0, 6, 2, 5, 0}));
}

TEST(Mul, Int8HandComputed) {
  // (5 - 1) * 0.5 = 2.0 and (6 + 2) * 0.25 = 2.0; 4.0 / 0.1 = 40.
  Model m = BinaryModel(BuiltinOp::MUL, Q(DType::INT8, {1}, 0.5f, 1), Q(DType::INT8, {1}, 0.25f, -2),
                        Q(DType::INT8, {1}, 0.1f, 0), MulOptions(A::NONE));
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1}, {5}), Array::Of<int8_t>(DType::INT8, {1}, {6})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({40}));
}

TEST(Mul, Int8RoundsLikeTfliteReference) {
  // 0.5 * {5, 3, 7, 1} = 2.5, 1.5, 3.5, 0.5: TFLite's fixed-point rounding
  // takes halves upwards (XNNPACK would give 2, 2, 4, 0).
  for (DType d : {DType::INT8, DType::UINT8}) {
    Model m = BinaryModel(BuiltinOp::MUL, Q(d, {4}, 0.5f, 0), Q(d, {4}, 1.0f, 0), Q(d, {4}, 1.0f, 0), MulOptions(A::NONE));
    auto out = RunOurs(m, {Array::Of<uint8_t>(d, {4}, {5, 3, 7, 1}), Array::Of<uint8_t>(d, {4}, {1, 1, 1, 1})});
    EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({3, 2, 4, 1}));
  }
}

TEST(Mul, IntegerWrapAndActivation) {
  Model m32 = BinaryModel(BuiltinOp::MUL, T(DType::INT32, {3}), T(DType::INT32, {3}), T(DType::INT32, {3}),
                          MulOptions(A::RELU));
  auto out = RunOurs(m32, {Array::Of<int32_t>(DType::INT32, {3}, {65536, -3, 7}),
                           Array::Of<int32_t>(DType::INT32, {3}, {65536, 4, 6})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({0, 0, 42}));
  Model m64 = BinaryModel(BuiltinOp::MUL, T(DType::INT64, {2}), T(DType::INT64, {}), T(DType::INT64, {2}),
                          MulOptions(A::NONE));
  out = RunOurs(m64, {Array::Of<int64_t>(DType::INT64, {2}, {int64_t{1} << 40, -5}), Array::Of<int64_t>(DType::INT64, {}, {3})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({int64_t{3} << 40, -15}));
}

TEST(Mul, Int16InputsInt8Output) {
  // Q0.15 inputs: 0.5 * 0.5 = 0.25 -> 8192 -> 8192 / 256 = 32; -1 * -1
  // saturates to 32767 -> 128, clamped to 128 - zero point.
  Model m = BinaryModel(BuiltinOp::MUL, Q(DType::INT16, {3}, 1.0f / 32768, 0), Q(DType::INT16, {3}, 1.0f / 32768, 0),
                        Q(DType::INT8, {3}, 1.0f / 128, -1), MulOptions(A::NONE));
  auto out = RunOurs(m, {Array::Of<int16_t>(DType::INT16, {3}, {16384, -32768, -300}),
                         Array::Of<int16_t>(DType::INT16, {3}, {16384, -32768, 1000})});
  // -300 * 1000 / 32768 = -9.155 -> -9; -9 / 256 rounds to 0; 0 + (-1) = -1.
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({31, 127, -1}));
}

TEST(Mul, RejectsBadInputs) {
  Model zp = BinaryModel(BuiltinOp::MUL, Q(DType::INT16, {2}, 0.01f, 3), Q(DType::INT16, {2}, 0.01f, 0),
                         Q(DType::INT16, {2}, 0.02f, 0), MulOptions(A::NONE));
  EXPECT_THROW(RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model shapes = BinaryModel(BuiltinOp::MUL, Q(DType::INT16, {2, 2}, 0.01f, 0), Q(DType::INT16, {2}, 0.01f, 0),
                             Q(DType::INT8, {2, 2}, 0.02f, 0), MulOptions(A::NONE));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
  Model mixed = BinaryModel(BuiltinOp::MUL, Q(DType::INT8, {2}, 0.01f, 0), Q(DType::INT8, {2}, 0.01f, 0),
                            Q(DType::INT16, {2}, 0.02f, 0), MulOptions(A::NONE));
  EXPECT_THROW(RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
  Model bools = BinaryModel(BuiltinOp::MUL, T(DType::BOOL, {2}), T(DType::BOOL, {2}), T(DType::BOOL, {2}), MulOptions(A::NONE));
  EXPECT_THROW(RunOurs(bools, testing::RandomInputs(bools, 1)), Error);
}

struct Case {
  DType in, out;
  std::vector<int32_t> a, b, shape;
  A act;
  float sa = 0, sb = 0, so = 0;
  int64_t za = 0, zb = 0, zo = 0;
};

TEST(Mul, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  using D = DType;
  const std::vector<Case> cases = {
      {D::FLOAT32, D::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}, A::NONE},
      {D::FLOAT32, D::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}, A::RELU},
      {D::FLOAT32, D::FLOAT32, {}, {2, 3}, {2, 3}, A::RELU_N1_TO_1},
      {D::FLOAT32, D::FLOAT32, {2, 1, 3, 1, 2}, {3, 4, 1}, {2, 1, 3, 4, 2}, A::RELU6},
      {D::FLOAT32, D::FLOAT32, {1, 2, 1, 2, 1, 3}, {2, 1, 2, 3, 1}, {1, 2, 2, 2, 3, 3}, A::NONE},
      {D::INT32, D::INT32, {3, 5}, {5}, {3, 5}, A::NONE},
      {D::INT32, D::INT32, {2, 3, 4}, {2, 1, 4}, {2, 3, 4}, A::RELU6},
      {D::INT8, D::INT8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.02f, 0.03f, 0.05f, -3, 7, 1},
      {D::INT8, D::INT8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, A::RELU6, 0.05f, 0.01f, 0.004f, 10, -20, -128},
      {D::INT8, D::INT8, {2, 1, 3, 2}, {3, 1}, {2, 1, 3, 2}, A::RELU, 0.1f, 0.1f, 0.5f, 0, 0, -5},
      {D::INT8, D::INT8, {4, 1}, {}, {4, 1}, A::NONE, 0.007f, 0.5f, 0.002f, -128, 127, 5},
      {D::UINT8, D::UINT8, {2, 3, 7}, {2, 3, 7}, {2, 3, 7}, A::RELU, 0.1f, 0.07f, 0.6f, 128, 120, 5},
      {D::UINT8, D::UINT8, {2, 1, 7}, {3, 1}, {2, 3, 7}, A::NONE, 0.02f, 0.02f, 0.003f, 0, 255, 128},
      {D::INT16, D::INT16, {2, 9}, {2, 9}, {2, 9}, A::NONE, 0.001f, 0.0007f, 0.00002f},
      {D::INT16, D::INT16, {2, 3, 4}, {4}, {2, 3, 4}, A::RELU, 0.0005f, 0.002f, 0.00003f},
      {D::INT16, D::INT8, {3, 4}, {3, 4}, {3, 4}, A::NONE, 1.0f / 32768, 1.0f / 32768, 1.0f / 128, 0, 0, 3},
      {D::INT16, D::UINT8, {2, 5}, {2, 5}, {2, 5}, A::NONE, 1.0f / 32768, 1.0f / 32768, 1.0f / 128, 0, 0, 128},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(BuiltinOp::MUL, Q(c.in, c.a, c.sa, c.za), Q(c.in, c.b, c.sb, c.zb),
                              Q(c.out, c.shape, c.so, c.zo), MulOptions(c.act));
    // int8/uint8 MUL runs in the oracle's XNNPACK delegate, which requantizes
    // in float and rounds ties to even (see Int8RoundsLikeTfliteReference);
    // TFLite's reference kernel, which we follow, rounds twice in fixed
    // point. They differ by one step on a few elements.
    Check check = Check::kIdentical;
    if (c.in == DType::FLOAT32) check = Check::kFloat;
    if (c.in == c.out && (c.in == DType::INT8 || c.in == DType::UINT8)) check = Check::kWithinOneStep;
    for (uint64_t seed : {1, 2}) {
      runs.push_back({DTypeName(c.in) + "->" + DTypeName(c.out) + " " + ShapeString(c.a) + " * " + ShapeString(c.b),
                      model, testing::RandomInputs(model, seed), check});
    }
  }
  // Rank 7 keeps the node away from the oracle's XNNPACK delegate (at most 6
  // dimensions there): TFLite's own int8/uint8 kernel, compared exactly.
  const std::vector<int32_t> rank7 = {1, 2, 1, 3, 1, 2, 4};
  for (DType d : {DType::INT8, DType::UINT8}) {
    const int64_t z = d == DType::INT8 ? 0 : 128;
    for (A act : {A::NONE, A::RELU}) {
      Model model = BinaryModel(BuiltinOp::MUL, Q(d, rank7, 0.02f, z - 3), Q(d, rank7, 0.03f, z + 7),
                                Q(d, rank7, 0.005f, z + 1), MulOptions(act));
      for (uint64_t seed : {1, 2})
        runs.push_back({DTypeName(d) + " rank 7 (TFLite kernel)", model, testing::RandomInputs(model, seed), Check::kIdentical});
    }
  }
  ExpectMatchesOracle(runs);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit MUL against the oracle over the whole input range, three seeds:
// shapes with and without broadcasting, each fused activation XNNPACK can
// clamp, scale ratios inside and outside the range the
// delegate takes. Bit-exact; the delegate's choice must be ours, and the
// reference arithmetic must differ from the runtime somewhere.
TEST(Mul, XnnpackProfileMatchesTfliteRuntimeExactly) {
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
      {I8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.0235f, 0.0117f, 0.0021f, -5, 3, 7},
      {I8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, A::NONE, 0.5f, 0.25f, 1.0f, 0, 0, 0},
      {I8, {1, 5, 5, 16}, {1, 1, 1, 16}, {1, 5, 5, 16}, A::RELU6, 0.05f, 0.01f, 0.003f, -128, 0, -128},
      {I8, {2, 9}, {9}, {2, 9}, A::RELU, 0.1f, 0.1f, 0.07f, 10, -20, 3},
      {U8, {4, 1, 6}, {3, 1}, {4, 3, 6}, A::NONE, 0.1f, 0.07f, 0.12f, 128, 120, 131},
      {U8, {2, 3, 7}, {2, 3, 7}, {2, 3, 7}, A::RELU_N1_TO_1, 0.02f, 0.03f, 0.01f, 128, 100, 128},
      {I8, {2, 9}, {2, 9}, {2, 9}, A::NONE, 0.001f, 0.001f, 0.5f, 0, 0, 0},          // ratio 2^-19
      {I8, {2, 9}, {2, 9}, {2, 9}, A::NONE, 2.0f, 2.0f, 0.01f, 0, 0, 0},             // ratio 400
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    Model m = BinaryModel(BuiltinOp::MUL, Q(c.dtype, c.a, c.sa, c.za), Q(c.dtype, c.b, c.sb, c.zb),
                          Q(c.dtype, c.out, c.so, c.zo), MulOptions(c.act));
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


// float32 MUL in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK's IEEE single operation equals TFLite's, so
// no flavor (broadcast second input, RELU6 (clamped as XNNPACK does: max, then min)).
TEST(Mul, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<testing::xnnpack::Case> cases;
  {
    tflite::MulOptionsT o;
    o.fused_activation_function = tflite::ActivationFunctionType::RELU6;
    cases.push_back(testing::xnnpack::FloatCase("float32", testing::elementwise::BinaryModel(BuiltinOp::MUL, testing::elementwise::T(DType::FLOAT32, {2, 5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {2, 5, 40}), std::optional(o)), -8.0f, 8.0f));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
