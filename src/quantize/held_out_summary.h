#pragma once
// The summary after writing, when held-out data is given (`--data`): the
// new file against the float model on items calibration did not see, as
// `eval --reference` measures them (output 0: SQNR pooled over the items,
// top-1 agreement, and top-1 accuracy of both when the items are labelled),
// and every output's SQNR (top-1 agreement where it is a class score vector).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tfd::quantize {

struct HeldOutOutput {
  std::string name;
  std::vector<int32_t> shape;
  double sqnr_db = 0;                // pooled over the items
  std::optional<double> agreement;   // top-1 agreement, for class score vectors
};

struct HeldOutSummary {
  std::string data;
  size_t items = 0;
  double sqnr_db = 0;      // output 0, pooled
  double agreement = 0;    // top-1 agreement with the float model
  size_t labeled = 0;      // items whose label the model knows
  double top1 = 0;         // the quantized model's accuracy (when labeled > 0)
  double float_top1 = 0;   // the float model's
  // Every output in the model's order. A class score vector: output 0 (as
  // `eval` scores it) or any output a SOFTMAX produces (through reshapes),
  // with more than one value.
  std::vector<HeldOutOutput> outputs;
};

// Both models run on every item of `data`, each through `preprocess`
// ("auto": its own expectation, or a spec file). tfd::Error naming the
// dataset or item that cannot be fed.
HeldOutSummary MeasureAgainstFloat(const std::string& float_path, const std::string& quantized_path,
                                   const std::string& data, const std::string& preprocess);

}  // namespace tfd::quantize
