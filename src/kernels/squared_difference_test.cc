#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(SquaredDifference, FloatAndInt32) {
  Model f = BinaryModel(BuiltinOp::SQUARED_DIFFERENCE, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2}),
                        T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {2, 2}, {1, -2, 3.5f, 0}), Array::Of<float>(DType::FLOAT32, {2}, {3, 1})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({4, 9, 0.25f, 1}));
  Model i = BinaryModel(BuiltinOp::SQUARED_DIFFERENCE, T(DType::INT32, {3}), T(DType::INT32, {}), T(DType::INT32, {3}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {3}, {7, -5, 65539}), Array::Of<int32_t>(DType::INT32, {}, {3})});
  // 65536^2 wraps to 0.
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({16, 64, 0}));
}

TEST(SquaredDifference, Int8HandComputed) {
  // (10 - 4) * 0.5 = 3.0 -> 9.0 at scale 0.1 -> 90, with zero point -10 -> 80.
  Model m = BinaryModel(BuiltinOp::SQUARED_DIFFERENCE, Q(DType::INT8, {2}, 0.5f, 0), Q(DType::INT8, {2}, 0.5f, 0),
                        Q(DType::INT8, {2}, 0.1f, -10));
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {2}, {10, 127}), Array::Of<int8_t>(DType::INT8, {2}, {4, -128})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({80, 127}));
}

TEST(SquaredDifference, RejectsBadInputs) {
  Model u8 = BinaryModel(BuiltinOp::SQUARED_DIFFERENCE, Q(DType::UINT8, {2}, 0.5f, 0), Q(DType::UINT8, {2}, 0.5f, 0),
                         Q(DType::UINT8, {2}, 0.5f, 0));
  EXPECT_THROW(RunOurs(u8, testing::RandomInputs(u8, 1)), Error);
  Model tiny = BinaryModel(BuiltinOp::SQUARED_DIFFERENCE, Q(DType::INT8, {2}, 1.0f, 0), Q(DType::INT8, {2}, 1.0f, 0),
                           Q(DType::INT8, {2}, 1e-6f, 0));
  EXPECT_THROW(RunOurs(tiny, testing::RandomInputs(tiny, 1)), Error);
  Model shapes = BinaryModel(BuiltinOp::SQUARED_DIFFERENCE, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {2}),
                             T(DType::FLOAT32, {3}));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
}

TEST(SquaredDifference, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
    float sa = 0, sb = 0, so = 0;
    int64_t za = 0, zb = 0, zo = 0;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}},
      {DType::FLOAT32, {2, 1, 3, 1, 2}, {3, 4, 1}, {2, 1, 3, 4, 2}},
      {DType::INT32, {3, 5}, {5}, {3, 5}},
      {DType::INT32, {2, 3, 4}, {2, 1, 4}, {2, 3, 4}},
      {DType::INT8, {1, 8, 8, 4}, {1, 8, 8, 4}, {1, 8, 8, 4}, 0.02f, 0.03f, 0.05f, -3, 7, -128},
      {DType::INT8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, 0.05f, 0.01f, 0.1f, 10, -20, -100},
      {DType::INT8, {2, 1, 3, 2}, {3, 1}, {2, 1, 3, 2}, 0.1f, 0.1f, 0.5f, 0, 0, 5},
      {DType::INT8, {4, 1}, {}, {4, 1}, 0.007f, 0.5f, 0.2f, -128, 127, -128},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(BuiltinOp::SQUARED_DIFFERENCE, Q(c.dtype, c.a, c.sa, c.za), Q(c.dtype, c.b, c.sb, c.zb),
                              Q(c.dtype, c.out, c.so, c.zo));
    for (uint64_t seed : {1, 2})
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " vs " + ShapeString(c.b), model,
                      testing::RandomInputs(model, seed), c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
  }
  ExpectMatchesOracle(runs);
}


// float32 SQUARED_DIFFERENCE in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK's IEEE single operation equals TFLite's, so
// no flavor (broadcast second input, no activation).
TEST(SquaredDifference, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  std::vector<testing::xnnpack::Case> cases;
  {
    cases.push_back(testing::xnnpack::FloatCase("float32", testing::elementwise::BinaryModel<tflite::AddOptionsT>(
        BuiltinOp::SQUARED_DIFFERENCE, testing::elementwise::T(DType::FLOAT32, {2, 5, 40}), testing::elementwise::T(DType::FLOAT32, {5, 40}),
        testing::elementwise::T(DType::FLOAT32, {2, 5, 40})), -8.0f, 8.0f));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
