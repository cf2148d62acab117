#pragma once
// The compatibility rules: one JSON file per target in rules/ (plus
// rules/common.json for what is flagged on every target), loaded at start so
// they can be reviewed and extended without touching code. rules/README.md
// describes the vocabulary; every rule names the source it was transcribed
// from.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd::compat {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };
std::string SeverityName(Severity s);

// A message pair with its citation, reused by many rule kinds.
struct Advice {
  std::string reason;
  std::string fix;
  std::string source;
};

// One constraint on an operator option, e.g. SOFTMAX beta == 1.
struct OptionRule {
  std::string field;
  std::vector<std::string> allowed;     // "in": values as text (enum names, numbers)
  std::vector<std::string> forbidden;   // "not_in"
  std::optional<double> min, max;
  std::string eq_field;  // must equal this other option field (e.g. dilation_w_factor == dilation_h_factor)
  std::map<std::string, std::string> when;  // applies only when these fields have these values
  std::optional<int> until_api;  // NNAPI: applies only below this Android API level
  Advice advice;
};

// Constant int values of an input (axes, paddings) must stay within a set of
// dimensions (negative axes are taken modulo the rank of input 0), or (kind
// "values") be among a set of values (e.g. STRIDED_SLICE strides of 1).
struct DimsRule {
  int input = 1;
  std::string kind;  // "axes": the values are dimensions; "pad": a [rank, 2] paddings tensor; "values"
  std::vector<int> allowed;
  Advice advice;
};

// A bound on input 0 or output 0 of a node: its element count, or how many
// of its dimensions are larger than 1.
struct TensorLimit {
  int64_t value = 0;
  std::string tensor = "input";  // "input" (input 0) or "output" (output 0)
  Advice advice;
};

struct OpRule {
  std::string key;  // "CONV_2D" or "CUSTOM:Convolution2DTransposeBias"
  bool supported = true;
  Advice advice;  // reason/fix override, and the citation
  std::optional<int> max_version;
  std::vector<int> exclude_versions;
  std::optional<int> min_api;
  std::vector<DType> dtypes;        // runtime (non-constant) inputs and outputs; empty: any
  std::vector<DType> const_dtypes;  // constant inputs; empty: any
  std::vector<int> const_inputs;
  std::vector<int> required_inputs;
  std::vector<int> input_ranks;  // allowed ranks of input 0; empty: any
  std::optional<int> max_rank;   // of every runtime tensor of the node
  std::vector<std::string> fused_activation;  // allowed; empty: any
  std::vector<OptionRule> options;
  std::vector<DimsRule> dims;
  // Resizes: the largest output/input size ratio along height or width
  // (the Edge TPU compiler leaves larger upscales on the CPU).
  std::optional<double> max_upscale;
  Advice upscale_advice;
  std::optional<TensorLimit> max_elements;
  std::optional<TensorLimit> max_nontrivial_dims;
  // A node with a constant input takes at most this many inputs, and its
  // constant inputs must hold only (quantized) zeros: a zero-padding concat.
  std::optional<int> constant_inputs_zero_max_inputs;
  Advice constant_inputs_zero_advice;
};

struct NumericsRule {
  std::vector<std::string> ops;  // op keys; "*" for any delegated op
  Advice advice;
};

struct KnownCustomOp {
  std::string name;  // exact, or a prefix ending in '*'
  std::string origin;
  Advice advice;
};

struct TargetRules {
  std::string name;
  std::string title;
  std::string kind = "delegate";  // "runtime" or "delegate"
  std::string file;
  std::string source;
  std::string version_name;     // what TARGET@VERSION means ("release", "Android API level")
  std::string default_version;  // when the target is named without @VERSION
  std::string fallback;         // delegates: the runtime that runs what they leave

  // Partitioning: "all" (every maximal run of supported nodes), "largest"
  // (the max_partitions largest runs), "prefix" (only up to the first
  // unsupported node, as the Edge TPU compiler maps a graph).
  std::string partition_mode = "all";
  int max_partitions = 0;  // 0: unlimited
  int min_partition_nodes = 1;
  // "prefix" mode: ops that may run on CPU before the mapped part starts
  // (the float->int QUANTIZE of a model with float inputs).
  std::vector<std::string> leading_cpu_ops;
  Advice partition_advice;

