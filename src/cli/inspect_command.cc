#include <iostream>
#include <memory>
#include <string>

#include "cli/command_registry.h"
#include "format/model_reader.h"
#include "report/inspect.h"

namespace tfd::cli {
namespace {

void SetupInspect(CLI::App& app) {
  struct Args {
    std::string model;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("inspect", "Show inputs, outputs, operators, weights and metadata of a model");
  cmd->add_option("MODEL", args->model, "the .tflite file")->required();
  cmd->add_flag("--json", args->json, "print one JSON object instead of text");
  cmd->callback([args] {
    Model model = LoadModel(args->model);
    nlohmann::json j = InspectJson(model);
    j["file"] = args->model;
    if (args->json) {
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "Model: " << args->model << "\n" << InspectText(j);
    }
  });
}

}  // namespace

TFD_REGISTER_COMMAND(inspect, SetupInspect);

}  // namespace tfd::cli
