#include "kernels/internal/act_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

TEST(Relu6, FloatHandComputed) {
  Model m = acttest::Unary(BuiltinOp::RELU6, Spec(DType::FLOAT32, {5}), Spec(DType::FLOAT32, {5}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {5}, {-3.5f, 0.0f, 2.25f, 6.0f, 6.5f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0.0f, 0.0f, 2.25f, 6.0f, 6.0f}));
}

TEST(Relu6, Int8ClampsAtSixInOutputUnits) {
  // in: scale 0.1, zp 0; out: scale 0.05, zp -128, so 6.0 is q = -128 + 120 = -8.
  // 70 (7.0) -> -8; 25 (2.5) -> -78; -5 -> -128; 3 (0.3) -> -122.
  Model m = acttest::Unary(BuiltinOp::RELU6, Spec(DType::INT8, {4}, 0.1f, 0), Spec(DType::INT8, {4}, 0.05f, -128));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {4}, {70, 25, -5, 3})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-8, -78, -128, -122}));
}

TEST(Relu6, Uint8UpperBoundRoundsLikeTflite) {
  // out scale 0.07: 6 / 0.07 = 85.71 -> 86 above zp 10, so the cap is 96.
  Model m = acttest::Unary(BuiltinOp::RELU6, Spec(DType::UINT8, {3}, 0.07f, 10), Spec(DType::UINT8, {3}, 0.07f, 10));
  auto out = testing::RunOurs(m, {Array::Of<uint8_t>(DType::UINT8, {3}, {255, 96, 95})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({96, 96, 95}));
}

TEST(Relu6, RejectsMissingQuantization) {
  Model m = acttest::Unary(BuiltinOp::RELU6, Spec(DType::UINT8, {3}, 0.1f, 0), Spec(DType::UINT8, {3}));
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
}

TEST(Relu6, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", acttest::Unary(BuiltinOp::RELU6, Spec(DType::FLOAT32, {3, 41}), Spec(DType::FLOAT32, {3, 41})),
                   {acttest::RandomFloats({3, 41}, -10, 10, 2)}, Compare::Float(1e-6)});
  struct Q { DType t; float si; int64_t zi; float so; int64_t zo; };
  const std::vector<Q> quantized = {
      {DType::INT8, 0.05f, 3, 0.03f, -20}, {DType::INT8, 0.1f, 0, 0.1f, 0}, {DType::INT8, 0.07f, 20, 0.01f, -100},
      {DType::INT8, 6.0f / 255, -128, 6.0f / 255, -128}, {DType::UINT8, 0.05f, 131, 0.03f, 108},
      {DType::UINT8, 0.1f, 128, 0.1f, 128}, {DType::UINT8, 6.0f / 255, 0, 0.02f, 0}};
  for (const Q& q : quantized) {
    cases.push_back({DTypeName(q.t) + " " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     acttest::Unary(BuiltinOp::RELU6, Spec(q.t, {256}, q.si, q.zi), Spec(q.t, {256}, q.so, q.zo)),
                     {acttest::AllValues8(q.t)}});
  }
  for (float so : {0.0003f, 0.0002f}) {
    Array sweep = acttest::Int16Sweep(5);
    cases.push_back({"int16 ->" + std::to_string(so),
                     acttest::Unary(BuiltinOp::RELU6, Spec(DType::INT16, sweep.shape, 0.0005f, 0), Spec(DType::INT16, sweep.shape, so, 0)),
                     {sweep}});
  }
  acttest::ExpectMatchesOracle(cases);
}


// float32 RELU6 in the xnnpack profile against the oracle, bit for bit: the
// delegate takes it and XNNPACK computes what TFLite does, so no flavor.
TEST(Relu6, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(
      {testing::xnnpack::FloatCase("float32", [] {
      testing::OpModel m(BuiltinOp::RELU6);
      m.Input({DType::FLOAT32, {3, 256}});
      m.Output({DType::FLOAT32, {3, 256}});
      return m.Build();
    }(), -8.0f, 8.0f)});
  EXPECT_EQ(tally.delegated, 1);
}

}  // namespace
}  // namespace tfd
