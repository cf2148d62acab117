// The reader against real files: every fixture parses, and what it reports
// matches facts established independently (the fixtures README inventory and
// flatc's own JSON dump of the files).
#include <map>

#include "format/model_reader.h"
#include "graph/dtype.h"
#include "report/inspect.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;

TEST(Reader, EveryFixtureModelParses) {
  TFD_REQUIRE_FIXTURES();
  auto models = testing::FixtureModels();
  ASSERT_GE(models.size(), 150u) << "expected the 29 fixture models and the golden models";
  for (const auto& path : models) {
    SCOPED_TRACE(path);
    Model m;
    ASSERT_NO_THROW(m = LoadModel(path));
    EXPECT_FALSE(m.subgraphs.empty());
    EXPECT_FALSE(m.main().operators.empty());
    EXPECT_FALSE(m.main().inputs.empty());
  }
}

TEST(Reader, EveryMediaPipeModelParses) {
  auto models = testing::MediaPipeModels();
  if (models.empty())
    GTEST_SKIP() << "MediaPipe npm packages not installed at " << testing::MediaPipeDir()
                 << " (the test command installs them with npm ci --prefix tools/oracle)";
  for (const auto& path : models) {
    SCOPED_TRACE(path);
    Model m;
    ASSERT_NO_THROW(m = LoadModel(path));
    EXPECT_FALSE(m.main().operators.empty());
  }
}

std::map<std::string, int> OpInventory(const std::string& path) {
  auto j = InspectJson(LoadModel(path));
  std::map<std::string, int> out;
  for (const auto& op : j["operators"])
    out[op["op"].get<std::string>() + "/v" + std::to_string(op["version"].get<int>())] += op["count"].get<int>();
  return out;
}

