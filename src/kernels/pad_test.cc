#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using testing::shape::OracleCase;
using testing::shape::Spec;

// PAD (no constant) or PADV2 (constant value given) with constant paddings.
template <typename P>
Model PadModel(TensorSpec in, std::vector<P> paddings, DType pad_type, std::optional<std::vector<uint8_t>> constant = std::nullopt,
               std::optional<TensorSpec> constant_spec = std::nullopt) {
  OpModel m(constant ? BuiltinOp::PADV2 : BuiltinOp::PAD);
  m.Input(in);
  const int32_t rank = static_cast<int32_t>(in.shape.size());
  m.Const<P>({pad_type, {rank, 2}}, paddings);
  if (constant) m.ConstBytes(constant_spec ? *constant_spec : TensorSpec{in.dtype, {}, in.scale, in.zero_point}, *constant);
  TensorSpec out = in;
  for (size_t d = 0; d < in.shape.size(); ++d)
    out.shape[d] += static_cast<int32_t>(paddings[2 * d] + paddings[2 * d + 1]);
  m.Output(out);
  return m.Build();
}

template <typename T>
std::vector<uint8_t> Bytes(T v) {
  std::vector<uint8_t> b(sizeof(T));
  std::memcpy(b.data(), &v, sizeof(T));
  return b;
}

TEST(Pad, FloatZeroPadding) {
  Model m = PadModel<int32_t>({DType::FLOAT32, {1, 2}}, {0, 1, 1, 0}, DType::INT32);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 2}, {1, 2})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 3}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0, 1, 2, 0, 0, 0}));
}

TEST(Pad, QuantizedPadsWithZeroPoint) {
  Model m = PadModel<int64_t>({DType::INT8, {2}, 0.5f, -7}, {1, 2}, DType::INT64);
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {2}, {3, 4})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-7, 3, 4, -7, -7}));
  Model u = PadModel<int32_t>({DType::UINT8, {1}, 0.1f, 200}, {1, 0}, DType::INT32);
  EXPECT_EQ(testing::RunOurs(u, {Array::Of<uint8_t>(DType::UINT8, {1}, {5})})[0].values<uint8_t>(), std::vector<uint8_t>({200, 5}));
}

TEST(Pad, BoolPadsFalse) {
  Model m = PadModel<int32_t>({DType::BOOL, {2}}, {1, 1}, DType::INT32);
  EXPECT_EQ(testing::RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {2}, {1, 1})})[0].values<uint8_t>(),
            std::vector<uint8_t>({0, 1, 1, 0}));
}

TEST(PadV2, ConstantValue) {
  Model f = PadModel<int32_t>({DType::FLOAT32, {2}}, {1, 1}, DType::INT32, Bytes<float>(-2.5f));
  EXPECT_EQ(testing::RunOurs(f, {Array::Of<float>(DType::FLOAT32, {2}, {1, 2})})[0].values<float>(),
            std::vector<float>({-2.5f, 1, 2, -2.5f}));
  Model i = PadModel<int32_t>({DType::INT64, {1}}, {0, 2}, DType::INT32, Bytes<int64_t>(1LL << 40));
  EXPECT_EQ(testing::RunOurs(i, {Array::Of<int64_t>(DType::INT64, {1}, {3})})[0].values<int64_t>(),
            std::vector<int64_t>({3, 1LL << 40, 1LL << 40}));
  Model q = PadModel<int32_t>({DType::INT8, {1}, 0.5f, 1}, {1, 0}, DType::INT32, Bytes<int8_t>(-100));
  EXPECT_EQ(testing::RunOurs(q, {Array::Of<int8_t>(DType::INT8, {1}, {9})})[0].values<int8_t>(), std::vector<int8_t>({-100, 9}));
}

