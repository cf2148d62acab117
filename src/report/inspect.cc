#include "report/inspect.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "format/edgetpu_compiled.h"
#include "format/metadata.h"
#include "graph/dtype.h"

namespace tfd {
namespace {

using nlohmann::json;

json TensorJson(const Subgraph& sg, int32_t index) {
  const Tensor& t = sg.tensors.at(static_cast<size_t>(index));
  json j = {{"name", t.name}, {"index", index}, {"dtype", DTypeName(t.dtype)}, {"shape", t.shape}};
  j["shape_signature"] = t.shape_signature ? json(*t.shape_signature) : json(t.shape);
  j["quantization"] = QuantizationJson(t);
  return j;
}

json TokenizerJson(const TokenizerInfo& t) {
  auto files = [](const std::vector<AssociatedFileRef>& refs) {
    json a = json::array();
    for (const auto& f : refs) a.push_back({{"name", f.name}, {"type", f.type}, {"present", f.present}});
    return a;
  };
  json j = {{"kind", t.kind}, {"vocab_files", files(t.vocab_files)}};
  if (t.kind == "RegexTokenizer") j["delim_regex"] = t.delim_regex;
  if (t.kind == "SentencePieceTokenizer") j["sentencepiece_models"] = files(t.sentencepiece_models);
  return j;
}

std::string TokenizerText(const json& t) {
  std::string s = t["kind"].get<std::string>();
  if (t.contains("delim_regex")) s += fmt::format(", delimiter pattern '{}'", t["delim_regex"].get<std::string>());
  for (const char* key : {"vocab_files", "sentencepiece_models"}) {
    if (!t.contains(key)) continue;
    for (const auto& f : t[key])
      s += fmt::format(", {} {}{}", std::string(key) == "vocab_files" ? "vocabulary" : "SentencePiece model",
                       f["name"].get<std::string>(), f["present"].get<bool>() ? "" : " (missing from the file)");
  }
  return s;
}

json TensorMetadataJson(const TensorMetadataInfo& t) {
  json j = {{"name", t.name}, {"description", t.description}, {"content", t.content}};
  if (!t.color_space.empty()) j["color_space"] = t.color_space;
  if (t.image_size) j["image_size"] = {{"width", t.image_size->first}, {"height", t.image_size->second}};
  if (t.value_range) j["range"] = {{"min", t.value_range->first}, {"max", t.value_range->second}};
  j["normalization"] = t.mean.empty() && t.std.empty() ? json(nullptr) : json{{"mean", t.mean}, {"std", t.std}};
  if (!t.stats_min.empty() || !t.stats_max.empty()) j["stats"] = {{"min", t.stats_min}, {"max", t.stats_max}};
  if (t.sample_rate) j["sample_rate"] = *t.sample_rate;
  if (t.channels) j["channels"] = *t.channels;
  if (t.tokenizer) j["tokenizer"] = TokenizerJson(*t.tokenizer);
  json files = json::array();
  for (const auto& f : t.files)
    files.push_back({{"name", f.name}, {"type", f.type}, {"description", f.description}, {"present", f.present}});
  j["associated_files"] = files;
  if (!t.labels_file.empty()) {
    j["labels_file"] = t.labels_file;
    j["label_count"] = t.labels.size();
    j["labels"] = t.labels;
  }
  return j;
}

json MetadataJson(const Model& model) {
  auto info = ReadModelMetadata(model);
  if (!info) return nullptr;
  json j = {{"name", info->name},       {"description", info->description},
            {"version", info->version}, {"author", info->author},
            {"license", info->license}, {"min_parser_version", info->min_parser_version}};
  j["inputs"] = json::array();
  for (const auto& t : info->inputs) j["inputs"].push_back(TensorMetadataJson(t));
  j["outputs"] = json::array();
  for (const auto& t : info->outputs) j["outputs"].push_back(TensorMetadataJson(t));
  if (info->subgraph_tokenizer) j["subgraph_tokenizer"] = TokenizerJson(*info->subgraph_tokenizer);
  json files = json::array();
  for (const auto& f : info->files)
    files.push_back({{"name", f.name}, {"type", f.type}, {"description", f.description}, {"present", f.present}});
  j["associated_files"] = files;
  return j;
}

// A model compiled by edgetpu_compiler: its compiled nodes (what is known of
// each) and the ops left on the CPU; null for any other model.
json EdgeTpuJson(const Model& model) {
  auto compiled = ReadEdgeTpuCompiled(model);
  if (!compiled) return nullptr;
  auto names = [&](int s, const std::vector<int32_t>& list) {
    json out = json::array();
    for (int32_t t : list)
      if (t >= 0 && static_cast<size_t>(t) < model.subgraphs[s].tensors.size())
        out.push_back(model.subgraphs[s].tensors[t].name);
    return out;
  };
  json nodes = json::array();
  for (const auto& c : compiled->compiled) {
    json n = {{"subgraph", c.subgraph}, {"node", c.node}, {"inputs", names(c.subgraph, c.inputs)},
              {"outputs", names(c.subgraph, c.outputs)}, {"custom_options_bytes", c.options_bytes},
              {"readable", c.readable}};
    n["executables"] = c.readable ? json(c.executables) : json(nullptr);
    n["executable_bytes"] = c.readable ? json(c.executable_bytes) : json(nullptr);
    // The compiler keeps the executable, not the TFLite ops it came from.
    n["source_ops"] = nullptr;
    nodes.push_back(n);
  }
  json cpu = json::array();
  for (const auto& [s, i] : compiled->cpu_nodes) {
    const Operator& op = model.subgraphs[s].operators[i];
    cpu.push_back({{"subgraph", s}, {"node", i}, {"op", model.op_code(op).Name()},
                   {"outputs", names(s, op.outputs)}});
  }
  return {{"compiled_op", kEdgeTpuCustomOp}, {"partitions", nodes.size()}, {"compiled_nodes", nodes}, {"cpu_ops", cpu},
          {"source_ops_recorded", false}};
}

}  // namespace

json QuantizationJson(const Tensor& t) {
  json q = {{"scale", json::array()}, {"zero_point", json::array()}, {"axis", 0}};
  if (t.quantization && t.quantization->IsAffine()) {
    q["scale"] = t.quantization->scale;
    q["zero_point"] = t.quantization->zero_point;
    q["axis"] = t.quantization->axis;
  }
  return q;
}

json InspectJson(const Model& model) {
  json j;
  const Subgraph& main = model.main();
  j["schema_version"] = model.version;
  j["description"] = model.description;
  j["inputs"] = json::array();
  for (int32_t i : main.inputs) j["inputs"].push_back(TensorJson(main, i));
  j["outputs"] = json::array();
  for (int32_t i : main.outputs) j["outputs"].push_back(TensorJson(main, i));

  // Operator inventory over all subgraphs, keyed by (name, version).
  std::map<std::pair<std::string, int32_t>, int> counts;
  for (const auto& sg : model.subgraphs)
    for (const auto& op : sg.operators) {
      const OpCode& oc = model.op_code(op);
      counts[{oc.Name(), oc.version}]++;
    }
  j["operators"] = json::array();
  json custom = json::array(), flex = json::array();
  for (const auto& [key, n] : counts) {
    j["operators"].push_back({{"op", key.first}, {"version", key.second}, {"count", n}});
  }
  for (const auto& oc : model.op_codes) {
    if (oc.IsFlex()) flex.push_back(oc.custom_code);
    else if (oc.IsCustom()) custom.push_back(oc.custom_code);
  }
  std::sort(custom.begin(), custom.end());
  std::sort(flex.begin(), flex.end());
  j["custom_ops"] = custom;
  j["flex_ops"] = flex;

  j["subgraphs"] = json::array();
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const auto& sg = model.subgraphs[s];
    j["subgraphs"].push_back({{"index", s}, {"name", sg.name}, {"tensors", sg.tensors.size()},
                              {"operators", sg.operators.size()}, {"inputs", sg.inputs.size()},
                              {"outputs", sg.outputs.size()}});
  }
  j["signatures"] = json::array();
  for (const auto& sig : model.signatures) {
    json in = json::array(), out = json::array();
    for (const auto& m : sig.inputs) in.push_back({{"name", m.name}, {"tensor", m.tensor_index}});
    for (const auto& m : sig.outputs) out.push_back({{"name", m.name}, {"tensor", m.tensor_index}});
    j["signatures"].push_back({{"key", sig.key}, {"subgraph", sig.subgraph_index}, {"inputs", in}, {"outputs", out}});
  }

