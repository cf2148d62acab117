#pragma once
// What preprocessing a model expects (`--preprocess auto`), from the best
// source it has:
//   1. TFLite metadata: NormalizationOptions (mean/std on 0..255 pixels),
//      ImageProperties color space. A quantized uint8 image input takes the
//      pixels as they are, as the TFLite Task Library feeds it.
//   2. the input tensor's quantization: the real range its integers cover is
//      the range the model was calibrated on ([0,1], [-1,1], [0,255]...).
//   3. a paired model's (the --reference's) metadata or quantization, for a
//      float model that says nothing itself.
//   4. nothing: a guess ([0,1]), said as such.
// Geometry is not in any of them: the default is the Task Library's
// (bilinear, half-pixel centres, the whole image stretched to the input).
#include <optional>
#include <string>

#include "data/preprocess.h"
#include "format/metadata.h"
#include "graph/model.h"

namespace tfd {

enum class SpecSource { kMetadata, kQuantization, kReference, kDefault, kNotImage };

struct ExpectedPreprocessing {
  PreprocessSpec spec;
  InputTarget target;
  SpecSource source = SpecSource::kDefault;
  // One sentence: where the spec came from and what it says.
  std::string explanation;
  bool values_known() const { return source != SpecSource::kDefault && source != SpecSource::kNotImage; }
};

std::string SpecSourceName(SpecSource s);  // "metadata", "quantization", "reference", "default", "not an image"

// For input `input` of subgraph 0. `partner`: the expectation of a model of
// the same network (used only when this one says nothing about its values).
ExpectedPreprocessing ExpectedFor(const Model& model, size_t input = 0,
                                  const ExpectedPreprocessing* partner = nullptr);

// The real value range [lo, hi] that the model receives for pixels 0 and
// 255 of channel c under `spec` (after quantization or casting to the
// tensor's type and the tensor's own dequantization; clamped like the
// integers are).
std::pair<double, double> RealRange(const PreprocessSpec& spec, const InputTarget& target, int channel);
// The same for any pixel value p.
double RealValue(const PreprocessSpec& spec, const InputTarget& target, int channel, double p);

}  // namespace tfd