TEST(Pad, RejectsBadPaddings) {
  Model neg = PadModel<int32_t>({DType::FLOAT32, {2}}, {-1, 0}, DType::INT32);
  EXPECT_THROW(testing::RunOurs(neg, testing::RandomInputs(neg, 1)), Error);
  OpModel m(BuiltinOp::PAD);
  m.Input({DType::FLOAT32, {2, 2}});
  m.Const<int32_t>({DType::INT32, {1, 2}}, {1, 1});
  m.Output({DType::FLOAT32, {4, 2}});
  Model shape = m.Build();
  EXPECT_THROW(testing::RunOurs(shape, testing::RandomInputs(shape, 1)), Error);
  // PADV2 constant quantized differently from the output.
  Model q = PadModel<int32_t>({DType::INT8, {1}, 0.5f, 1}, {1, 0}, DType::INT32, Bytes<int8_t>(3), TensorSpec{DType::INT8, {}, 0.25f, 1});
  EXPECT_THROW(testing::RunOurs(q, testing::RandomInputs(q, 1)), Error);
}

TEST(Pad, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  // (bool is tested by hand: the oracle's TFLite lacks it for PAD.)
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32}) {
    cases.push_back({"image style " + DTypeName(t), PadModel<int32_t>(Spec(t, {1, 3, 4, 2}), {0, 0, 1, 2, 2, 1, 0, 0}, DType::INT32)});
    cases.push_back({"all dims " + DTypeName(t), PadModel<int32_t>(Spec(t, {2, 3, 1}), {1, 0, 0, 2, 3, 1}, DType::INT32)});
  }
  cases.push_back({"1D", PadModel<int32_t>(Spec(DType::FLOAT32, {5}), {3, 2}, DType::INT32)});
  cases.push_back({"5D", PadModel<int32_t>(Spec(DType::FLOAT32, {1, 2, 1, 2, 2}), {0, 1, 1, 0, 0, 0, 1, 1, 0, 2}, DType::INT32)});
  // (int64 paddings are tested by hand: the oracle's TFLite reads them as int32.)
  cases.push_back({"no padding", PadModel<int32_t>(Spec(DType::UINT8, {2, 2}), {0, 0, 0, 0}, DType::INT32)});
  cases.push_back({"v2 float", PadModel<int32_t>(Spec(DType::FLOAT32, {1, 2, 2, 3}), {0, 0, 1, 1, 1, 1, 0, 0}, DType::INT32,
                                                 Bytes<float>(0.75f))});
  cases.push_back({"v2 float generic", PadModel<int32_t>(Spec(DType::FLOAT32, {2, 3}), {1, 0, 2, 1}, DType::INT32, Bytes<float>(-3.0f))});
  cases.push_back({"v2 int8", PadModel<int32_t>(Spec(DType::INT8, {2, 3}), {1, 1, 0, 2}, DType::INT32, Bytes<int8_t>(-77))});
  cases.push_back({"v2 uint8", PadModel<int32_t>(Spec(DType::UINT8, {1, 2, 2, 1}), {0, 0, 2, 0, 0, 1, 0, 0}, DType::INT32,
                                                 Bytes<uint8_t>(33))});
  cases.push_back({"v2 int16", PadModel<int32_t>(Spec(DType::INT16, {3}), {2, 2}, DType::INT32, Bytes<int16_t>(-1234))});
  cases.push_back({"v2 int32", PadModel<int32_t>(Spec(DType::INT32, {2, 2}), {0, 1, 1, 0}, DType::INT32, Bytes<int32_t>(42))});
  {
    // Paddings fed at run time.
    OpModel m(BuiltinOp::PAD);
    m.Input({DType::FLOAT32, {2, 3}});
    m.Input({DType::INT32, {2, 2}});
    m.Output({DType::FLOAT32, {3, 7}});
    Model model = m.Build();
    cases.push_back({"run-time paddings", model,
                     {testing::RandomInputs(model, 6)[0], Array::Of<int32_t>(DType::INT32, {2, 2}, {1, 0, 2, 2})}});
  }
  testing::shape::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit PAD with constant paddings against the oracle, whole ranges, three
// seeds: data movement, the same in XNNPACK and TFLite.
TEST(Pad, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {I8, U8}) {
    OpModel m(BuiltinOp::PAD);
    m.Input({t, {1, 8, 8, 12}, 0.05f, t == I8 ? -7 : 130});
    m.Const<int32_t>({DType::INT32, {4, 2}}, {0, 0, 1, 2, 2, 1, 0, 0});
    m.Output({t, {1, 11, 11, 12}, 0.05f, t == I8 ? -7 : 130});
    cases.push_back(testing::xnnpack::RandomCase(std::string(DTypeName(t)), m.Build()));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 2);
}

}  // namespace
}  // namespace tfd
