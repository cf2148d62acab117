#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

template <typename I>
Model SliceModel(DType dtype, std::vector<int32_t> in, std::vector<I> begin, std::vector<I> size, DType index_type = DType::INT32) {
  OpModel m(BuiltinOp::SLICE);
  m.Input(Spec(dtype, in));
  m.Const<I>({index_type, {static_cast<int32_t>(begin.size())}}, begin);
  m.Const<I>({index_type, {static_cast<int32_t>(size.size())}}, size);
  std::vector<int32_t> out;
  for (size_t d = 0; d < size.size() && d < in.size(); ++d)
    out.push_back(static_cast<int32_t>(size[d] == -1 ? in[d] - begin[d] : size[d]));
  m.Output(Spec(dtype, out));
  return m.Build();
}

TEST(Slice, BoxWithMinusOne) {
  Model m = SliceModel<int32_t>(DType::FLOAT32, {3, 4}, {1, 1}, {-1, 2});
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {3, 4}, v)});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({5, 6, 9, 10}));
}

TEST(Slice, Int64IndicesAndData) {
  Model m = SliceModel<int64_t>(DType::INT64, {4}, {2}, {2}, DType::INT64);
  auto out = testing::RunOurs(m, {Array::Of<int64_t>(DType::INT64, {4}, {1, 2, 1LL << 40, 4})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({1LL << 40, 4}));
  Model empty = SliceModel<int32_t>(DType::FLOAT32, {4}, {4}, {0});
  EXPECT_EQ(testing::RunOurs(empty, testing::RandomInputs(empty, 1))[0].shape, std::vector<int32_t>({0}));
}

TEST(Slice, RejectsOutOfRange) {
  Model past = SliceModel<int32_t>(DType::FLOAT32, {4}, {2}, {3});
  EXPECT_THROW(testing::RunOurs(past, testing::RandomInputs(past, 1)), Error);
  Model neg = SliceModel<int32_t>(DType::FLOAT32, {4}, {-1}, {1});
  EXPECT_THROW(testing::RunOurs(neg, testing::RandomInputs(neg, 1)), Error);
  Model size = SliceModel<int32_t>(DType::FLOAT32, {4}, {0}, {-2});
  EXPECT_THROW(testing::RunOurs(size, testing::RandomInputs(size, 1)), Error);
  Model rank = SliceModel<int32_t>(DType::FLOAT32, {4, 2}, {0}, {1});
  EXPECT_THROW(testing::RunOurs(rank, testing::RandomInputs(rank, 1)), Error);
}

TEST(Slice, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL})
    cases.push_back({"4D " + DTypeName(t), SliceModel<int32_t>(t, {2, 5, 4, 3}, {1, 1, 0, 1}, {1, 3, -1, 2})});
  cases.push_back({"1D", SliceModel<int32_t>(DType::FLOAT32, {10}, {3}, {5})});
  cases.push_back({"2D all", SliceModel<int32_t>(DType::FLOAT32, {3, 3}, {0, 0}, {-1, -1})});
  cases.push_back({"3D", SliceModel<int32_t>(DType::INT8, {4, 3, 5}, {2, 0, 1}, {2, 1, 3})});
  cases.push_back({"5D", SliceModel<int32_t>(DType::FLOAT32, {2, 3, 2, 3, 2}, {1, 0, 1, 1, 0}, {1, 2, 1, -1, 2})});
  cases.push_back({"int64 indices", SliceModel<int64_t>(DType::FLOAT32, {4, 4}, {1, 2}, {2, -1}, DType::INT64)});
  {
    // begin and size fed at run time.
    OpModel m(BuiltinOp::SLICE);
    m.Input({DType::FLOAT32, {3, 4}});
    m.Input({DType::INT32, {2}});
    m.Input({DType::INT32, {2}});
    m.Output({DType::FLOAT32, {2, 2}});
    Model model = m.Build();
    cases.push_back({"run-time begin/size", model,
                     {testing::RandomInputs(model, 2)[0], Array::Of<int32_t>(DType::INT32, {2}, {1, 2}),
                      Array::Of<int32_t>(DType::INT32, {2}, {2, -1})}});
  }
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
