#include "data/preprocess/task_library_input.h"

namespace tfd {

PreprocessSpec TaskLibraryVisionSpec(const PreprocessSpec& spec, const InputTarget& target, std::string* note) {
  PreprocessSpec out = spec;
  out.resize = ResizeMethod::kBilinear;
  out.coordinates = ResizeCoordinates::kLibyuv;
  out.fit = Fit::kStretch;
  out.crop_fraction = 1.0f;
  std::string what = "resized as the Task Library does (libyuv bilinear, whole image)";
  if (target.dtype == DType::UINT8) {
    out.range = {0.0f, 255.0f};
    out.mean.clear();
    out.std.clear();
    out.quantization.reset();
    out.quantize_with_input = false;
    out.dtype = DType::UINT8;
    what += ", uint8 pixels fed as they are";
  }
  if (note) *note = what;
  return out;
}

}  // namespace tfd
