#include "analysis/compat/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "analysis/compat/node_facts.h"
#include "analysis/compat/version.h"
#include "format/metadata.h"
#include "graph/dtype.h"
#include "interpreter/xnnpack_delegate.h"
#include "util/error.h"

namespace tfd::compat {
namespace {

// ---------------------------------------------------------------------------
// Facts about the model, computed once and shared by every target.

struct NodeInfo {
  int subgraph = 0;
  int index = 0;
  const Operator* op = nullptr;
  const OpCode* code = nullptr;
  std::string key;
  std::string output;  // name of the first output tensor
  std::map<std::string, std::string> options;
  int64_t macs = 0;
};

struct ModelFacts {
  const Model& model;
  std::vector<std::vector<bool>> is_const;
  std::vector<std::vector<bool>> data_dependent;  // size known only at run time
  std::vector<std::vector<NodeInfo>> nodes;

  explicit ModelFacts(const Model& m) : model(m) {
    for (size_t s = 0; s < m.subgraphs.size(); ++s) {
      const Subgraph& sg = m.subgraphs[s];
      is_const.push_back(ConstantTensors(m, sg));
      data_dependent.push_back(DataDependentTensors(m, sg, is_const.back()));
      std::vector<NodeInfo> list;
      for (size_t i = 0; i < sg.operators.size(); ++i) {
        NodeInfo n;
        n.subgraph = static_cast<int>(s);
        n.index = static_cast<int>(i);
        n.op = &sg.operators[i];
        n.code = &m.op_code(sg.operators[i]);
        n.key = OpKey(*n.code);
        if (!n.op->outputs.empty() && n.op->outputs[0] >= 0 &&
            static_cast<size_t>(n.op->outputs[0]) < sg.tensors.size())
          n.output = sg.tensors[n.op->outputs[0]].name;
        n.options = OptionFields(*n.op);
        n.macs = EstimateMacs(m, sg, *n.op);
        list.push_back(std::move(n));
      }
      nodes.push_back(std::move(list));
    }
  }

  // The XNNPACK delegate's decision for each node (its rules in code, the
  // ones the interpreter's xnnpack profile uses), asked once per model.
  const XnnpackVerdict& xnnpack(const NodeInfo& n) const {
    if (!xnnpack_verdicts) xnnpack_verdicts = XnnpackDelegation(model);
    return (*xnnpack_verdicts)[n.subgraph][n.index];
  }
  mutable std::optional<std::vector<std::vector<XnnpackVerdict>>> xnnpack_verdicts;

