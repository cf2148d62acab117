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

constexpr BuiltinOp kOp = BuiltinOp::REDUCE_MAX;
constexpr bool kMax = true;

TEST(ReduceMax, AlongAxes) {
  Model m = ReduceModel(kOp, {DType::FLOAT32, {2, 3}}, {DType::FLOAT32, {1}}, {-1}, false, false);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3}, {1, -5, 3, 0, 2, -1})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2}));
  EXPECT_EQ(out[0].values<float>(), kMax ? std::vector<float>({3, 2}) : std::vector<float>({-5, -1}));
  Model i = ReduceModel(kOp, {DType::INT64, {2, 2}}, {DType::INT64, {1}}, {0, 1}, true, false);
  auto io = testing::RunOurs(i, {Array::Of<int64_t>(DType::INT64, {2, 2}, {1LL << 40, -(1LL << 41), 3, 4})});
  EXPECT_EQ(io[0].shape, std::vector<int32_t>({1, 1}));
  EXPECT_EQ(io[0].values<int64_t>(), std::vector<int64_t>({kMax ? (1LL << 40) : -(1LL << 41)}));
}

TEST(ReduceMax, EmptyReductionKeepsStartValue) {
  Model m = ReduceModel(kOp, {DType::INT8, {2, 0}, 0.1f, 0}, {DType::INT8, {1}, 0.1f, 0}, {1}, false, false);
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {2, 0}, {})});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>(2, kMax ? -128 : 127));
}

TEST(ReduceMax, RejectsRequantization) {
  Model m = ReduceModel(kOp, {DType::INT8, {2}, 0.1f, 0}, {DType::INT8, {1}, 0.2f, 0}, {0}, false, false);
  EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
}

TEST(ReduceMax, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (bool keep : {true, false}) {
    const std::string k = keep ? " keep" : "";
    cases.push_back(ReduceCase("float {1,2}" + k, kOp, {DType::FLOAT32, {2, 4, 5, 3}}, {DType::FLOAT32, {1}}, {1, 2}, keep, false,
                               Compare::kExact));
    cases.push_back(ReduceCase("float {-1,0}" + k, kOp, {DType::FLOAT32, {3, 4, 5}}, {DType::FLOAT32, {1}}, {-1, 0, 0}, keep, false,
                               Compare::kExact));
    cases.push_back(ReduceCase("int8 {1}" + k, kOp, {DType::INT8, {3, 6, 2}, 0.1f, 3}, {DType::INT8, {1}, 0.1f, 3}, {1}, keep, false,
                               Compare::kExact));
    cases.push_back(ReduceCase("uint8 all" + k, kOp, {DType::UINT8, {3, 4, 2}, 0.1f, 128}, {DType::UINT8, {1}, 0.1f, 128},
                               {0, 1, 2}, keep, false, Compare::kExact));
    cases.push_back(ReduceCase("int16 {0}" + k, kOp, {DType::INT16, {5, 4}, 0.01f, 0}, {DType::INT16, {1}, 0.01f, 0}, {0}, keep,
                               false, Compare::kExact));
    cases.push_back(ReduceCase("int32 {1}" + k, kOp, {DType::INT32, {4, 7}}, {DType::INT32, {1}}, {1}, keep, false, Compare::kExact));
  }
  cases.push_back(ReduceCase("run-time axes", kOp, {DType::FLOAT32, {2, 3, 4}}, {DType::FLOAT32, {1}}, {2, -3}, false, true,
                             Compare::kExact));
  testing::shape::ExpectMatchesOracle(cases);
}

}  // namespace
}  // namespace tfd
