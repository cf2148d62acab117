#pragma once
// Step 2 of `tradeoffs`: each variant against the float model on the
// evaluation data. The float model runs over the data once and its output 0
// is kept per item (items x output size floats: 1 MB for 250 ImageNet
// items); each variant then makes one pass through the data layer's item
// stream, so memory holds one decoded item whatever the dataset's size.
// Every model runs in our interpreter with the target's arithmetic profile.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analysis/compat/engine.h"
#include "data/dataset.h"
#include "data/preprocess.h"
#include "data/preprocess/session.h"
#include "interpreter/kernel_registry.h"

namespace tfd::tradeoffs {

// A proportion's 95% confidence interval (Wilson score interval): finite
// evaluation sets make every accuracy figure an estimate.
struct Interval {
  double lo = 0, hi = 0;
};
Interval WilsonInterval(size_t successes, size_t n, double z = 1.959963984540054);

struct Measurement {
  size_t items = 0;
  double sqnr_db = 0;  // output 0 against the float model's, pooled over the items
  size_t agree = 0;    // items whose top-1 equals the float model's
  double agreement = 0;
  Interval agreement_ci;
  size_t labeled = 0;  // items whose label the model knows
  size_t correct = 0;
  double accuracy = 0;  // top-1 over the labelled items
  Interval accuracy_ci;
  double latency_ms = 0;  // one inference: median of timed runs on the first item
  // False when the pass stopped early (EarlyStop): the figures then cover
  // the items up to where the budget was out of reach.
  bool complete = true;
};

// When a pass may stop: once the budget is out of reach whatever the
// remaining items give. Disagreements only grow, and so does the error
// power against the float outputs, whose total power is known.
struct EarlyStop {
  size_t max_disagreements = static_cast<size_t>(-1);
  double max_noise = -1;  // < 0: no limit
};

struct MeasureOptions {
  Arithmetic arithmetic = Arithmetic::kXnnpack;
  std::string preprocess = "auto";  // "auto" or a JSON spec file, as eval
  std::optional<PreprocessSpec> spec;  // a spec in memory: overrides `preprocess`
  std::string labels_file;          // labels of output 0 when the model has none in its metadata
  bool skip_bad = false;
  int latency_runs = 5;
  // The float pass keeps every item's input bytes when all of them fit in
  // this many bytes, and later passes (every variant, every mixed-precision
  // candidate) read them instead of decoding the data again; beyond it,
  // every pass streams the data. 0: always stream.
  size_t input_cache_bytes = size_t{256} << 20;
};

// The float model's answers on every item of the evaluation data.
class FloatReference {
 public:
  // One pass of `float_path` over `dataset` (which must outlive this).
  // tfd::Error naming the items that cannot be used (unless skip_bad), or an
  // empty dataset.
  FloatReference(const std::string& float_path, const Dataset& dataset, const MeasureOptions& options);
  ~FloatReference();

  // The float model's own row: agreement 1, SQNR infinite.
  const Measurement& float_measurement() const { return float_; }
  // One pass of the model at `path` (float input and output 0 like the
  // float model's) over the same items.
  // With `stop`, the pass ends as soon as the budget is out of reach
  // (complete = false) and latency is not timed: for candidates that only
  // need a yes or no.
  Measurement Measure(const std::string& path, const EarlyStop* stop = nullptr) const;

  // Median time of one inference of the model at `path` on the first item.
  double LatencyMs(const std::string& path) const;

  // Total power of the float model's output 0 over the items (SQNR's signal).
  double signal_power() const { return signal_; }

  const ModelSession& session() const { return *float_session_; }
  const std::string& spec_description() const { return spec_description_; }
  size_t labeled() const { return float_.labeled; }

 private:
  struct Item {
    size_t index = 0;
    int label = -1;  // index among the model's labels; -1 when unknown
    int top1 = -1;
    std::vector<float> output;
  };
  const Dataset& dataset_;
  MeasureOptions options_;
  std::unique_ptr<ModelSession> float_session_;
  PreprocessSpec spec_;
  std::string spec_description_;
  std::vector<Item> items_;
  std::vector<bool> usable_;  // per dataset item
  Measurement float_;
  double signal_ = 0;
  TensorData first_input_;  // the first usable item, for timing
  std::vector<TensorData> cached_inputs_;  // per entry of items_, when they fit (input_cache_bytes)
};

// The targets (labels, "tflite", "xnnpack"...) that run `model` by the check
// engine's rules, in `targets` order: a runtime with kernels for every node,
// a delegate that loads it and takes at least one node.
std::vector<std::string> TargetsThatRun(const Model& model, const compat::RuleBook& book,
                                        const std::vector<compat::TargetSpec>& targets);

}  // namespace tfd::tradeoffs
