#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Abs, FloatAndInt32) {
  Model f = UnaryModel(BuiltinOp::ABS, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {3}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {3}, {-1.5f, 2, -0.0f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1.5f, 2, 0}));
  Model i = UnaryModel(BuiltinOp::ABS, T(DType::INT32, {3}), T(DType::INT32, {3}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {3}, {-7, 7, INT32_MIN})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({7, 7, INT32_MIN}));
  Model s = UnaryModel(BuiltinOp::ABS, T(DType::INT16, {2}), T(DType::INT16, {2}));
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {2}, {-300, -32768})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({300, -32768}));
}

TEST(Abs, Int8Requantizes) {
  // Same scale: |q - 10| - 100 (zero points 10 and -100).
  Model same = UnaryModel(BuiltinOp::ABS, Q(DType::INT8, {3}, 0.1f, 10), Q(DType::INT8, {3}, 0.1f, -100));
  auto out = RunOurs(same, {Array::Of<int8_t>(DType::INT8, {3}, {0, 10, -128})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-90, -100, 38}));
  // Scale 0.2 -> 0.1 doubles: |-3| * 2 = 6.
  Model rescale = UnaryModel(BuiltinOp::ABS, Q(DType::INT8, {2}, 0.2f, 0), Q(DType::INT8, {2}, 0.1f, 0));
  out = RunOurs(rescale, {Array::Of<int8_t>(DType::INT8, {2}, {-3, 100})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({6, 127}));
  Model s = UnaryModel(BuiltinOp::ABS, Q(DType::INT16, {2}, 0.001f, 0), Q(DType::INT16, {2}, 0.004f, 0));
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {2}, {-1000, 1002})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({250, 251}));
}

TEST(Abs, RejectsBadInputs) {
  Model zp = UnaryModel(BuiltinOp::ABS, Q(DType::INT16, {2}, 0.1f, 5), Q(DType::INT16, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model u8 = UnaryModel(BuiltinOp::ABS, Q(DType::UINT8, {2}, 0.1f, 5), Q(DType::UINT8, {2}, 0.1f, 5));
  EXPECT_THROW(RunOurs(u8, testing::RandomInputs(u8, 1)), Error);
  Model unquantized = UnaryModel(BuiltinOp::ABS, T(DType::INT8, {2}), T(DType::INT8, {2}));
  EXPECT_THROW(RunOurs(unquantized, testing::RandomInputs(unquantized, 1)), Error);
}

// The oracle's TFLite predates int32 ABS (checked by hand above).
TEST(Abs, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleRun> runs = FloatUnaryRuns(BuiltinOp::ABS, -3, 3);
  struct Case {
    DType dtype;
    std::vector<int32_t> shape;
    float si = 0, so = 0;
    int64_t zi = 0, zo = 0;
  };
  const std::vector<Case> cases = {
      {DType::INT8, {2, 3, 4}, 0.1f, 0.1f, 3, -128},     {DType::INT8, {1, 4, 4, 3}, 0.05f, 0.02f, -7, -100},
      {DType::INT8, {9}, 0.02f, 0.05f, 0, 5},            {DType::INT16, {2, 3, 4}, 0.001f, 0.001f},
      {DType::INT16, {3, 7}, 0.0005f, 0.0012f},           {DType::INT16, {3, 7}, 0.002f, 0.0012f},
  };
  for (const Case& c : cases) {
    Model model = UnaryModel(BuiltinOp::ABS, Q(c.dtype, c.shape, c.si, c.zi), Q(c.dtype, c.shape, c.so, c.zo));
    for (uint64_t seed : {1, 2}) {
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.shape), model, testing::RandomInputs(model, seed)});
    }
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
