#include "analysis/doctor/plan.h"

#include "data/preprocess.h"
#include "interpreter/interpreter.h"
#include "util/error.h"

namespace tfd::doctor {

bool HasQuantizedActivations(const Model& model) {
  const Subgraph& g = model.main();
  for (const Tensor& t : g.tensors) {
    const bool constant = t.buffer < model.buffers.size() && !model.buffers[t.buffer].data.empty();
    if (constant || !t.quantization || !t.quantization->IsAffine()) continue;
    if (t.dtype == DType::INT8 || t.dtype == DType::UINT8 || t.dtype == DType::INT16) return true;
  }
  return false;
}

DoctorPlan PlanDoctor(const DoctorRequest& request, const Model& deployed) {
  DoctorPlan plan;
  plan.deployed_quantized = HasQuantizedActivations(deployed);
  try {
    Interpreter interpreter(deployed);
    interpreter.AllocateTensors();
    plan.deployed_runs = true;
  } catch (const Error& e) {
    plan.run_error = e.what();
  }
  const Subgraph& g = deployed.main();
  if (g.inputs.size() == 1) plan.image_input = TargetFromTensor(g.tensors[static_cast<size_t>(g.inputs[0])]).image_like;

  const bool data = !request.data.empty();
  if (!plan.deployed_runs) {
    const std::string why = "tflite-doctor cannot run the deployed model (" + plan.run_error + ")";
    plan.undecided.push_back({kPreprocessing, why, "a model whose ops tflite-doctor runs"});
    if (plan.deployed_quantized) plan.undecided.push_back({kQuantization, why, "a model whose ops tflite-doctor runs"});
  } else {
    if (!data) {
      plan.undecided.push_back({kPreprocessing, "no data to run the pipelines on", "--data DIR (images the app sees)"});
    } else if (!plan.image_input) {
      plan.undecided.push_back(
          {kPreprocessing, "the model's input is not one image; doctor audits image pipelines", "audit-preprocessing"});
    } else if (request.declared.empty()) {
      plan.undecided.push_back({kPreprocessing,
                                "the app's pipeline was not given: only the model's own pipeline was used",
                                "--declared APP_SPEC.json (the pipeline the app uses)"});
    } else {
      plan.preprocessing = true;
    }
    if (plan.deployed_quantized) {
      plan.quantization = true;
      plan.requantize = !request.reference.empty() && !request.calibration.empty() && data && plan.image_input;
      if (!plan.requantize) {
        std::string give = request.reference.empty() ? "--reference FLOAT.tflite" : "";
        if (request.calibration.empty()) give += std::string(give.empty() ? "" : " and ") + "--calibration DIR";
        if (!data) give += std::string(give.empty() ? "" : " and ") + "--data DIR";
        plan.undecided.push_back(
            {kQuantization,
             "what re-quantizing would recover was not measured (it needs the float model, calibration data and "
             "data to measure on)",
             give});
      }
    }
  }
  if (!plan.deployed_quantized)
    plan.ruled_out.push_back({kQuantization, "the deployed model computes in float: no activation tensor is quantized"});
  return plan;
}

}  // namespace tfd::doctor
