#include <cmath>

#include "kernel_test_util.h"
#include "kernels/internal/conv_testing.h"

namespace tfd {
namespace {

using conv_testing::CaseBuilder;
using conv_testing::Compare;
using conv_testing::OracleCase;
using conv_testing::RandomFloats;
using conv_testing::RandomInts;
using testing::Array;
using testing::OpModel;
using testing::TensorSpec;

tflite::BatchMatMulOptionsT Options(bool adj_x, bool adj_y, bool asymmetric = false) {
  tflite::BatchMatMulOptionsT o;
  o.adj_x = adj_x;
  o.adj_y = adj_y;
  o.asymmetric_quantize_inputs = asymmetric;
  return o;
}

TEST(BatchMatMul, FloatBroadcastAndAdjoints) {
  // lhs [2, 1, 2] (two 1x2 rows), rhs [2, 2] broadcast to both batches.
  OpModel m(BuiltinOp::BATCH_MATMUL);
  m.Input({DType::FLOAT32, {2, 1, 2}});
  m.Input({DType::FLOAT32, {2, 2}});
  m.Output({DType::FLOAT32, {2, 1, 2}});
  m.Options(Options(false, false));
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {2, 1, 2}, {1, 2, 3, 4}),
                                          Array::Of<float>(DType::FLOAT32, {2, 2}, {1, 10, 100, 1000})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 1, 2}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({201, 2010, 403, 4030}));
  // adj_x and adj_y: lhs^T [2, 1] stored as [1, 2]... here lhs [2, 1] -> x^T = [1, 2] row.
  OpModel t(BuiltinOp::BATCH_MATMUL);
  t.Input({DType::FLOAT32, {2, 1}});
  t.Input({DType::FLOAT32, {3, 2}});
  t.Output({DType::FLOAT32, {1, 3}});
  t.Options(Options(true, true));
  out = testing::RunOurs(t.Build(), {Array::Of<float>(DType::FLOAT32, {2, 1}, {1, 2}),
                                     Array::Of<float>(DType::FLOAT32, {3, 2}, {1, 1, 2, 0, 0, 3})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({1, 3}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({3, 2, 6}));
}

TEST(BatchMatMul, Int8HandComputed) {
  // lhs scale 0.5 zp 1: q [3, 5] -> [1, 2]; rhs scale 0.25 zp -2: q [2, 6] -> [1, 2];
  // 1 + 4 = 5 at output scale 0.5 zp 0 -> 10.
  OpModel m(BuiltinOp::BATCH_MATMUL);
  m.Input({DType::INT8, {1, 2}, 0.5f, 1});
  m.Input({DType::INT8, {2, 1}, 0.25f, -2});
  m.Output({DType::INT8, {1, 1}, 0.5f, 0});
  m.Options(Options(false, false));
  auto out = testing::RunOurs(m.Build(), {Array::Of<int8_t>(DType::INT8, {1, 2}, {3, 5}),
                                          Array::Of<int8_t>(DType::INT8, {2, 1}, {2, 6})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({10}));
}

TEST(BatchMatMul, RejectsBadShapesAndTypes) {
  auto run = [](const Model& model) { testing::RunOurs(model, testing::RandomInputs(model, 1)); };
  {  // Inner dimensions differ.
    OpModel m(BuiltinOp::BATCH_MATMUL);
    m.Input({DType::FLOAT32, {2, 3}});
    m.Input({DType::FLOAT32, {2, 3}});
    m.Output({DType::FLOAT32, {2, 3}});
    m.Options(Options(false, false));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // Batch dimensions that do not broadcast.
    OpModel m(BuiltinOp::BATCH_MATMUL);
    m.Input({DType::FLOAT32, {2, 2, 3}});
    m.Input({DType::FLOAT32, {3, 3, 2}});
    m.Output({DType::FLOAT32, {2, 2, 2}});
    m.Options(Options(false, false));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // Rank 1.
    OpModel m(BuiltinOp::BATCH_MATMUL);
    m.Input({DType::FLOAT32, {3}});
    m.Input({DType::FLOAT32, {3, 2}});
    m.Output({DType::FLOAT32, {2}});
    m.Options(Options(false, false));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // uint8 operands.
    OpModel m(BuiltinOp::BATCH_MATMUL);
    m.Input({DType::UINT8, {2, 2}, 0.1f, 128});
    m.Input({DType::UINT8, {2, 2}, 0.1f, 128});
    m.Output({DType::UINT8, {2, 2}, 0.1f, 128});
    m.Options(Options(false, false));
    EXPECT_THROW(run(m.Build()), Error);
  }
  {  // int16 with a non-zero zero point.
    OpModel m(BuiltinOp::BATCH_MATMUL);
    m.Input({DType::INT16, {2, 2}, 0.1f, 4});
    m.Input({DType::INT16, {2, 2}, 0.1f, 0});
    m.Output({DType::INT16, {2, 2}, 0.1f, 0});
    m.Options(Options(false, false));
    EXPECT_THROW(run(m.Build()), Error);
  }
}

struct Config {
  std::string name;
  DType lhs_dtype, rhs_dtype, out_dtype;
  std::vector<int32_t> lhs, rhs;
  bool adj_x = false, adj_y = false;
  bool const_rhs = false;
  bool per_channel = false;  // hybrid
  bool asymmetric = false;   // hybrid
};

OracleCase MakeCase(const Config& c, uint32_t seed) {
  const int lr = static_cast<int>(c.lhs.size()), rr = static_cast<int>(c.rhs.size());
  const int rank = std::max(lr, rr);
  const int m = c.adj_x ? c.lhs[lr - 1] : c.lhs[lr - 2];
  const int k = c.adj_x ? c.lhs[lr - 2] : c.lhs[lr - 1];
  const int n = c.adj_y ? c.rhs[rr - 2] : c.rhs[rr - 1];
  std::vector<int32_t> out;
  for (int i = 0; i < rank - 2; ++i) {
    const int li = i - (rank - lr), ri = i - (rank - rr);
    const int ld = li >= 0 ? c.lhs[li] : 1, rd = ri >= 0 ? c.rhs[ri] : 1;
    out.push_back(ld == 1 ? rd : ld);
  }
  out.push_back(m);
  out.push_back(n);
  const size_t nl = conv_testing::Count(c.lhs), nr = conv_testing::Count(c.rhs);
  CaseBuilder b(BuiltinOp::BATCH_MATMUL);
  Compare compare = Compare::kExact;
  if (c.lhs_dtype == DType::FLOAT32) {
    b.Tensor<float>({DType::FLOAT32, c.lhs}, RandomFloats(nl, seed), false);
    if (c.rhs_dtype == DType::FLOAT32) {
      b.Tensor<float>({DType::FLOAT32, c.rhs}, RandomFloats(nr, seed + 1), c.const_rhs);
    } else {
      TensorSpec rhs{DType::INT8, c.rhs};
      rhs.scales = c.per_channel ? RandomFloats(static_cast<size_t>(n), seed + 7, 0.004f, 0.02f) : std::vector<float>{0.01f};
      rhs.zero_points.assign(rhs.scales.size(), 0);
      rhs.axis = c.adj_y ? rr - 2 : rr - 1;
      b.Tensor<int8_t>(rhs, RandomInts<int8_t>(nr, seed + 1, -127, 127), c.const_rhs);
    }
    b.Output({DType::FLOAT32, out});
    compare = Compare::kFloat;
  } else if (c.lhs_dtype == DType::INT8) {
    const float ls = 0.05f, rs = 0.02f;
    b.Tensor<int8_t>({DType::INT8, c.lhs, ls, -3}, RandomInts<int8_t>(nl, seed, -128, 127), false);
    b.Tensor<int8_t>({DType::INT8, c.rhs, rs, 4}, RandomInts<int8_t>(nr, seed + 1, -128, 127), c.const_rhs);
    if (c.out_dtype == DType::INT32)
      b.Output({DType::INT32, out, ls * rs, 0});
    else
      b.Output({DType::INT8, out, ls * rs * 135.0f * std::sqrt(static_cast<float>(k)), 2});
  } else {
    const float ls = 0.001f, rs = c.rhs_dtype == DType::INT8 ? 0.01f : 0.0005f;
    const float spread = c.rhs_dtype == DType::INT8 ? 172.0f : 172.0f * 256.0f;
    b.Tensor<int16_t>({DType::INT16, c.lhs, ls, 0}, RandomInts<int16_t>(nl, seed, -32768, 32767), false);
    if (c.rhs_dtype == DType::INT8)
      b.Tensor<int8_t>({DType::INT8, c.rhs, rs, 0}, RandomInts<int8_t>(nr, seed + 1, -127, 127), c.const_rhs);
    else
      b.Tensor<int16_t>({DType::INT16, c.rhs, rs, 0}, RandomInts<int16_t>(nr, seed + 1, -32768, 32767), c.const_rhs);
    b.Output({DType::INT16, out, ls * rs * spread * std::sqrt(static_cast<float>(k)), 0});
  }
  b.Options(Options(c.adj_x, c.adj_y, c.asymmetric));
  return b.Build(c.name + " seed " + std::to_string(seed), compare);
}

TEST(BatchMatMul, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const DType F = DType::FLOAT32, I8 = DType::INT8, I16 = DType::INT16, I32 = DType::INT32;
  std::vector<Config> configs = {
      {"float 3d", F, F, F, {2, 3, 4}, {2, 4, 5}},
      {"float adj_x adj_y", F, F, F, {2, 4, 3}, {2, 5, 4}, true, true},
      {"float broadcast rank 4 x 3", F, F, F, {2, 1, 3, 6}, {3, 6, 2}},
      {"float rank 2 const rhs", F, F, F, {5, 7}, {7, 3}, false, false, true},
      {"float rank 5", F, F, F, {1, 2, 2, 3, 4}, {2, 1, 2, 4}, false, true},
      {"int8", I8, I8, I8, {2, 3, 16}, {2, 16, 5}},
      {"int8 adj broadcast const rhs", I8, I8, I8, {3, 16, 4}, {1, 6, 16}, true, true, true},
      {"int8 to int32", I8, I8, I32, {2, 3, 8}, {2, 8, 4}},
      {"int16", I16, I16, I16, {2, 3, 12}, {2, 12, 5}},
      {"int16 adj_y", I16, I16, I16, {1, 4, 10}, {3, 10}, false, true},
      {"hybrid per-tensor", F, I8, F, {2, 3, 16}, {16, 5}, false, false, true},
      {"hybrid per-tensor asymmetric", F, I8, F, {2, 3, 16}, {16, 5}, false, false, true, false, true},
  };
  std::vector<OracleCase> cases;
  for (const auto& c : configs) cases.push_back(MakeCase(c, 61));
  conv_testing::ExpectMatchesOracle(cases);
}

// The oracle's TFLite predates per-channel hybrid BATCH_MATMUL (it scales by
// the tensor's legacy, zero, scale). Column n of a per-channel product equals
// the product with column n alone as a per-tensor rhs at that column's scale
// (the lhs quantization does not depend on the rhs), so compare column by
// column against such products on the oracle.
TEST(BatchMatMul, HybridPerChannelMatchesPerColumnProducts) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    std::vector<int32_t> lhs;
    int depth, cols;
    bool adj_y, asymmetric;
  };
  const std::vector<Case> cases = {{{4, 16}, 16, 6, false, false}, {{2, 4, 16}, 16, 5, true, true},
                                   {{3, 12}, 12, 4, false, true}};
  uint32_t seed = 95;
  for (const auto& c : cases) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const size_t nl = conv_testing::Count(c.lhs);
    const int rows = static_cast<int>(nl / static_cast<size_t>(c.depth));
    const auto lhs = RandomFloats(nl, seed);
    const auto rhs = RandomInts<int8_t>(static_cast<size_t>(c.depth * c.cols), seed + 1, -127, 127);
    const auto scales = RandomFloats(static_cast<size_t>(c.cols), seed + 2, 0.004f, 0.02f);
    ++seed;
    const std::vector<int32_t> rhs_shape = c.adj_y ? std::vector<int32_t>{c.cols, c.depth}
                                                   : std::vector<int32_t>{c.depth, c.cols};
    std::vector<int32_t> out_shape = c.lhs;
    out_shape.back() = c.cols;
    const Array in = Array::Of<float>(DType::FLOAT32, c.lhs, lhs);
    OpModel whole(BuiltinOp::BATCH_MATMUL);
    whole.Input({DType::FLOAT32, c.lhs});
    TensorSpec w{DType::INT8, rhs_shape};
    w.scales = scales;
    w.zero_points.assign(scales.size(), 0);
    w.axis = c.adj_y ? 0 : 1;
    whole.Const<int8_t>(w, rhs);
    whole.Output({DType::FLOAT32, out_shape});
    whole.Options(Options(false, c.adj_y, c.asymmetric));
    const auto ours = testing::RunOurs(whole.Build(), {in})[0].values<float>();
    testing::OracleBatch oracle;
    for (int n = 0; n < c.cols; ++n) {
      std::vector<int8_t> column;
      for (int k = 0; k < c.depth; ++k) column.push_back(c.adj_y ? rhs[n * c.depth + k] : rhs[k * c.cols + n]);
      OpModel one(BuiltinOp::BATCH_MATMUL);
      one.Input({DType::FLOAT32, c.lhs});
      one.Const<int8_t>({DType::INT8, {c.depth, 1}, scales[n], 0}, column);
      std::vector<int32_t> one_shape = c.lhs;
      one_shape.back() = 1;
      one.Output({DType::FLOAT32, one_shape});
      one.Options(Options(false, false, c.asymmetric));
      oracle.Add(one.Build(), {in});
    }
    oracle.Run();
    for (int n = 0; n < c.cols; ++n) {
      ASSERT_TRUE(oracle.ok(n)) << oracle.error(n);
      const auto theirs = oracle.outputs(n)[0].values<float>();
      for (int r = 0; r < rows; ++r)
        EXPECT_NEAR(ours[r * c.cols + n], theirs[r], 1e-6 * std::max(1.0f, std::abs(theirs[r])))
            << "row " << r << " column " << n;
    }
  }
}

}  // namespace
}  // namespace tfd