// Inventories as listed in ../shared/fixtures/README.md (read there from the
// files by the real toolchain), for a dozen models of different kinds.
TEST(Reader, OperatorInventoriesMatchTheFixtureReadme) {
  TFD_REQUIRE_FIXTURES();
  const std::map<std::string, std::map<std::string, int>> expected = {
      {"models/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite",
       {{"ADD/v1", 10}, {"ARG_MAX/v1", 1}, {"AVERAGE_POOL_2D/v1", 1}, {"CONCATENATION/v1", 1}, {"CONV_2D/v1", 38},
        {"DEPTHWISE_CONV_2D/v2", 17}, {"QUANTIZE/v1", 1}, {"RESIZE_BILINEAR/v1", 3}}},
      {"models/coral/keras_lstm_mnist_ptq.tflite",
       {{"FULLY_CONNECTED/v4", 1}, {"QUANTIZE/v1", 2}, {"RESHAPE/v1", 1}, {"SOFTMAX/v2", 1},
        {"UNIDIRECTIONAL_SEQUENCE_LSTM/v1", 1}}},
      {"models/coral/mobilenet_v2_1.0_224_quant.tflite",
       {{"ADD/v1", 10}, {"AVERAGE_POOL_2D/v1", 1}, {"CONV_2D/v1", 36}, {"DEPTHWISE_CONV_2D/v1", 17},
        {"RESHAPE/v1", 1}, {"SOFTMAX/v1", 1}}},
      {"models/mlperf-tiny/ad01_int8.tflite", {{"FULLY_CONNECTED/v4", 10}}},
      {"models/mlperf-tiny/kws_ref_model.tflite",
       {{"AVERAGE_POOL_2D/v2", 1}, {"CONV_2D/v3", 5}, {"DEPTHWISE_CONV_2D/v3", 4}, {"FULLY_CONNECTED/v4", 1},
        {"RESHAPE/v1", 1}, {"SOFTMAX/v2", 1}}},
      {"models/mlperf-tiny/vww_96_float.tflite",
       {{"AVERAGE_POOL_2D/v1", 1}, {"CONV_2D/v1", 14}, {"DEPTHWISE_CONV_2D/v1", 13}, {"FULLY_CONNECTED/v1", 1},
        {"RESHAPE/v1", 1}, {"SOFTMAX/v1", 1}}},
      {"models/tflite-micro/audio_preprocessor_int8.tflite",
       {{"ADD/v1", 2}, {"CAST/v3", 4}, {"CONCATENATION/v1", 1}, {"CUSTOM:SignalEnergy/v1", 1},
        {"CUSTOM:SignalFftAutoScale/v1", 1}, {"CUSTOM:SignalFilterBank/v1", 1}, {"CUSTOM:SignalFilterBankLog/v1", 1},
        {"CUSTOM:SignalFilterBankSpectralSubtraction/v1", 1}, {"CUSTOM:SignalFilterBankSquareRoot/v1", 1},
        {"CUSTOM:SignalPCAN/v1", 1}, {"CUSTOM:SignalRfft/v1", 1}, {"CUSTOM:SignalWindow/v1", 1}, {"DIV/v1", 1},
        {"MAXIMUM/v1", 1}, {"MINIMUM/v1", 1}, {"MUL/v1", 1}, {"RESHAPE/v1", 1}, {"STRIDED_SLICE/v1", 1}}},
      {"models/tflite-micro/keyword_scrambled.tflite",
       {{"FULLY_CONNECTED/v4", 5}, {"QUANTIZE/v1", 2}, {"SOFTMAX/v2", 1}, {"SVDF/v3", 7}}},
      {"models/tflite-micro/person_detect.tflite",
       {{"AVERAGE_POOL_2D/v2", 1}, {"CONV_2D/v2", 14}, {"DEPTHWISE_CONV_2D/v3", 14}, {"RESHAPE/v1", 1},
        {"SOFTMAX/v2", 1}}},
      {"models/tflite-micro/trained_lstm_int8.tflite",
       {{"FULLY_CONNECTED/v4", 1}, {"RESHAPE/v1", 1}, {"SOFTMAX/v2", 1}, {"UNIDIRECTIONAL_SEQUENCE_LSTM/v1", 1}}},
      {"models/tflite-support/dilated_conv.tflite",
       {{"ADD/v1", 3}, {"BATCH_TO_SPACE_ND/v1", 1}, {"CONV_2D/v1", 1}, {"FLOOR_MOD/v1", 2}, {"PACK/v1", 7},
        {"SHAPE/v1", 1}, {"SPACE_TO_BATCH_ND/v1", 1}, {"STRIDED_SLICE/v1", 8}, {"SUB/v1", 1}}},
      {"models/tflite-support/test_model_nl_classifier_with_associated_label.tflite",
       {{"CUSTOM:CUSTOM_OP_GENERATE_LABELS/v1", 1}, {"CUSTOM:CUSTOM_OP_STRING_TO_DOUBLES/v1", 1},
        {"CUSTOM:CUSTOM_OP_STRING_TO_FLOATS/v1", 1}, {"QUANTIZE/v1", 1}}},
      {"models/tflite-support/whitespace_tokenizer_flex_delegate.tflite",
       {{"CAST/v1", 3}, {"CONCATENATION/v1", 4}, {"CUSTOM:FlexCumsum/v1", 1}, {"CUSTOM:FlexMul/v1", 1},
        {"CUSTOM:FlexRaggedRange/v1", 3}, {"CUSTOM:FlexStridedSlice/v1", 6}, {"CUSTOM:FlexSub/v1", 7},
        {"CUSTOM:FlexUnicodeDecodeWithOffsets/v1", 1}, {"CUSTOM:FlexUnicodeEncode/v1", 1},
        {"CUSTOM:FlexWhitespaceTokenizeWithOffsets/v1", 1}, {"EQUAL/v1", 15}, {"MUL/v1", 3}, {"PACK/v1", 18},
        {"RESHAPE/v1", 5}, {"SELECT/v1", 9}, {"SHAPE/v1", 9}, {"STRIDED_SLICE/v1", 20}, {"TILE/v1", 4}}},
  };
  for (const auto& [path, ops] : expected) {
    SCOPED_TRACE(path);
    EXPECT_EQ(OpInventory(Fixture(path)), ops);
  }
}

struct ExpectedQuant {
  std::string model, tensor, dtype;
  std::vector<int32_t> shape;
  size_t n_scales;
  float scale0;
  int64_t zero_point0;
  int axis;
};

const Tensor& FindTensor(const Model& m, const std::string& name) {
  for (const auto& t : m.main().tensors)
    if (t.name == name) return t;
  throw std::runtime_error("no tensor named " + name);
}

