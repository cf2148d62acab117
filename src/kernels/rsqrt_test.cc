#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Rsqrt, Float) {
  Model m = UnaryModel(BuiltinOp::RSQRT, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {3}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {3}, {4, 0.25f, 0})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0.5f, 2, std::numeric_limits<float>::infinity()}));
}

TEST(Rsqrt, Int8HandComputed) {
  // Input scale 0.01 (zero point 0), output scale 0.1: q = 25 is 0.25 -> 2.0 -> 20;
  // q = 100 is 1.0 -> 1.0 -> 10; q = 4 is 0.04 -> 5.0 -> 50; the zero point
  // itself gives the largest output.
  Model m = UnaryModel(BuiltinOp::RSQRT, Q(DType::INT8, {4}, 0.01f, 0), Q(DType::INT8, {4}, 0.1f, 0));
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {4}, {25, 100, 4, 0})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({20, 10, 50, 127}));
}

TEST(Rsqrt, RejectsNegativeQuantizedInputsAndOtherTypes) {
  Model m = UnaryModel(BuiltinOp::RSQRT, Q(DType::INT8, {2}, 0.01f, 5), Q(DType::INT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(m, {Array::Of<int8_t>(DType::INT8, {2}, {10, 4})}), Error);
  Model u8 = UnaryModel(BuiltinOp::RSQRT, Q(DType::UINT8, {2}, 0.01f, 0), Q(DType::UINT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(u8, testing::RandomInputs(u8, 1)), Error);
  Model i16 = UnaryModel(BuiltinOp::RSQRT, Q(DType::INT16, {2}, 0.01f, 0), Q(DType::INT16, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(i16, testing::RandomInputs(i16, 1)), Error);
}

TEST(Rsqrt, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleRun> runs = FloatUnaryRuns(BuiltinOp::RSQRT, 0.01, 10);
  struct Case {
    std::vector<int32_t> shape;
    float si, so;
    int64_t zi, zo;
  };
  const std::vector<Case> cases = {
      {{2, 3, 4}, 0.01f, 0.1f, -128, -128}, {{1, 4, 4, 3}, 0.05f, 0.02f, 0, -100},
      {{16}, 0.002f, 0.5f, -20, 0},         {{3, 7}, 1.5f, 0.01f, -128, -128},
  };
  for (const Case& c : cases) {
    Model model = UnaryModel(BuiltinOp::RSQRT, Q(DType::INT8, c.shape, c.si, c.zi), Q(DType::INT8, c.shape, c.so, c.zo));
    for (uint64_t seed : {1, 2}) {
      // Values at or above the zero point (TFLite refuses negative inputs).
      auto v = Spread<int32_t>(Count(c.shape), static_cast<double>(c.zi), 127, seed);
      runs.push_back({"int8 " + ShapeString(c.shape), model,
                      {Array::Of<int8_t>(DType::INT8, c.shape, std::vector<int8_t>(v.begin(), v.end()))}});
    }
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
