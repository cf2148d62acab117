#include "format/metadata.h"
#include "format/model_reader.h"
#include "report/inspect.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;

TEST(Metadata, MobileNetV1NormalizationAndLabels) {
  TFD_REQUIRE_FIXTURES();
  Model m = LoadModel(Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite"));
  auto md = ReadModelMetadata(m);
  ASSERT_TRUE(md.has_value());
  EXPECT_EQ(md->name, "MobileNetV1 image classifier");
  EXPECT_EQ(md->author, "TensorFlow");
  ASSERT_EQ(md->inputs.size(), 1u);
  const auto& in = md->inputs[0];
  EXPECT_EQ(in.content, "image");
  EXPECT_EQ(in.color_space, "RGB");
  EXPECT_EQ(in.mean, std::vector<float>({127.5f}));
  EXPECT_EQ(in.std, std::vector<float>({127.5f}));
  EXPECT_EQ(in.stats_min, std::vector<float>({-1.0f}));
  EXPECT_EQ(in.stats_max, std::vector<float>({1.0f}));
  ASSERT_EQ(md->outputs.size(), 1u);
  const auto& out = md->outputs[0];
  EXPECT_EQ(out.labels_file, "labels.txt");
  ASSERT_EQ(out.labels.size(), 1001u);
  EXPECT_EQ(out.labels[0], "background");
  EXPECT_EQ(out.labels[1], "tench");
  EXPECT_EQ(out.labels[934], "cheeseburger");
  EXPECT_EQ(out.labels[1000], "toilet tissue");
}

TEST(Metadata, QuantizedMobileNetHasLabelsToo) {
  TFD_REQUIRE_FIXTURES();
  Model m = LoadModel(Fixture("models/tflite-support/mobilenet_v1_0.25_224_quant.tflite"));
  auto md = ReadModelMetadata(m);
  ASSERT_TRUE(md.has_value());
  ASSERT_EQ(md->outputs.size(), 1u);
  EXPECT_EQ(md->outputs[0].labels.size(), 1001u);
  EXPECT_EQ(md->outputs[0].labels[934], "cheeseburger");
}

TEST(Metadata, ModelWithoutMetadataSaysSo) {
  TFD_REQUIRE_FIXTURES();
  Model m = LoadModel(Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite"));
  EXPECT_FALSE(ReadModelMetadata(m).has_value());
  auto j = InspectJson(m);
  EXPECT_TRUE(j["metadata"].is_null());
  EXPECT_NE(InspectText(j).find("Metadata: none"), std::string::npos);
}

TEST(Metadata, MinRuntimeVersionAndConversionMetadata) {
  TFD_REQUIRE_FIXTURES();
  Model m = LoadModel(Fixture("models/tflite-micro/hello_world_int8.tflite"));
  EXPECT_EQ(ReadMinRuntimeVersion(m), std::optional<std::string>("1.14.0"));
  auto conv = ReadConversionMetadata(m);
  ASSERT_TRUE(conv.has_value());
  EXPECT_EQ(conv->tensorflow_version, "2.11.0");
  EXPECT_EQ(conv->model_type, "KERAS_MODEL");
  EXPECT_EQ(conv->optimizations, std::vector<std::string>({"PTQ_FULL_INTEGER"}));
  // A model with no min_runtime_version entry.
  Model nometa = LoadModel(Fixture("models/tflite-micro/person_detect.tflite"));
  EXPECT_FALSE(ReadMinRuntimeVersion(nometa).has_value());
  EXPECT_TRUE(InspectJson(nometa)["min_runtime_version"].is_null());
}

}  // namespace
}  // namespace tfd
