#include "graph/dtype.h"
#include "kernel_test_util.h"
#include "kernels/internal/conv_testing.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using conv_testing::PoolModel;
using conv_testing::PoolOptions;
using testing::Array;
using A = tflite::ActivationFunctionType;
using P = tflite::Padding;

constexpr BuiltinOp kOp = BuiltinOp::MAX_POOL_2D;

TEST(MaxPool2D, FloatSameIgnoresPaddingAndClampsWithActivation) {
  // All-negative 3x3 input, 2x2 SAME stride 2: padding is never read, so the
  // last window's maximum is -9 (not 0); RELU_N1_TO_1 then clamps to -1.
  const testing::TensorSpec in_spec{DType::FLOAT32, {1, 3, 3, 1}}, out_spec{DType::FLOAT32, {1, 2, 2, 1}};
  const std::vector<float> in = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
  auto out = testing::RunOurs(PoolModel(kOp, in_spec, out_spec, PoolOptions(P::SAME, 2, 2, 2, 2)),
                              {Array::Of<float>(DType::FLOAT32, {1, 3, 3, 1}, in)});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1, -3, -7, -9}));
  out = testing::RunOurs(PoolModel(kOp, in_spec, out_spec, PoolOptions(P::SAME, 2, 2, 2, 2, A::RELU_N1_TO_1)),
                         {Array::Of<float>(DType::FLOAT32, {1, 3, 3, 1}, in)});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1, -1, -1, -1}));
}

TEST(MaxPool2D, Int8PerChannelMaxAndRelu) {
  // Two channels, one 1x2 window; RELU at zero point -10 clamps below -10.
  Model m = PoolModel(kOp, {DType::INT8, {1, 1, 2, 2}, 0.1f, -10}, {DType::INT8, {1, 1, 1, 2}, 0.1f, -10},
                      PoolOptions(P::VALID, 1, 2, 1, 2, A::RELU));
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1, 1, 2, 2}, {5, -100, 7, -50})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({7, -10}));
}

TEST(MaxPool2D, RejectsBadInputs) {
  auto refused = [](const Model& model) { EXPECT_THROW(testing::RunOurs(model, testing::RandomInputs(model, 1)), Error); };
  refused(PoolModel(kOp, {DType::FLOAT32, {1, 4, 4, 1}}, {DType::FLOAT32, {1, 2, 2, 1}}, PoolOptions(P::VALID, 2, 2, 0, 2)));
  // No quantization.
  refused(PoolModel(kOp, {DType::INT8, {1, 4, 4, 1}}, {DType::INT8, {1, 2, 2, 1}}, PoolOptions(P::VALID, 2, 2, 2, 2)));
  // int16 needs zero point 0.
  refused(PoolModel(kOp, {DType::INT16, {1, 4, 4, 1}, 0.1f, 3}, {DType::INT16, {1, 2, 2, 1}, 0.1f, 3},
                    PoolOptions(P::VALID, 2, 2, 2, 2)));
}

TEST(MaxPool2D, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<conv_testing::OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::UINT8, DType::INT8, DType::INT16}) {
    const std::string n = DTypeName(t);
    cases.push_back(conv_testing::MakePoolCase(kOp, n + " same 3x3 s2", t, {1, 9, 8, 3}, P::SAME, 3, 3, 2, 2, A::NONE, 81));
    cases.push_back(conv_testing::MakePoolCase(kOp, n + " valid 2x2 relu6", t, {2, 6, 6, 4}, P::VALID, 2, 2, 2, 2, A::RELU6, 82));
    cases.push_back(conv_testing::MakePoolCase(kOp, n + " same 2x3 s1 relu", t, {1, 5, 6, 2}, P::SAME, 2, 3, 1, 1, A::RELU, 83));
  }
  conv_testing::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit max pooling against the oracle over whole ranges, three seeds: the
// delegate takes it and XNNPACK's max equals TFLite's, so no flavor.
TEST(MaxPool2D, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  using testing::xnnpack::RandomCase;
  for (DType t : {I8, U8}) {
    const int64_t zp = t == I8 ? -3 : 125;
    cases.push_back(RandomCase("2x2 s2 valid", PoolModel(kOp, {t, {1, 8, 8, 12}, 0.05f, zp}, {t, {1, 4, 4, 12}, 0.05f, zp},
                                                         PoolOptions(P::VALID, 2, 2, 2, 2))));
    cases.push_back(RandomCase("3x3 s1 same relu6", PoolModel(kOp, {t, {1, 8, 8, 12}, 0.05f, zp}, {t, {1, 8, 8, 12}, 0.05f, zp},
                                                              PoolOptions(P::SAME, 3, 3, 1, 1, A::RELU6))));
    cases.push_back(RandomCase("3x3 s2 same", PoolModel(kOp, {t, {1, 8, 8, 12}, 0.05f, zp}, {t, {1, 4, 4, 12}, 0.05f, zp},
                                                        PoolOptions(P::SAME, 3, 3, 2, 2))));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 6);
}

}  // namespace
}  // namespace tfd
