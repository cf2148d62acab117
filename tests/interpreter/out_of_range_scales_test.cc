// Quantization parameters that take a kernel's float arithmetic out of int32:
// an output scale 1e-30 or 1e-9 times the input's, as a hostile or broken
// model can carry. TFLite converts such a float with a plain cast to int32,
// which C++ leaves undefined; the runtime's x86 and WebAssembly builds give
// INT32_MIN, and the zero point added to it wraps. Our kernels compute the
// same without undefined behaviour (UBSan runs these in CI): the values are
// checked by hand where the arithmetic is plain, and every case against the
// runtime.
#include "kernel_test_util.h"
#include "kernels/internal/elementwise_testing.h"
#include "kernels/internal/quant_math.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using A = tflite::ActivationFunctionType;

// An int8 tensor spec unless told otherwise.
TensorSpec Q(std::vector<int32_t> shape, float scale, int64_t zero_point, DType dtype = DType::INT8) {
  return testing::elementwise::Q(dtype, std::move(shape), scale, zero_point);
}

struct Case {
  std::string name;
  Model model;
  std::vector<Array> inputs;
  std::vector<uint8_t> expected;  // the reference profile's output bytes, where worked out by hand
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  {  // SUM rescales 1 -> 1e-30: 2e30 converts to INT32_MIN, plus 3 is 0x80000003, stored as int8 without a clamp: 3.
    OpModel m(BuiltinOp::SUM);
    m.Input(Q({2}, 1.0f, 0));
    m.Const<int32_t>({DType::INT32, {1}}, {0});
    m.Output(Q({1}, 1e-30f, 3));
    tflite::ReducerOptionsT o;
    o.keep_dims = false;
    m.Options(o);
    cases.push_back({"sum", m.Build(), {Array::Of<int8_t>(DType::INT8, {2}, {1, 1})}, {3}});
  }
  {  // uint8 CONCATENATION requantizes 1 -> 1e-30: +-1e30 give INT32_MIN + 7, clamped to 0; the input zero point gives 7.
    const DType u8 = DType::UINT8;
    OpModel m(BuiltinOp::CONCATENATION);
    m.Input(Q({2}, 1.0f, 128, u8));
    m.Input(Q({2}, 1.0f, 128, u8));
    m.Output(Q({4}, 1e-30f, 7, u8));
    tflite::ConcatenationOptionsT o;
    o.axis = 0;
    m.Options(o);
    cases.push_back({"concatenation", m.Build(),
                     {Array::Of<uint8_t>(u8, {2}, {129, 127}), Array::Of<uint8_t>(u8, {2}, {128, 130})},
                     {0, 0, 7, 0}});
  }
  {  // RELU6 at scale 1e-9: 6 / 1e-9 is out of int32, so its upper bound wraps below its lower one.
    OpModel m(BuiltinOp::RELU6);
    m.Input(Q({4}, 1e-9f, 0));
    m.Output(Q({4}, 1e-9f, 5));
    cases.push_back({"relu6", m.Build(), {Array::Of<int8_t>(DType::INT8, {4}, {-3, 0, 7, 100})}, {}});
  }
  {  // MUL with a fused RELU6 at output scale 1e-9: 6 / 1e-9 is no int32, and TFLite refuses the node.
    OpModel m(BuiltinOp::MUL);
    m.Input(Q({4}, 1.0f, 0));
    m.Input(Q({4}, 1.0f, 0));
    m.Output(Q({4}, 1e-9f, 0));
    tflite::MulOptionsT o;
    o.fused_activation_function = A::RELU6;
    m.Options(o);
    cases.push_back({"mul relu6", m.Build(),
                     {Array::Of<int8_t>(DType::INT8, {4}, {1, -2, 0, 3}), Array::Of<int8_t>(DType::INT8, {4}, {1, 1, 1, 1})},
                     {}});
  }
  {  // The same where 6 / scale is 2^31 exactly: TFLite accepts it, and the upper bound wraps to INT32_MIN.
    OpModel m(BuiltinOp::MUL);
    m.Input(Q({4}, 1.0f, 0));
    m.Input(Q({4}, 1.0f, 0));
    m.Output(Q({4}, 6.0f / 2147483648.0f, 0));
    tflite::MulOptionsT o;
    o.fused_activation_function = A::RELU6;
    m.Options(o);
    cases.push_back({"mul relu6 at 2^31", m.Build(),
                     {Array::Of<int8_t>(DType::INT8, {4}, {1, -2, 0, 3}), Array::Of<int8_t>(DType::INT8, {4}, {1, 1, 1, 1})},
                     {}});
  }
  {  // uint8 SOFTMAX whose output scale is 1e-30: probabilities of 1e29 and more.
    OpModel m(BuiltinOp::SOFTMAX);
    m.Input(Q({1, 4}, 0.1f, 128, DType::UINT8));
    m.Output(Q({1, 4}, 1e-30f, 0, DType::UINT8));
    tflite::SoftmaxOptionsT o;
    o.beta = 1.0f;
    m.Options(o);
    cases.push_back({"softmax uint8", m.Build(), {Array::Of<uint8_t>(DType::UINT8, {1, 4}, {0, 128, 200, 255})}, {}});
  }
  return cases;
}

