#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;
using testing::shape::Spec;

// GATHER with constant positions.
template <typename I>
Model GatherModel(DType dtype, std::vector<int32_t> params, std::vector<int32_t> pos_shape, std::vector<I> positions,
                  DType pos_type, int axis, int batch_dims = 0) {
  OpModel m(BuiltinOp::GATHER);
  m.Input(Spec(dtype, params));
  m.Const<I>({pos_type, pos_shape}, positions);
  m.Output(Spec(dtype, {1}));
  tflite::GatherOptionsT o;
  o.axis = axis;
  o.batch_dims = batch_dims;
  m.Options(o);
  return m.Build();
}

TEST(Gather, RowsAndColumns) {
  Model rows = GatherModel<int32_t>(DType::FLOAT32, {3, 2}, {2}, {2, 0}, DType::INT32, 0);
  auto out = testing::RunOurs(rows, {Array::Of<float>(DType::FLOAT32, {3, 2}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({5, 6, 1, 2}));
  Model cols = GatherModel<int64_t>(DType::FLOAT32, {2, 3}, {2, 2}, {2, 1, 0, 0}, DType::INT64, -1);
  auto c = testing::RunOurs(cols, {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(c[0].shape, std::vector<int32_t>({2, 2, 2}));
  EXPECT_EQ(c[0].values<float>(), std::vector<float>({3, 2, 1, 1, 6, 5, 4, 4}));
}

TEST(Gather, BatchDimsAndScalarIndex) {
  // params [2, 3], positions [2, 1], batch_dims 1, axis 1: row b picks column pos[b].
  Model m = GatherModel<int32_t>(DType::INT64, {2, 3}, {2, 1}, {2, 0}, DType::INT32, 1, 1);
  auto out = testing::RunOurs(m, {Array::Of<int64_t>(DType::INT64, {2, 3}, {1, 2, 1LL << 40, 4, 5, 6})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 1}));
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({1LL << 40, 4}));
  Model s = GatherModel<int32_t>(DType::INT32, {4}, {}, {3}, DType::INT32, 0);
  auto sc = testing::RunOurs(s, {Array::Of<int32_t>(DType::INT32, {4}, {7, 8, 9, 10})});
  EXPECT_EQ(sc[0].shape, std::vector<int32_t>{});
  EXPECT_EQ(sc[0].values<int32_t>(), std::vector<int32_t>({10}));
}

TEST(Gather, RejectsOutOfRangePositions) {
  Model m = GatherModel<int32_t>(DType::FLOAT32, {3}, {1}, {3}, DType::INT32, 0);
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  Model n = GatherModel<int32_t>(DType::FLOAT32, {3}, {1}, {-1}, DType::INT32, 0);
  EXPECT_THROW(testing::RunOurs(n, testing::RandomInputs(n, 1)), Error);
  Model b = GatherModel<int32_t>(DType::FLOAT32, {2, 3}, {3, 1}, {0, 0, 0}, DType::INT32, 1, 1);
  EXPECT_THROW(testing::RunOurs(b, testing::RandomInputs(b, 1)), Error);
  Model f = GatherModel<float>(DType::FLOAT32, {3}, {1}, {0.0f}, DType::FLOAT32, 0);
  EXPECT_THROW(testing::RunOurs(f, testing::RandomInputs(f, 1)), Error);
}

TEST(Gather, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  auto add = [&](std::string name, Model m) { cases.push_back({name, testing::shape::WithOurOutputShapes(m, {})}); };
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL})
    add("axis 0 " + DTypeName(t), GatherModel<int32_t>(t, {5, 3}, {4}, {4, 0, 2, 2}, DType::INT32, 0));
  add("axis 1", GatherModel<int32_t>(DType::FLOAT32, {2, 4, 3}, {2, 2}, {3, 1, 0, 3}, DType::INT32, 1));
  add("negative axis", GatherModel<int32_t>(DType::INT8, {2, 3, 4}, {3}, {1, 3, 0}, DType::INT32, -1));
  add("int64 positions", GatherModel<int64_t>(DType::FLOAT32, {6, 2}, {2, 2}, {5, 0, 1, 5}, DType::INT64, 0));
  add("scalar position", GatherModel<int32_t>(DType::FLOAT32, {4, 3}, {}, {2}, DType::INT32, 0));
  add("batch_dims 1", GatherModel<int32_t>(DType::FLOAT32, {2, 4, 3}, {2, 3}, {0, 3, 1, 2, 2, 0}, DType::INT32, 1, 1));
  add("batch_dims -1", GatherModel<int32_t>(DType::INT8, {2, 3, 2}, {2, 2}, {1, 0, 1, 1}, DType::INT32, 2, -1));
  add("embedding", GatherModel<int32_t>(DType::FLOAT32, {10, 4}, {1, 5}, {9, 1, 0, 3, 3}, DType::INT32, 0));
  {
    // Positions fed at run time.
    OpModel m(BuiltinOp::GATHER);
    m.Input({DType::FLOAT32, {6, 2}});
    m.Input({DType::INT32, {3}});
    m.Output({DType::FLOAT32, {3, 2}});
    tflite::GatherOptionsT o;
    m.Options(o);
    Model model = m.Build();
    cases.push_back({"run-time positions", model,
                     {testing::RandomInputs(model, 4)[0], Array::Of<int32_t>(DType::INT32, {3}, {5, 5, 1})}});
  }
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
