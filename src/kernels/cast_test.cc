#include <cmath>
#include <limits>

#include "kernels/internal/act_test_util.h"

namespace tfd {
namespace {

using acttest::Array;
using acttest::Compare;
using acttest::Spec;

Model Cast(DType from, DType to, std::vector<int32_t> shape) {
  return acttest::Unary(BuiltinOp::CAST, Spec(from, shape), Spec(to, shape));
}

// CAST chained through intermediate types inside one model: types[0] -> ... -> types.back().
Model CastChain(const std::vector<DType>& types, std::vector<int32_t> shape) {
  Model m = Cast(types[0], types[1], shape);
  Subgraph& g = m.subgraphs[0];
  for (size_t k = 2; k < types.size(); ++k) {
    Tensor t;
    t.name = "t" + std::to_string(g.tensors.size());
    t.dtype = types[k];
    t.shape = shape;
    g.tensors.push_back(t);
    Operator op = g.operators.back();
    op.inputs = {g.outputs[0]};
    op.outputs = {static_cast<int32_t>(g.tensors.size() - 1)};
    g.operators.push_back(op);
    g.outputs = op.outputs;
  }
  return m;
}

const std::vector<float> kFloats = {0.0f,     -0.0f,    1.5f,     -1.5f,   2.7f,  -2.7f, 127.9f, 128.5f, 255.5f,
                                    256.0f,   -129.0f,  300.7f,   -300.7f, 40000.5f, -40000.5f, 70000.2f, 3e9f, -3e9f,
                                    1e20f,    -1e20f,   0.3f,     5e9f,    65504.0f, 65520.0f, std::numeric_limits<float>::infinity(),
                                    -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};

TEST(Cast, FloatToIntegers) {
  const int32_t n = static_cast<int32_t>(kFloats.size());
  const Array in = Array::Of<float>(DType::FLOAT32, {n}, kFloats);
  // In range: truncation toward zero. Beyond: int32 wrap / INT32_MIN for signed targets,
  // uint32 wrap / 0 for unsigned ones (TFLite's x86 and WebAssembly behaviour).
  auto i32 = testing::RunOurs(Cast(DType::FLOAT32, DType::INT32, {n}), {in})[0].values<int32_t>();
  EXPECT_EQ(i32[2], 1);
  EXPECT_EQ(i32[5], -2);
  EXPECT_EQ(i32[14], -40000);
  EXPECT_EQ(i32[16], std::numeric_limits<int32_t>::min());  // 3e9
  EXPECT_EQ(i32[26], std::numeric_limits<int32_t>::min());  // NaN
  auto i8 = testing::RunOurs(Cast(DType::FLOAT32, DType::INT8, {n}), {in})[0].values<int8_t>();
  EXPECT_EQ(i8[7], -128);  // 128 wraps
  EXPECT_EQ(i8[11], 44);   // 300 wraps
  EXPECT_EQ(i8[16], 0);    // INT32_MIN wraps to 0
  auto u8 = testing::RunOurs(Cast(DType::FLOAT32, DType::UINT8, {n}), {in})[0].values<uint8_t>();
  EXPECT_EQ(u8[3], 0);    // -1.5 is out of uint32 range
  EXPECT_EQ(u8[8], 255);  // 255.5
  EXPECT_EQ(u8[13], 64);  // 40000 wraps
  auto u32 = testing::RunOurs(Cast(DType::FLOAT32, DType::UINT32, {n}), {in})[0].values<uint32_t>();
  EXPECT_EQ(u32[16], 3000000000u);
  EXPECT_EQ(u32[21], 0u);  // 5e9
  auto i64 = testing::RunOurs(Cast(DType::FLOAT32, DType::INT64, {n}), {in})[0].values<int64_t>();
  EXPECT_EQ(i64[21], 5000000000);
  EXPECT_EQ(i64[18], std::numeric_limits<int64_t>::min());  // 1e20
  auto b = testing::RunOurs(Cast(DType::FLOAT32, DType::BOOL, {n}), {in})[0].values<uint8_t>();
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(b[1], 0);   // -0
  EXPECT_EQ(b[20], 1);  // 0.3
  EXPECT_EQ(b[26], 1);  // NaN
}

TEST(Cast, IntegersWrapAndBools) {
  const Array in = Array::Of<int32_t>(DType::INT32, {5}, {-70000, -129, 255, 65536, 16777217});
  EXPECT_EQ(testing::RunOurs(Cast(DType::INT32, DType::INT16, {5}), {in})[0].values<int16_t>(),
            std::vector<int16_t>({-4464, -129, 255, 0, 1}));
  EXPECT_EQ(testing::RunOurs(Cast(DType::INT32, DType::UINT16, {5}), {in})[0].values<uint16_t>(),
            std::vector<uint16_t>({61072, 65407, 255, 0, 1}));
  EXPECT_EQ(testing::RunOurs(Cast(DType::INT32, DType::FLOAT32, {5}), {in})[0].values<float>(),
            std::vector<float>({-70000.0f, -129.0f, 255.0f, 65536.0f, 16777216.0f}));  // 2^24 + 1 rounds to even
  EXPECT_EQ(testing::RunOurs(Cast(DType::INT32, DType::INT64, {5}), {in})[0].values<int64_t>(),
            std::vector<int64_t>({-70000, -129, 255, 65536, 16777217}));
  // Any non-zero byte of a bool tensor reads as true.
  const Array bools = Array::Of<uint8_t>(DType::BOOL, {3}, {0, 1, 7});
  EXPECT_EQ(testing::RunOurs(Cast(DType::BOOL, DType::FLOAT32, {3}), {bools})[0].values<float>(), std::vector<float>({0, 1, 1}));
  EXPECT_EQ(testing::RunOurs(Cast(DType::BOOL, DType::BOOL, {3}), {bools})[0].values<uint8_t>(), std::vector<uint8_t>({0, 1, 1}));
}

TEST(Cast, Float16AndFloat64) {
  // float -> half rounds to nearest even; 65520 overflows to inf; 1e-8 underflows to 0.
  const Array in = Array::Of<float>(DType::FLOAT32, {5}, {0.1f, 65504.0f, 65520.0f, 1e-8f, -2.5f});
  EXPECT_EQ(testing::RunOurs(Cast(DType::FLOAT32, DType::FLOAT16, {5}), {in})[0].values<uint16_t>(),
            std::vector<uint16_t>({0x2e66, 0x7bff, 0x7c00, 0x0000, 0xc100}));
  const Array halves = Array::Of<uint16_t>(DType::FLOAT16, {3}, {0x3e00, 0xc100, 0x0001});  // 1.5, -2.5, 2^-24
  EXPECT_EQ(testing::RunOurs(Cast(DType::FLOAT16, DType::INT32, {3}), {halves})[0].values<int32_t>(), std::vector<int32_t>({1, -2, 0}));
  EXPECT_EQ(testing::RunOurs(Cast(DType::FLOAT16, DType::FLOAT64, {3}), {halves})[0].values<double>(),
            std::vector<double>({1.5, -2.5, std::ldexp(1.0, -24)}));
  const Array doubles = Array::Of<double>(DType::FLOAT64, {3}, {0.1, 1e300, -7.9});
  EXPECT_EQ(testing::RunOurs(Cast(DType::FLOAT64, DType::FLOAT32, {3}), {doubles})[0].values<float>(),
            std::vector<float>({0.1f, std::numeric_limits<float>::infinity(), -7.9f}));
  EXPECT_EQ(testing::RunOurs(Cast(DType::FLOAT64, DType::INT64, {3}), {doubles})[0].values<int64_t>(),
            std::vector<int64_t>({0, std::numeric_limits<int64_t>::min(), -7}));
}

TEST(Cast, RejectsUnsupportedTypes) {
  Model str = Cast(DType::FLOAT32, DType::STRING, {2});
  EXPECT_THROW(testing::RunOurs(str, testing::RandomInputs(str, 1)), Error);
  Model c64 = Cast(DType::COMPLEX64, DType::FLOAT32, {2});
  EXPECT_THROW(testing::RunOurs(c64, {Array{DType::COMPLEX64, {2}, std::vector<uint8_t>(16)}}), Error);
}

Array InputFor(DType t, uint64_t seed) {
  switch (t) {
    case DType::FLOAT32: return Array::Of<float>(DType::FLOAT32, {static_cast<int32_t>(kFloats.size())}, kFloats);
    case DType::INT8: return acttest::AllValues8(DType::INT8);
    case DType::UINT8: return acttest::AllValues8(DType::UINT8);
    case DType::INT16: return acttest::Int16Sweep(257);
    case DType::INT32: return Array::Of<int32_t>(DType::INT32, {12}, {std::numeric_limits<int32_t>::min(), -70000, -129, -1, 0, 1, 255, 256,
                                                                     65535, 65536, 16777217, std::numeric_limits<int32_t>::max()});
    case DType::UINT32: return Array::Of<uint32_t>(DType::UINT32, {8}, {0, 1, 255, 256, 65535, 2147483648u, 4294967295u, 16777217});
    case DType::BOOL: return acttest::RandomInts(DType::BOOL, {16}, 0, 1, seed);
    default: return {};
  }
}

TEST(Cast, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<acttest::OracleCase> cases;
  // Every pair among the types the oracle can read and its CAST supports.
  const std::vector<DType> types = {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::UINT32, DType::BOOL};
  uint64_t seed = 70;
  for (DType from : types) {
    for (DType to : types) {
      Array in = InputFor(from, seed++);
      cases.push_back({DTypeName(from) + "->" + DTypeName(to), Cast(from, to, in.shape), {in}});
    }
  }
  // int64 and uint16 (unreadable by the oracle) as intermediates of a chain.
  const std::vector<std::vector<DType>> chains = {
      {DType::INT32, DType::INT64, DType::INT32},    {DType::INT32, DType::INT64, DType::FLOAT32},
      {DType::FLOAT32, DType::INT64, DType::FLOAT32}, {DType::FLOAT32, DType::INT64, DType::INT8},
      {DType::UINT32, DType::INT64, DType::UINT32},   {DType::INT32, DType::INT64, DType::BOOL},
      {DType::BOOL, DType::INT64, DType::INT32},     {DType::INT32, DType::UINT16, DType::INT32},
      {DType::FLOAT32, DType::UINT16, DType::INT32}, {DType::INT16, DType::UINT16, DType::INT16},
      {DType::UINT8, DType::UINT16, DType::INT64, DType::FLOAT32}};
  for (const auto& chain : chains) {
    Array in = InputFor(chain.front(), seed++);
    std::string name;
    for (DType t : chain) name += (name.empty() ? "" : "->") + DTypeName(t);
    cases.push_back({name, CastChain(chain, in.shape), {in}});
  }
  acttest::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
