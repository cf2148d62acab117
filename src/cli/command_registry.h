#pragma once
// Subcommands register themselves here from their own source file, so adding
// one touches no shared list.
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace tfd::cli {

using CommandSetup = std::function<void(CLI::App& app)>;

struct CommandEntry {
  std::string name;  // for ordering the help text
  CommandSetup setup;
};

inline std::vector<CommandEntry>& Commands() {
  static std::vector<CommandEntry> commands;
  return commands;
}

struct CommandRegistrar {
  CommandRegistrar(std::string name, CommandSetup setup) { Commands().push_back({std::move(name), std::move(setup)}); }
};

}  // namespace tfd::cli

// Usage, at namespace scope in a *_command.cc file:
//   TFD_REGISTER_COMMAND(inspect, [](CLI::App& app) { ... });
#define TFD_REGISTER_COMMAND(name, setup) \
  static ::tfd::cli::CommandRegistrar tfd_command_registrar_##name(#name, setup)
