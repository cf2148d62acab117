// tflite-doctor tradeoffs FLOAT.tflite --calibration DATA --data EVAL: every
// quantization scheme written and measured side by side (src/analysis/tradeoffs).
// This file only parses arguments and prints the result.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "analysis/tradeoffs/tradeoffs.h"
#include "analysis/tradeoffs/variants.h"
#include "cli/calibration_options.h"
#include "cli/command_registry.h"
#include "report/tradeoffs_report.h"
#include "util/error.h"

namespace tfd::cli {
namespace {

struct TradeoffsArgs {
  std::string model;
  CalibrationArgs calibration;
  std::string data;
  std::string labels;
  std::string schemes;
  std::string target;
  std::string out;
  std::string rules;
  double budget = 0.99;
  double budget_sqnr = 0;
  int impact_samples = 8;
  int rank_samples = 16;
  int latency_runs = 5;
  bool skip_bad = false;
  bool json = false;
};

void SetupTradeoffs(CLI::App& app) {
  auto args = std::make_shared<TradeoffsArgs>();
  auto* cmd = app.add_subcommand(
      "tradeoffs", "Every quantization scheme of a float model written and measured side by side; mixed precision to a budget");
  cmd->add_option("MODEL", args->model, "the float .tflite file (never modified)")->required();
  args->calibration.AddOptions(cmd);
  cmd->add_option("--data", args->data, "evaluation data the variants are measured on (anything eval reads)");
  cmd->add_option("--labels", args->labels, "labels of output 0 (one per line) when the model's metadata has none");
  cmd->add_option("--schemes", args->schemes,
                  "comma-separated, in table order (default: dynamic,float16,int8,int8-per-tensor,int16x8,mixed)");
  cmd->add_option("--target", args->target,
                  "tflite[@RELEASE], xnnpack, gpu, nnapi[@API], coreml, edgetpu, tflm: its arithmetic profile, the layers "
                  "it can run in float, and the recommendation");
  auto* budget = cmd->add_option("--budget", args->budget,
                                 "top-1 agreement with the float model to meet, in (0, 1] (default 0.99)");
  auto* budget_sqnr = cmd->add_option("--budget-sqnr", args->budget_sqnr, "output SQNR against the float model to meet, in dB");
  cmd->add_option("--out", args->out, "folder the variants are written to (default: tradeoffs-<model name>)");
  cmd->add_option("--rank-samples", args->rank_samples, "calibration samples the per-layer ranking compares on (default 16)");
  cmd->add_option("--impact-samples", args->impact_samples,
                  "of those, samples each layer's error is carried to the outputs on (default 8)");
  cmd->add_option("--latency-runs", args->latency_runs, "timed inferences per variant, median reported (default 5)");
  cmd->add_option("--rules", args->rules, "rule directory for the targets (default: the built-in rules/)");
  cmd->add_flag("--skip-bad", args->skip_bad, "go on without items that cannot be read");
  cmd->add_flag("--json", args->json, "print one JSON object");
  cmd->callback([args, budget, budget_sqnr] {
    tradeoffs::TradeoffsRequest r;
    r.model = args->model;
    r.schemes = args->schemes.empty() ? tradeoffs::KnownSchemes() : tradeoffs::ParseSchemes(args->schemes);
    r.budget = tradeoffs::MakeBudget(args->budget, args->budget_sqnr, budget->count() > 0, budget_sqnr->count() > 0);
    if (args->rank_samples < 1) Fail("--rank-samples {} must be at least 1", args->rank_samples);
    if (args->impact_samples < 1) Fail("--impact-samples {} must be at least 1", args->impact_samples);
    if (args->latency_runs < 1) Fail("--latency-runs {} must be at least 1", args->latency_runs);
    args->calibration.Require();
    if (args->data.empty()) Fail("--data EVAL is required: the evaluation data the variants are measured on");
    r.calibration = args->calibration.Source(args->skip_bad);
    r.data = args->data;
    r.labels = args->labels;
    r.target = args->target;
    r.rules_dir = args->rules;
    r.out_dir = args->out.empty() ? "tradeoffs-" + std::filesystem::path(args->model).stem().string() : args->out;
    r.rewrite.method = args->calibration.Method();
    r.rewrite.bias_correction = true;  // quantize's default (README: best on every fixture)
    r.rank.samples = args->rank_samples;
    r.rank.impact_samples = args->impact_samples;
    r.latency_runs = args->latency_runs;
    tradeoffs::TradeoffsResult result = tradeoffs::RunTradeoffs(r);
    if (args->json) {
      std::cout << TradeoffsJson(result).dump(2) << "\n";
    } else {
      std::cout << TradeoffsText(result);
    }
  });
}

}  // namespace

TFD_REGISTER_COMMAND(tradeoffs, SetupTradeoffs);

}  // namespace tfd::cli
