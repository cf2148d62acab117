#pragma once
// Where does a deployed model lose accuracy? Runs a reference and a deployed
// model on the same inputs, pairs their activation tensors and measures the
// error at every pair, then ranks the layers that add the most error, with
// the range evidence for why.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/compare/error_stats.h"
#include "analysis/compare/tensor_matching.h"
#include "graph/model.h"
#include "graph/dtype.h"
#include "interpreter/interpreter.h"

namespace tfd {

// An input tensor's bytes, already in the model's input type.
struct RawInput {
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> bytes;
};

// One sample. Either the real (float) values of every graph input, in input
// order, which each model converts to its own input type (quantizing when
// needed); or, when each model has its own input conversion (preprocessing
// from a dataset), the bytes for each model's inputs.
struct CompareSample {
  std::vector<std::vector<float>> values;
  std::vector<RawInput> reference, deployed;  // used instead of values when not empty
};

struct CompareInputs {
  int count = 0;
  std::function<CompareSample(int index)> sample;  // index in [0, count)
};

// Seeded uniform samples over each deployed input's representable range
// (quantized inputs), else [-1, 1].
CompareInputs RandomCompareInputs(const Model& deployed, uint64_t seed, int count);

struct OutputComparison {
  int index = 0;
  std::string name;  // deployed model's output tensor
  ErrorStats stats;
  std::optional<double> step;  // deployed output's quantization step
  bool classifier = false;     // looks like class scores: top-1 agreement applies
  int top1_agree = 0;
  int top1_total = 0;
};

struct LayerComparison {
  TensorPair pair;
  std::string tensor;            // deployed tensor name
  std::string reference_tensor;  // its reference partner
  std::string op;                // deployed node's operator ("INPUT" for graph inputs)
  DType dtype = DType::FLOAT32;
  std::optional<QuantizedRange> range;  // when the deployed tensor is quantized
  ErrorStats stats;  // in the full run: this layer's error plus all upstream error
  // The layer's own error: the deployed node run alone on the reference's
  // values at its inputs (quantized as its inputs are) against the reference
  // node run alone on those same input values. Neither upstream error nor the
  // rounding of its inputs (charged to the layer producing them) counts.
  // Empty (count 0) when either node cannot run alone or they do not read
  // the same values; then added_noise falls back to growth.
  ErrorStats isolated;
  // Error this layer adds, as a noise-to-signal power ratio at its output:
  // the isolated run's, or else the full run's minus its worst input's.
  double added_noise = 0;
  std::string added_by;      // "isolated" or "growth"
  double input_sqnr_db = 0;  // worst input's SQNR in the full run
  // What this layer alone costs at the outputs: the reference run with only
  // this layer's own error (deployed minus reference node, run alone) added
  // to its output and carried through the rest of the reference model,
  // against the plain reference run, over all outputs. A layer whose own
  // error is small but systematic (a per-channel offset that global pooling
  // keeps) shows here. Empty when not measured.
  ErrorStats impact;
};

struct Suspect {
  size_t layer = 0;  // index into CompareResult::layers
  std::string tensor;
  std::string op;
  int node = -1;
  double added_noise = 0;
  std::vector<std::string> evidence;  // plain sentences, most telling first
  std::vector<std::string> causes;    // short tags: "clipping", "per-tensor-weights", "zero-point", ...
};

struct CompareResult {
  int samples = 0;
  int isolated_samples = 0;  // samples each layer was also run alone on
  int impact_samples = 0;    // samples each layer's error was carried to the outputs on
  std::vector<OutputComparison> outputs;
  std::vector<LayerComparison> layers;
  std::vector<std::string> unmatched_reference;
  std::vector<std::string> unmatched_deployed;
  std::vector<Suspect> suspects;  // worst first
};

struct CompareOptions {
  // Running every layer alone costs about one more pass through both
  // models. Error statistics use every sample; each layer's own error is
  // measured on this many of them, spread evenly (0: all).
  int isolated_samples = 32;
  // Carrying each layer's own error through the rest of the reference model
  // costs about half a reference run per layer; done on this many of the
  // isolated samples, spread evenly (0: not at all). Skipped for stateful
  // references (variables), whose tail cannot be run again.
  int impact_samples = 4;
  // Called after both models ran on sample k, with their interpreters (every
  // output readable): for task results (detections, class maps) compared
  // beside the tensors, without running the models again.
  std::function<void(int sample, const Interpreter& reference, const Interpreter& deployed)> after_sample;
};

CompareResult CompareModels(const Model& reference, const Model& deployed, const CompareInputs& inputs,
                            const CompareOptions& options = {});

}  // namespace tfd
