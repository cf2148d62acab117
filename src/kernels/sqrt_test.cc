#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Sqrt, HandComputed) {
  Model m = UnaryModel(BuiltinOp::SQRT, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 2}, {4, 2.25f, 0, 100})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({2, 1.5f, 0, 10}));
}

TEST(Sqrt, RejectsOtherTypes) {
  Model m = UnaryModel(BuiltinOp::SQRT, T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model mixed = UnaryModel(BuiltinOp::SQRT, T(DType::FLOAT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(Sqrt, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatUnaryRuns(BuiltinOp::SQRT, 0, 10));
}

}  // namespace
}  // namespace tfd
