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
  // they are decoded once, here, and held. The samples are the same either
  // way, and read the same way (CalibrationSource::Feed, TakeSamples).
  bool stream = true;
};

// The samples are private: a streamed source holds none, so they are read
// through Feed() (one at a time, whichever way they are kept) or taken as
// one list with TakeSamples(), which decodes a streamed source's now.
class CalibrationSource {
 public:
  std::string description;      // "250 of 500 items of DIR, preprocessing auto (metadata): ..."
  bool random = false;          // seeded random inputs, not data
  std::vector<std::string> items;  // the item paths used
  size_t skipped = 0;           // unreadable items skipped (with skip_bad)
  // The input range the model declares (metadata normalization), if any.
  std::optional<std::pair<float, float>> declared_range;

  // The samples, one at a time: streamed, or those held (the feed then
  // refers to them: the source must stay in place while it is used).
  // tfd::Error once held samples were taken or released.
  SampleFeed Feed() const;
  // The samples as one list, for a caller that needs them all at once: the
  // held ones moved out, or a streamed source's decoded now (memory then
  // grows with their number). tfd::Error once held samples were taken or
  // released.
  std::vector<CalibrationSample> TakeSamples();
  // Frees held samples no longer needed (a streamed source holds none).
  void Release();
  bool holds_samples() const { return !held_.empty(); }

  // For the builders (CalibrationSamples): how the samples are kept.
  void Hold(std::vector<CalibrationSample> samples) { held_ = std::move(samples); }
  void Stream(SampleFeed feed) { streamed_ = std::move(feed); }

 private:
  void RequireNotTaken() const;
  std::vector<CalibrationSample> held_;
  SampleFeed streamed_;  // set when streamed
  bool taken_ = false;   // held samples taken or released
};

// `model_path`: the float model (its preprocessing is derived from it).
// tfd::Error naming the dataset or item that cannot feed the model.
CalibrationSource CalibrationSamples(const std::string& model_path, const CalibrationSourceOptions& options);

}  // namespace tfd::quantize
