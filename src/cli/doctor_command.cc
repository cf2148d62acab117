// `tflite-doctor doctor DEPLOYED.tflite [--reference FLOAT.tflite] [--data DIR|CSV]
//  [--declared APP_SPEC.json] [--target T ...] [--calibration DIR] [--budget AGREEMENT]
//  [--report report.html] [--json] [--fix OUT_DIR]`: the command to run first. Runs
// every analysis that applies, ranks the causes by what they cost, rules out
// the others with the measurement, writes the fixes it can.
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/doctor/doctor.h"
#include "cli/command_registry.h"
#include "data/dataset.h"
#include "data/preprocess.h"
#include "format/model_reader.h"
#include "report/doctor_fixes.h"
#include "report/doctor_html.h"
#include "report/doctor_report.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::cli {
namespace {

struct DoctorArgs {
  doctor::DoctorRequest request;
  std::optional<double> budget;
  std::string report;
  std::string fix_dir;
  bool json = false;
};

// A step's progress bar appears only once the step has taken a second: the
// quick ones leave the terminal alone.
Progress StepProgress(const std::string& step) {
  Progress bar = TerminalProgressBar("doctor: " + step);
  if (!bar) return {};
  auto start = std::chrono::steady_clock::now();
  auto shown = std::make_shared<bool>(false);
  return [bar, start, shown](size_t done, size_t total, const std::string& item) {
    if (!*shown && std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
    if (!*shown && done >= total) return;
    *shown = true;
    bar(done, total, item);
  };
}

void RunDoctorCommand(DoctorArgs& args) {
  doctor::DoctorRequest& r = args.request;
  r.budget = args.budget;
  r.progress = StepProgress;
  // Everything read first, so that a bad argument fails before any long step.
  const Model deployed = LoadModel(r.deployed);
  r.deployed_model = &deployed;
  std::optional<Model> reference;
  if (!r.reference.empty()) r.reference_model = &reference.emplace(LoadModel(r.reference));
  std::optional<Dataset> data;
  if (!r.data.empty()) r.dataset = &data.emplace(OpenDataset(r.data));
  if (!r.declared.empty()) r.declared_spec = ReadPreprocessSpec(r.declared);
  if (!r.calibration.empty() && r.calibration != "random") OpenDataset(r.calibration);
  doctor::DoctorResult result = doctor::RunDoctor(r);
  if (!args.fix_dir.empty()) {
    const auto t0 = std::chrono::steady_clock::now();
    WriteDoctorFixes(args.fix_dir, result);
    result.timings.push_back({"fix", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
  }
  if (!args.report.empty()) {
    const std::string html = DoctorHtml(result);
    WriteFileBytes(args.report, std::vector<uint8_t>(html.begin(), html.end()));
  }
  if (args.json) {
    nlohmann::json j = DoctorJson(result);
    if (!args.report.empty()) j["report"] = args.report;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << DoctorText(result);
    if (!args.report.empty()) std::cout << "Report: " << args.report << "\n";
  }
}

void SetupDoctor(CLI::App& app) {
  auto args = std::make_shared<DoctorArgs>();
  auto& r = args->request;
  auto* cmd = app.add_subcommand(
      "doctor",
      "Run first: every analysis that applies (check, the preprocessing audit, compare, re-quantization), the "
      "causes found ranked by what they cost, the others ruled out with the measurement, the fixes written.");
  cmd->add_option("DEPLOYED", r.deployed, "the .tflite the device runs")->required();
  cmd->add_option("--reference", r.reference, "its float original (default: the deployed model's float shadow)");
  cmd->add_option("--data", r.data, "images to measure on: a folder, a folder per class, or a CSV of path,label");
  cmd->add_option("--declared", r.declared, "the preprocessing the app uses, as a JSON spec file");
  cmd->add_option("--target,-t", r.targets,
                  "check targets: tflite[@RELEASE], xnnpack, gpu, nnapi[@API], coreml, edgetpu, tflm (repeatable; "
                  "default: tflite and xnnpack)");
  cmd->add_option("--rules", r.rules_dir, "rule directory for check (default: the built-in rules/)");
  cmd->add_option("--calibration", r.calibration,
                  "calibration data: re-quantize --reference with tflite-doctor's quantizer to measure what a better "
                  "quantization recovers");
  cmd->add_option("--calibration-samples", r.calibration_samples, "calibration items used (default 100)");
  cmd->add_option("--budget", args->budget,
                  "top-1 agreement with the reference the re-quantized model must reach (e.g. 0.99): the worst layers "
                  "are kept in float until it does");
  cmd->add_option("--max-items", r.max_items, "data items used, spread over the set (default 100)");
  cmd->add_option("--report", args->report, "also write a self-contained HTML report to this file");
  cmd->add_flag("--json", args->json, "print every figure as one JSON object (schema/doctor_report.schema.json)");
  cmd->add_option("--fix", args->fix_dir,
                  "write the fixes here: the corrected preprocessing spec, a re-quantized model, CHANGES.txt (what a "
                  "person must change)");
  cmd->add_flag("--skip-bad", r.skip_bad, "go on without data items that cannot be read");
  cmd->callback([args] { RunDoctorCommand(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(doctor, SetupDoctor);

}  // namespace tfd::cli
