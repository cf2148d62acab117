#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using testing::shape::OracleCase;
using testing::shape::Spec;

constexpr bool kMax = false;

Model ArgMinModel(TensorSpec in, int32_t axis, DType out_type, bool runtime_axis = false) {
  OpModel m(BuiltinOp::ARG_MIN);
  m.Input(in);
  if (runtime_axis) {
    m.Input({DType::INT32, {1}});
  } else {
    m.Const<int32_t>({DType::INT32, {1}}, {axis});
  }
  std::vector<int32_t> out = in.shape;
  const int32_t a = axis < 0 ? axis + static_cast<int32_t>(out.size()) : axis;
  if (a >= 0 && a < static_cast<int32_t>(out.size())) out.erase(out.begin() + a);
  m.Output({out_type, out});
  tflite::ArgMinOptionsT o;
  o.output_type = out_type;
  m.Options(o);
  return m.Build();
}

TEST(ArgMin, FirstIndexOnTies) {
  Model m = ArgMinModel({DType::FLOAT32, {2, 4}}, 1, DType::INT32);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 4}, {1, 5, 5, -2, 3, -2, 0, -2})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2}));
  EXPECT_EQ(out[0].values<int32_t>(), kMax ? std::vector<int32_t>({1, 0}) : std::vector<int32_t>({3, 1}));
  // int64 output, axis 0, negative axis spelling.
  Model m64 = ArgMinModel({DType::INT8, {3, 2}, 0.1f, 0}, -2, DType::INT64);
  auto o64 = testing::RunOurs(m64, {Array::Of<int8_t>(DType::INT8, {3, 2}, {4, -7, 9, 9, -1, -7})});
  EXPECT_EQ(o64[0].values<int64_t>(), kMax ? std::vector<int64_t>({1, 1}) : std::vector<int64_t>({2, 0}));
  // int64 input.
  Model i64 = ArgMinModel({DType::INT64, {3}}, 0, DType::INT32);
  auto oi = testing::RunOurs(i64, {Array::Of<int64_t>(DType::INT64, {3}, {1LL << 40, 1LL << 41, -(1LL << 42)})});
  EXPECT_EQ(oi[0].values<int32_t>(), std::vector<int32_t>({kMax ? 1 : 2}));
}

TEST(ArgMin, Rejects) {
  Model f = ArgMinModel({DType::FLOAT32, {2, 2}}, 1, DType::FLOAT32);
  EXPECT_THROW(testing::RunOurs(f, testing::RandomInputs(f, 1)), Error);
  Model a = ArgMinModel({DType::FLOAT32, {2, 2}}, 2, DType::INT32);
  EXPECT_THROW(testing::RunOurs(a, testing::RandomInputs(a, 1)), Error);
}

TEST(ArgMin, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT32}) {
    cases.push_back({"last axis " + DTypeName(t), ArgMinModel(Spec(t, {2, 3, 10}), 2, DType::INT32)});
    cases.push_back({"axis 0 " + DTypeName(t), ArgMinModel(Spec(t, {7, 4}), 0, DType::INT32)});
  }
  // int32 inputs are in [0, 16): plenty of ties.
  cases.push_back({"ties", ArgMinModel({DType::INT32, {5, 30}}, 1, DType::INT32)});
  cases.push_back({"negative axis", ArgMinModel(Spec(DType::FLOAT32, {3, 4, 5}), -2, DType::INT32)});
  cases.push_back({"1-D", ArgMinModel(Spec(DType::FLOAT32, {9}), 0, DType::INT32)});
  cases.push_back({"bool", ArgMinModel({DType::BOOL, {4, 6}}, 1, DType::INT32)});
  {
    Model m = ArgMinModel(Spec(DType::FLOAT32, {3, 5}), 1, DType::INT32, /*runtime_axis=*/true);
    cases.push_back({"run-time axis", m, {testing::RandomInputs(m, 2)[0], Array::Of<int32_t>(DType::INT32, {1}, {1})}});
  }
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