  // Weight bytes: constant tensors' buffers, each buffer counted once.
  std::map<std::string, uint64_t> by_dtype;
  std::vector<bool> seen(model.buffers.size(), false);
  uint64_t total = 0;
  for (const auto& sg : model.subgraphs)
    for (const auto& t : sg.tensors) {
      if (t.buffer == 0 || t.buffer >= model.buffers.size() || seen[t.buffer]) continue;
      seen[t.buffer] = true;
      uint64_t n = model.buffers[t.buffer].data.size();
      if (n == 0) continue;
      by_dtype[DTypeName(t.dtype)] += n;
      total += n;
    }
  j["weights"] = {{"total_bytes", total}, {"by_dtype", by_dtype}};

  json entries = json::array();
  for (const auto& m : model.metadata) entries.push_back({{"name", m.name}, {"bytes", model.buffers[m.buffer].data.size()}});
  j["metadata_entries"] = entries;
  j["metadata"] = MetadataJson(model);
  auto min_rt = ReadMinRuntimeVersion(model);
  j["min_runtime_version"] = min_rt ? json(*min_rt) : json(nullptr);
  if (auto conv = ReadConversionMetadata(model)) {
    j["conversion"] = {{"tensorflow_version", conv->tensorflow_version}, {"api_version", conv->api_version},
                       {"model_type", conv->model_type}, {"optimizations", conv->optimizations},
                       {"allow_custom_ops", conv->allow_custom_ops},
                       {"enable_select_tf_ops", conv->enable_select_tf_ops}};
  } else {
    j["conversion"] = nullptr;
  }
  json files = json::array();
  for (const auto& f : model.associated_files) files.push_back({{"name", f.name}, {"bytes", f.data.size()}});
  j["associated_files"] = files;
  j["edgetpu"] = EdgeTpuJson(model);
  return j;
}

