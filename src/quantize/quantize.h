#pragma once
// The quantizer's steps in order: fold constant DEQUANTIZE, check the model,
// take calibration samples, calibrate, rewrite to int8, write.
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"
#include "quantize/calibration_audit.h"
#include "quantize/calibration_source.h"
#include "quantize/dynamic_range.h"
#include "quantize/held_out_summary.h"
#include "quantize/rewrite.h"

namespace tfd::quantize {

struct QuantizeRequest {
  std::string input;   // the float .tflite
  std::string output;  // where the int8 .tflite goes (never the input)
  // "int8", "float16", "dynamic" (int8 weights read by hybrid kernels,
  // float activations: no calibration) or "int16x8".
  std::string scheme = "int8";
  // dynamic: weights with fewer elements stay float (the converter's 1024).
  size_t min_weight_elements = 1024;
  CalibrationSourceOptions calibration;
  RewriteOptions rewrite;
  // Refuse calibration data the audit calls noise (and random inputs).
  bool strict = false;
  // Held-out data to measure the written file against the float model on
  // ("": no summary).
  std::string held_out_data;
};

struct QuantizeResult {
  CalibrationSource source;  // samples dropped after calibration
  CalibrationAudit audit;
  RewriteSummary summary;
  size_t input_bytes = 0;
  size_t output_bytes = 0;
  std::string min_runtime_version;
  std::optional<HeldOutSummary> held_out;
  std::optional<DynamicRangeSummary> dynamic;  // --scheme dynamic
};

// In memory: `float_model` calibrated on `samples` and rewritten. The
// calibration, and the float model it was taken on (constant DEQUANTIZE
// folded, equalized), are kept where asked for.
Model QuantizeModel(const Model& float_model, const SampleFeed& samples, const RewriteOptions& options,
                    RewriteSummary* summary = nullptr, Calibration* calibration = nullptr,
                    Model* calibrated_model = nullptr);
Model QuantizeModel(const Model& float_model, const std::vector<CalibrationSample>& samples,
                    const RewriteOptions& options, RewriteSummary* summary = nullptr,
                    Calibration* calibration = nullptr, Model* calibrated_model = nullptr);

// From file to file. tfd::Error (one line) for every bad input.
QuantizeResult QuantizeFile(const QuantizeRequest& request);

}  // namespace tfd::quantize
