#include <complex>

#include "kernel_test_util.h"
#include "kernels/internal/seq_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;

TEST(ComplexAbs, HandComputed) {
  OpModel m(BuiltinOp::COMPLEX_ABS);
  m.Input({DType::COMPLEX64, {2, 2}});
  m.Output({DType::FLOAT32, {2, 2}});
  auto out = testing::RunOurs(
      m.Build(), {Array::Of<std::complex<float>>(DType::COMPLEX64, {2, 2}, {{3, 4}, {-5, 12}, {0, -2}, {0, 0}})});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({5, 13, 2, 0}));
}

TEST(ComplexAbs, Complex128) {
  OpModel m(BuiltinOp::COMPLEX_ABS);
  m.Input({DType::COMPLEX128, {3}});
  m.Output({DType::FLOAT64, {3}});
  auto out = testing::RunOurs(m.Build(), {Array::Of<std::complex<double>>(DType::COMPLEX128, {3}, {{8, 15}, {1e200, 1e200}, {-1, 0}})});
  const auto v = out[0].values<double>();
  EXPECT_EQ(v[0], 17.0);
  EXPECT_DOUBLE_EQ(v[1], std::sqrt(2.0) * 1e200);  // no overflow in the square
  EXPECT_EQ(v[2], 1.0);
}

TEST(ComplexAbs, RejectsBadTypes) {
  {
    OpModel m(BuiltinOp::COMPLEX_ABS);
    m.Input({DType::FLOAT32, {2}});
    m.Output({DType::FLOAT32, {2}});
    Model model = m.Build();
    EXPECT_THROW(testing::RunOurs(model, testing::RandomInputs(model, 1)), Error);
  }
  {
    OpModel m(BuiltinOp::COMPLEX_ABS);
    m.Input({DType::COMPLEX64, {2}});
    m.Output({DType::FLOAT64, {2}});
    Model model = m.Build();
    EXPECT_THROW(testing::RunOurs(model, {Array::Of<std::complex<float>>(DType::COMPLEX64, {2}, {{1, 1}, {2, 2}})}), Error);
  }
}

// The oracle can neither feed nor read complex64: both sides compute
// |RFFT2D(x)| (ours with our RFFT2D kernel).
TEST(ComplexAbs, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  testing::OracleBatch oracle;
  std::vector<std::pair<Model, std::vector<Array>>> runs;
  for (auto [h, w] : {std::pair<int, int>{4, 8}, std::pair<int, int>{16, 16}, std::pair<int, int>{2, 64}}) {
    OpModel m(BuiltinOp::RFFT2D);
    m.Input({DType::FLOAT32, {2, h, w}});
    m.Const<int32_t>({DType::INT32, {2}}, {h, w});
    const int spectrum = m.Output({DType::COMPLEX64, {2, h, w / 2 + 1}});
    Model model = m.Build();
    model.subgraphs[0].outputs.clear();
    testing::seq::AppendNode(model, BuiltinOp::COMPLEX_ABS, {spectrum}, DType::FLOAT32, {2, h, w / 2 + 1});
    auto inputs = testing::RandomInputs(model, static_cast<uint64_t>(h));
    oracle.Add(model, inputs);
    runs.push_back({model, inputs});
  }
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    EXPECT_TRUE(testing::FloatClose(testing::RunOurs(runs[i].first, runs[i].second)[0], oracle.outputs(static_cast<int>(i))[0], 1e-6));
  }
}

}  // namespace
}  // namespace tfd