  std::vector<DType> tensor_dtypes;  // dtypes the target handles at all; empty: any
  std::map<DType, int> tensor_dtype_min_api;  // NNAPI: dtypes that need a newer Android API level
  Advice tensor_dtype_advice;
  // Dtypes the target has, but only in a few kernels: a warning, not a failure.
  std::vector<DType> limited_dtypes;
  Advice limited_dtype_advice;
  // Inputs resizable at run time (-1 in shape_signature): how bad that is here.
  std::optional<Severity> dynamic_shape_severity;  // unset: common.json's default
  Advice dynamic_shape_advice;
  // Nodes touching a tensor whose static shape is unknown (-1 in shape)
  // cannot be taken (delegates) or prepared (runtimes).
  bool static_shapes_required = false;
  bool full_integer_required = false;
  Advice full_integer_advice;
  std::optional<int> max_nontrivial_dims;
  Advice nontrivial_dims_advice;
  // The custom op a compiler folds the part it maps into ("edgetpu-custom-op").
  // A model holding it is already compiled: only those nodes run on the
  // accelerator (through the vendor's runtime), every other node on the CPU.
  std::string compiled_op;
  Advice compiled_advice;
  // Custom ops left on the CPU: unset, a node the fallback cannot run is an
  // error; set, that severity (the Edge TPU runtime is itself registered as a
  // custom op, so the app registers the others beside it).
  std::optional<Severity> cpu_custom_op_severity;
  Advice cpu_custom_op_advice;
  // What the verdict rests on: "rules" (transcribed from sources, never run
  // here) or what it was checked against ("compiler", "runtime"), in words.
  std::string basis_kind;
  std::string basis_text;

  // Which nodes a delegate takes, decided in code instead of by `ops`:
  // "xnnpack-delegate" is the XNNPACK delegate's rules the interpreter's
  // xnnpack profile also uses (interpreter/xnnpack_delegate.h), one release.
  std::string node_rules;

  std::map<std::string, OpRule> ops;
  Advice unlisted;
  std::vector<NumericsRule> numerics;

  // TFLite runtime only.
  std::map<std::string, std::vector<std::string>> op_versions;  // op -> release per version ("" unknown)
  std::string op_versions_source;
  std::vector<KnownCustomOp> known_custom_ops;
  Advice flex;
  std::string flex_size_cost;
  std::map<std::string, std::string> flex_builtin_equivalents;
  std::optional<Advice> quantized_dimension_check;
  Advice stale_metadata;

  const OpRule* FindOp(const std::string& key) const {
    auto it = ops.find(key);
    return it == ops.end() ? nullptr : &it->second;
  }
  const KnownCustomOp* FindKnownCustomOp(const std::string& name) const;
  // Latest release named in op_versions (TFLite) or default_version.
  std::string LatestVersion() const;
};

struct RuleBook {
  std::string dir;
  TargetRules common;  // rules/common.json: numerics and dynamic-shape wording for every target
  std::map<std::string, TargetRules> targets;
  std::vector<std::string> order;  // target names, in report order

  const TargetRules* Find(const std::string& name) const {
    auto it = targets.find(name);
    return it == targets.end() ? nullptr : &it->second;
  }
};

// The rules directory: `explicit_dir` if set, else $TFLITE_DOCTOR_RULES, else
// the source tree's rules/ (compiled in).
std::string ResolveRulesDir(const std::string& explicit_dir = "");

// Loads every *.json in `dir`. A missing directory, or a file that is not
// valid JSON or does not follow the vocabulary, is a tfd::Error whose one-line
// message names the file.
RuleBook LoadRuleBook(const std::string& dir);

// Parses one rule file's text (tests use this for small inline rule sets).
TargetRules ParseTargetRules(const std::string& text, const std::string& file);

}  // namespace tfd::compat
