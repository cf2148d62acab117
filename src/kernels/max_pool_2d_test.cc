#include "graph/dtype.h"
#include "kernel_test_util.h"
#include "kernels/internal/conv_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using A = tflite::ActivationFunctionType;
using P = tflite::Padding;

tflite::Pool2DOptionsT Options(P padding, int fh, int fw, int sh, int sw, A act = A::NONE) {
  tflite::Pool2DOptionsT o;
  o.padding = padding;
  o.filter_height = fh;
  o.filter_width = fw;
  o.stride_h = sh;
  o.stride_w = sw;
  o.fused_activation_function = act;
  return o;
}

TEST(MaxPool2D, FloatSameIgnoresPaddingAndClampsWithActivation) {
  // All-negative 3x3 input, 2x2 SAME stride 2: padding is never read, so the
  // last window's maximum is -9 (not 0); RELU_N1_TO_1 then clamps to -1.
  OpModel m(BuiltinOp::MAX_POOL_2D);
  m.Input({DType::FLOAT32, {1, 3, 3, 1}});
  m.Output({DType::FLOAT32, {1, 2, 2, 1}});
  m.Options(Options(P::SAME, 2, 2, 2, 2));
  const std::vector<float> in = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 3, 3, 1}, in)});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1, -3, -7, -9}));
  m.Options(Options(P::SAME, 2, 2, 2, 2, A::RELU_N1_TO_1));
  out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {1, 3, 3, 1}, in)});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1, -1, -1, -1}));
}

TEST(MaxPool2D, Int8PerChannelMaxAndRelu) {
  // Two channels, one 1x2 window; RELU at zero point -10 clamps below -10.
  OpModel m(BuiltinOp::MAX_POOL_2D);
  m.Input({DType::INT8, {1, 1, 2, 2}, 0.1f, -10});
  m.Output({DType::INT8, {1, 1, 1, 2}, 0.1f, -10});
  m.Options(Options(P::VALID, 1, 2, 1, 2, A::RELU));
  auto out = testing::RunOurs(m.Build(), {Array::Of<int8_t>(DType::INT8, {1, 1, 2, 2}, {5, -100, 7, -50})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({7, -10}));
}

TEST(MaxPool2D, RejectsBadInputs) {
  auto run = [](const Model& model) { testing::RunOurs(model, testing::RandomInputs(model, 1)); };
  {
    OpModel m(BuiltinOp::MAX_POOL_2D);
    m.Input({DType::FLOAT32, {1, 4, 4, 1}});
    m.Output({DType::FLOAT32, {1, 2, 2, 1}});
    m.Options(Options(P::VALID, 2, 2, 0, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {
    OpModel m(BuiltinOp::MAX_POOL_2D);
    m.Input({DType::INT8, {1, 4, 4, 1}});  // no quantization
    m.Output({DType::INT8, {1, 2, 2, 1}});
    m.Options(Options(P::VALID, 2, 2, 2, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {
    OpModel m(BuiltinOp::MAX_POOL_2D);
    m.Input({DType::INT16, {1, 4, 4, 1}, 0.1f, 3});  // int16 needs zero point 0
    m.Output({DType::INT16, {1, 2, 2, 1}, 0.1f, 3});
    m.Options(Options(P::VALID, 2, 2, 2, 2));
    EXPECT_THROW(run(m.Build()), Error);
  }
}

TEST(MaxPool2D, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<conv_testing::OracleCase> cases;
  const BuiltinOp op = BuiltinOp::MAX_POOL_2D;
  for (DType t : {DType::FLOAT32, DType::UINT8, DType::INT8, DType::INT16}) {
    const std::string n = DTypeName(t);
    cases.push_back(conv_testing::MakePoolCase(op, n + " same 3x3 s2", t, {1, 9, 8, 3}, P::SAME, 3, 3, 2, 2, A::NONE, 81));
    cases.push_back(conv_testing::MakePoolCase(op, n + " valid 2x2 relu6", t, {2, 6, 6, 4}, P::VALID, 2, 2, 2, 2, A::RELU6, 82));
    cases.push_back(conv_testing::MakePoolCase(op, n + " same 2x3 s1 relu", t, {1, 5, 6, 2}, P::SAME, 2, 3, 1, 1, A::RELU, 83));
  }
  conv_testing::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
