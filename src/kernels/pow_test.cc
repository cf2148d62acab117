#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

TEST(Pow, HandComputed) {
  Model f = BinaryModel(BuiltinOp::POW, T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}));
  auto out = RunOurs(f, {Array::Of<float>(DType::FLOAT32, {4}, {2, 4, 10, -3}), Array::Of<float>(DType::FLOAT32, {4}, {3, 0.5f, -1, 2})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({8, 2, 0.1f, 9}));
  Model i = BinaryModel(BuiltinOp::POW, T(DType::INT32, {2, 2}), T(DType::INT32, {2}), T(DType::INT32, {2, 2}));
  out = RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2, 2}, {2, -2, 3, 7}), Array::Of<int32_t>(DType::INT32, {2}, {10, 3})});
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({1024, -8, 59049, 343}));
}

TEST(Pow, RejectsBadInputs) {
  Model i = BinaryModel(BuiltinOp::POW, T(DType::INT32, {2}), T(DType::INT32, {2}), T(DType::INT32, {2}));
  EXPECT_THROW(RunOurs(i, {Array::Of<int32_t>(DType::INT32, {2}, {2, 2}), Array::Of<int32_t>(DType::INT32, {2}, {1, -1})}), Error);
  Model i8 = BinaryModel(BuiltinOp::POW, Q(DType::INT8, {2}, 0.1f, 0), Q(DType::INT8, {2}, 0.1f, 0), Q(DType::INT8, {2}, 0.1f, 0));
  EXPECT_THROW(RunOurs(i8, testing::RandomInputs(i8, 1)), Error);
  Model shapes = BinaryModel(BuiltinOp::POW, T(DType::FLOAT32, {3}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {3}));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
}

TEST(Pow, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    DType dtype;
    std::vector<int32_t> a, b, out;
  };
  // TFLite's POW broadcasts up to 4-D.
  const std::vector<Case> cases = {
      {DType::FLOAT32, {1, 4, 4, 3}, {1, 4, 4, 3}, {1, 4, 4, 3}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {2, 4, 3}},
      {DType::FLOAT32, {}, {2, 3}, {2, 3}},
      {DType::INT32, {3, 5}, {5}, {3, 5}},
      {DType::INT32, {2, 3, 4}, {2, 1, 4}, {2, 3, 4}},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = BinaryModel(BuiltinOp::POW, T(c.dtype, c.a), T(c.dtype, c.b), T(c.dtype, c.out));
    for (uint64_t seed : {1, 2}) {
      std::vector<Array> inputs;
      if (c.dtype == DType::FLOAT32) {
        inputs = {Array::Of<float>(c.dtype, c.a, Spread<float>(Count(c.a), 0.05, 3, seed)),
                  Array::Of<float>(c.dtype, c.b, Spread<float>(Count(c.b), -2.5, 2.5, seed + 10))};
      } else {
        inputs = {Array::Of<int32_t>(c.dtype, c.a, Spread<int32_t>(Count(c.a), -6, 6, seed)),
                  Array::Of<int32_t>(c.dtype, c.b, Spread<int32_t>(Count(c.b), 0, 6, seed + 10))};
      }
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.a) + " ^ " + ShapeString(c.b), model, inputs,
                      c.dtype == DType::FLOAT32 ? Check::kFloat : Check::kIdentical});
    }
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
