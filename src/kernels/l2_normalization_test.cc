#include "kernels/internal/act_common.h"
#include "kernels/internal/act_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model L2Norm(const testing::TensorSpec& in, const testing::TensorSpec& out,
             tflite::ActivationFunctionType act = tflite::ActivationFunctionType::NONE) {
  tflite::L2NormOptionsT o;
  o.fused_activation_function = act;
  return acttest::Unary(BuiltinOp::L2_NORMALIZATION, in, out, o);
}

TEST(L2Normalization, FloatWithEpsilon) {
  Model m = L2Norm(Spec(DType::FLOAT32, {2, 3}), Spec(DType::FLOAT32, {2, 3}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {3, 4, 0, 0, 0, 0})})[0].values<float>();
  EXPECT_FLOAT_EQ(out[0], 0.6f);
  EXPECT_FLOAT_EQ(out[1], 0.8f);
  // An all-zero row divides by the 1e-6 floor instead of 0.
  EXPECT_EQ(out[3], 0.0f);
}

TEST(L2Normalization, QuantizedHandComputed) {
  // (3, 4) / 5 = (0.6, 0.8) -> 76.8, 102.4 in 1/128 steps; an all-zero row stays 0.
  Model i8 = L2Norm(Spec(DType::INT8, {2, 2}, 0.1f, 0), Spec(DType::INT8, {2, 2}, 1.0f / 128, 0));
  auto o8 = testing::RunOurs(i8, {Array::Of<int8_t>(DType::INT8, {2, 2}, {3, 4, 0, 0})});
  EXPECT_EQ(o8[0].values<int8_t>(), std::vector<int8_t>({77, 102, 0, 0}));
  // uint8, zero point 128: differences (3, -4, 0) -> 128 + (76.8, -102.4, 0).
  Model u8 = L2Norm(Spec(DType::UINT8, {1, 3}, 0.1f, 128), Spec(DType::UINT8, {1, 3}, 1.0f / 128, 128));
  auto ou = testing::RunOurs(u8, {Array::Of<uint8_t>(DType::UINT8, {1, 3}, {131, 124, 128})});
  EXPECT_EQ(ou[0].values<uint8_t>(), std::vector<uint8_t>({205, 26, 128}));
}

TEST(L2Normalization, RejectsUnsupported) {
  Model act = L2Norm(Spec(DType::FLOAT32, {2, 3}), Spec(DType::FLOAT32, {2, 3}), tflite::ActivationFunctionType::RELU);
  EXPECT_THROW(testing::RunOurs(act, testing::RandomInputs(act, 1)), Error);
  Model scale = L2Norm(Spec(DType::INT8, {2, 3}, 0.1f, 0), Spec(DType::INT8, {2, 3}, 1.0f / 256, 0));
  EXPECT_THROW(testing::RunOurs(scale, testing::RandomInputs(scale, 1)), Error);
  Model zp = L2Norm(Spec(DType::UINT8, {2, 3}, 0.1f, 0), Spec(DType::UINT8, {2, 3}, 1.0f / 128, 0));
  EXPECT_THROW(testing::RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model rank5 = L2Norm(Spec(DType::FLOAT32, {1, 1, 1, 2, 3}), Spec(DType::FLOAT32, {1, 1, 1, 2, 3}));
  EXPECT_THROW(testing::RunOurs(rank5, testing::RandomInputs(rank5, 1)), Error);
}

TEST(L2Normalization, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", L2Norm(Spec(DType::FLOAT32, {2, 5, 16}), Spec(DType::FLOAT32, {2, 5, 16})),
                   {acttest::RandomFloats({2, 5, 16}, -3, 3, 11)}, Compare::Float(1e-6)});
  cases.push_back({"float 1-D", L2Norm(Spec(DType::FLOAT32, {100}), Spec(DType::FLOAT32, {100})),
                   {acttest::RandomFloats({100}, -1, 1, 12)}, Compare::Float(1e-6)});
  struct Q { DType t; int64_t zi; std::vector<int32_t> shape; int64_t lo, hi; };
  uint64_t seed = 40;
  // Narrow ranges give small sums of squares (large left shifts), wide ones big sums.
  for (const Q& q : std::vector<Q>{{DType::INT8, 0, {4, 16}, -128, 127}, {DType::INT8, -5, {2, 3, 64}, -128, 127},
                                   {DType::INT8, 3, {8, 3}, -6, 6}, {DType::INT8, 0, {1, 1, 2, 500}, -128, 127},
                                   {DType::UINT8, 128, {4, 16}, 0, 255}, {DType::UINT8, 100, {2, 3, 64}, 0, 255},
                                   {DType::UINT8, 128, {8, 3}, 124, 132}, {DType::UINT8, 0, {3, 1000}, 0, 255}}) {
    cases.push_back({DTypeName(q.t) + " " + ShapeString(q.shape) + " zp " + std::to_string(q.zi),
                     L2Norm(Spec(q.t, q.shape, 0.05f, q.zi), Spec(q.t, q.shape, 1.0f / 128, q.t == DType::UINT8 ? 128 : 0)),
                     {acttest::RandomInts(q.t, q.shape, q.lo, q.hi, seed++)}});
  }
  acttest::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
