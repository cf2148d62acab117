#include "kernels/internal/act_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;
using testing::OpModel;

TEST(Prelu, FloatPerChannelAlpha) {
  OpModel m(BuiltinOp::PRELU);
  m.Input(Spec(DType::FLOAT32, {2, 3}));
  m.Const<float>(Spec(DType::FLOAT32, {3}), {0.5f, -1.0f, 2.0f});
  m.Output(Spec(DType::FLOAT32, {2, 3}));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {2, 3}, {-2, -2, -2, 4, 0, -0.5f})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1, 2, -4, 4, 0, -1}));
}

TEST(Prelu, Int8HandComputed) {
  // in: scale 0.5; alpha: scale 0.01, q 25 (0.25) and q -50 (-0.5); out: scale 0.25.
  // -8 (-4.0) * 0.25 = -1.0 -> -4; -8 * -0.5 = 2.0 -> 8; 6 (3.0) -> 12; -3 (-1.5) * -0.5 = 0.75 -> 3.
  OpModel m(BuiltinOp::PRELU);
  m.Input(Spec(DType::INT8, {2, 2}, 0.5f, 0));
  m.Input(Spec(DType::INT8, {2}, 0.01f, 0));
  m.Output(Spec(DType::INT8, {2, 2}, 0.25f, 0));
  auto out = testing::RunOurs(m.Build(), {Array::Of<int8_t>(DType::INT8, {2, 2}, {-8, -8, 6, -3}),
                                          Array::Of<int8_t>(DType::INT8, {2}, {25, -50})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-4, 8, 12, 3}));
}

TEST(Prelu, RejectsBadInputs) {
  // alpha that would broadcast the input to a bigger shape.
  OpModel grow(BuiltinOp::PRELU);
  grow.Input(Spec(DType::FLOAT32, {1, 3}));
  grow.Input(Spec(DType::FLOAT32, {2, 3}));
  grow.Output(Spec(DType::FLOAT32, {2, 3}));
  Model g = grow.Build();
  EXPECT_THROW(testing::RunOurs(g, testing::RandomInputs(g, 1)), Error);
  // Incompatible shapes.
  OpModel bad(BuiltinOp::PRELU);
  bad.Input(Spec(DType::FLOAT32, {2, 3}));
  bad.Input(Spec(DType::FLOAT32, {2}));
  bad.Output(Spec(DType::FLOAT32, {2, 3}));
  Model b = bad.Build();
  EXPECT_THROW(testing::RunOurs(b, testing::RandomInputs(b, 1)), Error);
  // Mixed types, and int16 (TFLite has no int16 PRELU).
  OpModel mixed(BuiltinOp::PRELU);
  mixed.Input(Spec(DType::INT8, {3}, 0.1f, 0));
  mixed.Input(Spec(DType::UINT8, {3}, 0.1f, 0));
  mixed.Output(Spec(DType::INT8, {3}, 0.1f, 0));
  Model x = mixed.Build();
  EXPECT_THROW(testing::RunOurs(x, testing::RandomInputs(x, 1)), Error);
  OpModel i16(BuiltinOp::PRELU);
  i16.Input(Spec(DType::INT16, {3}, 0.1f, 0));
  i16.Input(Spec(DType::INT16, {3}, 0.1f, 0));
  i16.Output(Spec(DType::INT16, {3}, 0.1f, 0));
  Model y = i16.Build();
  EXPECT_THROW(testing::RunOurs(y, testing::RandomInputs(y, 1)), Error);
}

TEST(Prelu, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  struct Shapes { std::vector<int32_t> in, alpha; bool const_alpha; };
  const std::vector<Shapes> shapes = {{{2, 3, 4, 5}, {5}, true},       {{1, 4, 4, 3}, {1, 1, 3}, true},
                                      {{2, 3, 4, 5}, {1, 1, 5}, false}, {{4, 6}, {4, 6}, false},
                                      {{1, 3, 3, 4}, {3, 1, 4}, true},  {{2, 2, 3, 2, 3}, {3}, false}};
  uint64_t seed = 10;
  for (const Shapes& s : shapes) {
    // float: a constant per-channel alpha is what the XNNPACK delegate takes.
    {
      OpModel m(BuiltinOp::PRELU);
      m.Input(Spec(DType::FLOAT32, s.in));
      const Array alpha = acttest::RandomFloats(s.alpha, -1, 1, seed++);
      if (s.const_alpha) m.Const<float>(Spec(DType::FLOAT32, s.alpha), alpha.values<float>());
      else m.Input(Spec(DType::FLOAT32, s.alpha));
      m.Output(Spec(DType::FLOAT32, s.in));
      std::vector<Array> inputs = {acttest::RandomFloats(s.in, -3, 3, seed++)};
      if (!s.const_alpha) inputs.push_back(alpha);
      cases.push_back({"float " + ShapeString(s.in) + " alpha " + ShapeString(s.alpha), m.Build(), inputs, Compare::Float(1e-6)});
    }
    // TFLite's quantized PRELU is limited to 4-D (its 5-D case aborts); ours is not.
    if (s.in.size() > 4) continue;
    for (DType t : {DType::INT8, DType::UINT8}) {
      const int64_t shift = t == DType::UINT8 ? 128 : 0;
      const int64_t lo = t == DType::UINT8 ? 0 : -128, hi = lo + 255;
      OpModel m(BuiltinOp::PRELU);
      m.Input(Spec(t, s.in, 0.05f, 3 + shift));
      const Array alpha = acttest::RandomInts(t, s.alpha, lo, hi, seed++);
      if (s.const_alpha) m.ConstBytes(Spec(t, s.alpha, 0.01f, -10 + shift), alpha.bytes);
      else m.Input(Spec(t, s.alpha, 0.004f, shift));
      m.Output(Spec(t, s.in, 0.04f, -5 + shift));
      std::vector<Array> inputs = {acttest::RandomInts(t, s.in, lo, hi, seed++)};
      if (!s.const_alpha) inputs.push_back(alpha);
      cases.push_back({DTypeName(t) + " " + ShapeString(s.in) + " alpha " + ShapeString(s.alpha), m.Build(), inputs});
    }
  }
  acttest::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
