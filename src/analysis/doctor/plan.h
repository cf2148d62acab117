#pragma once
// Which of doctor's steps apply, given the files and data it was given, and
// for the others what to give it.
#include <string>
#include <vector>

#include "analysis/doctor/doctor.h"
#include "graph/model.h"

namespace tfd::doctor {

struct DoctorPlan {
  bool deployed_quantized = false;  // activations in int8/uint8/int16
  bool deployed_runs = false;       // tflite-doctor's interpreter can run it
  std::string run_error;            // why not
  bool image_input = false;         // one image-like input: data items can feed it
  bool preprocessing = false;       // audit the declared pipeline on the data
  bool quantization = false;        // compare against the reference (or float shadow)
  bool requantize = false;          // re-quantize the reference with the calibration data
  std::vector<Undecided> undecided;  // steps that cannot run, with what to give
  std::vector<RuledOut> ruled_out;   // kinds ruled out by the files alone
};

DoctorPlan PlanDoctor(const DoctorRequest& request, const Model& deployed);

// True when some non-constant tensor of the main subgraph is int8, uint8 or
// int16 with quantization parameters.
bool HasQuantizedActivations(const Model& model);

}  // namespace tfd::doctor