namespace {

std::string QuantText(const json& q) {
  const auto& scale = q["scale"];
  if (scale.empty()) return "";
  if (scale.size() == 1)
    return fmt::format("  scale={:.6g} zero_point={}", scale[0].get<double>(), q["zero_point"].empty() ? 0 : q["zero_point"][0].get<int64_t>());
  double lo = scale[0], hi = scale[0];
  for (const auto& s : scale) {
    lo = std::min(lo, s.get<double>());
    hi = std::max(hi, s.get<double>());
  }
  return fmt::format("  per-channel axis {}: {} scales in [{:.3g}, {:.3g}]", q["axis"].get<int>(), scale.size(), lo, hi);
}

std::string ShapeText(const json& t) {
  std::vector<std::string> dims;
  const auto& sig = t["shape_signature"];
  for (size_t i = 0; i < t["shape"].size(); ++i) {
    int v = sig.size() == t["shape"].size() ? sig[i].get<int>() : t["shape"][i].get<int>();
    dims.push_back(v < 0 ? "?" : std::to_string(v));
  }
  return "[" + fmt::format("{}", fmt::join(dims, ", ")) + "]";
}

std::string FormatBytes(uint64_t n) {
  if (n >= (1u << 20)) return fmt::format("{:.2f} MiB", n / 1048576.0);
  if (n >= (1u << 10)) return fmt::format("{:.1f} KiB", n / 1024.0);
  return fmt::format("{} B", n);
}

}  // namespace

