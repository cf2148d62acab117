#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

template <typename S>
Model SplitVModel(DType dtype, std::vector<int32_t> in, std::vector<S> sizes, DType size_type, int32_t axis) {
  OpModel m(BuiltinOp::SPLIT_V);
  m.Input(Spec(dtype, in));
  m.Const<S>({size_type, {static_cast<int32_t>(sizes.size())}}, sizes);
  m.Const<int32_t>({DType::INT32, {}}, {axis});
  const size_t a = static_cast<size_t>(axis < 0 ? axis + static_cast<int32_t>(in.size()) : axis);
  int64_t known = 0;
  for (S s : sizes) known += s >= 0 ? s : 0;
  for (S s : sizes) {
    std::vector<int32_t> out = in;
    out[a] = static_cast<int32_t>(s >= 0 ? s : in[a] - known);
    m.Output(Spec(dtype, out));
  }
  tflite::SplitVOptionsT o;
  o.num_splits = static_cast<int32_t>(sizes.size());
  m.Options(o);
  return m.Build();
}

TEST(SplitV, SizesWithMinusOne) {
  Model m = SplitVModel<int32_t>(DType::FLOAT32, {1, 6}, {1, -1, 2}, DType::INT32, 1);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 6}, {1, 2, 3, 4, 5, 6})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1}));
  EXPECT_EQ(out[1].values<float>(), std::vector<float>({2, 3, 4}));
  EXPECT_EQ(out[2].values<float>(), std::vector<float>({5, 6}));
}

TEST(SplitV, Int64SizesAndData) {
  Model m = SplitVModel<int64_t>(DType::INT64, {3, 1}, {2, 1}, DType::INT64, -2);
  auto out = testing::RunOurs(m, {Array::Of<int64_t>(DType::INT64, {3, 1}, {7, 1LL << 40, -3})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({7, 1LL << 40}));
  EXPECT_EQ(out[1].values<int64_t>(), std::vector<int64_t>({-3}));
}

TEST(SplitV, BoolByHand) {
  Model m = SplitVModel<int32_t>(DType::BOOL, {3}, {1, 2}, DType::INT32, 0);
  auto out = testing::RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {3}, {1, 0, 1})});
  EXPECT_EQ(out[1].values<uint8_t>(), std::vector<uint8_t>({0, 1}));
}

TEST(SplitV, ZeroSizedPiece) {
  Model m = SplitVModel<int32_t>(DType::INT32, {4}, {0, 4}, DType::INT32, 0);
  auto out = testing::RunOurs(m, {Array::Of<int32_t>(DType::INT32, {4}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({0}));
  EXPECT_EQ(out[1].values<int32_t>(), std::vector<int32_t>({1, 2, 3, 4}));
}

TEST(SplitV, RejectsBadSizes) {
  Model sum = SplitVModel<int32_t>(DType::FLOAT32, {6}, {2, 2}, DType::INT32, 0);
  EXPECT_THROW(testing::RunOurs(sum, testing::RandomInputs(sum, 1)), Error);
  Model two = SplitVModel<int32_t>(DType::FLOAT32, {6}, {-1, -1}, DType::INT32, 0);
  EXPECT_THROW(testing::RunOurs(two, testing::RandomInputs(two, 1)), Error);
  Model over = SplitVModel<int32_t>(DType::FLOAT32, {6}, {7, -1}, DType::INT32, 0);
  EXPECT_THROW(testing::RunOurs(over, testing::RandomInputs(over, 1)), Error);
}

TEST(SplitV, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  // (The oracle's TFLite has no bool SPLIT_V; that path is tested by hand above.)
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32})
    cases.push_back({"channels " + DTypeName(t), SplitVModel<int32_t>(t, {1, 2, 2, 7}, {3, 1, 3}, DType::INT32, 3)});
  cases.push_back({"minus one", SplitVModel<int32_t>(DType::FLOAT32, {5, 3}, {2, -1}, DType::INT32, 0)});
  cases.push_back({"negative axis", SplitVModel<int32_t>(DType::INT8, {2, 6, 2}, {1, 2, 3}, DType::INT32, -2)});
  cases.push_back({"int64 sizes", SplitVModel<int64_t>(DType::FLOAT32, {4, 4}, {-1, 3}, DType::INT64, 1)});
  cases.push_back({"single", SplitVModel<int32_t>(DType::FLOAT32, {3, 2}, {2}, DType::INT32, 1)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
