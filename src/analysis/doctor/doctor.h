#pragma once
// `doctor`: one command that runs every analysis that applies to the files
// given (check, the preprocessing audit, compare, re-quantization), ranks
// the causes found by what each costs, lists the kinds ruled out with the
// measurement that rules them out, and makes the fixes it can.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/doctor/doctor_result.h"
#include "data/dataset.h"
#include "data/preprocess.h"
#include "data/preprocess/evaluate.h"
#include "graph/model.h"

namespace tfd::doctor {

// Under this many data items a kind is never ruled out, only left undecided.
inline constexpr size_t kFewItems = 20;

// What doctor is given, read by the caller (the CLI): the analysis never
// opens a model, dataset listing or spec file itself. The names are the
// files', for the report; the calibration data is read by the quantizer.
struct DoctorRequest {
  std::string deployed;     // the .tflite that answers wrongly
  std::string reference;    // its float original ("": the deployed model's float shadow)
  std::string data;         // the data's name ("": none)
  std::string declared;     // the app's spec file ("": not given)
  std::string calibration;  // calibration data for re-quantizing the reference ("": none)
  const Model* deployed_model = nullptr;
  const Model* reference_model = nullptr;  // set when `reference` is
  const Dataset* dataset = nullptr;        // set when `data` is
  std::optional<PreprocessSpec> declared_spec;  // set when `declared` is
  std::vector<std::string> targets;  // check targets ("": the stock TFLite and XNNPACK)
  std::string rules_dir;             // "": the built-in rules
  std::optional<double> budget;      // top-1 agreement with the reference a re-quantized model must reach
  size_t max_items = 100;            // data items used, spread evenly over the set
  size_t calibration_samples = 100;  // calibration items used
  bool skip_bad = false;
  // A progress sink for a step ("compare", "audit"...); may return an empty
  // function (no terminal).
  std::function<Progress(const std::string& step)> progress;
};

// tfd::Error (one line) for unreadable or unusable inputs.
DoctorResult RunDoctor(const DoctorRequest& request);

}  // namespace tfd::doctor
