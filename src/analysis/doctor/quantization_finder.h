#pragma once
// Quantization: how far the deployed model's answers move from its float
// reference (or, without one, its float shadow) on the data, layer by layer
// (compare), and what that costs: with labels, the accuracy lost against
// the reference; with the float model and calibration data, what
// re-quantizing it with tflite-doctor's quantizer recovers (cost.h). A cause
// only when the cost's 95% paired-bootstrap interval excludes zero.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/doctor/cost.h"
#include "analysis/doctor/doctor_result.h"
#include "data/dataset.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"

namespace tfd::doctor {

struct QuantizationFindings {
  std::optional<Cause> cause;
  std::optional<RuledOut> ruled_out;
  std::optional<Undecided> undecided;
  std::vector<LayerError> layers;
  std::vector<RangeHistogram> histograms;
  std::optional<Confusion> confusion;
  std::vector<Figure> outputs;
  // Reference tensors of the worst layers, worst first: the layers to keep
  // in float when re-quantizing.
  std::vector<std::string> worst_reference_tensors;
  std::optional<Requantized> requantized;  // with the calibration data
  std::vector<std::string> notes;
};

struct QuantizationRequest {
  ModelSession* deployed = nullptr;
  ModelSession* reference = nullptr;  // null: the deployed model's float shadow
  const Dataset* data = nullptr;      // the items measured on
  std::string calibration;            // "": no re-quantization
  size_t calibration_samples = 100;
  std::optional<double> budget;
  bool skip_bad = false;
  std::function<Progress(const std::string& step)> progress;
};

QuantizationFindings FindQuantization(const QuantizationRequest& request);

}  // namespace tfd::doctor
