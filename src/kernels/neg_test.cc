#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Neg, HandComputed) {
  Model f = UnaryModel(BuiltinOp::NEG, T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {2}, {1.5f, -2})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1.5f, 2}));
  Model i = UnaryModel(BuiltinOp::NEG, T(DType::INT32, {2}), T(DType::INT32, {2}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2}, {7, INT32_MIN})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({-7, INT32_MIN}));
  Model l = UnaryModel(BuiltinOp::NEG, T(DType::INT64, {2}), T(DType::INT64, {2}));
  out = RunOurs(l, {Array::Of<int64_t>(DType::INT64, {2}, {int64_t{1} << 40, -3})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({-(int64_t{1} << 40), 3}));
  // int8: (zero points 5 + -20) - q, clamped.
  Model q = UnaryModel(BuiltinOp::NEG, Q(DType::INT8, {3}, 0.1f, 5), Q(DType::INT8, {3}, 0.1f, -20));
  out = RunOurs(q, {Array::Of<int8_t>(DType::INT8, {3}, {5, 15, -128})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-20, -30, 113}));
}

TEST(Neg, RejectsBadInputs) {
  Model scales = UnaryModel(BuiltinOp::NEG, Q(DType::INT8, {2}, 0.1f, 0), Q(DType::INT8, {2}, 0.2f, 0));
  EXPECT_THROW(RunOurs(scales, testing::RandomInputs(scales, 1)), Error);
  Model u8 = UnaryModel(BuiltinOp::NEG, Q(DType::UINT8, {2}, 0.1f, 0), Q(DType::UINT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(u8, testing::RandomInputs(u8, 1)), Error);
}

// The oracle's TFLite predates int8 NEG (checked by hand above).
TEST(Neg, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleRun> runs = FloatUnaryRuns(BuiltinOp::NEG, -3, 3);
  for (std::vector<int32_t> shape : {std::vector<int32_t>{5}, {2, 3, 4}}) {
    Model i = UnaryModel(BuiltinOp::NEG, T(DType::INT32, shape), T(DType::INT32, shape));
    runs.push_back({"int32 " + ShapeString(shape), i, {Array::Of<int32_t>(DType::INT32, shape, Spread<int32_t>(Count(shape), -1000, 1000, 4))}});
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
