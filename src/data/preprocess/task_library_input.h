#pragma once
// The input the TFLite Task Library's vision tasks (ObjectDetector,
// ImageSegmenter) give a model: the whole image scaled with libyuv's
// bilinear filter, and, for a uint8 input, the pixels as they are whatever
// the input's quantization says (normalization applies to float inputs
// only). `detect` and `segment` use it for --preprocess auto, so that their
// answers are the ones an app built on the Task Library gets.
#include <string>

#include "data/preprocess.h"

namespace tfd {

// `spec` (the model's expected pipeline) with the Task Library's geometry
// and uint8 handling; `note` says what changed.
PreprocessSpec TaskLibraryVisionSpec(const PreprocessSpec& spec, const InputTarget& target, std::string* note);

}  // namespace tfd
