#include "format/model_reader.h"
#include "format/model_writer.h"
#include "test_support.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

void ExpectRoundTrip(const std::string& path, const WriteOptions& options) {
  SCOPED_TRACE(path);
  Model original = LoadModel(path);
  std::vector<uint8_t> bytes = WriteModel(original, options);
  Model again = ReadModel(bytes, "rewritten " + path);
  EXPECT_TRUE(again == original);
  // Writing is deterministic: the rewritten model writes to the same bytes.
  EXPECT_TRUE(WriteModel(again, options) == bytes);
}

TEST(Writer, RoundTripEveryFixture) {
  TFD_REQUIRE_FIXTURES();
  for (const auto& path : testing::FixtureModels()) ExpectRoundTrip(path, {});
}

TEST(Writer, RoundTripEveryMediaPipeModel) {
  auto models = testing::MediaPipeModels();
  if (models.empty()) GTEST_SKIP() << "MediaPipe npm packages not installed at " << testing::MediaPipeDir();
  for (const auto& path : models) ExpectRoundTrip(path, {});
}

// The offset/size form TFLite uses for models over 2 GiB, forced on small ones.
TEST(Writer, RoundTripWithExternalBuffers) {
  TFD_REQUIRE_FIXTURES();
  WriteOptions external;
  external.external_buffers = true;
  for (const char* rel : {"models/mlperf-tiny/vww_96_int8.tflite",
                          "models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite",
                          "models/coral/keras_lstm_mnist_ptq.tflite"}) {
    ExpectRoundTrip(testing::Fixture(rel), external);
  }
}

TEST(Writer, RefusesAnInconsistentModel) {
  TFD_REQUIRE_FIXTURES();
  Model m = LoadModel(testing::Fixture("models/tflite-micro/hello_world_float.tflite"));
  m.subgraphs[0].operators[0].inputs[0] = 9999;
  EXPECT_THROW(WriteModel(m), Error);
}

TEST(Writer, ExampleModelIsReadable) {
  std::string path = std::string(TFD_BUILD_DIR) + "/examples/tiny_classifier.tflite";
  Model m = LoadModel(path);
  ASSERT_EQ(m.main().operators.size(), 2u);
  EXPECT_EQ(m.op_code(m.main().operators[0]).builtin, BuiltinOp::FULLY_CONNECTED);
  EXPECT_EQ(m.main().tensors[1].shape, std::vector<int32_t>({3, 4}));
}

}  // namespace
}  // namespace tfd
