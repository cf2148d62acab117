// tflite-doctor: why does a TFLite model answer differently on the device?
#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>

#include <CLI/CLI.hpp>

#include "cli/command_registry.h"
#include "util/error.h"

int main(int argc, char** argv) {
  CLI::App app{"tflite-doctor: find out why a TensorFlow Lite model gives different answers on the device, and fix it"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tflite-doctor 0.1.0");
  auto& commands = tfd::cli::Commands();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& command : commands) command.setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const tfd::Error& e) {
    std::fprintf(stderr, "tflite-doctor: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "tflite-doctor: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tflite-doctor: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
