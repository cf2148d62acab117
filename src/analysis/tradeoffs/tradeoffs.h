#pragma once
// `tradeoffs`: every quantization scheme of a float model written, measured
// side by side against the float model on evaluation data, the smallest set
// of layers to keep in float to meet a budget, and the cheapest variant
// within it. The steps, one file each: variants (write), measurement (run),
// mixed_search, recommendation; this file runs them in order.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/tradeoffs/budget.h"
#include "analysis/tradeoffs/mixed_search.h"
#include "analysis/tradeoffs/recommendation.h"
#include "data/dataset.h"
#include "quantize/calibration_source.h"
#include "quantize/rewrite.h"

namespace tfd::tradeoffs {

struct TradeoffsRequest {
  std::string model;  // the float .tflite
  quantize::CalibrationSourceOptions calibration;
  std::string data;         // evaluation data (anything eval reads)
  const Dataset* dataset = nullptr;  // its listing, already read (overrides `data`: e.g. doctor's subset)
  std::string labels;       // labels file for output 0 ("" : the model's metadata)
  std::vector<std::string> schemes;  // ParseSchemes
  std::string target;       // "" : none ("tflite", "gpu", "edgetpu@..."...)
  Budget budget;
  std::string out_dir;
  std::string rules_dir;    // "" : the default rules
  quantize::RewriteOptions rewrite;  // as `quantize` defaults: mse ranges, bias correction
  RankOptions rank;
  int latency_runs = 5;
  // Called after each scheme's row (done, total, scheme); may be empty.
  std::function<void(size_t, size_t, const std::string&)> progress;
};

struct TradeoffsResult {
  std::string model;
  std::string data;
  std::string calibration;  // the calibration source, described
  std::string preprocess;   // the evaluation preprocessing, described
  std::vector<std::string> warnings;  // the calibration audit's findings
  std::string arithmetic;   // "xnnpack" or "reference": the target's profile
  std::string target;
  Budget budget;
  size_t items = 0;    // evaluation items measured
  size_t labeled = 0;  // of which labelled with a label the model knows
  std::vector<Row> rows;  // the float model first, then the schemes in the order asked
  std::optional<MixedSearchResult> mixed;
  Recommendation recommendation;
};

// tfd::Error (one line) for every bad input: an unknown target, a model
// the quantizer cannot take (already quantized...), empty or unreadable
// data. A scheme the quantizer refuses is a row with its error instead.
TradeoffsResult RunTradeoffs(const TradeoffsRequest& request);

}  // namespace tfd::tradeoffs