TEST(OutOfRangeScales, ConversionsWrapAsTheRuntime) {
  EXPECT_EQ(qmath::WrappingAdd(INT32_MIN, -1), INT32_MAX);
  EXPECT_EQ(qmath::WrappingAdd(INT32_MAX, 1), INT32_MIN);
  EXPECT_EQ(qmath::WrappingAdd(qmath::RoundToInt32(2e30f), 3), INT32_MIN + 3);
}

TEST(OutOfRangeScales, HandComputedValues) {
  for (const Case& c : Cases()) {
    if (c.expected.empty()) continue;
    SCOPED_TRACE(c.name);
    const auto out = testing::RunOurs(c.model, c.inputs, Arithmetic::kReference);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].bytes, c.expected);
  }
}

// A fused activation's bound must be an int32 at the output's scale, as
// TFLite's CalculateActivationRangeQuantized requires: 6 / 1e-9 is not;
// 2^31 itself passes (TFLite compares with INT32_MAX as a float) and wraps.
TEST(OutOfRangeScales, FusedActivationBoundOutsideInt32IsRefused) {
  for (float scale : {1e-9f, 2.0f / 2147483648.0f, 6.0f / 2147483648.0f}) {
    OpModel m(BuiltinOp::MUL);
    m.Input(Q({1}, 1.0f, 0));
    m.Input(Q({1}, 1.0f, 0));
    m.Output(Q({1}, scale, 0));
    tflite::MulOptionsT o;
    o.fused_activation_function = A::RELU6;
    m.Options(o);
    const Model model = m.Build();
    const std::vector<Array> in = {Array::Of<int8_t>(DType::INT8, {1}, {1}), Array::Of<int8_t>(DType::INT8, {1}, {1})};
    if (scale == 6.0f / 2147483648.0f) {
      // 6 / scale is 2^31 exactly: accepted, the bound wraps to INT32_MIN, below qmin: every output is clamped to it.
      EXPECT_NO_THROW(testing::RunOurs(model, in, Arithmetic::kReference));
    } else {
      try {
        testing::RunOurs(model, in, Arithmetic::kReference);
        ADD_FAILURE() << "scale " << scale << " accepted";
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("outside int32"), std::string::npos) << e.what();
      }
    }
  }
}

// Each case in both profiles against the runtime (whose CPU path is
// XNNPACK's where the delegate takes the node, TFLite's kernels elsewhere:
// our xnnpack profile). A case the runtime refuses must be refused by us too.
TEST(OutOfRangeScales, MatchTheRuntime) {
  TFD_REQUIRE_ORACLE();
  const auto cases = Cases();
  testing::OracleBatch oracle;
  std::vector<int> ids;
  for (const Case& c : cases) ids.push_back(oracle.Add(c.model, c.inputs));
  oracle.Run();
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    if (!oracle.ok(ids[i])) {
      EXPECT_THROW(testing::RunOurs(cases[i].model, cases[i].inputs, Arithmetic::kXnnpack), Error)
          << "the runtime refuses: " << oracle.error(ids[i]);
      continue;
    }
    const auto ours = testing::RunOurs(cases[i].model, cases[i].inputs, Arithmetic::kXnnpack);
    ASSERT_EQ(ours.size(), 1u);
    EXPECT_EQ(ours[0].bytes, oracle.outputs(ids[i])[0].bytes);
  }
}

}  // namespace
}  // namespace tfd
