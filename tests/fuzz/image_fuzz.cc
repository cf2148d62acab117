// Images: each decoder we call (JPEG, PNG, BMP through stb_image), then the
// resize and conversion every image goes through before a model sees it.
#include "data/image.h"
#include "data/preprocess.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return tfd::fuzz::Guard(data, size, [](const std::vector<uint8_t>& bytes) {
    tfd::Image image = tfd::DecodeImageBytes(bytes, "fuzz-image");
    tfd::PreprocessSpec spec;
    tfd::Tensor input;
    input.name = "image";
    input.dtype = tfd::DType::FLOAT32;
    input.shape = {1, 8, 8, 3};
    tfd::PreprocessImage(image, spec, tfd::TargetFromTensor(input));
  });
}
