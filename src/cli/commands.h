#pragma once
// Each subcommand registers itself on the CLI app and runs from a callback.
#include <CLI/CLI.hpp>

namespace tfd::cli {

void AddInspectCommand(CLI::App& app);

}  // namespace tfd::cli
