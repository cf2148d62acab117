#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Floor, HandComputed) {
  Model m = UnaryModel(BuiltinOp::FLOOR, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 2}, {1.5f, -1.5f, -0.0f, 7})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, -2, -0.0f, 7}));
}

TEST(Floor, RejectsOtherTypes) {
  Model m = UnaryModel(BuiltinOp::FLOOR, T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model mixed = UnaryModel(BuiltinOp::FLOOR, T(DType::FLOAT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(Floor, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatUnaryRuns(BuiltinOp::FLOOR, -5, 5));
}

}  // namespace
}  // namespace tfd
