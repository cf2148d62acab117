#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;
using A = tflite::ActivationFunctionType;

std::optional<tflite::DivOptionsT> DivOptions(A act) {
  tflite::DivOptionsT o;
  o.fused_activation_function = act;
  return o;
}

TEST(Div, FloatBroadcastAndRelu6) {
  Model m = BinaryModel(BuiltinOp::DIV, T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {3}), T(DType::FLOAT32, {2, 3}),
                        DivOptions(A::RELU6));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, -2, 3, 4, 5, -6}),
                         Array::Of<float>(DType::FLOAT32, {3}, {0.5f, 1, 0})});
  // 3 / 0 = inf -> 6; -6 / 0 = -inf -> 0.
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({2, 0, 6, 6, 5, 0}));
}

TEST(Div, Int32TruncatesTowardZero) {
  Model m = BinaryModel(BuiltinOp::DIV, T(DType::INT32, {5}), T(DType::INT32, {5}), T(DType::INT32, {5}), DivOptions(A::NONE));
  auto out = RunOurs(m, {Array::Of<int32_t>(DType::INT32, {5}, {7, -7, 7, INT32_MIN, 100}),
                         Array::Of<int32_t>(DType::INT32, {5}, {2, 2, -2, -1, 7})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({3, -3, -3, INT32_MIN, 14}));
  Model relu = BinaryModel(BuiltinOp::DIV, T(DType::INT32, {3}), T(DType::INT32, {}), T(DType::INT32, {3}), DivOptions(A::RELU));
  out = RunOurs(relu, {Array::Of<int32_t>(DType::INT32, {3}, {9, -9, 1}), Array::Of<int32_t>(DType::INT32, {}, {4})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({2, 0, 0}));
}

TEST(Div, Uint8HandComputed) {
  // 5.0 / 2.0 = 2.5 at scale 0.1 -> 25; 5.0 / -2.0 -> clamped at 0 (zero point 0);
  // with output zero point 100: -2.5 -> 75.
  Model m = BinaryModel(BuiltinOp::DIV, Q(DType::UINT8, {2}, 0.5f, 0), Q(DType::UINT8, {2}, 0.25f, 16),
                        Q(DType::UINT8, {2}, 0.1f, 100), DivOptions(A::NONE));
  auto out = RunOurs(m, {Array::Of<uint8_t>(DType::UINT8, {2}, {10, 10}), Array::Of<uint8_t>(DType::UINT8, {2}, {24, 8})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({125, 75}));
}

TEST(Div, RejectsZeroDivisorsAndBadTypes) {
  Model i32 = BinaryModel(BuiltinOp::DIV, T(DType::INT32, {2}), T(DType::INT32, {2}), T(DType::INT32, {2}), DivOptions(A::NONE));
  EXPECT_THROW(RunOurs(i32, {Array::Of<int32_t>(DType::INT32, {2}, {1, 2}), Array::Of<int32_t>(DType::INT32, {2}, {1, 0})}),
               Error);
  Model u8 = BinaryModel(BuiltinOp::DIV, Q(DType::UINT8, {1}, 0.5f, 0), Q(DType::UINT8, {1}, 0.5f, 7),
                         Q(DType::UINT8, {1}, 0.5f, 0), DivOptions(A::NONE));
  EXPECT_THROW(RunOurs(u8, {Array::Of<uint8_t>(DType::UINT8, {1}, {3}), Array::Of<uint8_t>(DType::UINT8, {1}, {7})}), Error);
  Model i8 = BinaryModel(BuiltinOp::DIV, Q(DType::INT8, {2}, 0.5f, 0), Q(DType::INT8, {2}, 0.5f, 0),
                         Q(DType::INT8, {2}, 0.5f, 0), DivOptions(A::NONE));
  EXPECT_THROW(RunOurs(i8, testing::RandomInputs(i8, 1)), Error);
  Model shapes = BinaryModel(BuiltinOp::DIV, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {3}),
                             DivOptions(A::NONE));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
}

// Divisor values that avoid the (dequantized) zero.
template <typename V>
Array Divisors(DType dtype, const std::vector<int32_t>& shape, double lo, double hi, V avoid, uint64_t seed) {
  auto v = Spread<V>(Count(shape), lo, hi, seed);
  for (auto& x : v)
    if (x == avoid) x = static_cast<V>(x + 1);
  return Array::Of<V>(dtype, shape, v);
}

TEST(Div, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
    A act;
    float sa = 0, sb = 0, so = 0;
    int64_t za = 0, zb = 0, zo = 0;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}, A::NONE},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}, A::RELU},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}, A::RELU_N1_TO_1},
      {DType::FLOAT32, {2, 1, 3, 1, 2}, {3, 4, 1}, {2, 1, 3, 4, 2}, A::RELU6},
      {DType::INT32, {3, 5}, {5}, {3, 5}, A::NONE},
      {DType::INT32, {2, 3, 4}, {2, 1, 4}, {2, 3, 4}, A::RELU6},
      {DType::UINT8, {2, 3, 7}, {2, 3, 7}, {2, 3, 7}, A::NONE, 0.1f, 0.07f, 0.12f, 128, 120, 5},
      {DType::UINT8, {2, 1, 7}, {3, 1}, {2, 3, 7}, A::RELU, 0.02f, 0.05f, 0.003f, 0, 0, 128},
      {DType::UINT8, {4, 5}, {}, {4, 5}, A::RELU6, 0.05f, 0.01f, 0.5f, 30, 200, 0},
      {DType::UINT8, {3, 4}, {3, 4}, {3, 4}, A::RELU_N1_TO_1, 0.003f, 0.4f, 0.01f, 255, 0, 128},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(BuiltinOp::DIV, Q(c.dtype, c.a, c.sa, c.za), Q(c.dtype, c.b, c.sb, c.zb),
                              Q(c.dtype, c.out, c.so, c.zo), DivOptions(c.act));
    for (uint64_t seed : {1, 2}) {
      std::vector<Array> inputs = testing::RandomInputs(model, seed);
      if (c.dtype == DType::INT32) {
        inputs[0] = Array::Of<int32_t>(c.dtype, c.a, Spread<int32_t>(Count(c.a), -100, 100, seed));
        inputs[1] = Divisors<int32_t>(c.dtype, c.b, -9, 9, 0, seed + 10);
      } else if (c.dtype == DType::UINT8) {
        inputs[1] = Divisors<uint8_t>(c.dtype, c.b, 0, 254, static_cast<uint8_t>(c.zb), seed + 10);
      }
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " / " + ShapeString(c.b), model, inputs,
                      c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
    }
  }
  ExpectMatchesOracle(runs);
}


// float32 DIV in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK's IEEE single operation equals TFLite's, so
// no flavor (broadcast second input, RELU6 (clamped as XNNPACK does: max, then min)).
TEST(Div, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<testing::xnnpack::Case> cases;
  {
    tflite::DivOptionsT o;
    o.fused_activation_function = tflite::ActivationFunctionType::RELU6;
    cases.push_back(testing::xnnpack::FloatCase("float32", testing::elementwise::BinaryModel(BuiltinOp::DIV, testing::elementwise::T(DType::FLOAT32, {2, 5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {5, 40}),
                                                 testing::elementwise::T(DType::FLOAT32, {2, 5, 40}), std::optional(o)), -8.0f, 8.0f));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
