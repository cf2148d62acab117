#include <cmath>

#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Sin, HandComputed) {
  Model m = UnaryModel(BuiltinOp::SIN, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 2}, {0, 1, -2, 3.14159265f})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0, std::sin(1.0f), std::sin(-2.0f), std::sin(3.14159265f)}));
}

TEST(Sin, RejectsOtherTypes) {
  Model m = UnaryModel(BuiltinOp::SIN, T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model mixed = UnaryModel(BuiltinOp::SIN, T(DType::FLOAT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(Sin, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatUnaryRuns(BuiltinOp::SIN, -7, 7));
}

}  // namespace
}  // namespace tfd
