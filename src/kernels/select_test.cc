#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::RunOurs;
using testing::TensorSpec;
using namespace testing::elementwise;

Model SelectModel(BuiltinOp op, const TensorSpec& cond, const TensorSpec& x, const TensorSpec& y, const TensorSpec& out) {
  OpModel m(op);
  m.Input(cond);
  m.Input(x);
  m.Input(y);
  m.Output(out);
  return m.Build();
}

TEST(Select, SameShape) {
  Model m = SelectModel(BuiltinOp::SELECT, T(DType::BOOL, {4}), T(DType::FLOAT32, {4}), T(DType::FLOAT32, {4}),
                        T(DType::FLOAT32, {4}));
  auto out = RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {4}, {1, 0, 0, 1}), Array::Of<float>(DType::FLOAT32, {4}, {1, 2, 3, 4}),
                         Array::Of<float>(DType::FLOAT32, {4}, {-1, -2, -3, -4})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({1, -2, -3, 4}));
}

TEST(Select, RankOneConditionPicksRows) {
  Model m = SelectModel(BuiltinOp::SELECT, T(DType::BOOL, {2}), T(DType::INT64, {2, 3}), T(DType::INT64, {2, 3}),
                        T(DType::INT64, {2, 3}));
  auto out = RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {2}, {0, 1}), Array::Of<int64_t>(DType::INT64, {2, 3}, {1, 2, 3, 4, 5, 6}),
                         Array::Of<int64_t>(DType::INT64, {2, 3}, {-1, -2, -3, -4, -5, -6})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({-1, -2, -3, 4, 5, 6}));
  Model scalar = SelectModel(BuiltinOp::SELECT, T(DType::BOOL, {}), T(DType::INT16, {3}), T(DType::INT16, {3}),
                             T(DType::INT16, {3}));
  out = RunOurs(scalar, {Array::Of<uint8_t>(DType::BOOL, {}, {0}), Array::Of<int16_t>(DType::INT16, {3}, {1, 2, 3}),
                         Array::Of<int16_t>(DType::INT16, {3}, {7, 8, 9})});
  EXPECT_EQ(out[0].values<int16_t>(), std::vector<int16_t>({7, 8, 9}));
}

TEST(Select, RejectsBadInputs) {
  // v1 does not broadcast.
  Model broadcast = SelectModel(BuiltinOp::SELECT, T(DType::BOOL, {3}), T(DType::FLOAT32, {2, 3}), T(DType::FLOAT32, {2, 3}),
                                T(DType::FLOAT32, {2, 3}));
  EXPECT_THROW(RunOurs(broadcast, testing::RandomInputs(broadcast, 1)), Error);
  Model xy = SelectModel(BuiltinOp::SELECT, T(DType::BOOL, {}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {3}),
                         T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(xy, testing::RandomInputs(xy, 1)), Error);
  Model cond = SelectModel(BuiltinOp::SELECT, T(DType::INT32, {2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}),
                           T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(cond, testing::RandomInputs(cond, 1)), Error);
  Model types = SelectModel(BuiltinOp::SELECT, T(DType::BOOL, {2}), T(DType::FLOAT32, {2}), T(DType::INT32, {2}),
                            T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(types, testing::RandomInputs(types, 1)), Error);
}

TEST(Select, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    DType dtype;
    std::vector<int32_t> cond, values;
    float scale = 0;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {2, 3, 4}, {2, 3, 4}},  {DType::FLOAT32, {3}, {3, 2, 2}}, {DType::FLOAT32, {}, {2, 5}},
      {DType::INT32, {4}, {4, 3}},             {DType::INT8, {2, 2}, {2, 2}, 0.1f}, {DType::UINT8, {3}, {3, 1, 2}, 0.5f},
      {DType::INT16, {5}, {5}},                {DType::BOOL, {2}, {2, 4}},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = SelectModel(BuiltinOp::SELECT, T(DType::BOOL, c.cond), Q(c.dtype, c.values, c.scale, 0),
                              Q(c.dtype, c.values, c.scale, 0), Q(c.dtype, c.values, c.scale, 0));
    for (uint64_t seed : {1, 2})
      runs.push_back({DTypeName(c.dtype) + " cond " + ShapeString(c.cond) + " values " + ShapeString(c.values), model,
                      testing::RandomInputs(model, seed)});
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
