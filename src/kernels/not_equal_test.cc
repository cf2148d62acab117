#include "kernels/internal/elementwise_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::RunOurs;
using namespace testing::elementwise;

Model Comparison(const testing::TensorSpec& a, const testing::TensorSpec& b, std::vector<int32_t> out_shape) {
  return ComparisonModel(BuiltinOp::NOT_EQUAL, a, b, std::move(out_shape));
}

TEST(NotEqual, FloatAndInt) { ExpectComparesPlainValues(BuiltinOp::NOT_EQUAL, {1, 0, 1}); }

TEST(NotEqual, Int8ComparesRealValues) { ExpectComparesRealValues(BuiltinOp::NOT_EQUAL, {1, 0, 1}, 0); }

TEST(NotEqual, Bool) {
  Model b = Comparison(T(DType::BOOL, {4}), T(DType::BOOL, {4}), {4});
  auto out = RunOurs(b, {Array::Of<uint8_t>(DType::BOOL, {4}, {0, 0, 1, 1}), Array::Of<uint8_t>(DType::BOOL, {4}, {0, 1, 0, 1})});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({0, 1, 1, 0}));
}

// Strings: the oracle cannot feed string inputs, so both are constants.
Model StringModel(const std::vector<std::string>& a, std::vector<int32_t> a_shape, const std::vector<std::string>& b,
                  std::vector<int32_t> b_shape, std::vector<int32_t> out_shape) {
  testing::OpModel m(BuiltinOp::NOT_EQUAL);
  m.ConstBytes(T(DType::STRING, std::move(a_shape)), StringTensorBytes(a));
  m.ConstBytes(T(DType::STRING, std::move(b_shape)), StringTensorBytes(b));
  m.Output(T(DType::BOOL, std::move(out_shape)));
  return m.Build();
}

TEST(NotEqual, Strings) {
  Model m = StringModel({"cat", "dog", "", "ca"}, {4}, {"cat", "cat", "", "cat"}, {4}, {4});
  auto out = RunOurs(m, {});
  EXPECT_EQ(out[0].values<uint8_t>(), std::vector<uint8_t>({0, 1, 0, 1}));
}

TEST(NotEqual, StringsMatchTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle({{"same shape", StringModel({"a", "bb", "", "ccc", "x"}, {5}, {"a", "b", "", "ccc", "y"}, {5}, {5}), {}},
                       {"broadcast", StringModel({"a", "", "a b"}, {3, 1}, {"a", "a b"}, {2}, {3, 2}), {}}});
}

TEST(NotEqual, RejectsBadInputs) { ExpectRejectsBadComparisons(BuiltinOp::NOT_EQUAL); }

TEST(NotEqual, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  ExpectMatchesOracle(ComparisonOracleRuns(BuiltinOp::NOT_EQUAL, /*equality=*/true));
}

}  // namespace
}  // namespace tfd
