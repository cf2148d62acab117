#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Minimum, HandComputed) {
  Model f = BinaryModel(BuiltinOp::MINIMUM, T(DType::FLOAT32, {2, 2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2, 2}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {2, 2}, {3, -2, 5, -4}), Array::Of<float>(DType::FLOAT32, {2}, {-1, 1})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({-1, -2, -1, -4}));
  Model i = BinaryModel(BuiltinOp::MINIMUM, T(DType::INT32, {4}), T(DType::INT32, {4}), T(DType::INT32, {4}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {4}, {5, -1, 7, -100}), Array::Of<int32_t>(DType::INT32, {4}, {-3, -8, 7, 100})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({-3, -8, 7, -100}));
  // int64 is not readable by the oracle: checked here.
  Model l = BinaryModel(BuiltinOp::MINIMUM, T(DType::INT64, {2}), T(DType::INT64, {2}), T(DType::INT64, {2}));
  out = RunOurs(l, {Array::Of<int64_t>(DType::INT64, {2}, {int64_t{1} << 40, 2}),
                    Array::Of<int64_t>(DType::INT64, {2}, {-3, -(int64_t{1} << 40)})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({-3, -(int64_t{1} << 40)}));
}

TEST(Minimum, RejectsBadInputs) {
  Model types = BinaryModel(BuiltinOp::MINIMUM, T(DType::FLOAT32, {2}), T(DType::INT32, {2}), T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(types, testing::RandomInputs(types, 1)), Error);
  Model shapes = BinaryModel(BuiltinOp::MINIMUM, T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2, 3}));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
  Model bools = BinaryModel(BuiltinOp::MINIMUM, T(DType::BOOL, {2}), T(DType::BOOL, {2}), T(DType::BOOL, {2}));
  EXPECT_THROW(RunOurs(bools, testing::RandomInputs(bools, 1)), Error);
}

TEST(Minimum, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
    float scale = 0;
    int64_t zero_point = 0;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}},
      {DType::FLOAT32, {2, 1, 3, 1, 2}, {3, 4, 1}, {2, 1, 3, 4, 2}},
      {DType::INT32, {3, 5}, {5}, {3, 5}},
      {DType::INT8, {1, 5, 5, 3}, {3}, {1, 5, 5, 3}, 0.05f, -3},
      {DType::INT8, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}, 0.1f, 0},
      {DType::UINT8, {2, 1, 7}, {3, 1}, {2, 3, 7}, 0.02f, 128},
      {DType::INT16, {2, 9}, {2, 9}, {2, 9}, 0.001f, 0},
      {DType::INT16, {4, 1}, {}, {4, 1}, 0.002f, 0},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(BuiltinOp::MINIMUM, Q(c.dtype, c.a, c.scale, c.zero_point), Q(c.dtype, c.b, c.scale, c.zero_point),
                              Q(c.dtype, c.out, c.scale, c.zero_point));
    for (uint64_t seed : {1, 2})
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " vs " + ShapeString(c.b), model,
                      testing::RandomInputs(model, seed), c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