// Values from flatc's JSON dump of the same files (6 significant digits).
TEST(Reader, QuantizationParametersOfNamedTensors) {
  TFD_REQUIRE_FIXTURES();
  const std::vector<ExpectedQuant> expected = {
      {"models/mlperf-tiny/vww_96_int8.tflite", "input_1_int8", "int8", {1, 96, 96, 3}, 1, 0.003922f, -128, 0},
      {"models/mlperf-tiny/vww_96_int8.tflite", "Identity_int8", "int8", {1, 2}, 1, 0.003906f, -128, 0},
      {"models/coral/mobilenet_v2_1.0_224_quant.tflite", "input", "uint8", {1, 224, 224, 3}, 1, 0.007812f, 128, 0},
      {"models/coral/mobilenet_v2_1.0_224_quant.tflite", "MobilenetV2/Predictions/Softmax", "uint8", {1, 1001}, 1,
       0.003906f, 0, 0},
      {"models/mlperf-tiny/kws_ref_model.tflite", "input_1", "int8", {1, 49, 10, 1}, 1, 0.584703f, 83, 0},
      {"models/tflite-micro/hello_world_int8.tflite", "StatefulPartitionedCall:0", "int8", {1, 1}, 1, 0.008291f, 5, 0},
      {"models/tflite-micro/person_detect.tflite", "input", "int8", {1, 96, 96, 1}, 1, 0.007843f, -1, 0},
      // Per-channel depthwise weights: one scale per output channel on axis 3.
      {"models/tflite-micro/person_detect.tflite", "MobilenetV1/Conv2d_0/weights/read", "int8", {1, 3, 3, 8}, 8,
       0.016359f, 0, 3},
      {"models/coral/keras_lstm_mnist_ptq.tflite", "serving_default_x:0", "uint8", {1, 28, 28}, 1, 0.003922f, 0, 0},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(e.model + " " + e.tensor);
    Model m = LoadModel(Fixture(e.model));
    const Tensor& t = FindTensor(m, e.tensor);
    EXPECT_EQ(DTypeName(t.dtype), e.dtype);
    EXPECT_EQ(t.shape, e.shape);
    ASSERT_TRUE(t.quantization.has_value());
    ASSERT_EQ(t.quantization->scale.size(), e.n_scales);
    EXPECT_NEAR(t.quantization->scale[0], e.scale0, std::max(e.scale0 * 2e-4, 1e-6));  // flatc prints ~6 digits
    EXPECT_EQ(t.quantization->zero_point[0], e.zero_point0);
    EXPECT_EQ(t.quantization->axis, e.axis);
  }
}

TEST(Reader, InspectJsonDescribesInputsAndOutputs) {
  TFD_REQUIRE_FIXTURES();
  auto j = InspectJson(LoadModel(Fixture("models/mlperf-tiny/vww_96_int8.tflite")));
  ASSERT_EQ(j["inputs"].size(), 1u);
  EXPECT_EQ(j["inputs"][0]["name"], "input_1_int8");
  EXPECT_EQ(j["inputs"][0]["dtype"], "int8");
  EXPECT_EQ(j["inputs"][0]["shape"], nlohmann::json({1, 96, 96, 3}));
  EXPECT_EQ(j["inputs"][0]["quantization"]["zero_point"], nlohmann::json({-128}));
  EXPECT_EQ(j["outputs"][0]["dtype"], "int8");
  EXPECT_TRUE(j["metadata"].is_null());
  EXPECT_EQ(j["min_runtime_version"], "1.5.0");
  // Float tensors carry an empty quantization object, not a missing one.
  auto f = InspectJson(LoadModel(Fixture("models/mlperf-tiny/vww_96_float.tflite")));
  EXPECT_EQ(f["inputs"][0]["dtype"], "float32");
  EXPECT_TRUE(f["inputs"][0]["quantization"]["scale"].empty());
}

TEST(Reader, DeprecatedBuiltinCodeRule) {
  TFD_REQUIRE_FIXTURES();
  // Old files fill only the one-byte field; the reader takes the larger code.
  Model m = LoadModel(Fixture("models/tflite-support/mobilenet_v1_0.25_224_quant.tflite"));
  bool saw_conv = false;
  for (const auto& oc : m.op_codes) saw_conv |= oc.builtin == BuiltinOp::CONV_2D;
  EXPECT_TRUE(saw_conv);
}

}  // namespace
}  // namespace tfd
