#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::RunOurs;
using testing::TensorSpec;
using namespace testing::elementwise;

Model SelectV2Model(const TensorSpec& cond, const TensorSpec& x, const TensorSpec& y, const TensorSpec& out) {
  OpModel m(BuiltinOp::SELECT_V2);
  m.Input(cond);
  m.Input(x);
  m.Input(y);
  m.Output(out);
  return m.Build();
}

TEST(SelectV2, BroadcastsAllThree) {
  // cond [2, 1], x [3], y scalar -> [2, 3].
  Model m = SelectV2Model(T(DType::BOOL, {2, 1}), T(DType::INT32, {3}), T(DType::INT32, {}), T(DType::INT32, {2, 3}));
  auto out = RunOurs(m, {Array::Of<uint8_t>(DType::BOOL, {2, 1}, {1, 0}), Array::Of<int32_t>(DType::INT32, {3}, {1, 2, 3}),
                         Array::Of<int32_t>(DType::INT32, {}, {-9})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 3}));
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({1, 2, 3, -9, -9, -9}));
  Model l = SelectV2Model(T(DType::BOOL, {3}), T(DType::INT64, {}), T(DType::INT64, {3}), T(DType::INT64, {3}));
  out = RunOurs(l, {Array::Of<uint8_t>(DType::BOOL, {3}, {0, 1, 0}), Array::Of<int64_t>(DType::INT64, {}, {int64_t{1} << 40}),
                    Array::Of<int64_t>(DType::INT64, {3}, {4, 5, 6})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({4, int64_t{1} << 40, 6}));
}

TEST(SelectV2, RejectsBadInputs) {
  Model shapes = SelectV2Model(T(DType::BOOL, {2}), T(DType::FLOAT32, {3}), T(DType::FLOAT32, {3}), T(DType::FLOAT32, {3}));
  EXPECT_THROW(RunOurs(shapes, testing::RandomInputs(shapes, 1)), Error);
  Model types = SelectV2Model(T(DType::BOOL, {2}), T(DType::FLOAT32, {2}), T(DType::INT8, {2}), T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(types, testing::RandomInputs(types, 1)), Error);
  Model cond = SelectV2Model(T(DType::UINT8, {2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}), T(DType::FLOAT32, {2}));
  EXPECT_THROW(RunOurs(cond, testing::RandomInputs(cond, 1)), Error);
}

TEST(SelectV2, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    DType dtype;
    std::vector<int32_t> cond, x, y, out;
    float scale = 0;
  };
  const std::vector<Case> cases = {
      {DType::FLOAT32, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
      {DType::FLOAT32, {2, 1, 3}, {4, 1}, {3}, {2, 4, 3}},
      {DType::FLOAT32, {}, {2, 3}, {1, 3}, {2, 3}},
      {DType::INT32, {3, 1}, {}, {1, 4}, {3, 4}},
      {DType::INT8, {1, 2, 1, 3}, {2, 1, 1}, {1, 1, 3}, {1, 2, 2, 3}, 0.1f},
      {DType::UINT8, {4}, {3, 1}, {}, {3, 4}, 0.5f},
      {DType::INT16, {2, 2}, {2}, {2, 1}, {2, 2}},
      {DType::BOOL, {5}, {5}, {1}, {5}},
  };
  std::vector<OracleRun> runs;
  for (const Case& c : cases) {
    Model model = SelectV2Model(T(DType::BOOL, c.cond), Q(c.dtype, c.x, c.scale, 0), Q(c.dtype, c.y, c.scale, 0),
                                Q(c.dtype, c.out, c.scale, 0));
    for (uint64_t seed : {1, 2})
      runs.push_back({DTypeName(c.dtype) + " " + ShapeString(c.cond) + " ? " + ShapeString(c.x) + " : " + ShapeString(c.y),
                      model, testing::RandomInputs(model, seed)});
  }
  ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
