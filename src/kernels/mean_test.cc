#include "kernel_test_util.h"
#include "kernels/internal/shape_test_util.h"
#include "xnnpack_test_util.h"

#include <random>

namespace tfd {
namespace {

using testing::Array;
using testing::TensorSpec;
using testing::shape::Compare;
using testing::shape::OracleCase;
using testing::shape::ReduceCase;
using testing::shape::ReduceModel;

std::vector<Array> RunMean(const TensorSpec& in, const TensorSpec& out, std::vector<int32_t> axes, bool keep, Array data) {
  return testing::RunOurs(ReduceModel(BuiltinOp::MEAN, in, out, axes, keep, false), {std::move(data)});
}

TEST(Mean, FloatAxesNegativeAndDuplicate) {
  // [2, 3]: axes {-1, 1} is one axis -> row means.
  auto out = RunMean({DType::FLOAT32, {2, 3}}, {DType::FLOAT32, {1}}, {-1, 1}, false,
                     Array::Of<float>(DType::FLOAT32, {2, 3}, {1, 2, 6, -3, 0, 0}));
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({3, -1}));
  auto keep = RunMean({DType::FLOAT32, {2, 3}}, {DType::FLOAT32, {1}}, {0}, true,
                      Array::Of<float>(DType::FLOAT32, {2, 3}, {1, 2, 6, -3, 0, 0}));
  EXPECT_EQ(keep[0].shape, std::vector<int32_t>({1, 3}));
  EXPECT_EQ(keep[0].values<float>(), std::vector<float>({-1, 1, 3}));
}

TEST(Mean, IntegerTruncates) {
  auto i32 = RunMean({DType::INT32, {4}}, {DType::INT32, {1}}, {0}, false, Array::Of<int32_t>(DType::INT32, {4}, {1, 2, 2, -10}));
  EXPECT_EQ(i32[0].values<int32_t>(), std::vector<int32_t>({-1}));  // -5/4 truncates to -1
  auto i64 = RunMean({DType::INT64, {2}}, {DType::INT64, {1}}, {0}, false,
                     Array::Of<int64_t>(DType::INT64, {2}, {1LL << 41, 1LL << 40}));
  EXPECT_EQ(i64[0].values<int64_t>(), std::vector<int64_t>({3LL << 39}));
}

TEST(Mean, QuantizedPaths) {
  // Same quantization: raw sum / count, truncating: (5 + 6 + 6) / 3 = 5.
  auto same = RunMean({DType::INT8, {3}, 0.5f, 2}, {DType::INT8, {1}, 0.5f, 2}, {0}, false, Array::Of<int8_t>(DType::INT8, {3}, {5, 6, 6}));
  EXPECT_EQ(same[0].values<int8_t>(), std::vector<int8_t>({5}));
  // Rescale: mean 5.5 -> real 0.5*(5.5-1) = 2.25 -> /0.25 = 9 -> + 3 = 12.
  auto rescale = RunMean({DType::INT8, {2}, 0.5f, 1}, {DType::INT8, {1}, 0.25f, 3}, {0}, false, Array::Of<int8_t>(DType::INT8, {2}, {5, 6}));
  EXPECT_EQ(rescale[0].values<int8_t>(), std::vector<int8_t>({12}));
  // 4-D spatial int8: raw sum 4*10 = 40, multiplier for 0.5/(4*0.25) = 0.5 -> 20,
  // bias = 3 - round(1 * 0.5 / 0.25) = 1 -> 21.
  auto four = RunMean({DType::INT8, {1, 2, 2, 1}, 0.5f, 1}, {DType::INT8, {1}, 0.25f, 3}, {1, 2}, true,
                      Array::Of<int8_t>(DType::INT8, {1, 2, 2, 1}, {10, 10, 10, 10}));
  EXPECT_EQ(four[0].shape, std::vector<int32_t>({1, 1, 1, 1}));
  EXPECT_EQ(four[0].values<int8_t>(), std::vector<int8_t>({21}));
  // int16 4-D (the general float rescale): mean 101 * 0.5/0.25 = 202.
  auto i16 = RunMean({DType::INT16, {1, 2, 2, 1}, 0.5f, 0}, {DType::INT16, {1}, 0.25f, 0}, {2, 1}, true,
                     Array::Of<int16_t>(DType::INT16, {1, 2, 2, 1}, {100, 101, 102, 101}));
  EXPECT_EQ(i16[0].values<int16_t>(), std::vector<int16_t>({202}));
}

TEST(Mean, EmptyAndScalar) {
  auto empty = RunMean({DType::FLOAT32, {0, 3}}, {DType::FLOAT32, {1}}, {0}, false, Array::Of<float>(DType::FLOAT32, {0, 3}, {}));
  ASSERT_EQ(empty[0].shape, std::vector<int32_t>({3}));
  EXPECT_TRUE(std::isnan(empty[0].values<float>()[0]));
  auto scalar = RunMean({DType::FLOAT32, {}}, {DType::FLOAT32, {1}}, {0}, false, Array::Of<float>(DType::FLOAT32, {}, {2.5f}));
  EXPECT_EQ(scalar[0].shape, std::vector<int32_t>{});
  EXPECT_EQ(scalar[0].values<float>(), std::vector<float>({2.5f}));
}

TEST(Mean, RejectsBadAxesAndTypes) {
  Model axis = ReduceModel(BuiltinOp::MEAN, {DType::FLOAT32, {2, 3}}, {DType::FLOAT32, {1}}, {2}, false, false);
  EXPECT_THROW(testing::RunOurs(axis, testing::RandomInputs(axis, 1)), Error);
  Model zp = ReduceModel(BuiltinOp::MEAN, {DType::INT16, {2}, 0.1f, 1}, {DType::INT16, {1}, 0.1f, 0}, {0}, false, false);
  EXPECT_THROW(testing::RunOurs(zp, testing::RandomInputs(zp, 1)), Error);
  Model b = ReduceModel(BuiltinOp::MEAN, {DType::BOOL, {2}}, {DType::BOOL, {1}}, {0}, false, false);
  EXPECT_THROW(testing::RunOurs(b, testing::RandomInputs(b, 1)), Error);
}

TEST(Mean, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const BuiltinOp op = BuiltinOp::MEAN;
  const TensorSpec i8{DType::INT8, {2, 5, 7, 8}, 0.05f, -3}, i8_out{DType::INT8, {1}, 0.02f, 5};
  const TensorSpec i8_same{DType::INT8, {1}, 0.05f, -3};
  const TensorSpec u8{DType::UINT8, {1, 6, 5, 16}, 0.023f, 131}, u8_out{DType::UINT8, {1}, 0.019f, 127};
  const TensorSpec i16{DType::INT16, {2, 4, 6, 3}, 0.001f, 0}, i16_out{DType::INT16, {1}, 0.0007f, 0};
  const TensorSpec f{DType::FLOAT32, {2, 5, 7, 3}}, f_out{DType::FLOAT32, {1}};
  std::vector<OracleCase> cases;
  // Quantized: axes fed at run time so TFLite's kernels (not XNNPACK) run.
  for (bool keep : {true, false}) {
    const std::string k = keep ? " keep" : "";
    cases.push_back(ReduceCase("int8 {1,2}" + k, op, i8, i8_out, {1, 2}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("int8 {2,1} same" + k, op, i8, i8_same, {2, 1}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("int8 {-1}" + k, op, i8, i8_out, {-1}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("int8 {0,3,3}" + k, op, i8, i8_out, {0, 3, 3}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("int8 {-3,-2}" + k, op, i8, i8_out, {-3, -2}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("uint8 {1,2}" + k, op, u8, u8_out, {1, 2}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("uint8 {1}" + k, op, u8, u8_out, {1}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("uint8 {0,1,2,3} same" + k, op, u8, {DType::UINT8, {1}, 0.023f, 131}, {0, 1, 2, 3}, keep, true,
                               Compare::kExact));
    cases.push_back(ReduceCase("int16 {1,2}" + k, op, i16, i16_out, {1, 2}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("int16 {3}" + k, op, i16, i16_out, {3}, keep, true, Compare::kExact));
    cases.push_back(ReduceCase("float {1,2}" + k, op, f, f_out, {1, 2}, keep, false, Compare::kFloat));
    cases.push_back(ReduceCase("float {0,-1}" + k, op, f, f_out, {0, -1}, keep, false, Compare::kFloat));
    cases.push_back(ReduceCase("int32 {1}" + k, op, {DType::INT32, {3, 5, 4}}, {DType::INT32, {1}}, {1}, keep, false, Compare::kExact));
  }
  for (uint64_t seed : {2, 3, 4})
    cases.push_back(ReduceCase("int16 {1,2} keep, seed " + std::to_string(seed), op, {DType::INT16, {1, 5, 3, 7}, 0.0013f, 0},
                               {DType::INT16, {1}, 0.0009f, 0}, {1, 2}, true, true, Compare::kExact, seed));
  cases.push_back(ReduceCase("uint8 2-D {1}", op, {DType::UINT8, {4, 9}, 0.1f, 128}, {DType::UINT8, {1}, 0.07f, 120}, {1}, false, false,
                             Compare::kExact));
  // Constant spatial axes on a 4-D input go to the oracle's XNNPACK delegate,
  // whose global average pooling requantizes in float with round-to-nearest-
  // even: within one step of TFLite's kernels (matched exactly above).
  cases.push_back(ReduceCase("int8 {1,2} XNNPACK", op, i8, i8_out, {1, 2}, true, false, Compare::kWithinOneStep));
  cases.push_back(ReduceCase("uint8 {1,2} XNNPACK", op, u8, u8_out, {1, 2}, true, false, Compare::kWithinOneStep));
  cases.push_back(ReduceCase("int8 {2} XNNPACK", op, i8, i8_out, {2}, false, false, Compare::kWithinOneStep));
  testing::shape::ExpectMatchesOracle(cases);
}

// ---- The xnnpack arithmetic profile ----

// 8-bit means over the whole range of inputs, three seeds, against the
// oracle: the global-average-pool shapes the delegate takes (axes {1, 2} or
// {2, 1}, keep_dims) and the ones it leaves to TFLite's kernels (other axes,
// no keep_dims, a scale ratio outside [2^-8, 2^8)). Every run must match
// bit for bit, the delegate's choice must be ours, and the reference
// arithmetic must differ somewhere (else the flavor would be pointless).
TEST(Mean, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  struct Config {
    DType dtype;
    std::vector<int32_t> shape;
    std::vector<int32_t> axes;
    bool keep_dims;
    float in_scale, out_scale;
    int64_t in_zp, out_zp;
  };
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  const std::vector<Config> configs = {
      {I8, {1, 7, 7, 32}, {1, 2}, true, 0.0235f, 0.0117f, -5, 3},
      {I8, {1, 7, 7, 32}, {1, 2}, true, 0.05f, 0.05f, -128, -128},  // one quantization, as TF2 converters write
      {I8, {2, 5, 3, 8}, {2, 1}, true, 0.1f, 0.013f, 7, -20},
      {I8, {1, 1, 1, 16}, {1, 2}, true, 0.02f, 0.03f, 0, 1},
      {I8, {1, 14, 14, 20}, {1, 2}, true, 0.0039f, 0.00071f, -128, -9},
      {U8, {1, 7, 7, 24}, {1, 2}, true, 0.0235f, 0.0117f, 128, 120},
      {U8, {1, 3, 9, 5}, {1, 2}, true, 0.5f, 0.25f, 0, 255},
      {I8, {1, 7, 7, 32}, {1, 2}, false, 0.0235f, 0.0117f, -5, 3},  // no keep_dims
      {U8, {1, 6, 6, 8}, {1, 2}, false, 0.03f, 0.02f, 100, 90},
      {I8, {1, 5, 5, 8}, {-3, -2}, true, 0.04f, 0.02f, 1, 2},      // negative axes
      {I8, {1, 5, 5, 8}, {1}, true, 0.04f, 0.02f, 1, 2},           // one axis
      {I8, {1, 5, 6, 8}, {2}, true, 0.04f, 0.02f, 1, 2},           // width only
      {U8, {2, 5, 6, 8}, {2}, false, 0.04f, 0.02f, 1, 2},
      {I8, {1, 5, 5, 8}, {2, 3}, true, 0.04f, 0.02f, 1, 2},        // not the spatial axes
      {I8, {1, 5, 5, 8}, {1, 2}, true, 0.001f, 0.5f, 1, 2},        // ratio 2^-9
      {I8, {1, 5, 5, 8}, {1, 2}, true, 0.9f, 0.003f, 1, 2},        // ratio 300
      {I8, {5, 8}, {0}, true, 0.04f, 0.02f, 1, 2},                 // 2-D
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    Model m = testing::shape::ReduceModel(BuiltinOp::MEAN, {c.dtype, c.shape, c.in_scale, c.in_zp},
                                          {c.dtype, {1}, c.out_scale, c.out_zp}, c.axes, c.keep_dims, false);
    m = testing::shape::WithOurOutputShapes(std::move(m), {});
    testing::xnnpack::Case xc{std::string(DTypeName(c.dtype)) + " " + ShapeString(c.shape) + " axes " +
                                  std::to_string(c.axes[0]) + (c.keep_dims ? " keep" : ""),
                              m, {}};
    for (uint64_t seed : {11, 12, 13}) xc.inputs.push_back(testing::RandomInputs(m, seed));
    cases.push_back(std::move(xc));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 11);
  EXPECT_EQ(tally.declined, 6);
  EXPECT_GT(tally.reference_differences, 0);
}


// float32 means bit for bit against the oracle: XNNPACK's global average
// pooling sums in groups of 7 rows (one group, several, a partial last one),
// seeded values in [-6, 6], three seeds; axes it leaves to TFLite too.
TEST(Mean, XnnpackProfileFloatMatchesTfliteRuntimeBitForBit) {
  TFD_REQUIRE_ORACLE();
  struct Config {
    std::vector<int32_t> shape;
    std::vector<int32_t> axes;
    bool keep_dims;
  };
  const std::vector<Config> configs = {
      {{1, 7, 7, 32}, {1, 2}, true},  {{1, 7, 7, 32}, {1, 2}, false}, {{2, 2, 3, 5}, {2, 1}, true},
      {{1, 4, 5, 9}, {1, 2}, false},  {{1, 10, 9, 6}, {1, 2}, true},  {{2, 3, 15, 4}, {2}, true},
      {{1, 1, 1, 7}, {1, 2}, true},   {{1, 6, 6, 8}, {1}, true},      {{1, 6, 6, 8}, {3}, false},
  };
  std::vector<testing::xnnpack::Case> cases;
  for (const Config& c : configs) {
    Model m = testing::shape::ReduceModel(BuiltinOp::MEAN, {DType::FLOAT32, c.shape}, {DType::FLOAT32, {1}}, c.axes,
                                          c.keep_dims, false);
    m = testing::shape::WithOurOutputShapes(std::move(m), {});
    testing::xnnpack::Case xc{"float32 " + ShapeString(c.shape) + " axes " + std::to_string(c.axes[0]), m, {}};
    for (uint64_t seed : {81, 82, 83}) {
      std::mt19937_64 rng(seed);
      std::uniform_real_distribution<float> u(-6.0f, 6.0f);
      int64_t n = 1;
      for (int32_t d : c.shape) n *= d;
      std::vector<float> v(static_cast<size_t>(n));
      for (float& x : v) x = u(rng);
      xc.inputs.push_back({Array::Of<float>(DType::FLOAT32, c.shape, v)});
    }
    cases.push_back(std::move(xc));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.delegated, 7);
  EXPECT_EQ(tally.declined, 2);
  EXPECT_GT(tally.reference_differences, 0);
}

}  // namespace
}  // namespace tfd
