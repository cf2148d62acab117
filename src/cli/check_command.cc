// `tflite-doctor check MODEL [--target T ...] [--rules DIR] [--json]`: will the
// model load and run on each runtime / delegate, what falls back, and why.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "analysis/compat/engine.h"
#include "analysis/compat/rules.h"
#include "cli/command_registry.h"
#include "format/model_reader.h"
#include "report/check_report.h"

namespace tfd::cli {
namespace {

void SetupCheck(CLI::App& app) {
  struct Args {
    std::string model;
    std::vector<std::string> targets;
    std::string rules;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "check", "Will the model load and run on TFLite, XNNPACK, GPU, NNAPI, Core ML, Edge TPU, TFLite Micro?");
  cmd->add_option("MODEL", args->model, "the .tflite file")->required();
  cmd->add_option("--target,-t", args->targets,
                  "tflite[@RELEASE], xnnpack[@RELEASE], gpu, nnapi[@API], coreml, edgetpu, tflm (repeatable; default: all)");
  cmd->add_option("--rules", args->rules, "rule directory (default: $TFLITE_DOCTOR_RULES, else the built-in rules/)");
  cmd->add_flag("--json", args->json, "print one JSON object instead of text");
  cmd->callback([args] {
    // Rules and targets first: a typo in --target fails before the model is read.
    compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir(args->rules));
    std::vector<compat::TargetSpec> specs;
    if (args->targets.empty()) {
      for (const auto& name : book.order) specs.push_back({name, ""});
    } else {
      for (const auto& t : args->targets) specs.push_back(compat::ParseTargetSpec(t, book));
    }
    Model model = LoadModel(args->model);
    compat::CheckResult result = compat::CheckModel(model, book, specs);
    nlohmann::json j = CheckJson(result);
    j["file"] = args->model;
    if (args->json) {
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "Model: " << args->model << "\n" << CheckText(j);
    }
  });
}

}  // namespace

TFD_REGISTER_COMMAND(check, SetupCheck);

}  // namespace tfd::cli
