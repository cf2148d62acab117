#include <cmath>

#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Cos, HandComputed) {
  Model m = UnaryModel(BuiltinOp::COS, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 2}, {0, 1, -2, 3.14159265f})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, std::cos(1.0f), std::cos(-2.0f), std::cos(3.14159265f)}));
}

TEST(Cos, RejectsOtherTypes) {
  Model m = UnaryModel(BuiltinOp::COS, T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model mixed = UnaryModel(BuiltinOp::COS, T(DType::FLOAT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(Cos, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatUnaryRuns(BuiltinOp::COS, -7, 7));
}

}  // namespace
}  // namespace tfd