  const Subgraph& sg(const NodeInfo& n) const { return model.subgraphs[n.subgraph]; }
  const Tensor* tensor(const NodeInfo& n, int32_t index) const {
    const auto& tensors = sg(n).tensors;
    if (index < 0 || static_cast<size_t>(index) >= tensors.size()) return nullptr;
    return &tensors[index];
  }
  bool constant(const NodeInfo& n, int32_t index) const {
    const auto& c = is_const[n.subgraph];
    return index >= 0 && static_cast<size_t>(index) < c.size() && c[index];
  }
  bool dynamic(const NodeInfo& n, int32_t index) const {
    const auto& d = data_dependent[n.subgraph];
    return index >= 0 && static_cast<size_t>(index) < d.size() && d[index];
  }
  // Every tensor a node touches, with "input i" / "output i" labels.
  template <typename Fn>
  void ForEachTensor(const NodeInfo& n, Fn fn) const {
    for (size_t i = 0; i < n.op->inputs.size(); ++i)
      if (const Tensor* t = tensor(n, n.op->inputs[i])) fn(*t, "input " + std::to_string(i), constant(n, n.op->inputs[i]));
    for (size_t i = 0; i < n.op->outputs.size(); ++i)
      if (const Tensor* t = tensor(n, n.op->outputs[i])) fn(*t, "output " + std::to_string(i), constant(n, n.op->outputs[i]));
  }
};

// ---------------------------------------------------------------------------
// Problems found on one node, before they become findings.

struct Problem {
  std::string kind;
  std::string reason;
  std::string fix;
  std::string source;
};

using Vars = std::map<std::string, std::string>;

// Replaces {name} placeholders of rule texts.
std::string Fill(std::string text, const Vars& vars) {
  for (const auto& [k, v] : vars) {
    std::string pat = "{" + k + "}";
    for (size_t pos = text.find(pat); pos != std::string::npos; pos = text.find(pat, pos + v.size()))
      text.replace(pos, pat.size(), v);
  }
  return text;
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) {
    if (s.empty()) continue;
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string DTypeNames(const std::vector<DType>& types) {
  std::vector<std::string> names;
  for (auto t : types) names.push_back(DTypeName(t));
  return Join(names, ", ");
}

bool Contains(const std::vector<DType>& v, DType t) { return std::find(v.begin(), v.end(), t) != v.end(); }

bool IsFloat(DType t) { return t == DType::FLOAT32 || t == DType::FLOAT16 || t == DType::FLOAT64 || t == DType::BFLOAT16; }
bool IsInt8ish(DType t) { return t == DType::INT8 || t == DType::UINT8; }

// A concrete fix for "dtype X where the target wants one of ALLOWED".
std::string DTypeFix(DType have, const std::vector<DType>& allowed) {
  bool allows_float = false, allows_int8 = false;
  for (auto t : allowed) {
    allows_float |= IsFloat(t);
    allows_int8 |= IsInt8ish(t);
  }
  switch (have) {
    case DType::INT64: return "cast to int32 before export (e.g. ArgMax/Cast with output_type=tf.int32)";
    case DType::FLOAT64: return "use float32 in the exported graph (cast float64 inputs in app code)";
    case DType::STRING: return "move string processing (tokenizing, lookups) out of the model into app code";
    case DType::COMPLEX64:
    case DType::COMPLEX128: return "keep complex math out of the model (e.g. compute the FFT magnitude before export)";
    default: break;
  }
  if (IsFloat(have) && allows_int8 && !allows_float)
    return "quantize the model to full integer (int8) with a representative dataset";
  if (IsInt8ish(have) && allows_float && !allows_int8) return "use the float model with this target";
  if (have == DType::UINT8 && Contains(allowed, DType::INT8))
    return "re-quantize with the current converter (int8, not the legacy uint8 scheme)";
  if (have == DType::INT16 && !Contains(allowed, DType::INT16))
    return "quantize with int8 activations instead of int16x8";
  return "produce one of " + DTypeNames(allowed) + " here";
}

const char* kTensorDTypeReason = "{where} '{tensor}' is {dtype}, which {target} does not support";
const char* kRemarkLimit = " (and {more} more dynamic tensors)";

// ---------------------------------------------------------------------------
// Evaluating one op rule on one node.

bool NumericText(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

bool SameValue(const std::string& a, const std::string& b) {
  double x, y;
  if (NumericText(a, &x) && NumericText(b, &y)) return std::fabs(x - y) <= 1e-6 * std::max(1.0, std::fabs(y));
  return a == b;
}

struct RuleContext {
  const ModelFacts& facts;
  const TargetRules& target;
  std::string label;  // "xnnpack", "nnapi@29"
  int api = 0;        // nnapi: Android API level of the target
};

Vars NodeVars(const RuleContext& c, const NodeInfo& n) {
  return {{"op", n.key}, {"target", c.target.title.empty() ? c.label : c.target.title},
          {"version", std::to_string(n.code->version)}};
}

void Add(std::vector<Problem>* out, std::string kind, const std::string& reason, const std::string& fix,
         const std::string& source) {
  out->push_back({std::move(kind), reason, fix, source});
}

void CheckOpRule(const RuleContext& c, const NodeInfo& n, const OpRule& rule, std::vector<Problem>* out) {
  const ModelFacts& f = c.facts;
  Vars vars = NodeVars(c, n);
  const Advice& a = rule.advice;
  auto reason_or = [&](const std::string& fallback) { return Fill(a.reason.empty() ? fallback : a.reason, vars); };
  auto fix_or = [&](const std::string& fallback) { return Fill(a.fix.empty() ? fallback : a.fix, vars); };

  if (!rule.supported) {
    Add(out, "op", reason_or("{op} is not supported by {target}"), fix_or("replace {op} or accept CPU fallback"),
        a.source);
    return;
  }
  if (rule.min_api && c.api > 0 && c.api < *rule.min_api) {
    vars["api"] = std::to_string(*rule.min_api);
    Add(out, "version", Fill("{op} needs Android API level {api} (NNAPI feature level); target is API " +
                             std::to_string(c.api), vars),
        Fill("target devices with API >= {api}, or accept CPU fallback for {op}", vars), a.source);
  }
  int v = n.code->version;
  if ((rule.max_version && v > *rule.max_version) ||
      std::find(rule.exclude_versions.begin(), rule.exclude_versions.end(), v) != rule.exclude_versions.end()) {
    vars["max"] = rule.max_version ? std::to_string(*rule.max_version) : "?";
    Add(out, "version",
        Fill(rule.max_version && v > *rule.max_version ? "{op} version {version} is newer than {target} handles (max {max})"
                                                       : "{op} version {version} is not handled by {target}",
             vars),
        Fill("reconvert so {op} stays at version <= {max} (the version rises with features such as int16 "
             "activations, per-channel or sparse weights), or accept CPU fallback",
             vars),
        a.source);
  }

  // Dtypes of runtime tensors and of constant inputs.
  std::set<std::string> seen;
  f.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool is_const) {
    const auto& allowed = is_const && where.rfind("input", 0) == 0 ? rule.const_dtypes : rule.dtypes;
    if (is_const && where.rfind("output", 0) == 0) return;  // folded at load time
    if (allowed.empty() || Contains(allowed, t.dtype)) return;
    // A dtype the whole target lacks is reported once, by the target-level check.
    if (!c.target.tensor_dtypes.empty() && !Contains(c.target.tensor_dtypes, t.dtype)) return;
    std::string dt = DTypeName(t.dtype);
    if (!seen.insert(dt + (is_const ? "c" : "r")).second) return;
    Vars v2 = vars;
    v2["tensor"] = t.name;
    v2["dtype"] = dt;
    v2["where"] = (is_const ? "constant " : "") + where;
    v2["allowed"] = DTypeNames(allowed);
    Add(out, "dtype", Fill("{where} '{tensor}' is {dtype}; {target} takes {op} with {allowed}", v2),
        a.fix.empty() ? DTypeFix(t.dtype, allowed) : Fill(a.fix, v2), a.source);
  });

  for (int i : rule.required_inputs) {
    if (static_cast<size_t>(i) >= n.op->inputs.size() || n.op->inputs[i] < 0) {
      vars["index"] = std::to_string(i);
      Add(out, "op", Fill("{op} without input {index} is not supported by {target}", vars),
          Fill("give {op} an explicit input {index} (for a bias: a zero bias tensor)", vars), a.source);
    }
  }
  for (int i : rule.const_inputs) {
    if (static_cast<size_t>(i) >= n.op->inputs.size() || n.op->inputs[i] < 0) continue;
    if (f.constant(n, n.op->inputs[i])) continue;
    const Tensor* t = f.tensor(n, n.op->inputs[i]);
    Vars v2 = vars;
    v2["index"] = std::to_string(i);
    v2["tensor"] = t ? t->name : "?";
    Add(out, "op", Fill("input {index} '{tensor}' of {op} is computed at run time; {target} needs it constant", v2),
        Fill("make input {index} a constant in the model (freeze the weights; do not feed them at run time)", v2),
        a.source);
  }
  if (!rule.input_ranks.empty() && !n.op->inputs.empty()) {
    if (const Tensor* t = f.tensor(n, n.op->inputs[0])) {
      int rank = static_cast<int>(t->shape.size());
      if (std::find(rule.input_ranks.begin(), rule.input_ranks.end(), rank) == rule.input_ranks.end()) {
        std::vector<std::string> r;
        for (int x : rule.input_ranks) r.push_back(std::to_string(x));
        vars["rank"] = std::to_string(rank);
        vars["allowed"] = Join(r, " or ");
        Add(out, "shape", Fill("input of {op} has rank {rank}; {target} takes rank {allowed}", vars),
            Fill("reshape the input to rank {allowed} around {op}", vars), a.source);
      }
    }
  }
  if (rule.max_rank) {
    bool reported = false;
    f.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool is_const) {
      if (reported || is_const || static_cast<int>(t.shape.size()) <= *rule.max_rank) return;
      reported = true;
      Vars v2 = vars;
      v2["tensor"] = t.name;
      v2["where"] = where;
      v2["rank"] = std::to_string(t.shape.size());
      v2["max"] = std::to_string(*rule.max_rank);
      Add(out, "shape", Fill("{where} '{tensor}' has rank {rank}; {target} handles at most rank {max}", v2),
          Fill("fold extra dimensions into the batch or channel axis (rank <= {max})", v2), a.source);
    });
  }
  if (!rule.fused_activation.empty()) {
    auto it = n.options.find("fused_activation_function");
    if (it != n.options.end() &&
        std::find(rule.fused_activation.begin(), rule.fused_activation.end(), it->second) == rule.fused_activation.end()) {
      vars["activation"] = it->second;
      Add(out, "option", Fill("{op} with fused {activation} activation is not supported by {target}", vars),
          Fill("keep {activation} as a separate op after {op} (it is fused by the converter; "
               "a model-side change such as a different activation layer avoids the fusion)",
               vars),
          a.source);
    }
  }
  for (const auto& o : rule.options) {
    if (o.until_api && (c.api == 0 || c.api >= *o.until_api)) continue;
    bool applies = true;
    for (const auto& [k, want] : o.when) {
      auto w = n.options.find(k);
      if (w == n.options.end() || !SameValue(w->second, want)) applies = false;
    }
    if (!applies) continue;
    auto it = n.options.find(o.field);
    if (it == n.options.end()) continue;
    const std::string& value = it->second;
    bool ok = true;
    if (!o.allowed.empty())
      ok = std::any_of(o.allowed.begin(), o.allowed.end(), [&](const std::string& x) { return SameValue(value, x); });
    if (std::any_of(o.forbidden.begin(), o.forbidden.end(), [&](const std::string& x) { return SameValue(value, x); }))
      ok = false;
    double num;
    if (NumericText(value, &num)) {
      if (o.min && num < *o.min) ok = false;
      if (o.max && num > *o.max) ok = false;
    }
    auto other = o.eq_field.empty() ? n.options.end() : n.options.find(o.eq_field);
    if (other != n.options.end() && !SameValue(value, other->second)) ok = false;
    if (ok) continue;
    Vars v2 = vars;
    v2["field"] = o.field;
    v2["value"] = value;
    if (other != n.options.end()) {
      v2["other_field"] = o.eq_field;
      v2["other"] = other->second;
    }
    std::vector<std::string> allowed = o.allowed;
    if (other != n.options.end()) allowed.push_back(o.eq_field + " (" + other->second + ")");
    std::ostringstream range;
    if (o.min) range << ">= " << *o.min;
    if (o.min && o.max) range << " and ";
    if (o.max) range << "<= " << *o.max;
    if (!range.str().empty()) allowed.push_back(range.str());
    v2["allowed"] = allowed.empty() ? "other values" : Join(allowed, ", ");
    Add(out, "option",
        Fill(o.advice.reason.empty() ? "{op} with {field} = {value} is not supported by {target} (takes {allowed})"
                                     : o.advice.reason,
             v2),
        Fill(o.advice.fix.empty() ? "change {field} of {op} to {allowed} in the model" : o.advice.fix, v2),
        o.advice.source);
  }
  for (const auto& d : rule.dims) {
    if (static_cast<size_t>(d.input) >= n.op->inputs.size()) continue;
    const Tensor* t = f.tensor(n, n.op->inputs[d.input]);
    const Tensor* in0 = n.op->inputs.empty() ? nullptr : f.tensor(n, n.op->inputs[0]);
    if (!t || !in0) continue;
    Vars v2 = vars;
    std::vector<std::string> allowed;
    for (int x : d.allowed) allowed.push_back(std::to_string(x));
    v2["allowed"] = Join(allowed, ", ");
    auto values = ConstantInts(f.model, *t);
    if (!values) {
      const std::string what = d.kind == "pad" ? "paddings" : d.kind == "axes" ? "axes" : "input " + std::to_string(d.input);
      Add(out, "option", Fill("{op} takes its " + what + " at run time; {target} needs them constant", v2),
          Fill("make the " + what + " of {op} a constant", v2),
          d.advice.source);
      continue;
    }
    if (d.allowed.empty()) continue;  // only constness is required
    int rank = static_cast<int>(in0->shape.size());
    std::set<int> used;
    if (d.kind == "values") {
      for (int64_t x : *values) used.insert(static_cast<int>(x));
    } else if (d.kind == "axes") {
      for (int64_t x : *values) used.insert(static_cast<int>(x < 0 ? x + rank : x));
    } else {
      for (size_t i = 0; i + 1 < values->size(); i += 2)
        if ((*values)[i] != 0 || (*values)[i + 1] != 0) used.insert(static_cast<int>(i / 2));
    }
    std::vector<std::string> bad;
    for (int x : used)
      if (std::find(d.allowed.begin(), d.allowed.end(), x) == d.allowed.end()) bad.push_back(std::to_string(x));
    if (bad.empty()) continue;
    v2["dims"] = Join(bad, ", ");
    Add(out, "option",
        Fill(d.advice.reason.empty()
                 ? (d.kind == "pad"    ? "{op} pads dimension {dims}; {target} pads only dimensions {allowed}"
                    : d.kind == "values" ? "{op} has {dims} in input " + std::to_string(d.input) +
                                               "; {target} takes only {allowed} there"
                                         : "{op} reduces over dimension {dims}; {target} takes only dimensions {allowed}")
                 : d.advice.reason,
             v2),
        Fill(d.advice.fix.empty() ? "restructure {op} to work on dimensions {allowed} only" : d.advice.fix, v2),
        d.advice.source);
  }
  auto limited = [&](const TensorLimit& limit) -> const Tensor* {
    const auto& list = limit.tensor == "output" ? n.op->outputs : n.op->inputs;
    return list.empty() ? nullptr : f.tensor(n, list[0]);
  };
  auto limit_vars = [&](const TensorLimit& limit, const Tensor& t) {
    Vars v2 = vars;
    v2["tensor"] = t.name;
    v2["where"] = limit.tensor + " 0";
    v2["shape"] = ShapeString(t.shape);
    v2["max"] = std::to_string(limit.value);
    return v2;
  };
  if (rule.max_elements) {
    if (const Tensor* t = limited(*rule.max_elements)) {
      int64_t count = 1;
      for (int32_t d : t->shape) count *= d > 0 ? d : 1;
      if (count > rule.max_elements->value) {
        Vars v2 = limit_vars(*rule.max_elements, *t);
        v2["count"] = std::to_string(count);
        const Advice& a = rule.max_elements->advice;
        Add(out, "shape",
            Fill(a.reason.empty() ? "{where} of {op} has {count} elements; {target} takes at most {max}" : a.reason, v2),
            Fill(a.fix.empty() ? "split {op} into parts of at most {max} elements" : a.fix, v2), a.source);
      }
    }
  }
  if (rule.max_nontrivial_dims) {
    if (const Tensor* t = limited(*rule.max_nontrivial_dims)) {
      int64_t nontrivial = 0;
      for (int32_t d : t->shape) nontrivial += d > 1 ? 1 : 0;
      if (nontrivial > rule.max_nontrivial_dims->value) {
        Vars v2 = limit_vars(*rule.max_nontrivial_dims, *t);
        v2["count"] = std::to_string(nontrivial);
        const Advice& a = rule.max_nontrivial_dims->advice;
        Add(out, "shape",
            Fill(a.reason.empty() ? "{where} '{tensor}' of {op} is {shape}: {count} dimensions larger than 1; {target} "
                                    "takes at most {max}"
                                  : a.reason,
                 v2),
            Fill(a.fix.empty() ? "reshape around {op} so at most {max} dimensions exceed 1" : a.fix, v2), a.source);
      }
    }
  }
  if (rule.constant_inputs_zero_max_inputs) {
    // Constant inputs (with data in a buffer; folded DEQUANTIZE outputs have
    // none to read) must be all zeros in real terms: bytes equal to the zero
    // point of a uint8 / int8 tensor, or zero bytes otherwise.
    std::vector<const Tensor*> constants;
    for (int32_t i : n.op->inputs)
      if (const Tensor* t = f.tensor(n, i); t && f.constant(n, i)) constants.push_back(t);
    if (!constants.empty()) {
      bool zeros = true;
      for (const Tensor* t : constants) {
        if (t->buffer == 0 || t->buffer >= f.model.buffers.size()) continue;
        int zp = 0;
        if (t->quantization && !t->quantization->zero_point.empty() && IsInt8ish(t->dtype))
          zp = static_cast<int>(t->quantization->zero_point[0]);
        for (uint8_t b : f.model.buffers[t->buffer].data) {
          int v = t->dtype == DType::INT8 ? static_cast<int8_t>(b) : static_cast<int>(b);
          if (v != (IsInt8ish(t->dtype) ? zp : 0)) zeros = false;
        }
      }
      int inputs = static_cast<int>(n.op->inputs.size());
      if (!zeros || inputs > *rule.constant_inputs_zero_max_inputs) {
        Vars v2 = vars;
        v2["tensor"] = constants.front()->name;
        v2["count"] = std::to_string(inputs);
        v2["max"] = std::to_string(*rule.constant_inputs_zero_max_inputs);
        const Advice& a = rule.constant_inputs_zero_advice;
        Add(out, "op",
            Fill(a.reason.empty() ? "{op} has constant input '{tensor}' ({count} inputs); {target} takes a constant "
                                    "input only as all zeros with at most {max} inputs"
                                  : a.reason,
                 v2),
            Fill(a.fix.empty() ? "feed {op} only run-time tensors, or pad with zeros (PAD) instead" : a.fix, v2),
            a.source);
      }
    }
  }
  if (rule.max_upscale && !n.op->inputs.empty() && !n.op->outputs.empty()) {
    const Tensor* in = f.tensor(n, n.op->inputs[0]);
    const Tensor* res = f.tensor(n, n.op->outputs[0]);
    if (in && res && in->shape.size() == 4 && res->shape.size() == 4 && in->shape[1] > 0 && in->shape[2] > 0) {
      double factor = std::max(static_cast<double>(res->shape[1]) / in->shape[1],
                               static_cast<double>(res->shape[2]) / in->shape[2]);
      if (factor > *rule.max_upscale) {
        Vars v2 = vars;
        v2["factor"] = fmt::format("{:g}", factor);
        v2["max"] = fmt::format("{:g}", *rule.max_upscale);
        v2["from"] = fmt::format("{}x{}", in->shape[1], in->shape[2]);
        v2["to"] = fmt::format("{}x{}", res->shape[1], res->shape[2]);
        const Advice& a = rule.upscale_advice;
        Add(out, "shape",
            Fill(a.reason.empty() ? "{op} upscales {from} -> {to} (x{factor}); {target} takes at most x{max}" : a.reason,
                 v2),
            Fill(a.fix.empty() ? "upscale in smaller steps, or after the part {target} runs" : a.fix, v2), a.source);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Target-level node checks: dtypes the target lacks, shapes, full integer.

void CheckTargetLevel(const RuleContext& c, const NodeInfo& n, std::vector<Problem>* out) {
  const TargetRules& r = c.target;
  const ModelFacts& f = c.facts;
  Vars vars = NodeVars(c, n);
  if (!r.tensor_dtypes.empty()) {
    std::set<DType> seen;
    f.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool) {
      if (Contains(r.tensor_dtypes, t.dtype) || !seen.insert(t.dtype).second) return;
      Vars v2 = vars;
      v2["tensor"] = t.name;
      v2["where"] = where;
      v2["dtype"] = DTypeName(t.dtype);
      const Advice& a = r.tensor_dtype_advice;
      Add(out, "dtype", Fill(a.reason.empty() ? kTensorDTypeReason : a.reason, v2),
          a.fix.empty() ? DTypeFix(t.dtype, r.tensor_dtypes) : Fill(a.fix, v2), a.source);
    });
  }
  if (c.api > 0 && !r.tensor_dtype_min_api.empty()) {
    std::set<DType> seen;
    f.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool) {
      auto it = r.tensor_dtype_min_api.find(t.dtype);
      if (it == r.tensor_dtype_min_api.end() || c.api >= it->second || !seen.insert(t.dtype).second) return;
      Vars v2 = vars;
      v2["tensor"] = t.name;
      v2["where"] = where;
      v2["dtype"] = DTypeName(t.dtype);
      v2["api"] = std::to_string(it->second);
      Add(out, "dtype",
          Fill("{where} '{tensor}' is {dtype}, which needs Android API level {api}; target is API " +
                   std::to_string(c.api), v2),
          Fill("target devices with API >= {api}, or use a model without {dtype} tensors", v2),
          r.tensor_dtype_advice.source);
    });
  }
  if (r.static_shapes_required) {
    auto check = [&](int32_t index, const std::string& where) {
      const Tensor* t = f.tensor(n, index);
      if (!t || !f.dynamic(n, index)) return false;
      Vars v2 = vars;
      v2["tensor"] = t->name;
      v2["where"] = where;
      Add(out, "dynamic_shape",
          Fill("{where} '{tensor}' gets its size only at run time (computed from tensor values); {target} needs "
               "static shapes",
               v2),
          "make the shape static: use constant shapes/bounds (e.g. a constant RESHAPE target, constant slice "
          "bounds) and a fixed input signature so every size is known when the graph is prepared",
          r.dynamic_shape_advice.source.empty() ? r.source : r.dynamic_shape_advice.source);
      return true;
    };
    bool reported = false;
    for (size_t i = 0; i < n.op->inputs.size() && !reported; ++i)
      reported = check(n.op->inputs[i], "input " + std::to_string(i));
    for (size_t i = 0; i < n.op->outputs.size() && !reported; ++i)
      reported = check(n.op->outputs[i], "output " + std::to_string(i));
  }
  if (r.max_nontrivial_dims) {
    bool reported = false;
    f.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool is_const) {
      if (reported || is_const) return;
      int nontrivial = 0;
      for (int32_t d : t.shape) nontrivial += d > 1 ? 1 : 0;
      if (nontrivial <= *r.max_nontrivial_dims || t.shape.size() <= static_cast<size_t>(*r.max_nontrivial_dims)) return;
      // Only the innermost dimensions may exceed 1.
      bool outer_ones = true;
      for (size_t i = 0; i + *r.max_nontrivial_dims < t.shape.size(); ++i) outer_ones &= t.shape[i] <= 1;
      if (outer_ones) return;
      reported = true;
      Vars v2 = vars;
      v2["tensor"] = t.name;
      v2["where"] = where;
      v2["shape"] = ShapeString(t.shape);
      v2["max"] = std::to_string(*r.max_nontrivial_dims);
      const Advice& a = r.nontrivial_dims_advice;
      Add(out, "shape",
          Fill(a.reason.empty() ? "{where} '{tensor}' {shape}: only the {max} innermost dimensions may exceed 1"
                                : a.reason,
               v2),
          Fill(a.fix.empty() ? "use batch 1 and fold extra dimensions" : a.fix, v2), a.source);
    });
  }
  if (r.full_integer_required && n.code->builtin != BuiltinOp::QUANTIZE && n.code->builtin != BuiltinOp::DEQUANTIZE) {
    bool reported = false;
    f.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool is_const) {
      if (reported || is_const || !IsFloat(t.dtype)) return;
      reported = true;
      Vars v2 = vars;
      v2["tensor"] = t.name;
      v2["where"] = where;
      v2["dtype"] = DTypeName(t.dtype);
      const Advice& a = r.full_integer_advice;
      Add(out, "full_integer", Fill("{where} '{tensor}' is {dtype}; {target} runs only 8-bit quantized ops", v2),
          Fill(a.fix.empty() ? "quantize to full integer (int8) with a representative dataset" : a.fix, v2), a.source);
    });
  }
}

