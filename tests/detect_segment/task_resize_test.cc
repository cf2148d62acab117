// The Task Library's preprocessing (libyuv bilinear scaling) reproduced by
// the "libyuv" resize: the bytes its ImageClassifier feeds a model, read
// back through a model that echoes its input, against ours.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/npy.h"
#include "data/preprocess.h"
#include "data/preprocess/task_library_input.h"
#include "task_model_util.h"
#include "task_oracle_util.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;

struct Case {
  const char* image;
  int height, width;
};

TEST(TaskLibraryResize, LibyuvBilinearGivesTheTaskLibrarysInputBytes) {
  TFD_REQUIRE_FIXTURES();
  if (auto why = testing::TaskLibraryUnavailable(); !why.empty()) GTEST_SKIP() << why;
  auto dir = testing::TempDir("task-resize");
  // Shrinking both ways (the SSD's 300x300 from wider and taller photos),
  // enlarging (DeepLab's 513x513 from a smaller image) and mixed.
  for (const Case& c : {Case{"images/dogs.jpg", 300, 300}, Case{"images/multi_objects.jpg", 300, 300},
                        Case{"images/cat.jpg", 300, 300}, Case{"images/segmentation_input.jpg", 513, 513},
                        Case{"images/multi_objects.jpg", 513, 200}}) {
    SCOPED_TRACE(std::string(c.image) + " to " + std::to_string(c.width) + "x" + std::to_string(c.height));
    const std::string model = (dir / "echo.tflite").string();
    SaveModel(testing::InputEchoModel(c.height, c.width), model);
    std::string pixels = testing::WritePixels(Fixture(c.image), dir);
    const std::string out = (dir / "input.npy").string();
    testing::RunTaskLibrary("model-input " + Quote(model) + " " + Quote(pixels) + " --output " + Quote(out), dir);
    NpyArray theirs = ReadNpy(out);
    InputTarget target = TargetFromTensor(testing::InputEchoModel(c.height, c.width).main().tensors[0]);
    PreprocessSpec spec = TaskLibraryVisionSpec(PreprocessSpec{}, target, nullptr);
    TensorData ours = PreprocessImage(DecodeImage(Fixture(c.image)), spec, target);
    ASSERT_EQ(ours.bytes.size(), theirs.data.size());
    size_t differ = 0, worst = 0;
    for (size_t i = 0; i < ours.bytes.size(); ++i) {
      size_t d = static_cast<size_t>(std::abs(int(ours.bytes[i]) - int(theirs.data[i])));
      differ += d != 0;
      worst = std::max(worst, d);
    }
    EXPECT_EQ(differ, 0u) << "of " << ours.bytes.size() << " values; worst by " << worst;
    if (differ) WriteNpy((dir / (std::filesystem::path(c.image).stem().string() + "_ours.npy")).string(), DType::UINT8,
                         {static_cast<int32_t>(ours.bytes.size())}, ours.bytes.data(), ours.bytes.size());
    if (differ) std::filesystem::rename(out, dir / (std::filesystem::path(c.image).stem().string() + "_theirs.npy"));
  }
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
