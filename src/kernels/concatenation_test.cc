#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using testing::shape::Compare;
using testing::shape::OracleCase;
using testing::shape::Spec;
using Act = tflite::ActivationFunctionType;

Model ConcatModel(std::vector<TensorSpec> inputs, TensorSpec out, int axis, Act act = Act::NONE) {
  OpModel m(BuiltinOp::CONCATENATION);
  for (const auto& s : inputs) m.Input(s);
  m.Output(out);
  tflite::ConcatenationOptionsT o;
  o.axis = axis;
  o.fused_activation_function = act;
  m.Options(o);
  return m.Build();
}

TEST(Concatenation, FloatAlongMiddleAxis) {
  Model m = ConcatModel({{DType::FLOAT32, {2, 1, 2}}, {DType::FLOAT32, {2, 2, 2}}}, {DType::FLOAT32, {2, 3, 2}}, -2);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 1, 2}, {1, 2, 3, 4}),
                                  Array::Of<float>(DType::FLOAT32, {2, 2, 2}, {5, 6, 7, 8, 9, 10, 11, 12})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 3, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}));
}

TEST(Concatenation, FloatRelu6) {
  Model m = ConcatModel({{DType::FLOAT32, {2}}, {DType::FLOAT32, {1}}}, {DType::FLOAT32, {3}}, 0, Act::RELU6);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2}, {-1, 7}), Array::Of<float>(DType::FLOAT32, {1}, {2.5f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0, 6, 2.5f}));
}

TEST(Concatenation, Uint8Requantizes) {
  // Input 1: scale 0.5, zp 10; output: scale 1, zp 0. q=20 -> 0.5*(20-10)=5 -> 5.
  // q=13 -> 1.5 -> round half away -> 2; q=0 -> -5 -> clamped to 0.
  TensorSpec a{DType::UINT8, {2}, 1.0f, 0}, b{DType::UINT8, {3}, 0.5f, 10}, out{DType::UINT8, {5}, 1.0f, 0};
  auto r = testing::RunOurs(ConcatModel({a, b}, out, 0),
                            {Array::Of<uint8_t>(DType::UINT8, {2}, {7, 255}), Array::Of<uint8_t>(DType::UINT8, {3}, {20, 13, 0})});
  EXPECT_EQ(r[0].values<uint8_t>(), std::vector<uint8_t>({7, 255, 5, 2, 0}));
}

TEST(Concatenation, Int8RequantizesAndInt64Copies) {
  TensorSpec a{DType::INT8, {1}, 0.25f, -4}, out{DType::INT8, {2}, 0.5f, 3};
  // 0.25 * (8 - -4) = 3 -> 3 / 0.5 + 3 = 9; 0.25*(-128+4) = -31 -> -62+3 = -59.
  auto r = testing::RunOurs(ConcatModel({a, a}, out, 0),
                            {Array::Of<int8_t>(DType::INT8, {1}, {8}), Array::Of<int8_t>(DType::INT8, {1}, {-128})});
  EXPECT_EQ(r[0].values<int8_t>(), std::vector<int8_t>({9, -59}));
  Model m = ConcatModel({{DType::INT64, {1, 1}}, {DType::INT64, {1, 2}}}, {DType::INT64, {1, 3}}, 1);
  auto r64 = testing::RunOurs(m, {Array::Of<int64_t>(DType::INT64, {1, 1}, {1LL << 41}),
                                  Array::Of<int64_t>(DType::INT64, {1, 2}, {-1, 1LL << 33})});
  EXPECT_EQ(r64[0].values<int64_t>(), std::vector<int64_t>({1LL << 41, -1, 1LL << 33}));
}

TEST(Concatenation, ScalarsAndEmptyInputs) {
  Model s = ConcatModel({{DType::INT32, {}}, {DType::INT32, {}}, {DType::INT32, {}}}, {DType::INT32, {3}}, 0);
  auto r = testing::RunOurs(s, {Array::Of<int32_t>(DType::INT32, {}, {4}), Array::Of<int32_t>(DType::INT32, {}, {5}),
                                Array::Of<int32_t>(DType::INT32, {}, {6})});
  EXPECT_EQ(r[0].values<int32_t>(), std::vector<int32_t>({4, 5, 6}));
  Model e = ConcatModel({{DType::FLOAT32, {2, 0}}, {DType::FLOAT32, {2, 1}}}, {DType::FLOAT32, {2, 1}}, 1);
  auto re = testing::RunOurs(e, {Array::Of<float>(DType::FLOAT32, {2, 0}, {}), Array::Of<float>(DType::FLOAT32, {2, 1}, {1, 2})});
  EXPECT_EQ(re[0].values<float>(), std::vector<float>({1, 2}));
}

