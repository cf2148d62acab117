#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::OracleCase;

Model ShapeModel(DType in, std::vector<int32_t> shape, DType out, bool with_option = true) {
  OpModel m(BuiltinOp::SHAPE);
  m.Input({in, shape});
  m.Output({out, {static_cast<int32_t>(shape.size())}});
  if (with_option) {
    tflite::ShapeOptionsT o;
    o.out_type = out;
    m.Options(o);
  }
  return m.Build();
}

TEST(Shape, Int32AndInt64) {
  Model m = ShapeModel(DType::FLOAT32, {2, 0, 5}, DType::INT32);
  auto out = testing::RunOurs(m, testing::RandomInputs(m, 1));
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({3}));
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>({2, 0, 5}));
  Model m64 = ShapeModel(DType::INT8, {7, 1}, DType::INT64);
  EXPECT_EQ(testing::RunOurs(m64, testing::RandomInputs(m64, 1))[0].values<int64_t>(), std::vector<int64_t>({7, 1}));
  Model scalar = ShapeModel(DType::FLOAT32, {}, DType::INT32, false);
  auto s = testing::RunOurs(scalar, testing::RandomInputs(scalar, 1));
  EXPECT_EQ(s[0].shape, std::vector<int32_t>({0}));
}

TEST(Shape, RejectsFloatOutputAndMismatchedOption) {
  Model f = ShapeModel(DType::FLOAT32, {2}, DType::FLOAT32, false);
  EXPECT_THROW(testing::RunOurs(f, testing::RandomInputs(f, 1)), Error);
  OpModel m(BuiltinOp::SHAPE);
  m.Input({DType::FLOAT32, {2}});
  m.Output({DType::INT32, {1}});
  tflite::ShapeOptionsT o;
  o.out_type = DType::INT64;
  m.Options(o);
  Model mm = m.Build();
  EXPECT_THROW(testing::RunOurs(mm, testing::RandomInputs(mm, 1)), Error);
}

TEST(Shape, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL})
    cases.push_back({"of " + DTypeName(t), ShapeModel(t, {1, 3, 2, 4}, DType::INT32)});
  cases.push_back({"rank 1", ShapeModel(DType::FLOAT32, {5}, DType::INT32)});
  cases.push_back({"with zero", ShapeModel(DType::FLOAT32, {2, 0}, DType::INT32)});
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
