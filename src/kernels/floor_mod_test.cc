#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(FloorMod, TakesTheDivisorsSign) {
  Model f = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {4}, {7, -7, 7, 5.5f}), Array::Of<float>(DType::FLOAT32, {4}, {3, 3, -3, 2})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, -2, 1.5f}));
  Model i = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT32, {2, 2}), T(DType::INT32, {2}), T(DType::INT32, {2, 2}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2, 2}, {7, -7, INT32_MIN, 6}), Array::Of<int32_t>(DType::INT32, {2}, {-1, -4})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({0, -3, 0, -2}));
  // int64 is not readable by the oracle: checked here.
  Model l = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT64, {3}), T(DType::INT64, {}), T(DType::INT64, {3}));
  out = RunOurs(l, {Array::Of<int64_t>(DType::INT64, {3}, {(int64_t{1} << 40) + 5, -9, 10}), Array::Of<int64_t>(DType::INT64, {}, {7})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({((int64_t{1} << 40) + 5) % 7, 5, 3}));
  Model s = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT16, {2}), T(DType::INT16, {2}), T(DType::INT16, {2}));
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {2}, {-32768, 100}), Array::Of<int16_t>(DType::INT16, {2}, {1000, -7})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({232, -5}));
  Model b = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT8, {2}), T(DType::INT8, {2}), T(DType::INT8, {2}));
  out = RunOurs(b, {Array::Of<int8_t>(DType::INT8, {2}, {-128, 127}), Array::Of<int8_t>(DType::INT8, {2}, {-1, -10})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({0, -3}));
}

TEST(FloorMod, FloatZeroDivisorGivesNan) {
  Model f = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}), T(DType::FLOAT32, {1}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {1}, {3}), Array::Of<float>(DType::FLOAT32, {1}, {0})});
  EXPECT_TRUE(std::isnan(out[0].values<float>()[0]));
}

TEST(FloorMod, RejectsZeroDivisorsAndBadTypes) {
  Model i = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::INT32, {2}), T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2}, {1, 2}), Array::Of<int32_t>(DType::INT32, {2}, {1, 0})}), Error);
  Model u8 = BinaryModel(BuiltinOp::FLOOR_MOD, T(DType::UINT8, {2}), T(DType::UINT8, {2}), T(DType::UINT8, {2}));
  EXPECT_THROW(RunOurs(u8, testing::RandomInputs(u8, 1)), Error);
}

TEST(FloorMod, MatchesTfliteRuntime) {
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
    Model model = BinaryModel(BuiltinOp::FLOOR_MOD, T(c.dtype, c.a), T(c.dtype, c.b), T(c.dtype, c.out));
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
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " % " + ShapeString(c.b), model, inputs,
                      c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
    }
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