TEST(Concatenation, RejectsMismatches) {
  Model shape = ConcatModel({{DType::FLOAT32, {2, 2}}, {DType::FLOAT32, {3, 2}}}, {DType::FLOAT32, {2, 4}}, 1);
  EXPECT_THROW(testing::RunOurs(shape, testing::RandomInputs(shape, 1)), Error);
  Model rank = ConcatModel({{DType::FLOAT32, {2, 2}}, {DType::FLOAT32, {2}}}, {DType::FLOAT32, {2, 3}}, 1);
  EXPECT_THROW(testing::RunOurs(rank, testing::RandomInputs(rank, 1)), Error);
  Model type = ConcatModel({{DType::FLOAT32, {2}}, {DType::INT32, {2}}}, {DType::FLOAT32, {4}}, 0);
  EXPECT_THROW(testing::RunOurs(type, testing::RandomInputs(type, 1)), Error);
  Model axis = ConcatModel({{DType::FLOAT32, {2}}, {DType::FLOAT32, {2}}}, {DType::FLOAT32, {4}}, 1);
  EXPECT_THROW(testing::RunOurs(axis, testing::RandomInputs(axis, 1)), Error);
  Model act = ConcatModel({{DType::INT32, {2}}, {DType::INT32, {2}}}, {DType::INT32, {4}}, 0, Act::RELU);
  EXPECT_THROW(testing::RunOurs(act, testing::RandomInputs(act, 1)), Error);
  Model zp = ConcatModel({{DType::INT16, {2}, 0.1f, 3}, {DType::INT16, {2}, 0.1f, 0}}, {DType::INT16, {4}, 0.1f, 0}, 0);
  EXPECT_THROW(testing::RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
}

TEST(Concatenation, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL}) {
    cases.push_back({"last axis " + DTypeName(t),
                     ConcatModel({Spec(t, {1, 4, 4, 3}), Spec(t, {1, 4, 4, 5})}, Spec(t, {1, 4, 4, 8}), 3)});
    cases.push_back({"axis 0 " + DTypeName(t), ConcatModel({Spec(t, {2, 3}), Spec(t, {1, 3}), Spec(t, {4, 3})}, Spec(t, {7, 3}), 0)});
  }
  cases.push_back({"negative axis", ConcatModel({Spec(DType::FLOAT32, {2, 3, 2}), Spec(DType::FLOAT32, {2, 1, 2})},
                                                Spec(DType::FLOAT32, {2, 4, 2}), -2)});
  cases.push_back({"single input", ConcatModel({Spec(DType::INT8, {3, 2})}, Spec(DType::INT8, {3, 2}), 1)});
  cases.push_back({"five inputs", ConcatModel({Spec(DType::FLOAT32, {2, 1}), Spec(DType::FLOAT32, {2, 2}), Spec(DType::FLOAT32, {2, 1}),
                                               Spec(DType::FLOAT32, {2, 3}), Spec(DType::FLOAT32, {2, 1})},
                                              Spec(DType::FLOAT32, {2, 8}), 1)});
  // uint8 with different input scales and zero points: requantized. Five
  // inputs, because the oracle's XNNPACK delegate takes 2 to 4-input
  // concatenations and copies the bytes without requantizing (TFLite's own
  // kernel, which runs for five, requantizes).
  cases.push_back({"uint8 rescale", ConcatModel({{DType::UINT8, {1, 3, 3, 2}, 0.02f, 100}, {DType::UINT8, {1, 3, 3, 4}, 0.05f, 7},
                                                 {DType::UINT8, {1, 3, 3, 1}, 0.03f, 128}, {DType::UINT8, {1, 3, 3, 3}, 0.1f, 0},
                                                 {DType::UINT8, {1, 3, 3, 2}, 0.0031f, 255}},
                                                {DType::UINT8, {1, 3, 3, 12}, 0.03f, 128}, 3)});
  cases.push_back({"uint8 rescale axis 0", ConcatModel({{DType::UINT8, {4, 5}, 0.04f, 120}, {DType::UINT8, {2, 5}, 0.013f, 3},
                                                        {DType::UINT8, {1, 5}, 0.04f, 120}, {DType::UINT8, {1, 5}, 0.5f, 128},
                                                        {DType::UINT8, {3, 5}, 0.02f, 60}},
                                                       {DType::UINT8, {11, 5}, 0.04f, 120}, 0)});
  testing::shape::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit CONCATENATION against the oracle, whole ranges, three seeds: two to
// five inputs, of the output's quantization or not. The runtime's XNNPACK
// delegate copies bytes even where the quantizations differ (uint8; int8
// such nodes TFLite refuses before delegating, so they are left out); past
// four inputs it leaves the node to TFLite, which requantizes.
TEST(Concatenation, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {I8, U8}) {
    const int64_t zp = t == I8 ? -7 : 130;
    for (int inputs : {2, 3, 4, 5})
      for (float other_scale : {0.05f, 0.08f}) {
        if (t == I8 && other_scale != 0.05f) continue;
        OpModel m(BuiltinOp::CONCATENATION);
        for (int i = 0; i < inputs; ++i) m.Input({t, {1, 4, 4, 2 + i}, i == 1 ? other_scale : 0.05f, zp});
        m.Output({t, {1, 4, 4, 2 * inputs + inputs * (inputs - 1) / 2}, 0.05f, zp});
        tflite::ConcatenationOptionsT o;
        o.axis = 3;
        m.Options(o);
        cases.push_back(testing::xnnpack::RandomCase(
            std::string(DTypeName(t)) + " " + std::to_string(inputs) + " inputs, scale " + std::to_string(other_scale),
            m.Build()));
      }
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 9);
  EXPECT_EQ(tally.declined, 3);
  EXPECT_GT(tally.reference_differences, 0);
}

}  // namespace
}  // namespace tfd
