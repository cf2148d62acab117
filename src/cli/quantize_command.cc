// tflite-doctor quantize FLOAT.tflite -o OUT.tflite --scheme int8: our own
// post-training quantizer (src/quantize). This file only parses arguments
// and prints the result.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/calibration_options.h"
#include "cli/command_registry.h"
#include "quantize/quantize.h"
#include "util/error.h"

namespace tfd::cli {
namespace {

struct QuantizeArgs {
  std::string model;
  std::string output;
  std::string scheme = "int8";
  CalibrationArgs calibration;
  std::string held_out;
  std::string io = "float32";
  size_t min_weight_elements = 1024;
  bool per_tensor = false;
  bool bias_correction = true;  // measures best on every fixture (README)
  bool equalize = false;
  bool skip_bad = false;
  bool strict = false;
  std::vector<std::string> keep_float;
  bool json = false;
};

void PrintHeldOut(const quantize::QuantizeResult& res) {
  if (!res.held_out) return;
  const auto& h = *res.held_out;
  std::cout << fmt::format("Held-out {} ({} items) against the float model: output 0 SQNR {:.2f} dB, top-1 agreement {:.1f}%",
                           h.data, h.items, h.sqnr_db, 100 * h.agreement);
  if (h.labeled)
    std::cout << fmt::format("; top-1 {:.1f}% (float {:.1f}%, {} labelled items)", 100 * h.top1, 100 * h.float_top1, h.labeled);
  std::cout << "\n";
  if (h.outputs.size() < 2) return;
  for (size_t i = 0; i < h.outputs.size(); ++i) {
    const auto& o = h.outputs[i];
    std::cout << fmt::format("  output {} '{}' [{}]: SQNR {:.2f} dB{}\n", i, o.name, fmt::join(o.shape, ","), o.sqnr_db,
                             o.agreement ? fmt::format(", top-1 agreement {:.1f}%", 100 * *o.agreement) : "");
  }
}

void Quantize(const QuantizeArgs& args) {
  quantize::QuantizeRequest r;
  r.input = args.model;
  r.output = args.output;
  r.scheme = args.scheme;
  const bool needs_calibration = args.scheme != "float16" && args.scheme != "dynamic";
  if (needs_calibration) args.calibration.Require();
  r.calibration = args.calibration.Source(args.skip_bad);
  r.rewrite.method = args.calibration.Method();
  r.rewrite.io = quantize::ParseIoType(args.io);
  r.rewrite.spec.per_channel = !args.per_tensor;
  r.rewrite.bias_correction = args.bias_correction;
  r.rewrite.equalize = args.equalize;
  r.strict = args.strict;
  r.held_out_data = args.held_out;
  r.rewrite.keep_float = args.keep_float;
  r.min_weight_elements = args.min_weight_elements;
  if (args.scheme == "float16" && !args.calibration.data.empty())
    Fail("--scheme float16 takes no --calibration: it stores the weights as float16 and keeps float activations");
  if (args.scheme == "dynamic" && !args.calibration.data.empty())
    Fail("--scheme dynamic takes no --calibration: its weights are int8 and its activations are quantized by the "
         "kernels on the fly");
  quantize::QuantizeResult res = quantize::QuantizeFile(r);
  // int16x8 keeps whole min/max ranges whatever --calibration-method says.
  const std::string method = args.scheme == "int16x8" ? "minmax (int16x8)" : args.calibration.method;
  const auto& s = res.summary;
  std::vector<std::string> warnings;
  if (res.source.random)
    warnings.push_back("calibrated on random inputs, not data: activation ranges reflect noise, not the model's "
                       "domain; give --calibration DATA with real inputs");
  for (const auto& f : res.audit.findings) warnings.push_back(f);
  if (args.json) {
    nlohmann::json j;
    j["model"] = args.model;
    j["output"] = args.output;
    j["scheme"] = args.scheme;
    j["io"] = args.io;
    j["calibration"] = {{"source", res.source.description}, {"samples", res.source.items.empty() ? nlohmann::json(nullptr) : nlohmann::json(res.source.items.size())},
                        {"random", res.source.random}, {"skipped", res.source.skipped}, {"method", method}};
    j["weights"] = {{"tensors", s.weight_tensors}, {"per_channel", s.per_channel_weights}, {"biases", s.bias_tensors},
                    {"corrected_biases", s.corrected_biases}};
    j["quantized_nodes"] = s.quantized_nodes;
    j["edge_nodes"] = s.edge_nodes;
    j["float_nodes"] = s.float_nodes;
    j["float_boundary_nodes"] = s.float_boundary_nodes;
    j["folded_dequantize"] = s.folded_dequantize;
    j["equalize"] = args.equalize ? nlohmann::json{{"pairs", s.equalized_pairs}, {"held_channels", s.equalize_held_channels}}
                                  : nlohmann::json(nullptr);
    j["size"] = {{"before", res.input_bytes}, {"after", res.output_bytes}};
    if (res.dynamic)
      j["dynamic"] = {{"hybrid_nodes", res.dynamic->hybrid_nodes},
                      {"small_weight_nodes", res.dynamic->small_weight_nodes},
                      {"min_weight_elements", args.min_weight_elements}};
    j["min_runtime_version"] = res.min_runtime_version;
    if (res.held_out) {
      const auto& h = *res.held_out;
      j["held_out"] = {{"data", h.data}, {"items", h.items}, {"output0_sqnr_db", h.sqnr_db}, {"top1_agreement", h.agreement},
                       {"labeled", h.labeled}, {"top1", h.labeled ? nlohmann::json(h.top1) : nlohmann::json(nullptr)},
                       {"float_top1", h.labeled ? nlohmann::json(h.float_top1) : nlohmann::json(nullptr)}};
      nlohmann::json outputs = nlohmann::json::array();
      for (const auto& o : h.outputs)
        outputs.push_back({{"name", o.name}, {"shape", o.shape}, {"sqnr_db", o.sqnr_db},
                           {"top1_agreement", o.agreement ? nlohmann::json(*o.agreement) : nlohmann::json(nullptr)}});
      j["held_out"]["outputs"] = outputs;
    } else {
      j["held_out"] = nullptr;
    }
    j["warnings"] = warnings;
    j["audit"] = {{"image_input", res.audit.image_input},
                  {"neighbour_correlation", res.audit.image_input ? nlohmann::json(res.audit.neighbour_correlation) : nlohmann::json(nullptr)},
                  {"looks_like_noise", res.audit.looks_like_noise},
                  {"samples", res.audit.samples},
                  {"duplicates", res.audit.duplicates},
                  {"too_few_samples", res.audit.too_few_samples},
                  {"declared_range", res.audit.declared_range ? nlohmann::json{res.audit.declared_range->first, res.audit.declared_range->second}
                                                              : nlohmann::json(nullptr)},
                  {"value_range", {res.audit.value_min, res.audit.value_max}},
                  {"outside_declared", res.audit.outside_declared},
                  {"ranges_still_moving", res.audit.settling_checked ? nlohmann::json(res.audit.ranges_still_moving) : nlohmann::json(nullptr)},
                  {"samples_needed", res.audit.settling_checked ? nlohmann::json(res.audit.samples_needed) : nlohmann::json(nullptr)},
                  {"slowest_tensor", res.audit.settling_checked ? nlohmann::json(res.audit.slowest_tensor) : nlohmann::json(nullptr)},
                  {"range_margin", res.audit.settling_checked ? nlohmann::json(res.audit.range_margin) : nlohmann::json(nullptr)},
                  {"held_out", res.audit.held_out_checked
                                   ? nlohmann::json{{"far", res.audit.far_from_held_out},
                                                    {"worst_distance", res.audit.held_out_distance},
                                                    {"worst_tensor", res.audit.held_out_tensor},
                                                    {"output_distance", res.audit.output_distance}}
                                   : nlohmann::json(nullptr)}};
    std::cout << j.dump(2) << "\n";
  } else {
    for (const auto& w : warnings) std::cerr << "tflite-doctor: warning: " << w << "\n";
    if (args.scheme == "float16") {
      std::cout << fmt::format("Quantized {} -> {} (float16 weights, float32 activations and I/O)\n", args.model, args.output);
      std::cout << fmt::format("Weights: {} float32 constants stored as float16, each widened by a DEQUANTIZE\n", s.weight_tensors);
      std::cout << fmt::format("Size: {} -> {} bytes ({:.1f}%)\n", res.input_bytes, res.output_bytes,
                               100.0 * static_cast<double>(res.output_bytes) / static_cast<double>(res.input_bytes));
      std::cout << "min_runtime_version: " << (res.min_runtime_version.empty() ? "unknown" : res.min_runtime_version) << "\n";
      PrintHeldOut(res);
      return;
    }
    if (res.dynamic) {
      const auto& d = *res.dynamic;
      std::cout << fmt::format("Quantized {} -> {} (dynamic range: int8 weights, float32 activations and I/O)\n",
                               args.model, args.output);
      std::cout << fmt::format("Hybrid nodes: {} ({} int8 weight tensors, {} per-channel){}\n", d.hybrid_nodes,
                               d.weight_tensors, d.per_channel_weights,
                               d.folded_dequantize ? fmt::format("; {} constant DEQUANTIZE folded", d.folded_dequantize) : "");
      if (d.small_weight_nodes)
        std::cout << fmt::format("Left float: {} nodes whose weights have fewer than {} elements\n", d.small_weight_nodes,
                                 args.min_weight_elements);
      if (d.float_nodes) std::cout << fmt::format("Kept in float: {} nodes (--keep-float)\n", d.float_nodes);
      if (d.hybrid_nodes == 0)
        std::cerr << "tflite-doctor: warning: no weights were quantized (none of the model's ops with hybrid kernels "
                     "has weights this large); the output computes as the float model\n";
      std::cout << fmt::format("Size: {} -> {} bytes ({:.1f}%)\n", res.input_bytes, res.output_bytes,
                               100.0 * static_cast<double>(res.output_bytes) / static_cast<double>(res.input_bytes));
      std::cout << "min_runtime_version: " << (res.min_runtime_version.empty() ? "unknown" : res.min_runtime_version) << "\n";
      PrintHeldOut(res);
      return;
    }
    std::cout << fmt::format("Quantized {} -> {} ({}, {} I/O)\n", args.model, args.output, args.scheme, args.io);
    std::cout << "Calibration: " << res.source.description << ", ranges by " << method << "\n";
    if (args.equalize)
      std::cout << fmt::format("Equalized: {} conv -> conv pairs ({} channels left unscaled: their ReLU6 output came within half of its clip)\n",
                               s.equalized_pairs, s.equalize_held_channels);
    if (s.float_nodes)
      std::cout << fmt::format("Kept in float: {} nodes, with {} QUANTIZE/DEQUANTIZE around them\n", s.float_nodes,
                               s.float_boundary_nodes);
    std::cout << fmt::format("Nodes: {} {} + {} QUANTIZE/DEQUANTIZE at the edges{}\n", s.quantized_nodes, args.scheme, s.edge_nodes,
                             s.folded_dequantize ? fmt::format(" ({} constant DEQUANTIZE folded)", s.folded_dequantize) : "");
    std::cout << fmt::format("Weights: {} int8 tensors ({} per-channel), {} {} biases{}\n", s.weight_tensors,
                             s.per_channel_weights, s.bias_tensors, args.scheme == "int16x8" ? "int64" : "int32",
                             args.bias_correction ? fmt::format(" ({} bias-corrected)", s.corrected_biases) : "");
    std::cout << fmt::format("Size: {} -> {} bytes ({:.1f}%)\n", res.input_bytes, res.output_bytes,
                             100.0 * static_cast<double>(res.output_bytes) / static_cast<double>(res.input_bytes));
    std::cout << "min_runtime_version: " << (res.min_runtime_version.empty() ? "unknown" : res.min_runtime_version) << "\n";
    PrintHeldOut(res);
  }
}

void SetupQuantize(CLI::App& app) {
  auto args = std::make_shared<QuantizeArgs>();
  auto* cmd = app.add_subcommand("quantize", "Post-training quantization of a float model into a new .tflite");
  cmd->add_option("MODEL", args->model, "the float .tflite file (never modified)")->required();
  cmd->add_option("-o,--output", args->output, "where to write the quantized .tflite")->required();
  cmd->add_option("--scheme", args->scheme,
                  "int8 (full integer), int16x8 (int16 activations, int8 weights), dynamic (int8 weights read by hybrid kernels, float activations) or float16 "
                  "(float16 weights, float activations)");
  cmd->add_option("--min-weight-elements", args->min_weight_elements,
                  "dynamic: weights with fewer elements stay float (default 1024, as the converter)");
  args->calibration.AddOptions(cmd);
  cmd->add_option("--data", args->held_out,
                  "held-out data (as eval reads) to measure the new file against the float model on after writing");
  cmd->add_option("--io", args->io, "float32 (QUANTIZE/DEQUANTIZE at the edges, default), int8 or uint8");
  cmd->add_flag("--per-tensor", args->per_tensor, "per-tensor weights (default: per-channel on conv and depthwise)");
  cmd->add_flag("--bias-correction,!--no-bias-correction", args->bias_correction,
                "fold the mean output shift of weight rounding (weighted by calibrated input means) into each bias "
                "(default on; --no-bias-correction to leave biases as they are)");
  cmd->add_flag("--equalize", args->equalize,
                "cross-layer equalization of consecutive conv/depthwise pairs before calibration, so that per-tensor "
                "weights keep their small channels");
  cmd->add_option("--keep-float", args->keep_float, "ops (SOFTMAX), node indices (27) or node output tensors to leave in float, comma-separated")
      ->delimiter(',');
  cmd->add_flag("--strict", args->strict, "refuse calibration data the audit calls noise, and random inputs");
  cmd->add_flag("--skip-bad", args->skip_bad, "go on without calibration items that cannot be read");
  cmd->add_flag("--json", args->json, "print one JSON object");
  cmd->callback([args] { Quantize(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(quantize, SetupQuantize);

}  // namespace tfd::cli
