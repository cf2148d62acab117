#pragma once
// Seeded inputs spread over each model input's whole range, for comparing
// whole models with the real runtime where answers differ most: at the ends
// of the range, and past the range a quantized model was calibrated on (what
// preprocessing drift feeds it).
//
// - 8/16-bit integer inputs: uniform over the full integer range (for a
//   quantized input that is every representable value, so the float range it
//   stands for and beyond what calibration saw inside the model).
// - float inputs: uniform over spans. With TFLite metadata normalization, the
//   range it produces from 0..255 pixels and that range widened by its width
//   on both sides (drift); without it [0, 1], [-1, 1] and [-4, 4].
// - 32-bit integer inputs (sizes, indices): [0, 16), or the recorded values
//   of a golden model, since random shapes are not valid inputs.
#include <string>
#include <vector>

#include "graph/model.h"
#include "kernel_test_util.h"

namespace tfd::testing {

struct FloatSpan {
  double lo = 0, hi = 1;
  std::string label;  // "[0, 1]", "metadata [-1, 1]"
};

struct InputSet {
  std::string label;  // "seed 2, float [-4, 4]"
  std::vector<Array> arrays;
};

// The spans used for float input `input` of the main subgraph.
std::vector<FloatSpan> FloatSpansFor(const Model& model, size_t input);

// `seeds` sets per float span (all spans share each seed: a model with float
// inputs gets seeds x spans sets), or `seeds` sets when no input is float.
// `fixed` (e.g. golden inputs), when given, supplies the values of 32-bit
// integer inputs and is itself the first set.
std::vector<InputSet> WholeRangeInputs(const Model& model, int seeds, const std::vector<Array>* fixed = nullptr);

// Every element of every input at the top of its range: 1.0 for floats
// (4.0 past it would make an LSTM saturate less, not more), the largest
// integer for 8/16-bit ones, 15 for 32-bit ones.
std::vector<Array> TopOfRangeInputs(const Model& model);

}  // namespace tfd::testing
