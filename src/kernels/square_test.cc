#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Square, HandComputed) {
  Model m = UnaryModel(BuiltinOp::SQUARE, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 2}, {1.5f, -2, 0, 3})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({2.25f, 4, 0, 9}));
}

TEST(Square, RejectsOtherTypes) {
  Model m = UnaryModel(BuiltinOp::SQUARE, Q(DType::INT8, {2}, 0.1f, 0), Q(DType::INT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model mixed = UnaryModel(BuiltinOp::SQUARE, T(DType::FLOAT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(mixed, testing::RandomInputs(mixed, 1)), Error);
}

TEST(Square, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(FloatUnaryRuns(BuiltinOp::SQUARE, -3, 3));
}


// float32 SQUARE in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK computes what TFLite does, so no flavor.
TEST(Square, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(
      {testing::xnnpack::FloatCase("float32", [] {
      testing::OpModel m(BuiltinOp::SQUARE);
      m.Input({DType::FLOAT32, {3, 256}});
      m.Output({DType::FLOAT32, {3, 256}});
      return m.Build();
    }(), -8.0f, 8.0f)});
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
