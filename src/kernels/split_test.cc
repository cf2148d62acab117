#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model SplitModel(DType dtype, std::vector<int32_t> in, int32_t axis, int num) {
  OpModel m(BuiltinOp::SPLIT);
  m.Const<int32_t>({DType::INT32, {}}, {axis});
  m.Input(Spec(dtype, in));
  std::vector<int32_t> out = in;
  const size_t a = static_cast<size_t>(axis < 0 ? axis + static_cast<int32_t>(in.size()) : axis);
  out[a] /= num;
  for (int i = 0; i < num; ++i) m.Output(Spec(dtype, out));
  tflite::SplitOptionsT o;
  o.num_splits = num;
  m.Options(o);
  return m.Build();
}

TEST(Split, ThreeWays) {
  auto out = testing::RunOurs(SplitModel(DType::FLOAT32, {2, 3}, 1, 3), {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 4}));
  EXPECT_EQ(out[1].values<float>(), std::vector<float>({2, 5}));
  EXPECT_EQ(out[2].values<float>(), std::vector<float>({3, 6}));
  auto neg = testing::RunOurs(SplitModel(DType::INT64, {4}, -1, 2), {Array::Of<int64_t>(DType::INT64, {4}, {1, 2, 1LL << 40, 4})});
  EXPECT_EQ(neg[1].values<int64_t>(), std::vector<int64_t>({1LL << 40, 4}));
}

TEST(Split, BoolByHand) {
  auto out = testing::RunOurs(SplitModel(DType::BOOL, {4}, 0, 2), {Array::Of<uint8_t>(DType::BOOL, {4}, {1, 0, 0, 1})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({1, 0}));
  EXPECT_EQ(out[1].values<uint8_t>(), std::vector<uint8_t>({0, 1}));
}

TEST(Split, RunTimeAxis) {
  OpModel m(BuiltinOp::SPLIT);
  m.Input({DType::INT32, {}});
  m.Input({DType::INT32, {2, 2}});
  m.Output({DType::INT32, {1, 2}});
  m.Output({DType::INT32, {1, 2}});
  tflite::SplitOptionsT o;
  o.num_splits = 2;
  m.Options(o);
  auto out = testing::RunOurs(m.Build(), {Array::Of<int32_t>(DType::INT32, {}, {1}), Array::Of<int32_t>(DType::INT32, {2, 2}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 1}));
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({1, 3}));
}

TEST(Split, RejectsUnevenSplit) {
  Model m = SplitModel(DType::FLOAT32, {5, 2}, 0, 2);
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
}

TEST(Split, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  // (The oracle's TFLite has no bool SPLIT; that path is tested by hand above.)
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32})
    cases.push_back({"channels " + DTypeName(t), SplitModel(t, {1, 3, 3, 6}, 3, 3)});
  cases.push_back({"axis 0", SplitModel(DType::FLOAT32, {4, 3}, 0, 2)});
  cases.push_back({"negative axis", SplitModel(DType::INT8, {2, 4, 2}, -2, 4)});
  cases.push_back({"one split", SplitModel(DType::FLOAT32, {3, 2}, 1, 1)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