std::string InspectText(const json& j) {
  std::ostringstream out;
  auto tensors = [&](const char* title, const json& list) {
    out << title << ":\n";
    for (const auto& t : list)
      out << fmt::format("  {:<28} {:<8} {}{}\n", t["name"].get<std::string>(), t["dtype"].get<std::string>(),
                         ShapeText(t), QuantText(t["quantization"]));
  };
  tensors("Inputs", j["inputs"]);
  tensors("Outputs", j["outputs"]);
  out << "Operators:\n";
  for (const auto& op : j["operators"])
    out << fmt::format("  {:<34} v{:<3} x{}\n", op["op"].get<std::string>(), op["version"].get<int>(), op["count"].get<int>());
  if (!j["custom_ops"].empty())
    out << "Custom ops (the app must register them): " << fmt::format("{}", fmt::join(j["custom_ops"].get<std::vector<std::string>>(), ", ")) << "\n";
  if (!j["flex_ops"].empty())
    out << "Flex ops (need the TensorFlow select-ops runtime): " << fmt::format("{}", fmt::join(j["flex_ops"].get<std::vector<std::string>>(), ", ")) << "\n";
  if (j.contains("edgetpu") && !j["edgetpu"].is_null()) {
    const auto& e = j["edgetpu"];
    out << fmt::format("Edge TPU: compiled by edgetpu_compiler into {} {} node{} (Edge TPU partition{}); they run only "
                       "with libedgetpu on a device with an Edge TPU\n",
                       e["partitions"].get<size_t>(), e["compiled_op"].get<std::string>(),
                       e["partitions"].get<size_t>() == 1 ? "" : "s", e["partitions"].get<size_t>() == 1 ? "" : "s");
    for (const auto& n : e["compiled_nodes"]) {
      auto list = [](const json& names) {
        std::vector<std::string> v;
        for (const auto& x : names) {
          std::string name = x.get<std::string>();
          const size_t cut = name.find(';');
          v.push_back(cut == std::string::npos ? name : name.substr(0, cut) + ";...");
        }
        return fmt::format("{}", fmt::join(v, ", "));
      };
      out << fmt::format("  node {}: {} -> {}", n["node"].get<int>(), list(n["inputs"]), list(n["outputs"]));
      if (n["readable"].get<bool>())
        out << fmt::format("; {} executable{}, {}", n["executables"].get<int>(),
                           n["executables"].get<int>() == 1 ? "" : "s", FormatBytes(n["executable_bytes"].get<uint64_t>()));
      else
        out << fmt::format("; custom options ({}) not in libedgetpu's format", FormatBytes(n["custom_options_bytes"].get<uint64_t>()));
      out << "\n";
    }
    out << "  source ops it holds: not recorded in the file (the compiler keeps the compiled executable, not the ops); "
           "`check --target edgetpu` on the source model shows which ops it maps\n";
    const auto& cpu = e["cpu_ops"];
    if (cpu.empty()) {
      out << "  on the CPU: nothing (the whole model is compiled)\n";
    } else {
      std::vector<std::string> ops;
      for (const auto& c : cpu)
        ops.push_back(fmt::format("node {} {}", c["node"].get<int>(), c["op"].get<std::string>()));
      out << fmt::format("  on the CPU (stock kernels, or the app's for custom ops): {} op{}: {}\n", cpu.size(),
                         cpu.size() == 1 ? "" : "s", fmt::join(ops, ", "));
    }
  }
  out << "Weights: " << FormatBytes(j["weights"]["total_bytes"].get<uint64_t>());
  std::vector<std::string> parts;
  for (const auto& [dtype, n] : j["weights"]["by_dtype"].items()) parts.push_back(dtype + " " + FormatBytes(n.get<uint64_t>()));
  if (!parts.empty()) out << " (" << fmt::format("{}", fmt::join(parts, ", ")) << ")";
  out << "\n";
  out << "Subgraphs: " << j["subgraphs"].size();
  for (const auto& sg : j["subgraphs"])
    out << fmt::format("\n  #{} {}: {} ops, {} tensors", sg["index"].get<int>(),
                       sg["name"].get<std::string>().empty() ? "(unnamed)" : sg["name"].get<std::string>(),
                       sg["operators"].get<int>(), sg["tensors"].get<int>());
  out << "\n";
  if (!j["signatures"].empty()) {
    out << "Signatures:\n";
    for (const auto& s : j["signatures"])
      out << fmt::format("  {} (subgraph {}): {} inputs, {} outputs\n", s["key"].get<std::string>(),
                         s["subgraph"].get<int>(), s["inputs"].size(), s["outputs"].size());
  }
  out << "Min runtime version (model's own entry): "
      << (j["min_runtime_version"].is_null() ? std::string("none") : j["min_runtime_version"].get<std::string>()) << "\n";
  if (!j["conversion"].is_null()) {
    const auto& c = j["conversion"];
    out << fmt::format("Converted by TensorFlow {} from {}", c["tensorflow_version"].get<std::string>(), c["model_type"].get<std::string>());
    if (!c["optimizations"].empty())
      out << fmt::format(", optimizations: {}", fmt::join(c["optimizations"].get<std::vector<std::string>>(), ", "));
    out << "\n";
  }
  const auto& md = j["metadata"];
  if (md.is_null()) {
    out << "Metadata: none (no TFLITE_METADATA; preprocessing must come from elsewhere)\n";
  } else {
    out << fmt::format("Metadata: {}", md["name"].get<std::string>());
    if (!md["version"].get<std::string>().empty()) out << " " << md["version"].get<std::string>();
    if (!md["author"].get<std::string>().empty()) out << " by " << md["author"].get<std::string>();
    out << "\n";
    for (const auto& t : md["inputs"]) {
      out << fmt::format("  input {}: {}", t["name"].get<std::string>(), t["content"].get<std::string>());
      if (t.contains("color_space")) out << " " << t["color_space"].get<std::string>();
      if (!t["normalization"].is_null())
        out << fmt::format(", normalize (x - {}) / {}", t["normalization"]["mean"].dump(), t["normalization"]["std"].dump());
      if (t.contains("sample_rate")) out << fmt::format(", {} Hz", t["sample_rate"].get<uint32_t>());
      if (t.contains("channels")) out << fmt::format(", {} channel(s)", t["channels"].get<uint32_t>());
      out << "\n";
      if (t.contains("tokenizer")) out << "    tokenizer: " << TokenizerText(t["tokenizer"]) << "\n";
    }
    if (md.contains("subgraph_tokenizer"))
      out << "  subgraph input tokenizer: " << TokenizerText(md["subgraph_tokenizer"]) << "\n";
    for (const auto& t : md["outputs"]) {
      out << fmt::format("  output {}: {}", t["name"].get<std::string>(), t["content"].get<std::string>());
      if (t.contains("label_count")) {
        std::vector<std::string> first;
        for (size_t i = 0; i < t["labels"].size() && i < 5; ++i) first.push_back(t["labels"][i].get<std::string>());
        out << fmt::format(", {} labels from {} ({}, ...)", t["label_count"].get<size_t>(),
                           t["labels_file"].get<std::string>(), fmt::join(first, ", "));
      }
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace tfd
