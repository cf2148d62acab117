#include "kernels/internal/act_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

TEST(ReluN1To1, FloatHandComputed) {
  Model m = acttest::Unary(BuiltinOp::RELU_N1_TO_1, Spec(DType::FLOAT32, {5}), Spec(DType::FLOAT32, {5}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {5}, {-3.5f, -1.0f, 0.25f, 1.0f, 6.5f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1.0f, -1.0f, 0.25f, 1.0f, 1.0f}));
}

TEST(ReluN1To1, Int8HandComputed) {
  // in: scale 0.02, zp 0; out: scale 1/128, zp 0 (so the bounds are -128 and 127 after clamping 128).
  // 10 (0.2) -> 25.6 -> 26; -60 (-1.2) -> -128; 60 (1.2) -> 127; -3 (-0.06) -> -7.68 -> -8.
  Model m = acttest::Unary(BuiltinOp::RELU_N1_TO_1, Spec(DType::INT8, {4}, 0.02f, 0), Spec(DType::INT8, {4}, 1.0f / 128, 0));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {4}, {10, -60, 60, -3})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({26, -128, 127, -8}));
}

TEST(ReluN1To1, RejectsInt16LikeTflite) {
  // TFLite has no int16 RELU_N1_TO_1 kernel ("Only float32, uint8, int8 supported").
  Model m = acttest::Unary(BuiltinOp::RELU_N1_TO_1, Spec(DType::INT16, {3}, 0.001f, 0), Spec(DType::INT16, {3}, 0.001f, 0));
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
}

TEST(ReluN1To1, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", acttest::Unary(BuiltinOp::RELU_N1_TO_1, Spec(DType::FLOAT32, {4, 4, 3}), Spec(DType::FLOAT32, {4, 4, 3})),
                   {acttest::RandomFloats({4, 4, 3}, -2, 2, 3)}, Compare::Float(1e-6)});
  struct Q { DType t; float si; int64_t zi; float so; int64_t zo; };
  const std::vector<Q> quantized = {
      {DType::INT8, 0.05f, 3, 0.03f, -20}, {DType::INT8, 0.01f, 0, 1.0f / 128, 0}, {DType::INT8, 0.02f, -7, 0.05f, 10},
      {DType::UINT8, 0.05f, 131, 0.03f, 108}, {DType::UINT8, 0.01f, 128, 1.0f / 128, 128}, {DType::UINT8, 0.07f, 148, 0.01f, 28}};
  for (const Q& q : quantized) {
    cases.push_back({DTypeName(q.t) + " " + std::to_string(q.si) + "->" + std::to_string(q.so),
                     acttest::Unary(BuiltinOp::RELU_N1_TO_1, Spec(q.t, {256}, q.si, q.zi), Spec(q.t, {256}, q.so, q.zo)),
                     {acttest::AllValues8(q.t)}});
  }
  acttest::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
