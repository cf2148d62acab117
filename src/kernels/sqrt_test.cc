#include "kernels/internal/elementwise_testing.h"
#include "xnnpack_test_util.h"

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


// float32 SQRT in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK computes what TFLite does, so no flavor.
TEST(Sqrt, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(
      {testing::xnnpack::FloatCase("float32", [] {
      testing::OpModel m(BuiltinOp::SQRT);
      m.Input({DType::FLOAT32, {3, 256}});
      m.Output({DType::FLOAT32, {3, 256}});
      return m.Build();
    }(), 0.0f, 8.0f)});
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
