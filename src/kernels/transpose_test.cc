#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

Model TransposeModel(DType dtype, std::vector<int32_t> in, std::vector<int32_t> perm) {
  std::vector<int32_t> out;
  for (int32_t p : perm) out.push_back(p >= 0 && static_cast<size_t>(p) < in.size() ? in[static_cast<size_t>(p)] : 1);
  OpModel m(BuiltinOp::TRANSPOSE);
  m.Input(Spec(dtype, in));
  m.Const<int32_t>({DType::INT32, {static_cast<int32_t>(perm.size())}}, perm);
  m.Output(Spec(dtype, out));
  return m.Build();
}

TEST(Transpose, Matrix) {
  auto out = testing::RunOurs(TransposeModel(DType::FLOAT32, {2, 3}, {1, 0}),
                              {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({3, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 4, 2, 5, 3, 6}));
}

TEST(Transpose, Int64ThreeD) {
  // [2, 1, 2] -> perm (2, 0, 1) -> [2, 2, 1]: out[k][i][j] = in[i][j][k].
  auto out = testing::RunOurs(TransposeModel(DType::INT64, {2, 1, 2}, {2, 0, 1}),
                              {Array::Of<int64_t>(DType::INT64, {2, 1, 2}, {10, 11, 1LL << 40, 13})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({10, 1LL << 40, 11, 13}));
}

TEST(Transpose, SixDimensions) {
  // [1, 2, 1, 1, 1, 3] with perm (5, 1, 0, 2, 3, 4) -> [3, 2, 1, 1, 1, 1]: out[k][i] = in[i][k].
  auto out = testing::RunOurs(TransposeModel(DType::INT16, {1, 2, 1, 1, 1, 3}, {5, 1, 0, 2, 3, 4}),
                              {Array::Of<int16_t>(DType::INT16, {1, 2, 1, 1, 1, 3}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({3, 2, 1, 1, 1, 1}));
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({1, 4, 2, 5, 3, 6}));
}

TEST(Transpose, RejectsBadPerm) {
  Model dup = TransposeModel(DType::FLOAT32, {2, 3}, {0, 0});
  EXPECT_THROW(testing::RunOurs(dup, testing::RandomInputs(dup, 1)), Error);
  Model range = TransposeModel(DType::FLOAT32, {2, 3}, {0, 2});
  EXPECT_THROW(testing::RunOurs(range, testing::RandomInputs(range, 1)), Error);
  Model len = TransposeModel(DType::FLOAT32, {2, 3}, {0});
  EXPECT_THROW(testing::RunOurs(len, testing::RandomInputs(len, 1)), Error);
  Model big = TransposeModel(DType::FLOAT32, {1, 1, 1, 1, 1, 1, 2}, {6, 5, 4, 3, 2, 1, 0});
  EXPECT_THROW(testing::RunOurs(big, testing::RandomInputs(big, 1)), Error);
}

TEST(Transpose, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL})
    cases.push_back({"NHWC->NCHW " + DTypeName(t), TransposeModel(t, {2, 3, 4, 5}, {0, 3, 1, 2})});
  cases.push_back({"2D", TransposeModel(DType::FLOAT32, {7, 3}, {1, 0})});
  cases.push_back({"identity", TransposeModel(DType::INT8, {2, 3, 4}, {0, 1, 2})});
  cases.push_back({"3D reverse", TransposeModel(DType::FLOAT32, {2, 3, 4}, {2, 1, 0})});
  cases.push_back({"5D", TransposeModel(DType::FLOAT32, {2, 1, 3, 2, 2}, {4, 2, 0, 3, 1})});
  // (6-D is tested by hand: the oracle's TFLite stops at 5-D, newer TFLite allows 6.)
  cases.push_back({"1D", TransposeModel(DType::FLOAT32, {5}, {0})});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
