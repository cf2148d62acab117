#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

Model Comparison(const testing::TensorSpec& a, const testing::TensorSpec& b, std::vector<int32_t> out_shape) {
  return BinaryModel(BuiltinOp::LESS, a, b, T(DType::BOOL, std::move(out_shape)));
}

TEST(Less, FloatAndInt) {
  // {1, 2, 3} against 2, broadcast.
  Model f = Comparison(T(DType::FLOAT32, {3}), T(DType::FLOAT32, {}), {3});
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {3}, {1, 2, 3}), Array::Of<float>(DType::FLOAT32, {}, {2})});
  EXPECT_EQ(out[0].dtype, DType::BOOL);
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 0}));
  Model l = Comparison(T(DType::INT64, {3}), T(DType::INT64, {}), {3});
  out = RunOurs(l, {Array::Of<int64_t>(DType::INT64, {3}, {1, 2, 3}), Array::Of<int64_t>(DType::INT64, {}, {2})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 0}));
  Model s = Comparison(T(DType::INT16, {3}), T(DType::INT16, {}), {3});
  out = RunOurs(s, {Array::Of<int16_t>(DType::INT16, {3}, {1, 2, 3}), Array::Of<int16_t>(DType::INT16, {}, {2})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 0}));
}

TEST(Less, Int8ComparesRealValues) {
  // Scales 0.5 and 0.25: q = {2, 4, 6} are 1.0, 2.0, 3.0; b = 8 is 2.0.
  Model m = Comparison(Q(DType::INT8, {3}, 0.5f, 0), Q(DType::INT8, {}, 0.25f, 0), {3});
  auto out = RunOurs(m, {Array::Of<int8_t>(DType::INT8, {3}, {2, 4, 6}), Array::Of<int8_t>(DType::INT8, {}, {8})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 0, 0}));
  // Zero points: uint8 130 at zero point 128 is 2 * 0.5 = 1.0 against 1.0.
  Model u = Comparison(Q(DType::UINT8, {1}, 0.5f, 128), Q(DType::UINT8, {1}, 0.5f, 0), {1});
  out = RunOurs(u, {Array::Of<uint8_t>(DType::UINT8, {1}, {130}), Array::Of<uint8_t>(DType::UINT8, {1}, {2})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({0}));
}

TEST(Less, RejectsBool) {
  Model b = Comparison(T(DType::BOOL, {2}), T(DType::BOOL, {2}), {2});
  EXPECT_THROW(RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(Less, RejectsBadInputs) {
  Model unquantized = Comparison(T(DType::INT8, {2}), T(DType::INT8, {2}), {2});
  EXPECT_THROW(RunOurs(unquantized, testing::RandomInputs(unquantized, 1)), Error);
  Model types = Comparison(T(DType::FLOAT32, {2}), T(DType::INT32, {2}), {2});
  EXPECT_THROW(RunOurs(types, testing::RandomInputs(types, 1)), Error);
  Model not_bool = BinaryModel(BuiltinOp::LESS, T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(not_bool, testing::RandomInputs(not_bool, 1)), Error);
  Model shapes = Comparison(T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {2}), {2, 3});
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
}

TEST(Less, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::LESS, /*equality=*/false));
}

}  // namespace
}  // namespace tfd
