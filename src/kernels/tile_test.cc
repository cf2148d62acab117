#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

template <typename I>
Model TileModel(DType dtype, std::vector<int32_t> in, std::vector<I> multiples, DType mult_type = DType::INT32) {
  OpModel m(BuiltinOp::TILE);
  m.Input(Spec(dtype, in));
  m.Const<I>({mult_type, {static_cast<int32_t>(multiples.size())}}, multiples);
  std::vector<int32_t> out;
  for (size_t d = 0; d < in.size() && d < multiples.size(); ++d) out.push_back(in[d] * static_cast<int32_t>(multiples[d]));
  m.Output(Spec(dtype, out));
  return m.Build();
}

TEST(Tile, Repeats) {
  auto out = testing::RunOurs(TileModel<int32_t>(DType::FLOAT32, {2, 2}, {2, 3}),
                              {Array::Of<float>(DType::FLOAT32, {2, 2}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({4, 6}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,  //
                                                        1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  auto i64 = testing::RunOurs(TileModel<int64_t>(DType::INT64, {2}, {2}, DType::INT64),
                              {Array::Of<int64_t>(DType::INT64, {2}, {1LL << 40, -1})});
  EXPECT_EQ(i64[0].values<int64_t>(), std::vector<int64_t>({1LL << 40, -1, 1LL << 40, -1}));
  auto i16 = testing::RunOurs(TileModel<int32_t>(DType::INT16, {1, 2}, {2, 1}), {Array::Of<int16_t>(DType::INT16, {1, 2}, {-5, 300})});
  EXPECT_EQ(i16[0].values<int16_t>(), std::vector<int16_t>({-5, 300, -5, 300}));
  auto zero = testing::RunOurs(TileModel<int32_t>(DType::FLOAT32, {2}, {0}), {Array::Of<float>(DType::FLOAT32, {2}, {1, 2})});
  EXPECT_EQ(zero[0].shape, std::vector<int32_t>({0}));
}

TEST(Tile, RejectsBadMultiples) {
  Model n = TileModel<int32_t>(DType::FLOAT32, {2}, {-1});
  EXPECT_THROW(testing::RunOurs(n, testing::RandomInputs(n, 1)), Error);
  Model len = TileModel<int32_t>(DType::FLOAT32, {2, 2}, {2});
  EXPECT_THROW(testing::RunOurs(len, testing::RandomInputs(len, 1)), Error);
}

TEST(Tile, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  // (int16 is tested by hand: the oracle's TFLite lacks it for TILE.)
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT32, DType::BOOL})
    cases.push_back({"2D " + DTypeName(t), TileModel<int32_t>(t, {2, 3}, {3, 2})});
  cases.push_back({"1D", TileModel<int32_t>(DType::FLOAT32, {4}, {3})});
  cases.push_back({"4D", TileModel<int32_t>(DType::FLOAT32, {1, 2, 1, 3}, {2, 1, 3, 1})});
  cases.push_back({"ones", TileModel<int32_t>(DType::INT8, {3, 2}, {1, 1})});
  cases.push_back({"int64 multiples", TileModel<int64_t>(DType::FLOAT32, {2, 2}, {1, 4}, DType::INT64)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
