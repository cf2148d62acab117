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

namespace tfd {

// One sample: the real (float) values of every graph input, in input order.
// Each model converts them to its own input type (quantizing when needed).
using Sample = std::vector<std::vector<float>>;

struct CompareInputs {
  int count = 0;
  std::function<Sample(int index)> sample;  // index in [0, count)
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
  ErrorStats stats;
  // Error this layer adds: its output noise-to-signal ratio minus the worst
  // of its inputs' (linear power ratios).
  double added_noise = 0;
  double input_sqnr_db = 0;  // worst input's SQNR
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
  std::vector<OutputComparison> outputs;
  std::vector<LayerComparison> layers;
  std::vector<std::string> unmatched_reference;
  std::vector<std::string> unmatched_deployed;
  std::vector<Suspect> suspects;  // worst first
};

CompareResult CompareModels(const Model& reference, const Model& deployed, const CompareInputs& inputs);

}  // namespace tfd
