#pragma once
// The rule engine: evaluates a model against one target's rules and says
// whether it loads, which nodes the target takes, which fall back or fail
// (and why, and how to fix it), and how the graph is partitioned.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/compat/rules.h"
#include "graph/model.h"

namespace tfd::compat {

// "tflite", "tflite@2.4.0", "nnapi@29".
struct TargetSpec {
  std::string name;
  std::string version;  // empty: the target's default (latest)
  std::string Label() const { return version.empty() ? name : name + "@" + version; }
};

// Parses and validates against the loaded rules: an unknown name, or a
// version on a target that takes none, is a tfd::Error.
TargetSpec ParseTargetSpec(const std::string& text, const RuleBook& book);

struct Finding {
  std::string target;
  std::string kind;  // op, custom_op, flex, version, dtype, shape, dynamic_shape, quantization, compiled,
                     // partition, metadata, numerics, full_integer
  Severity severity = Severity::kInfo;
  int subgraph = 0;
  std::optional<int> node;  // absent: about the model as a whole
  std::string op;           // "CONV_2D", "CUSTOM:FlexMul"; empty for model-level findings
  std::string output_tensor;
  std::string reason;
  std::string fix;
  std::string source;
};

// One {op, version} of the model and the TFLite release that introduced it.
struct OpVersionUse {
  std::string op;
  int version = 1;
  std::string release;  // empty: not in TFLite's table
  int subgraph = 0;
  int node = 0;  // first node using it
  int count = 0;
};

struct MinRuntimeVersion {
  std::string computed;                // highest release any op version needs; empty if none known
  std::optional<std::string> declared;  // the model's own "min_runtime_version" entry
  std::vector<OpVersionUse> uses;       // every distinct {op, version}, in first-use order
  bool stale() const;                   // declared is lower than computed
  // The uses that prove a declared version stale (release above it).
  std::vector<OpVersionUse> NewerThan(const std::string& version) const;
};

// From the op versions of every subgraph and TFLite's own table (the
// "op_versions" of the tflite rules); custom ops carry no runtime version.
MinRuntimeVersion ComputeMinRuntimeVersion(const Model& model, const TargetRules& tflite);

struct TargetResult {
  std::string target;  // label, "tflite@2.4.0"
  std::string name;    // rule name, "tflite"
  std::string title;
  std::string kind;  // runtime or delegate
  bool runs = false;
  std::optional<std::string> min_runtime_version;           // tflite only
  std::optional<std::string> declared_min_runtime_version;  // tflite only
  int total_ops = 0;
  int delegated_ops = 0;  // runtimes: nodes it has kernels for
  int partitions = 0;
  int64_t total_macs = 0;
  int64_t delegated_macs = 0;
  std::optional<int> first_unsupported_node;  // prefix partitioning (Edge TPU): where the graph splits
  // The model is already compiled for this target (holds its compiled op):
  // partitions are the compiled nodes, everything else runs on the CPU.
  bool compiled = false;
  // What the verdict rests on (the rules' "basis"): kind and wording.
  std::string basis_kind;
  std::string basis_text;
  // Per subgraph, per node: delegated (delegates) or has a kernel (runtimes).
  std::vector<std::vector<bool>> taken;
  std::vector<Finding> findings;  // sorted: error, warning, info; then subgraph, node
};

struct CheckResult {
  std::vector<TargetResult> targets;
};

CheckResult CheckModel(const Model& model, const RuleBook& book, const std::vector<TargetSpec>& targets);

}  // namespace tfd::compat
