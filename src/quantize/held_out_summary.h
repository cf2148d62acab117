#pragma once
// The summary after writing, when held-out data is given (`--data`): the
// new file against the float model on items calibration did not see, as
// `eval --reference` measures them (output 0: SQNR pooled over the items,
// top-1 agreement, and top-1 accuracy of both when the items are labelled).
#include <cstddef>
#include <string>

namespace tfd::quantize {

struct HeldOutSummary {
  std::string data;
  size_t items = 0;
  double sqnr_db = 0;      // output 0, pooled
  double agreement = 0;    // top-1 agreement with the float model
  size_t labeled = 0;      // items whose label the model knows
  double top1 = 0;         // the quantized model's accuracy (when labeled > 0)
  double float_top1 = 0;   // the float model's
};

// Both models run on every item of `data`, each through `preprocess`
// ("auto": its own expectation, or a spec file). tfd::Error naming the
// dataset or item that cannot be fed.
HeldOutSummary MeasureAgainstFloat(const std::string& float_path, const std::string& quantized_path,
                                   const std::string& data, const std::string& preprocess);

}  // namespace tfd::quantize
