// tflite-doctor: why does a TFLite model answer differently on the device?
#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_registry.h"
#include "util/error.h"
#include "util/file_io.h"
#include "util/memory_limit.h"
#include "util/thread_pool.h"

int main(int argc, char** argv) {
  CLI::App app{"tflite-doctor: find out why a TensorFlow Lite model gives different answers on the device, and fix it",
               "tflite-doctor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tflite-doctor 0.1.0");
  // One process is one command: it never overwrites a file it read.
  tfd::GuardInputFiles();
  // Accepted before or after the command's name (fallthrough): every
  // command's memory is bounded the same way.
  app.fallthrough();
  app.add_option_function<std::string>(
         "--max-memory",
         [](const std::string& text) {
           auto bytes = tfd::ParseByteSize(text);
           if (!bytes) throw CLI::ValidationError("--max-memory", "'" + text + "' is not a size (e.g. 512M, 4G)");
           tfd::SetMemoryLimit(*bytes);
         },
         "largest memory a model's tensors, an image or a file may claim (e.g. 512M, 4G; default: half the RAM, at "
         "most 8G; env TFLITE_DOCTOR_MAX_MEMORY)")
      ->type_name("SIZE");
  auto& commands = tfd::cli::Commands();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& command : commands) command.setup(app);
  // --threads N: threads one operator may use (output rows split between
  // them; answers do not change). Commands that run a model over a dataset
  // use every core by default, the others one.
  const std::string dataset_commands[] = {"eval", "compare", "quantize", "audit-preprocessing", "doctor"};
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    sub->add_option_function<int>(
           "--threads", [](const int& n) { tfd::SetIntraOpThreads(n); },
           std::find(std::begin(dataset_commands), std::end(dataset_commands), sub->get_name()) !=
                   std::end(dataset_commands)
               ? "threads per operator (default: every core)"
               : "threads per operator (default 1)")
        ->check(CLI::Range(1, 1024));
  if (argc > 1 && std::find(std::begin(dataset_commands), std::end(dataset_commands), std::string(argv[1])) !=
                      std::end(dataset_commands))
    tfd::SetIntraOpThreads(tfd::HardwareThreads());
  // Run with nothing to do, a new user wants to see what it can do, not a
  // parse error about a missing subcommand.
  if (argc <= 1) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  // CLI11 takes an unknown first word for a stray argument and says "A
  // subcommand is required"; name the word instead.
  if (argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->get_name() == argv[1];
    }
    if (!known) {
      std::fprintf(stderr, "tflite-doctor: error: unknown command '%s' (commands: %s)\n", argv[1], names.c_str());
      return 1;
    }
  }
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
