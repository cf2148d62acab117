#pragma once
// Where calibration samples come from: a dataset `eval` reads (image
// folders, class folders, CSV, .npy, WAV), each item through the model's
// own preprocessing; or, only when asked for by name, seeded random inputs.
// Streamed by default: every pass over the samples decodes (or draws) them
// again, one at a time.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/preprocess.h"
#include "quantize/calibration.h"

namespace tfd::quantize {

struct CalibrationSourceOptions {
  std::string data;                 // dataset path, or "random" (seeded uniform inputs)
  std::string preprocess = "auto";  // "auto" or a JSON spec file (as `eval`)
  std::optional<PreprocessSpec> spec;  // a spec in memory: overrides `preprocess`
  size_t samples = 0;               // 0: every item; else the first N, spread evenly over the dataset
  uint64_t seed = 0;                // for "random"
  bool skip_bad = false;
  // Streamed: every pass over the samples decodes (or draws) them again, one
  // at a time, so that memory does not grow with their number; otherwise
  // they are all held in `samples`. The samples are the same either way.
  bool stream = true;
};

struct CalibrationSource {
  std::vector<CalibrationSample> samples;  // empty when streamed
  std::string description;      // "250 of 500 items of DIR, preprocessing auto (metadata): ..."
  bool random = false;          // seeded random inputs, not data
  std::vector<std::string> items;  // the item paths used
  size_t skipped = 0;           // unreadable items skipped (with skip_bad)
  // The input range the model declares (metadata normalization), if any.
  std::optional<std::pair<float, float>> declared_range;
  // The samples, one at a time: streamed, or those in `samples` (the feed
  // then refers to them: `samples` must stay in place while it is used).
  SampleFeed Feed() const { return streamed.for_each ? streamed : InMemoryFeed(samples); }
  SampleFeed streamed;  // set when streamed
};

// `model_path`: the float model (its preprocessing is derived from it).
// tfd::Error naming the dataset or item that cannot feed the model.
CalibrationSource CalibrationSamples(const std::string& model_path, const CalibrationSourceOptions& options);

}  // namespace tfd::quantize
