#include <cmath>

#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Log, HandComputed) {
  Model m = UnaryModel(BuiltinOp::LOG, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 2}, {1, 0.5f, 8, 1e-3f})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0, std::log(0.5f), std::log(8.0f), std::log(1e-3f)}));
}

TEST(Log, RejectsOtherTypes) {
  Model m = UnaryModel(BuiltinOp::LOG, Q(DType::INT8, {2}, 0.1f, 0), Q(DType::INT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model mixed = UnaryModel(BuiltinOp::LOG, T(DType::FLOAT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(Log, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatUnaryRuns(BuiltinOp::LOG, 0.01, 20));
}

}  // namespace
}  // namespace tfd