// ---------------------------------------------------------------------------
// The TFLite runtime: op resolution, versions, custom and Flex ops.

// Release that introduced {op, version}; "" if unknown; nullopt if the op is
// not in the table at all.
std::optional<std::string> ReleaseOf(const TargetRules& tfl, const std::string& key, int version) {
  auto it = tfl.op_versions.find(key);
  if (it == tfl.op_versions.end()) return std::nullopt;
  if (version < 1 || static_cast<size_t>(version) > it->second.size()) return std::string();
  return it->second[version - 1];
}

std::string FlexFix(const RuleContext& c, const NodeInfo& n) {
  const TargetRules& tfl = c.target;
  std::string name = n.code->custom_code;
  auto eq = tfl.flex_builtin_equivalents.find(name);
  std::string types;
  std::set<std::string> seen;
  c.facts.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool) {
    if (where.rfind("input", 0) == 0 && seen.insert(DTypeName(t.dtype)).second)
      types += (types.empty() ? "" : "/") + DTypeName(t.dtype);
  });
  if (eq != tfl.flex_builtin_equivalents.end())
    return fmt::format("replace Flex op {} with builtin {}: the converter fell back to TensorFlow, most often "
                       "because of the input dtype ({} here) or an attribute the builtin lacks; cast or "
                       "restructure so {} applies, then convert without SELECT_TF_OPS",
                       name, eq->second, types.empty() ? "?" : types, eq->second);
  return fmt::format("{} has no builtin equivalent: link the Select TF ops runtime (tensorflow-lite-select-tf-ops, "
                     "selectively built for this model to keep it small) or move this step out of the model "
                     "(e.g. pre-process in app code)",
                     name);
}

