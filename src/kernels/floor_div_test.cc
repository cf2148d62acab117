#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(FloorDiv, RoundsTowardMinusInfinity) {
  Model f = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {4}, {7, -7, 7, 0.5f}), Array::Of<float>(DType::FLOAT32, {4}, {2, 2, -2, 0.25f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({3, -4, -4, 2}));
  Model i = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::INT32, {2, 2}), T(DType::INT32, {2}), T(DType::INT32, {2, 2}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2, 2}, {7, -7, 6, -1}), Array::Of<int32_t>(DType::INT32, {2}, {2, -3})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({3, 2, 3, 0}));
  Model s = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::INT16, {3}), T(DType::INT16, {}), T(DType::INT16, {3}));
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {3}, {32767, -32768, -5}), Array::Of<int16_t>(DType::INT16, {}, {10})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({3276, -3277, -1}));
  Model b = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::INT8, {3}), T(DType::INT8, {3}), T(DType::INT8, {3}));
  out = RunOurs(b, {Array::Of<int8_t>(DType::INT8, {3}, {127, -128, 9}), Array::Of<int8_t>(DType::INT8, {3}, {-2, 3, 4})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-64, -43, 2}));
}

TEST(FloorDiv, RejectsZeroDivisorsAndBadTypes) {
  Model i = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::INT32, {2}), T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2}, {1, 2}), Array::Of<int32_t>(DType::INT32, {2}, {1, 0})}), Error);
  Model f = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}));
  EXPECT_THROW(RunOurs(f, {Array::Of<float>(DType::FLOAT32, {1}, {1}), Array::Of<float>(DType::FLOAT32, {1}, {0})}), Error);
  Model u8 = BinaryModel(BuiltinOp::FLOOR_DIV, T(DType::UINT8, {2}), T(DType::UINT8, {2}), T(DType::UINT8, {2}));
  EXPECT_THROW(RunOurs(u8, testing::RandomInputs(u8, 1)), Error);
}

TEST(FloorDiv, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}},
      {DType::INT32, {3, 5}, {5}, {3, 5}},
      {DType::INT32, {2, 3, 4}, {2, 1, 4}, {2, 3, 4}},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(BuiltinOp::FLOOR_DIV, T(c.dtype, c.a), T(c.dtype, c.b), T(c.dtype, c.out));
    for (uint64_t seed : {1, 2}) {
      std::vector<Array> inputs;
      if (c.dtype == DType::FLOAT32) {
        auto d = Spread<float>(Count(c.b), -3, 3, seed + 10);
        for (auto& x : d)
          if (std::abs(x) < 0.1f) x = 0.5f;
        inputs = {Array::Of<float>(c.dtype, c.a, Spread<float>(Count(c.a), -10, 10, seed)), Array::Of<float>(c.dtype, c.b, d)};
      } else {
        auto d = Spread<int32_t>(Count(c.b), -7, 7, seed + 10);
        for (auto& x : d)
          if (x == 0) x = 3;
        inputs = {Array::Of<int32_t>(c.dtype, c.a, Spread<int32_t>(Count(c.a), -50, 50, seed)), Array::Of<int32_t>(c.dtype, c.b, d)};
      }
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " // " + ShapeString(c.b), model, inputs,
                      c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
    }
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
