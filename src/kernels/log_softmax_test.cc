#include "kernels/internal/act_common.h"
#include "kernels/internal/act_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model LogSoftmax(const testing::TensorSpec& in, const testing::TensorSpec& out) {
  return acttest::Unary(BuiltinOp::LOG_SOFTMAX, in, out, tflite::LogSoftmaxOptionsT());
}

TEST(LogSoftmax, Float) {
  Model m = LogSoftmax(Spec(DType::FLOAT32, {2, 2}), Spec(DType::FLOAT32, {2, 2}));
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 2}, {1, 2, -5, -5})})[0].values<float>();
  EXPECT_NEAR(out[0], -1.3132616f, 1e-6);
  EXPECT_NEAR(out[1], -0.3132616f, 1e-6);
  EXPECT_NEAR(out[2], -0.6931472f, 1e-6);
  EXPECT_NEAR(out[3], -0.6931472f, 1e-6);
}

TEST(LogSoftmax, Int8) {
  // scale 0.1: log_softmax(0, 1, 2, 3) * 16 = -55.04, -39.04, -23.04, -7.04 -> + 127.
  Model m = LogSoftmax(Spec(DType::INT8, {1, 4}, 0.1f, 0), Spec(DType::INT8, {1, 4}, 16.0f / 256, 127));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1, 4}, {0, 10, 20, 30})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({72, 88, 104, 120}));
}

TEST(LogSoftmax, Uint8) {
  // scale 0.02: (0, 5.1, 2.56) -> -82.9, -1.3, -41.9 in 1/16 steps; three equal values -> -log(3) * 16 = -17.6.
  Model m = LogSoftmax(Spec(DType::UINT8, {2, 3}, 0.02f, 0), Spec(DType::UINT8, {2, 3}, 16.0f / 256, 255));
  auto out = testing::RunOurs(m, {Array::Of<uint8_t>(DType::UINT8, {2, 3}, {0, 255, 128, 7, 7, 7})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({172, 254, 213, 237, 237, 237}));
}

TEST(LogSoftmax, RejectsBadQuantization) {
  Model scale = LogSoftmax(Spec(DType::INT8, {1, 4}, 0.1f, 0), Spec(DType::INT8, {1, 4}, 1.0f / 256, 127));
  EXPECT_THROW(testing::RunOurs(scale, testing::RandomInputs(scale, 1)), Error);
  Model zp = LogSoftmax(Spec(DType::UINT8, {1, 4}, 0.1f, 0), Spec(DType::UINT8, {1, 4}, 16.0f / 256, 127));
  EXPECT_THROW(testing::RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model int16 = LogSoftmax(Spec(DType::INT16, {1, 4}, 0.1f, 0), Spec(DType::INT16, {1, 4}, 16.0f / 256, 0));
  EXPECT_THROW(testing::RunOurs(int16, testing::RandomInputs(int16, 1)), Error);
}

TEST(LogSoftmax, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  cases.push_back({"float", LogSoftmax(Spec(DType::FLOAT32, {3, 4, 13}), Spec(DType::FLOAT32, {3, 4, 13})),
                   {acttest::RandomFloats({3, 4, 13}, -8, 8, 9)}, Compare::Float(1e-6)});
  struct Q { DType t; float si; int64_t zi; std::vector<int32_t> shape; };
  uint64_t seed = 30;
  for (const Q& q : std::vector<Q>{{DType::INT8, 0.1f, 3, {8, 33}}, {DType::INT8, 0.03f, -10, {2, 2, 40}}, {DType::INT8, 0.5f, 0, {1, 10}},
                                   {DType::UINT8, 0.1f, 128, {8, 33}}, {DType::UINT8, 0.02f, 7, {3, 64}}, {DType::UINT8, 0.25f, 0, {5, 4}}}) {
    const act::IntRange r = act::QuantizedRange(q.t);
    cases.push_back({DTypeName(q.t) + " " + ShapeString(q.shape) + " scale " + std::to_string(q.si),
                     LogSoftmax(Spec(q.t, q.shape, q.si, q.zi), Spec(q.t, q.shape, 16.0f / 256, q.t == DType::INT8 ? 127 : 255)),
                     {acttest::RandomInts(q.t, q.shape, r.min, r.max, seed++)}});
  }
  acttest::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