void CheckTfliteNode(const RuleContext& c, const NodeInfo& n, const std::string& release, std::vector<Problem>* out) {
  const TargetRules& tfl = c.target;
  Vars vars = NodeVars(c, n);
  vars["release"] = release;
  vars["size"] = tfl.flex_size_cost;
  if (n.code->IsCustom()) {
    const std::string& name = n.code->custom_code;
    vars["name"] = name;
    if (n.code->IsFlex()) {
      Add(out, "flex", Fill(tfl.flex.reason.empty() ? "Flex op {name} needs the TensorFlow Select ops runtime"
                                                     : tfl.flex.reason, vars),
          FlexFix(c, n), tfl.flex.source);
      return;
    }
    if (const OpRule* r = tfl.FindOp(n.key); r && r->supported) return;  // registered by the stock resolver
    if (const KnownCustomOp* k = tfl.FindKnownCustomOp(name)) {
      vars["origin"] = k->origin;
      Add(out, "custom_op",
          Fill(k->advice.reason.empty() ? "custom op {name} ({origin}) is not registered by the stock op resolver"
                                        : k->advice.reason, vars),
          Fill(k->advice.fix, vars), k->advice.source);
      return;
    }
    Add(out, "custom_op",
        Fill(tfl.unlisted.reason.empty() ? "custom op {name} is not registered by the stock op resolver"
                                         : tfl.unlisted.reason, vars),
        Fill(tfl.unlisted.fix.empty() ? "register a kernel for {name} with the interpreter's op resolver"
                                      : tfl.unlisted.fix, vars),
        tfl.unlisted.source);
    return;
  }
  if (const OpRule* r = tfl.FindOp(n.key)) CheckOpRule(c, n, *r, out);
  auto rel = ReleaseOf(tfl, n.key, n.code->version);
  if (!rel) return;  // not in the table: reported once per model as info
  int v = n.code->version;
  if (rel->empty()) {
    const auto& list = tfl.op_versions.at(n.key);
    vars["max"] = std::to_string(list.size());
    Add(out, "version",
        Fill(static_cast<size_t>(v) > list.size()
                 ? "{op} version {version} is newer than any TFLite release knows (highest known: {max})"
                 : "{op} version {version} is not supported by any TFLite release",
             vars),
        Fill("reconvert with a converter that matches your runtime so {op} gets a known version", vars),
        tfl.op_versions_source);
    return;
  }
  if (CompareVersions(*rel, release) > 0) {
    const auto& list = tfl.op_versions.at(n.key);
    int max_ok = 0;
    for (size_t i = 0; i < list.size(); ++i)
      if (!list[i].empty() && CompareVersions(list[i], release) <= 0) max_ok = static_cast<int>(i) + 1;
    vars["needs"] = *rel;
    vars["max"] = std::to_string(max_ok);
    Add(out, "version", Fill("{op} version {version} needs TFLite {needs}; the target is {release}", vars),
        Fill(max_ok > 0 ? "run on TFLite >= {needs}, or lower the op version: reconvert so {op} stays at version "
                          "<= {max} (versions rise with features such as int8/int16 kernels, per-channel "
                          "weights or new options)"
                        : "run on TFLite >= {needs}: {op} does not exist in {release}",
             vars),
        tfl.op_versions_source);
  }
}

