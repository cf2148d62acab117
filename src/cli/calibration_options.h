#pragma once
// The calibration options `quantize` and `tradeoffs` share (--calibration,
// --preprocess, --samples, --seed, --calibration-method): one set of help
// texts and errors for both.
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "quantize/calibration_source.h"
#include "quantize/range_methods.h"
#include "util/error.h"

namespace tfd::cli {

struct CalibrationArgs {
  std::string data;
  std::string preprocess = "auto";
  size_t samples = 0;
  uint64_t seed = 0;
  // The default is what measures best against the converter on the
  // mlperf-tiny pairs (bench/quantize_vs_converter.sh; README).
  std::string method = "mse";

  // Adds the options to `cmd`, bound to this object (which must outlive it).
  void AddOptions(CLI::App* cmd) {
    cmd->add_option("--calibration", data,
                    "calibration data: a folder, class folders or CSV of path,label; 'random' for seeded random inputs");
    cmd->add_option("--preprocess", preprocess, "auto (from the model) or a JSON spec file");
    cmd->add_option("--samples", samples, "calibration items to use, spread over the dataset (default: all; random: 100)");
    cmd->add_option("--seed", seed, "seed for --calibration random");
    cmd->add_option("--calibration-method", method,
                    "mse (default: the clipping range of least expected squared error), minmax, percentile:P or entropy "
                    "(least KL divergence)");
  }

  // tfd::Error (one line) when --calibration was not given.
  void Require() const {
    if (data.empty())
      Fail("--calibration DATA is required: a dataset (folder, class folders, CSV) fed through the model's "
           "preprocessing, or 'random' for seeded random inputs");
  }

  // tfd::Error naming --calibration-method when it is none of those.
  quantize::RangeMethod Method() const { return quantize::ParseRangeMethod(method); }

  // Where the samples come from; `skip_bad`: the command's --skip-bad.
  quantize::CalibrationSourceOptions Source(bool skip_bad) const {
    quantize::CalibrationSourceOptions o;
    o.data = data;
    o.preprocess = preprocess;
    o.samples = samples;
    o.seed = seed;
    o.skip_bad = skip_bad;
    return o;
  }
};

}  // namespace tfd::cli
