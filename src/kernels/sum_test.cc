#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::TensorSpec;
using testing::shape::Compare;
using testing::shape::OracleCase;
using testing::shape::ReduceCase;
using testing::shape::ReduceModel;

std::vector<Array> RunSum(const TensorSpec& in, const TensorSpec& out, std::vector<int32_t> axes, bool keep, Array data) {
  return testing::RunOurs(ReduceModel(BuiltinOp::SUM, in, out, axes, keep, false), {std::move(data)});
}

TEST(Sum, FloatAndIntegers) {
  auto f = RunSum({DType::FLOAT32, {2, 2, 2}}, {DType::FLOAT32, {1}}, {0, -1}, true,
                  Array::Of<float>(DType::FLOAT32, {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(f[0].shape, std::vector<int32_t>({1, 2, 1}));
  EXPECT_EQ(f[0].values<float>(), std::vector<float>({14, 22}));
  auto i64 = RunSum({DType::INT64, {3}}, {DType::INT64, {1}}, {0}, false, Array::Of<int64_t>(DType::INT64, {3}, {1LL << 40, 1LL << 40, -1}));
  EXPECT_EQ(i64[0].values<int64_t>(), std::vector<int64_t>({(1LL << 41) - 1}));
  // No axes (fed at run time: an empty constant has no bytes to read): a copy.
  auto none = testing::RunOurs(ReduceModel(BuiltinOp::SUM, {DType::INT32, {2}}, {DType::INT32, {1}}, {}, false, true),
                               {Array::Of<int32_t>(DType::INT32, {2}, {4, 5}), Array::Of<int32_t>(DType::INT32, {0}, {})});
  EXPECT_EQ(none[0].values<int32_t>(), std::vector<int32_t>({4, 5}));
}

TEST(Sum, QuantizedSameScaleWrapsLikeTflite) {
  // Same parameters: stored values add in int8 and wrap (100 + 100 = -56).
  auto same = RunSum({DType::INT8, {2}, 0.5f, 0}, {DType::INT8, {1}, 0.5f, 0}, {0}, false, Array::Of<int8_t>(DType::INT8, {2}, {100, 100}));
  EXPECT_EQ(same[0].values<int8_t>(), std::vector<int8_t>({-56}));
}

TEST(Sum, QuantizedRescale) {
  // in scale 0.5 zp 2, out scale 1 zp -1: values 4, 7 -> real 1 + 2.5 = 3.5 -> round 4 -> 3.
  auto r = RunSum({DType::INT8, {2}, 0.5f, 2}, {DType::INT8, {1}, 1.0f, -1}, {0}, false, Array::Of<int8_t>(DType::INT8, {2}, {4, 7}));
  EXPECT_EQ(r[0].values<int8_t>(), std::vector<int8_t>({3}));
  // No clamping (TFLite casts): 3 * 127 * 0.5 / 0.25 = 762 -> wraps to -6 in int8.
  auto w = RunSum({DType::INT8, {3}, 0.5f, 0}, {DType::INT8, {1}, 0.25f, 0}, {0}, false,
                  Array::Of<int8_t>(DType::INT8, {3}, {127, 127, 127}));
  EXPECT_EQ(w[0].values<int8_t>(), std::vector<int8_t>({static_cast<int8_t>(762 & 0xff)}));
}

TEST(Sum, Rejects) {
  Model i16 = ReduceModel(BuiltinOp::SUM, {DType::INT16, {2}, 0.5f, 0}, {DType::INT16, {1}, 0.25f, 0}, {0}, false, false);
  EXPECT_THROW(testing::RunOurs(i16, testing::RandomInputs(i16, 1)), Error);
  Model axis = ReduceModel(BuiltinOp::SUM, {DType::FLOAT32, {2}}, {DType::FLOAT32, {1}}, {-2}, false, false);
  EXPECT_THROW(testing::RunOurs(axis, testing::RandomInputs(axis, 1)), Error);
}

TEST(Sum, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const BuiltinOp op = BuiltinOp::SUM;
  std::vector<OracleCase> cases;
  const TensorSpec f{DType::FLOAT32, {2, 4, 5, 3}}, f_out{DType::FLOAT32, {1}};
  for (bool keep : {true, false}) {
    const std::string k = keep ? " keep" : "";
    cases.push_back(ReduceCase("float {1,2}" + k, op, f, f_out, {1, 2}, keep, false, Compare::kFloat));
    cases.push_back(ReduceCase("float {-1,0,-1}" + k, op, f, f_out, {-1, 0, -1}, keep, false, Compare::kFloat));
    cases.push_back(ReduceCase("float all" + k, op, f, f_out, {0, 1, 2, 3}, keep, false, Compare::kFloat));
    cases.push_back(ReduceCase("int32 {0}" + k, op, {DType::INT32, {6, 3}}, {DType::INT32, {1}}, {0}, keep, false, Compare::kExact));
    // 8-bit with different output quantization: rescaled (wrapping) sums.
    cases.push_back(ReduceCase("int8 {1} rescale" + k, op, {DType::INT8, {3, 6, 2}, 0.01f, 4}, {DType::INT8, {1}, 0.05f, -2}, {1},
                               keep, false, Compare::kExact));
    cases.push_back(ReduceCase("uint8 {0,2} rescale" + k, op, {DType::UINT8, {3, 4, 2}, 0.004f, 128},
                               {DType::UINT8, {1}, 0.02f, 120}, {0, 2}, keep, false, Compare::kExact));
    // Same parameters: raw, wrapping sums.
    cases.push_back(ReduceCase("int8 {1} same" + k, op, {DType::INT8, {3, 4}, 0.1f, 0}, {DType::INT8, {1}, 0.1f, 0}, {1}, keep,
                               false, Compare::kExact));
    cases.push_back(ReduceCase("int16 {0} same" + k, op, {DType::INT16, {3, 4}, 0.001f, 0}, {DType::INT16, {1}, 0.001f, 0}, {0},
                               keep, false, Compare::kExact));
  }
  cases.push_back(ReduceCase("int8 wraps", op, {DType::INT8, {2, 30}, 0.05f, 0}, {DType::INT8, {1}, 0.02f, 0}, {1}, false, false,
                             Compare::kExact));
  cases.push_back(ReduceCase("float run-time axes", op, f, f_out, {3, 1}, false, true, Compare::kFloat));
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
