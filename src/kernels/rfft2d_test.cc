#include <cmath>
#include <complex>

#include "kernel_test_util.h"
#include "kernels/internal/seq_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;

Model RfftModel(const std::vector<int32_t>& in_shape, int32_t fft_h, int32_t fft_w, bool const_length = true) {
  OpModel m(BuiltinOp::RFFT2D);
  m.Input({DType::FLOAT32, in_shape});
  if (const_length) {
    m.Const<int32_t>({DType::INT32, {2}}, {fft_h, fft_w});
  } else {
    m.Input({DType::INT32, {2}});
  }
  std::vector<int32_t> out_shape = in_shape;
  out_shape[out_shape.size() - 2] = fft_h;
  out_shape[out_shape.size() - 1] = fft_w / 2 + 1;
  m.Output({DType::COMPLEX64, const_length ? out_shape : std::vector<int32_t>{}});
  return m.Build();
}

// Real and imaginary parts of a complex64 array as float32 arrays.
std::pair<Array, Array> Split(const Array& a) {
  const auto values = a.values<std::complex<float>>();
  std::vector<float> re, im;
  for (const auto& v : values) {
    re.push_back(v.real());
    im.push_back(v.imag());
  }
  return {Array::Of<float>(DType::FLOAT32, a.shape, re), Array::Of<float>(DType::FLOAT32, a.shape, im)};
}

TEST(Rfft2d, HandComputed2x2) {
  auto out = testing::RunOurs(RfftModel({2, 2}, 2, 2), {Array::Of<float>(DType::FLOAT32, {2, 2}, {1, 2, 3, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2}));
  // [sum, (1-2)+(3-4); (1+2)-(3+4), 1-2-3+4].
  EXPECT_EQ(out[0].values<std::complex<float>>(),
            (std::vector<std::complex<float>>{{10, 0}, {-2, 0}, {-4, 0}, {0, 0}}));
}

TEST(Rfft2d, MatchesDirectDftWithCropAndPadding) {
  // [2, 3, 5] input: 2 slices, rows padded 3 -> 4, columns cropped 5 -> 4;
  // then rows cropped 3 -> 2, columns padded 5 -> 8.
  for (auto [fh, fw] : {std::pair<int, int>{4, 4}, std::pair<int, int>{2, 8}, std::pair<int, int>{1, 1}}) {
    Model model = RfftModel({2, 3, 5}, fh, fw);
    auto input = testing::RandomInputs(model, 4)[0];
    auto out = testing::RunOurs(model, {input})[0].values<std::complex<float>>();
    const auto x = input.values<float>();
    const int kept = fw / 2 + 1;
    ASSERT_EQ(out.size(), static_cast<size_t>(2 * fh * kept));
    const double pi = std::acos(-1.0);
    for (int s = 0; s < 2; ++s)
      for (int k1 = 0; k1 < fh; ++k1)
        for (int k2 = 0; k2 < kept; ++k2) {
          std::complex<double> sum;
          for (int n1 = 0; n1 < std::min(3, fh); ++n1)
            for (int n2 = 0; n2 < std::min(5, fw); ++n2)
              sum += double{x[static_cast<size_t>(s * 15 + n1 * 5 + n2)]} *
                     std::polar(1.0, -2 * pi * (double(k1) * n1 / fh + double(k2) * n2 / fw));
          const auto got = out[static_cast<size_t>((s * fh + k1) * kept + k2)];
          EXPECT_NEAR(got.real(), sum.real(), 1e-5) << fh << "x" << fw;
          EXPECT_NEAR(got.imag(), sum.imag(), 1e-5) << fh << "x" << fw;
        }
  }
}

TEST(Rfft2d, FftLengthFromAGraphInput) {
  Model model = RfftModel({3, 4}, 4, 4, /*const_length=*/false);
  auto x = Array::Of<float>(DType::FLOAT32, {3, 4}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  auto out = testing::RunOurs(model, {x, Array::Of<int32_t>(DType::INT32, {2}, {2, 4})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 3}));
  // A unit impulse has a flat spectrum.
  for (const auto& v : out[0].values<std::complex<float>>()) EXPECT_EQ(v, std::complex<float>(1, 0));
  EXPECT_THROW(testing::RunOurs(model, {x, Array::Of<int32_t>(DType::INT32, {2}, {3, 4})}), Error);
}

TEST(Rfft2d, RejectsBadInputs) {
  {
    Model m = RfftModel({4, 4}, 4, 6);  // not a power of two
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    Model m = RfftModel({4, 4}, 4, 4);
    m.subgraphs[0].tensors[0].shape = {4};  // rank 1 input
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    Model m = RfftModel({4, 4}, 4, 4);
    m.subgraphs[0].tensors[1].dtype = DType::FLOAT32;  // fft_length
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    Model m = RfftModel({4, 4}, 4, 4);
    m.subgraphs[0].tensors[2].dtype = DType::FLOAT32;  // output
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
}

// The oracle cannot read complex64 outputs: its model takes REAL and IMAG of
// the spectrum.
TEST(Rfft2d, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  struct Case {
    std::vector<int32_t> shape;
    int fh, fw;
  };
  const std::vector<Case> cases = {{{4, 4}, 4, 4},      {{1, 8, 16}, 8, 16}, {{2, 3, 5, 7}, 4, 8},
                                   {{16, 32}, 16, 32},  {{6, 5}, 2, 2},      {{3, 32, 8}, 32, 4},
                                   {{1, 64, 64}, 64, 64}};
  testing::OracleBatch oracle;
  std::vector<std::pair<Model, std::vector<Array>>> runs;
  for (const auto& c : cases) {
    Model model = RfftModel(c.shape, c.fh, c.fw);
    Model split = model;
    const int32_t spectrum = split.subgraphs[0].outputs[0];
    const auto shape = split.subgraphs[0].tensors[static_cast<size_t>(spectrum)].shape;
    split.subgraphs[0].outputs.clear();
    testing::seq::AppendNode(split, BuiltinOp::REAL, {spectrum}, DType::FLOAT32, shape);
    testing::seq::AppendNode(split, BuiltinOp::IMAG, {spectrum}, DType::FLOAT32, shape);
    auto inputs = testing::RandomInputs(model, static_cast<uint64_t>(c.fw));
    oracle.Add(split, inputs);
    runs.push_back({model, inputs});
  }
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    auto [re, im] = Split(testing::RunOurs(runs[i].first, runs[i].second)[0]);
    EXPECT_TRUE(testing::FloatClose(re, oracle.outputs(static_cast<int>(i))[0], 1e-6));
    EXPECT_TRUE(testing::FloatClose(im, oracle.outputs(static_cast<int>(i))[1], 1e-6));
  }
}

}  // namespace
}  // namespace tfd