// Problems with quantization parameters the TFLite runtime refuses at load
// time, keyed by (subgraph, tensor).
struct QuantProblem {
  int subgraph;
  int tensor;
  std::string reason;
};

std::vector<QuantProblem> QuantizedDimensionProblems(const Model& m) {
  std::vector<QuantProblem> out;
  for (size_t s = 0; s < m.subgraphs.size(); ++s) {
    const auto& tensors = m.subgraphs[s].tensors;
    for (size_t i = 0; i < tensors.size(); ++i) {
      const Tensor& t = tensors[i];
      if (!t.quantization || !t.quantization->IsAffine() || t.shape.empty()) continue;
      const auto& q = *t.quantization;
      int rank = static_cast<int>(t.shape.size());
      if (q.axis < 0 || q.axis >= rank) {
        out.push_back({static_cast<int>(s), static_cast<int>(i),
                       fmt::format("tensor '{}' (rank {}) has quantized_dimension {}, outside [0, {})", t.name, rank,
                                   q.axis, rank)});
      } else if (q.scale.size() != 1 && static_cast<int64_t>(q.scale.size()) != t.shape[q.axis]) {
        out.push_back({static_cast<int>(s), static_cast<int>(i),
                       fmt::format("tensor '{}' has {} scales, neither 1 nor dimension {} ({})", t.name,
                                   q.scale.size(), q.axis, t.shape[q.axis])});
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Findings.

Finding NodeFinding(const std::string& target, const NodeInfo& n, Severity sev, const std::vector<Problem>& problems,
                    const std::string& prefix = "") {
  Finding f;
  f.target = target;
  f.kind = problems.empty() ? "op" : problems.front().kind;
  f.severity = sev;
  f.subgraph = n.subgraph;
  f.node = n.index;
  f.op = n.key;
  f.output_tensor = n.output;
  std::vector<std::string> reasons, fixes, sources;
  for (const auto& p : problems) {
    if (std::find(reasons.begin(), reasons.end(), p.reason) == reasons.end()) reasons.push_back(p.reason);
    if (std::find(fixes.begin(), fixes.end(), p.fix) == fixes.end()) fixes.push_back(p.fix);
    if (std::find(sources.begin(), sources.end(), p.source) == sources.end()) sources.push_back(p.source);
  }
  f.reason = prefix + Join(reasons, "; ");
  f.fix = Join(fixes, "; ");
  f.source = Join(sources, "; ");
  return f;
}

Finding ModelFinding(const std::string& target, std::string kind, Severity sev, std::string reason, std::string fix,
                     std::string source) {
  Finding f;
  f.target = target;
  f.kind = std::move(kind);
  f.severity = sev;
  f.reason = std::move(reason);
  f.fix = std::move(fix);
  f.source = std::move(source);
  return f;
}

void SortFindings(std::vector<Finding>* findings) {
  std::stable_sort(findings->begin(), findings->end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.node.has_value() != b.node.has_value()) return !a.node.has_value();
    if (a.subgraph != b.subgraph) return a.subgraph < b.subgraph;
    return a.node.value_or(-1) < b.node.value_or(-1);
  });
}

// Inputs (and other tensors) whose size may change at run time: -1 in
// shape_signature. Flagged on every target.
void AddDynamicShapeFinding(const ModelFacts& facts, const TargetRules& common, const TargetRules& target,
                            const std::string& label, TargetResult* result) {
  // Name the dynamic graph inputs (that is where a size is chosen); other
  // dynamic tensors follow from them and are only counted.
  std::vector<std::string> names;
  int others = 0;
  for (const auto& sg : facts.model.subgraphs)
    for (size_t i = 0; i < sg.tensors.size(); ++i) {
      const Tensor& t = sg.tensors[i];
      if (!t.IsDynamic()) continue;
      bool input = std::find(sg.inputs.begin(), sg.inputs.end(), static_cast<int32_t>(i)) != sg.inputs.end();
      if (input) names.push_back(fmt::format("'{}' {}", t.name, ShapeString(*t.shape_signature)));
      else ++others;
    }
  if (names.empty() && others == 0) return;
  if (names.empty()) {  // no dynamic input: name the first few dynamic tensors instead
    for (const auto& sg : facts.model.subgraphs)
      for (const auto& t : sg.tensors)
        if (t.IsDynamic() && names.size() < 3) {
          names.push_back(fmt::format("'{}' {}", t.name, ShapeString(*t.shape_signature)));
          --others;
        }
  }
  Severity sev = target.dynamic_shape_severity.value_or(common.dynamic_shape_severity.value_or(Severity::kInfo));
  const Advice& a = target.dynamic_shape_advice.reason.empty() ? common.dynamic_shape_advice : target.dynamic_shape_advice;
  const Advice& fixsrc = target.dynamic_shape_advice.fix.empty() ? common.dynamic_shape_advice : target.dynamic_shape_advice;
  size_t shown = std::min<size_t>(names.size(), 3);
  std::string list = Join(std::vector<std::string>(names.begin(), names.begin() + shown), ", ");
  others += static_cast<int>(names.size() - shown);
  if (others > 0) list += Fill(kRemarkLimit, {{"more", std::to_string(others)}});
  Vars vars = {{"tensors", list}, {"target", target.title.empty() ? label : target.title}};
  result->findings.push_back(ModelFinding(label, "dynamic_shape", sev, Fill(a.reason, vars), Fill(fixsrc.fix, vars),
                                          a.source.empty() ? target.source : a.source));
}

// Dtypes the target has in only a few kernels: one warning per dtype, at the
// first node touching it.
void AddLimitedDtypeFindings(const ModelFacts& facts, const TargetRules& target, const std::string& label,
                             TargetResult* result) {
  if (target.limited_dtypes.empty()) return;
  std::set<DType> seen;
  for (const auto& list : facts.nodes)
    for (const auto& n : list)
      facts.ForEachTensor(n, [&](const Tensor& t, const std::string& where, bool) {
        if (!Contains(target.limited_dtypes, t.dtype) || !seen.insert(t.dtype).second) return;
        Vars vars = {{"dtype", DTypeName(t.dtype)}, {"tensor", t.name}, {"where", where}, {"op", n.key},
                     {"target", target.title.empty() ? label : target.title}};
        const Advice& a = target.limited_dtype_advice;
        Finding f = NodeFinding(label, n, Severity::kWarning,
                                {{"dtype",
                                  Fill(a.reason.empty() ? "{where} '{tensor}' is {dtype}, which few {target} kernels "
                                                          "accept"
                                                        : a.reason,
                                       vars),
                                  Fill(a.fix.empty() ? DTypeFix(t.dtype, {}) : a.fix, vars), a.source}});
        result->findings.push_back(std::move(f));
      });
}

// Ops whose results differ between runtimes even when they run.
void AddNumericsFindings(const ModelFacts& facts, const RuleBook& book, const TargetRules& target,
                         const std::string& label, const std::vector<std::vector<bool>>& executed,
                         TargetResult* result) {
  std::vector<const NumericsRule*> rules;
  for (const auto& r : book.common.numerics) rules.push_back(&r);
  for (const auto& r : target.numerics) rules.push_back(&r);
  for (const NumericsRule* r : rules) {
    const NodeInfo* first = nullptr;
    int count = 0;
    std::set<std::string> ops;
    for (size_t s = 0; s < facts.nodes.size(); ++s)
      for (const auto& n : facts.nodes[s]) {
        if (!executed[s][n.index]) continue;
        bool match = std::find(r->ops.begin(), r->ops.end(), "*") != r->ops.end() ||
                     std::find(r->ops.begin(), r->ops.end(), n.key) != r->ops.end();
        if (!match) continue;
        if (!first) first = &n;
        ++count;
        ops.insert(n.key);
      }
    if (!first) continue;
    Vars vars = {{"op", Join(std::vector<std::string>(ops.begin(), ops.end()), ", ")},
                 {"count", std::to_string(count)},
                 {"target", target.title.empty() ? label : target.title}};
    Finding f = NodeFinding(label, *first, Severity::kInfo, {{"numerics", Fill(r->advice.reason, vars),
                                                              Fill(r->advice.fix, vars), r->advice.source}});
    f.op = first->key;
    if (count > 1) f.reason += fmt::format(" ({} nodes: {})", count, vars["op"]);
    result->findings.push_back(std::move(f));
  }
}

// ---------------------------------------------------------------------------
// Per-target evaluation.

int ApiLevel(const TargetRules& t, const std::string& version) {
  const std::string& v = version.empty() ? t.default_version : version;
  auto parts = ParseVersion(v);
  return parts && !parts->empty() ? (*parts)[0] : 0;
}

// Problems of a node on a runtime target (a node with problems cannot be
// prepared, so the model does not load).
std::vector<Problem> RuntimeProblems(const RuleContext& c, const NodeInfo& n, const std::string& release) {
  std::vector<Problem> problems;
  CheckTargetLevel(c, n, &problems);
  if (!c.target.op_versions.empty()) {
    CheckTfliteNode(c, n, release, &problems);
    return problems;
  }
  if (const OpRule* r = c.target.FindOp(n.key)) {
    CheckOpRule(c, n, *r, &problems);
  } else {
    Vars vars = NodeVars(c, n);
    vars["name"] = n.code->custom_code;
    const Advice& a = c.target.unlisted;
    Add(&problems, n.code->IsFlex() ? "flex" : (n.code->IsCustom() ? "custom_op" : "op"),
        Fill(a.reason.empty() ? "{op} is not in {target}'s op set" : a.reason, vars),
        Fill(a.fix.empty() ? "replace {op} with an op {target} has" : a.fix, vars), a.source);
  }
  return problems;
}

std::vector<Problem> DelegateProblemsRaw(const RuleContext& c, const NodeInfo& n);

std::vector<Problem> DelegateProblems(const RuleContext& c, const NodeInfo& n) {
  std::vector<Problem> problems = DelegateProblemsRaw(c, n);
  // A float tensor on a full-integer target is one problem, not two.
  bool full_integer = std::any_of(problems.begin(), problems.end(), [](const Problem& p) { return p.kind == "full_integer"; });
  if (full_integer)
    problems.erase(std::remove_if(problems.begin(), problems.end(), [](const Problem& p) { return p.kind == "dtype"; }),
                   problems.end());
  return problems;
}

// A node the XNNPACK delegate's rules (in code) leave on the CPU: why, in
// the words of the rule for its op and input dtype, and where that rule
// comes from.
void XnnpackRuleProblems(const RuleContext& c, const NodeInfo& n, std::vector<Problem>* out) {
  const XnnpackVerdict& v = c.facts.xnnpack(n);
  if (v.taken) return;
  Vars vars = NodeVars(c, n);
  vars["release"] = kXnnpackRulesRelease;
  const Tensor* first = nullptr;
  for (int32_t i : n.op->inputs)
    if ((first = c.facts.tensor(n, i)) != nullptr) break;
  vars["dtype"] = first ? DTypeName(first->dtype) : "no";
  if (v.rule == nullptr) {
    const Advice& a = c.target.unlisted;
    Add(out, n.code->IsFlex() ? "flex" : (n.code->IsCustom() ? "custom_op" : "op"),
        Fill("{target} (TFLite {release}) has no kernel for {op} with {dtype} input", vars),
        Fill(a.fix.empty() ? "replace {op} with an op {target} supports, or accept CPU fallback" : a.fix, vars),
        a.source);
    return;
  }
  vars["takes"] = v.rule->takes;
  // A fused activation the delegate cannot clamp to is the usual cause: name it.
  auto act = n.options.find("fused_activation_function");
  vars["activation"] = act != n.options.end() && act->second != "NONE" && act->second != "RELU" &&
                               act->second != "RELU6" && act->second != "RELU_N1_TO_1"
                           ? " (this node's fused activation: " + act->second + ")"
                           : "";
  Add(out, "op",
      Fill("{target} (TFLite {release}) leaves this {op} on the CPU{activation}: it takes {op} only with {takes}",
           vars),
      Fill("make the node fit that, or accept CPU fallback for it", vars), v.rule->source);
}

std::vector<Problem> DelegateProblemsRaw(const RuleContext& c, const NodeInfo& n) {
  std::vector<Problem> problems;
  CheckTargetLevel(c, n, &problems);
  if (c.target.node_rules == "xnnpack-delegate") {
    XnnpackRuleProblems(c, n, &problems);
    return problems;
  }
  if (const OpRule* r = c.target.FindOp(n.key)) {
    CheckOpRule(c, n, *r, &problems);
  } else {
    Vars vars = NodeVars(c, n);
    vars["name"] = n.code->custom_code;
    const Advice& a = c.target.unlisted;
    Add(&problems, n.code->IsFlex() ? "flex" : (n.code->IsCustom() ? "custom_op" : "op"),
        Fill(a.reason.empty() ? "{target} has no kernel for {op}" : a.reason, vars),
        Fill(a.fix.empty() ? "replace {op} with an op {target} supports, or accept CPU fallback" : a.fix, vars),
        a.source);
  }
  return problems;
}

TargetResult EvaluateRuntime(const ModelFacts& facts, const RuleBook& book, const TargetRules& t,
                             const TargetSpec& spec) {
  TargetResult res;
  res.target = spec.Label();
  res.name = t.name;
  res.title = t.title;
  res.kind = t.kind;
  res.basis_kind = t.basis_kind;
  res.basis_text = t.basis_text;
  RuleContext c{facts, t, spec.Label(), 0};
  std::string release = spec.version.empty() ? t.LatestVersion() : spec.version;
  std::vector<std::vector<bool>> executed;
  bool runs = true;
  for (const auto& list : facts.nodes) {
    executed.emplace_back(list.size(), false);
    for (const auto& n : list) {
      ++res.total_ops;
      res.total_macs += n.macs;
      auto problems = RuntimeProblems(c, n, release);
      if (problems.empty()) {
        executed.back()[n.index] = true;
        ++res.delegated_ops;
        res.delegated_macs += n.macs;
        continue;
      }
      runs = false;
      res.findings.push_back(NodeFinding(res.target, n, Severity::kError, problems));
    }
  }
  if (!t.op_versions.empty()) {
    // The TFLite runtime: minimum runtime version and its metadata entry.
    MinRuntimeVersion mrv = ComputeMinRuntimeVersion(facts.model, t);
    if (!mrv.computed.empty()) res.min_runtime_version = mrv.computed;
    res.declared_min_runtime_version = mrv.declared;
    if (mrv.stale()) {
      std::vector<std::string> proof;
      for (const auto& u : mrv.NewerThan(*mrv.declared))
        proof.push_back(fmt::format("{} v{} needs {} (node {}{})", u.op, u.version, u.release, u.node,
                                    u.count > 1 ? fmt::format(", {} nodes", u.count) : ""));
      Vars vars = {{"declared", *mrv.declared}, {"computed", mrv.computed}, {"proof", Join(proof, ", ")}};
      const Advice& a = t.stale_metadata;
      res.findings.push_back(ModelFinding(
          res.target, "metadata", Severity::kWarning,
          Fill(a.reason.empty() ? "stale min_runtime_version entry: the model says {declared}, but its op versions "
                                  "need {computed}: {proof}"
                                : a.reason,
               vars),
          Fill(a.fix.empty() ? "trust the op versions, not the entry: deploy on TFLite >= {computed}" : a.fix, vars),
          a.source.empty() ? t.op_versions_source : a.source));
    }
    for (const auto& u : mrv.uses) {
      if (!u.release.empty() || facts.model.op_codes.empty()) continue;
      if (!t.op_versions.count(u.op) && u.op.rfind("CUSTOM:", 0) != 0) {
        const NodeInfo& n = facts.nodes[u.subgraph][u.node];
        res.findings.push_back(NodeFinding(
            res.target, n, Severity::kInfo,
            {{"version", fmt::format("{} is not in TFLite's op-version table, so its minimum runtime version is "
                                     "unknown",
                                     u.op),
              "check the TFLite release notes for when this op appeared", t.op_versions_source}}));
      }
    }
    if (t.quantized_dimension_check) {
      for (const auto& q : QuantizedDimensionProblems(facts.model)) {
        // Attribute it to the first node reading (or else writing) the tensor.
        const NodeInfo* at = nullptr;
        for (const auto& n : facts.nodes[q.subgraph]) {
          bool reads = std::find(n.op->inputs.begin(), n.op->inputs.end(), q.tensor) != n.op->inputs.end();
          bool writes = std::find(n.op->outputs.begin(), n.op->outputs.end(), q.tensor) != n.op->outputs.end();
          if (reads || (writes && !at)) {
            at = &n;
            if (reads) break;
          }
        }
        const Advice& a = *t.quantized_dimension_check;
        Vars vars = {{"detail", q.reason}};
        Problem p{"quantization", Fill(a.reason.empty() ? "{detail}" : a.reason, vars), Fill(a.fix, vars), a.source};
        runs = false;
        if (at) {
          res.findings.push_back(NodeFinding(res.target, *at, Severity::kError, {p}));
        } else {
          res.findings.push_back(ModelFinding(res.target, "quantization", Severity::kError, p.reason, p.fix, p.source));
        }
      }
    }
  }
  res.runs = runs;
  res.taken = executed;
  AddDynamicShapeFinding(facts, book.common, t, res.target, &res);
  AddLimitedDtypeFindings(facts, t, res.target, &res);
  AddNumericsFindings(facts, book, t, res.target, executed, &res);
  SortFindings(&res.findings);
  return res;
}

struct Run {
  int subgraph;
  int begin;  // node index, inclusive
  int end;    // exclusive
  int size() const { return end - begin; }
};

TargetResult EvaluateDelegate(const ModelFacts& facts, const RuleBook& book, const TargetRules& t,
                              const TargetSpec& spec) {
  TargetResult res;
  res.target = spec.Label();
  res.name = t.name;
  res.title = t.title;
  res.kind = t.kind;
  // Targets versioned by Android API level (NNAPI) gate ops by min_api.
  int api = t.version_name.find("API") != std::string::npos ? ApiLevel(t, spec.version) : 0;
  RuleContext c{facts, t, spec.Label(), api};
  const TargetRules& fallback = *book.Find(t.fallback);
  RuleContext fc{facts, fallback, fallback.name, 0};
  std::string fallback_release = fallback.LatestVersion();

  res.basis_kind = t.basis_kind;
  res.basis_text = t.basis_text;
  // A model already compiled for this target (it holds the compiled op) is
  // not compiled again: the compiled nodes run on the accelerator, the nodes
  // the compiler left run on the CPU.
  auto is_compiled_op = [&](const NodeInfo& n) {
    return !t.compiled_op.empty() && n.code->IsCustom() && n.code->custom_code == t.compiled_op;
  };
  for (const auto& list : facts.nodes)
    for (const auto& n : list) res.compiled |= is_compiled_op(n);

  // 1. Which nodes could the delegate take?
  std::vector<std::vector<std::vector<Problem>>> problems(facts.nodes.size());
  std::vector<std::vector<bool>> candidate(facts.nodes.size());
  for (size_t s = 0; s < facts.nodes.size(); ++s)
    for (const auto& n : facts.nodes[s]) {
      if (res.compiled) {
        std::vector<Problem> left;
        if (!is_compiled_op(n)) {
          Vars vars = NodeVars(c, n);
          vars["name"] = t.compiled_op;
          Add(&left, "compiled",
              Fill("the model is already compiled for {target}: the compiler left {op} out of its {name} nodes, so it "
                   "runs on the CPU",
                   vars),
              Fill("to move it onto {target}, change the source model (see `check --target " + t.name +
                       "` on it) and compile again",
                   vars),
              t.compiled_advice.source);
        }
        candidate[s].push_back(left.empty());
        problems[s].push_back(std::move(left));
      } else {
        problems[s].push_back(DelegateProblems(c, n));
        candidate[s].push_back(problems[s].back().empty());
      }
      ++res.total_ops;
      res.total_macs += n.macs;
    }

  // 2. Partitions: maximal runs of consecutive supported nodes in execution
  // order. TFLite's partitioner works on the dataflow graph and can merge
  // runs an unsupported side branch separates; execution order is close
  // enough for sequential models and never overstates what is delegated.
  std::vector<std::vector<bool>> delegated(facts.nodes.size());
  std::vector<Run> kept;
  std::vector<Run> dropped;
  for (size_t s = 0; s < facts.nodes.size(); ++s) {
    delegated[s].assign(facts.nodes[s].size(), false);
    std::vector<Run> runs;
    int n = static_cast<int>(facts.nodes[s].size());
    if (res.compiled) {
      for (int i = 0; i < n; ++i)  // each compiled node is one partition
        if (candidate[s][i]) runs.push_back({static_cast<int>(s), i, i + 1});
    } else if (t.partition_mode == "prefix") {
      if (s != 0) continue;  // the compiler maps the main graph only
      int begin = 0;
      while (begin < n && !candidate[s][begin] &&
             std::find(t.leading_cpu_ops.begin(), t.leading_cpu_ops.end(), facts.nodes[s][begin].key) !=
                 t.leading_cpu_ops.end())
        ++begin;
      int end = begin;
      while (end < n && candidate[s][end]) ++end;
      if (end > begin) runs.push_back({0, begin, end});
      if (end < n) res.first_unsupported_node = end;
    } else {
      for (int i = 0; i < n;) {
        if (!candidate[s][i]) {
          ++i;
          continue;
        }
        int j = i;
        while (j < n && candidate[s][j]) ++j;
        runs.push_back({static_cast<int>(s), i, j});
        i = j;
      }
    }
    std::vector<Run> ok;
    for (const auto& r : runs) (r.size() >= t.min_partition_nodes ? ok : dropped).push_back(r);
    if (t.partition_mode == "largest" && t.max_partitions > 0 && static_cast<int>(ok.size()) > t.max_partitions) {
      std::stable_sort(ok.begin(), ok.end(), [](const Run& a, const Run& b) { return a.size() > b.size(); });
      dropped.insert(dropped.end(), ok.begin() + t.max_partitions, ok.end());
      ok.resize(t.max_partitions);
    }
    for (const auto& r : ok) {
      kept.push_back(r);
      for (int i = r.begin; i < r.end; ++i) delegated[s][i] = true;
    }
  }
  res.partitions = static_cast<int>(kept.size());

  // 3. Findings: nodes left to the CPU, and whether the CPU can run them.
  bool runs = true;
  bool float_model = false;
  int float_nodes = 0;
  // A full-integer compiler maps the quantized part of a model and leaves
  // float ops to the CPU; a model of which it can map nothing is refused as
  // a whole (a float model), said once instead of once per node.
  bool any_delegated = false;
  for (const auto& list : delegated) any_delegated |= std::find(list.begin(), list.end(), true) != list.end();
  for (size_t s = 0; s < facts.nodes.size(); ++s)
    for (const auto& n : facts.nodes[s]) {
      if (delegated[s][n.index]) {
        ++res.delegated_ops;
        res.delegated_macs += n.macs;
        if (res.compiled) {
          Vars vars = NodeVars(c, n);
          vars["name"] = t.compiled_op;
          const Advice& a = t.compiled_advice;
          res.findings.push_back(NodeFinding(
              res.target, n, Severity::kInfo,
              {{"compiled", Fill(a.reason.empty() ? "compiled for {target}: runs there through its runtime" : a.reason, vars),
                Fill(a.fix, vars), a.source}}));
        }
        continue;
      }
      const auto& p = problems[s][n.index];
      bool only_float = !p.empty() && std::all_of(p.begin(), p.end(), [](const Problem& x) {
        return x.kind == "full_integer";
      });
      if (!any_delegated)
        for (const auto& x : p) float_model |= x.kind == "full_integer";
      auto cpu = RuntimeProblems(fc, n, fallback_release);
      // A custom op the target leaves on the CPU beside a part it takes: the
      // app registers its kernel as it registers the target's own custom op.
      // With nothing taken there is no such registration, and the verdict is
      // the CPU runtime's.
      bool app_custom_op = t.cpu_custom_op_severity && any_delegated && n.code->IsCustom() && !n.code->IsFlex() &&
                           !cpu.empty() &&
                           std::all_of(cpu.begin(), cpu.end(), [](const Problem& x) { return x.kind == "custom_op"; });
      if (app_custom_op) {
        Vars vars = NodeVars(c, n);
        vars["name"] = n.code->custom_code;
        const Advice& a = t.cpu_custom_op_advice;
        // The custom op is the cause; its float outputs or absence from the
        // op list add nothing the user can act on.
        std::vector<Problem> all = {{"custom_op", Fill(a.reason, vars), Fill(a.fix, vars), a.source}};
        if (*t.cpu_custom_op_severity == Severity::kError) runs = false;
        res.findings.push_back(NodeFinding(res.target, n, *t.cpu_custom_op_severity, all, "runs on CPU: "));
      } else if (!cpu.empty()) {
        runs = false;
        std::vector<Problem> all = p;
        all.insert(all.end(), cpu.begin(), cpu.end());
        res.findings.push_back(NodeFinding(res.target, n, Severity::kError, all,
                                           p.empty() ? "not delegated, and the CPU fallback cannot run it: "
                                                     : "not delegated, and the CPU fallback cannot run it either: "));
      } else if (!p.empty()) {
        if (only_float && !any_delegated) {
          ++float_nodes;
          continue;
        }
        res.findings.push_back(NodeFinding(res.target, n, Severity::kWarning, p, "runs on CPU: "));
      }
    }
  for (const auto& r : dropped) {
    const NodeInfo& first = facts.nodes[r.subgraph][r.begin];
    Vars vars = {{"count", std::to_string(r.size())},
                 {"first", std::to_string(r.begin)},
                 {"last", std::to_string(r.end - 1)},
                 {"max", std::to_string(t.max_partitions)},
                 {"min", std::to_string(t.min_partition_nodes)},
                 {"target", t.title}};
    const Advice& a = t.partition_advice;
    Problem p{"partition",
              Fill(a.reason.empty() ? "{count} supported nodes ({first}..{last}) stay on CPU: partition dropped by "
                                      "{target}'s partitioning limits"
                                    : a.reason,
                   vars),
              Fill(a.fix.empty() ? "raise the delegate's partition limit, or remove the unsupported ops that split "
                                   "the graph"
                                 : a.fix,
                   vars),
              a.source};
    res.findings.push_back(NodeFinding(res.target, first, Severity::kInfo, {p}));
  }
  if (t.partition_mode == "prefix" && res.first_unsupported_node && !res.compiled) {
    int split = *res.first_unsupported_node;
    const auto& main_nodes = facts.nodes[0];
    int later_ok = 0;
    for (size_t i = split + 1; i < main_nodes.size(); ++i) later_ok += candidate[0][i] ? 1 : 0;
    const NodeInfo& at = main_nodes[split];
    Vars vars = {{"node", std::to_string(split)},
                 {"op", at.key},
                 {"after", std::to_string(main_nodes.size() - split - 1)},
                 {"later_ok", std::to_string(later_ok)},
                 {"target", t.title}};
    const Advice& a = t.partition_advice;
    Problem p{"partition",
              Fill(a.reason.empty() ? "the graph splits at node {node} ({op}): it and the {after} node(s) after it run "
                                      "on CPU, including {later_ok} that {target} could have run"
                                    : a.reason,
                   vars),
              Fill(a.fix.empty() ? "replace or move {op} to the end of the graph so the mapped part grows" : a.fix,
                   vars),
              a.source};
    res.findings.push_back(NodeFinding(res.target, at, Severity::kWarning, {p}));
  }
  if (fallback.quantized_dimension_check) {
    for (const auto& q : QuantizedDimensionProblems(facts.model)) {
      const Advice& a = *fallback.quantized_dimension_check;
      Vars vars = {{"detail", q.reason}};
      res.findings.push_back(ModelFinding(res.target, "quantization", Severity::kError,
                                          "the " + fallback.title + " runtime refuses the model before " + t.title +
                                              " sees it: " + Fill(a.reason.empty() ? "{detail}" : a.reason, vars),
                                          Fill(a.fix, vars), a.source));
      runs = false;
    }
  }
  if (t.full_integer_required && float_model) {
    const Advice& a = t.full_integer_advice;
    Vars vars = {{"target", t.title}};
    vars["count"] = std::to_string(float_nodes);
    res.findings.push_back(ModelFinding(res.target, "full_integer", Severity::kError,
                                        Fill(a.reason.empty() ? "float model: {target} only accepts models "
                                                                "quantized to 8-bit integers"
                                                              : a.reason,
                                             vars) +
                                            fmt::format(" ({} of {} ops have float tensors)", float_nodes,
                                                        res.total_ops),
                                        Fill(a.fix, vars), a.source));
    runs = false;
  }
  res.runs = runs;
  res.taken = delegated;
  AddDynamicShapeFinding(facts, book.common, t, res.target, &res);
  AddLimitedDtypeFindings(facts, t, res.target, &res);
  AddNumericsFindings(facts, book, t, res.target, delegated, &res);
  SortFindings(&res.findings);
  return res;
}

}  // namespace

bool MinRuntimeVersion::stale() const {
  return declared && !computed.empty() && CompareVersions(*declared, computed) < 0;
}

std::vector<OpVersionUse> MinRuntimeVersion::NewerThan(const std::string& version) const {
  std::vector<OpVersionUse> out;
  for (const auto& u : uses)
    if (!u.release.empty() && CompareVersions(u.release, version) > 0) out.push_back(u);
  return out;
}

MinRuntimeVersion ComputeMinRuntimeVersion(const Model& model, const TargetRules& tflite) {
  MinRuntimeVersion out;
  out.declared = ReadMinRuntimeVersion(model);
  std::map<std::pair<std::string, int>, size_t> index;
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const auto& sg = model.subgraphs[s];
    for (size_t i = 0; i < sg.operators.size(); ++i) {
      const OpCode& code = model.op_code(sg.operators[i]);
      std::string key = OpKey(code);
      auto k = std::make_pair(key, code.version);
      auto it = index.find(k);
      if (it != index.end()) {
        out.uses[it->second].count++;
        continue;
      }
      OpVersionUse u;
      u.op = key;
      u.version = code.version;
      u.subgraph = static_cast<int>(s);
      u.node = static_cast<int>(i);
      u.count = 1;
      if (!code.IsCustom()) {
        auto rel = ReleaseOf(tflite, key, code.version);
        if (rel) u.release = *rel;
      }
      if (!u.release.empty() && (out.computed.empty() || CompareVersions(out.computed, u.release) < 0))
        out.computed = u.release;
      index[k] = out.uses.size();
      out.uses.push_back(std::move(u));
    }
  }
  return out;
}

