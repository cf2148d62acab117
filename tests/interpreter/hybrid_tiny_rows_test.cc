// Hybrid kernels (float activations, int8 weights) quantize each input row
// by 127 / max|row|. For a row whose largest value is below about 3.7e-37
// that factor overflows to inf, and TFLite's conversion of the scaled values
// to int32 is undefined in C++: on x86 and in the runtime's WebAssembly build
// it gives INT32_MIN, so the row quantizes to -127. The model fuzzer found
// our kernel doing the same through undefined behaviour (UBSan stopped on
// the mlperf-tiny KWS hybrid model); these tests hold the defined version to
// the runtime.
#include <cmath>
#include <limits>

#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "kernels/internal/conv_util.h"
#include "test_support.h"

namespace tfd {
namespace {

TEST(HybridTinyRows, ConversionOutOfRangeGivesInt32MinAsTheRuntime) {
  EXPECT_EQ(qmath::TruncateToInt32(std::numeric_limits<float>::infinity()), INT32_MIN);
  EXPECT_EQ(qmath::TruncateToInt32(-std::numeric_limits<float>::infinity()), INT32_MIN);
  EXPECT_EQ(qmath::TruncateToInt32(std::numeric_limits<float>::quiet_NaN()), INT32_MIN);
  EXPECT_EQ(qmath::TruncateToInt32(2147483648.0f), INT32_MIN);
  EXPECT_EQ(qmath::TruncateToInt32(-2147483648.0f), INT32_MIN);
  EXPECT_EQ(qmath::TruncateToInt32(2147483520.0f), 2147483520);  // the largest float below 2^31
  EXPECT_EQ(qmath::TruncateToInt32(-2.9), -2);
  EXPECT_EQ(qmath::RoundToInt32(2.5f), 3);
  EXPECT_EQ(qmath::RoundToInt32(-2.5f), -3);
}

TEST(HybridTinyRows, RowTooSmallToScaleQuantizesToMinus127) {
  for (float v : {2.4e-38f, 1e-39f, std::numeric_limits<float>::denorm_min(), -2.4e-38f}) {
    const float row[3] = {v, v, 0.0f};
    int8_t q[3];
    float scale = 0;
    conv::SymmetricQuantize(row, 3, q, &scale);
    EXPECT_EQ(scale, std::abs(v) / 127) << v;
    // v * inf is +-inf, 0 * inf is NaN: INT32_MIN either way, clamped to -127.
    EXPECT_EQ(q[0], -127) << v;
    EXPECT_EQ(q[1], -127) << v;
    EXPECT_EQ(q[2], -127) << v;
  }
  // A row that scales normally is untouched: 127 / 1e-30 is finite.
  const float row[2] = {1e-30f, -0.5e-30f};
  int8_t q[2];
  float scale = 0;
  conv::SymmetricQuantize(row, 2, q, &scale);
  EXPECT_EQ(q[0], 127);
  EXPECT_EQ(q[1], -64);
}

// The whole hybrid model on inputs of tiny constants, in both profiles,
// against the runtime.
TEST(HybridTinyRows, KwsHybridModelMatchesTheRuntime) {
  TFD_REQUIRE_FIXTURES();
  std::string why;
  if (!testing::OracleBatch::Available(&why)) GTEST_SKIP() << why;
  const Model model = LoadModel(testing::Fixture("models/mlperf-tiny/kws_ref_model_float32.tflite"));
  std::vector<std::vector<testing::Array>> sets;
  for (float v : {2.4e-38f, 1e-39f, std::numeric_limits<float>::denorm_min(), -3e-38f, 1e-30f}) {
    std::vector<float> values(49 * 10, v);
    for (size_t i = 0; i < values.size(); i += 7) values[i] = 0;  // rows with zeros too
    sets.push_back({testing::Array::Of(DType::FLOAT32, {1, 49, 10, 1}, values)});
  }
  testing::OracleBatch oracle;
  std::vector<int> ids;
  for (const auto& set : sets) ids.push_back(oracle.Add(model, set));
  oracle.Run();
  for (size_t i = 0; i < sets.size(); ++i) {
    ASSERT_TRUE(oracle.ok(ids[i])) << oracle.error(ids[i]);
    for (Arithmetic a : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
      const auto ours = testing::RunOurs(model, sets[i], a);
      ASSERT_EQ(ours.size(), 1u);
      EXPECT_TRUE(testing::FloatClose(ours[0], oracle.outputs(ids[i])[0], 1e-5)) << "set " << i;
    }
  }
}

}  // namespace
}  // namespace tfd
