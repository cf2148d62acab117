#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

template <typename A>
Model ExpandModel(DType dtype, std::vector<int32_t> in, std::vector<int32_t> out, DType axis_type, A axis) {
  OpModel m(BuiltinOp::EXPAND_DIMS);
  m.Input(Spec(dtype, in));
  m.Const<A>({axis_type, {1}}, {axis});
  m.Output(Spec(dtype, out));
  return m.Build();
}

TEST(ExpandDims, InsertsAxis) {
  auto out = testing::RunOurs(ExpandModel<int32_t>(DType::FLOAT32, {2, 3}, {2, 1, 3}, DType::INT32, 1),
                              {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 1, 3}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, 3, 4, 5, 6}));
  // -1 appends; int64 axis; int64 data.
  auto last = testing::RunOurs(ExpandModel<int64_t>(DType::INT64, {2}, {2, 1}, DType::INT64, -1),
                               {Array::Of<int64_t>(DType::INT64, {2}, {1LL << 40, 3})});
  EXPECT_EQ(last[0].shape, std::vector<int32_t>({2, 1}));
  EXPECT_EQ(last[0].values<int64_t>(), std::vector<int64_t>({1LL << 40, 3}));
  auto scalar = testing::RunOurs(ExpandModel<int32_t>(DType::INT32, {}, {1}, DType::INT32, 0), {Array::Of<int32_t>(DType::INT32, {}, {4})});
  EXPECT_EQ(scalar[0].shape, std::vector<int32_t>({1}));
}

TEST(ExpandDims, RejectsOutOfRangeAxis) {
  Model m = ExpandModel<int32_t>(DType::FLOAT32, {2, 3}, {2, 3, 1}, DType::INT32, 4);
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model n = ExpandModel<int32_t>(DType::FLOAT32, {2, 3}, {2, 3, 1}, DType::INT32, -4);
  EXPECT_THROW(testing::RunOurs(n, testing::RandomInputs(n, 1)), Error);
}

TEST(ExpandDims, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL})
    cases.push_back({"front " + DTypeName(t), ExpandModel<int32_t>(t, {3, 2}, {1, 3, 2}, DType::INT32, 0)});
  cases.push_back({"middle", ExpandModel<int32_t>(DType::FLOAT32, {3, 2}, {3, 1, 2}, DType::INT32, 1)});
  cases.push_back({"last negative", ExpandModel<int32_t>(DType::FLOAT32, {3, 2}, {3, 2, 1}, DType::INT32, -1)});
  cases.push_back({"-3", ExpandModel<int32_t>(DType::INT8, {3, 2}, {1, 3, 2}, DType::INT32, -3)});
  cases.push_back({"int64 axis", ExpandModel<int64_t>(DType::FLOAT32, {4}, {4, 1}, DType::INT64, 1)});
  cases.push_back({"scalar", ExpandModel<int32_t>(DType::FLOAT32, {}, {1}, DType::INT32, 0)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