TargetSpec ParseTargetSpec(const std::string& text, const RuleBook& book) {
  TargetSpec spec;
  auto at = text.find('@');
  spec.name = text.substr(0, at);
  if (at != std::string::npos) spec.version = text.substr(at + 1);
  const TargetRules* t = book.Find(spec.name);
  if (!t) {
    std::string known;
    for (const auto& n : book.order) known += (known.empty() ? "" : ", ") + n;
    Fail("unknown target '{}' (known: {})", text, known);
  }
  if (at != std::string::npos) {
    if (t->version_name.empty()) Fail("target '{}' takes no @VERSION", spec.name);
    if (spec.version.empty() || !ParseVersion(spec.version))
      Fail("target '{}': '{}' is not a {} (expected digits and dots, e.g. {})", spec.name, spec.version,
           t->version_name, t->LatestVersion().empty() ? "1.0" : t->LatestVersion());
  }
  // The delegate's rules in code describe one release, the oracle's.
  if (t->node_rules == "xnnpack-delegate" && !spec.version.empty() && spec.version != kXnnpackRulesRelease)
    Fail("target '{}': no rules for release {}; the XNNPACK rules here are those of TFLite {} (the oracle's "
         "runtime, against which they are tested)",
         spec.name, spec.version, kXnnpackRulesRelease);
  return spec;
}

CheckResult CheckModel(const Model& model, const RuleBook& book, const std::vector<TargetSpec>& targets) {
  ModelFacts facts(model);
  CheckResult out;
  for (const auto& spec : targets) {
    const TargetRules* t = book.Find(spec.name);
    if (!t) Fail("unknown target '{}'", spec.name);
    out.targets.push_back(t->kind == "runtime" ? EvaluateRuntime(facts, book, *t, spec)
                                               : EvaluateDelegate(facts, book, *t, spec));
  }
  return out;
}

}  // namespace tfd::compat
