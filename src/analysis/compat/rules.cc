#include "analysis/compat/rules.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/compat/version.h"
#include "graph/dtype.h"
#include "util/error.h"

#ifndef TFD_DEFAULT_RULES_DIR
#define TFD_DEFAULT_RULES_DIR "rules"
#endif

namespace tfd::compat {
namespace {

using nlohmann::json;

constexpr const char* kSchema = "tflite-doctor-rules/1";

// Every problem in a rule file becomes this, so the message names the file.
[[noreturn]] void Bad(const std::string& file, const std::string& what) { Fail("{}: {}", file, what); }

const std::set<std::string>& BuiltinNames() {
  static const std::set<std::string> names = [] {
    std::set<std::string> s;
    for (auto op : tflite::EnumValuesBuiltinOperator()) {
      const char* n = tflite::EnumNameBuiltinOperator(op);
      if (n && *n) s.insert(n);
    }
    return s;
  }();
  return names;
}

void CheckOpKey(const std::string& key, const std::string& file, const std::string& where) {
  if (key == "*") return;
  if (key.rfind("CUSTOM:", 0) == 0 && key.size() > 7) return;
  if (!BuiltinNames().count(key)) Bad(file, where + ": unknown operator '" + key + "'");
}

std::string Str(const json& j, const char* field, const std::string& file, const std::string& where,
                const std::string& fallback = "") {
  if (!j.contains(field)) return fallback;
  if (!j[field].is_string()) Bad(file, where + ": '" + field + "' must be a string");
  return j[field].get<std::string>();
}

int Int(const json& j, const char* field, const std::string& file, const std::string& where) {
  if (!j[field].is_number_integer()) Bad(file, where + ": '" + field + "' must be an integer");
  return j[field].get<int>();
}

std::vector<int> IntList(const json& j, const char* field, const std::string& file, const std::string& where) {
  std::vector<int> out;
  if (!j.contains(field)) return out;
  if (!j[field].is_array()) Bad(file, where + ": '" + field + "' must be an array of integers");
  for (const auto& v : j[field]) {
    if (!v.is_number_integer()) Bad(file, where + ": '" + field + "' must be an array of integers");
    out.push_back(v.get<int>());
  }
  return out;
}

std::vector<std::string> StrList(const json& j, const char* field, const std::string& file,
                                 const std::string& where) {
  std::vector<std::string> out;
  if (!j.contains(field)) return out;
  if (!j[field].is_array()) Bad(file, where + ": '" + field + "' must be an array of strings");
  for (const auto& v : j[field]) {
    if (!v.is_string()) Bad(file, where + ": '" + field + "' must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<DType> DTypeList(const json& j, const char* field, const std::string& file, const std::string& where) {
  std::vector<DType> out;
  for (const auto& name : StrList(j, field, file, where)) {
    auto t = DTypeFromName(name);
    if (!t) Bad(file, where + ": unknown dtype '" + name + "' in '" + field + "'");
    out.push_back(*t);
  }
  return out;
}

Severity ParseSeverity(const std::string& s, const std::string& file, const std::string& where) {
  if (s == "error") return Severity::kError;
  if (s == "warning") return Severity::kWarning;
  if (s == "info") return Severity::kInfo;
  Bad(file, where + ": severity must be error, warning or info, not '" + s + "'");
}

Advice ParseAdvice(const json& j, const std::string& file, const std::string& where, const std::string& source) {
  if (!j.is_object()) Bad(file, where + " must be an object");
  Advice a;
  a.reason = Str(j, "reason", file, where);
  a.fix = Str(j, "fix", file, where);
  a.source = Str(j, "source", file, where, source);
  if (a.source.empty()) Bad(file, where + ": no 'source' (every rule cites where it comes from)");
  return a;
}

// A value as the text OptionRule compares against ("1", "0.5", "RELU6", "true").
std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    std::ostringstream os;
    os << v.get<double>();
    return os.str();
  }
  return v.dump();
}

const std::set<std::string> kOpFields = {
    "source", "supported", "reason", "fix", "max_version", "exclude_versions", "min_api", "dtypes",
    "const_dtypes", "const_inputs", "required_inputs", "input_ranks", "max_rank", "fused_activation",
    "options", "dims", "max_upscale", "max_elements", "max_nontrivial_dims", "constant_inputs_zero", "note"};

OpRule ParseOpRule(const std::string& key, const json& j, const std::string& file, const std::string& source) {
  std::string where = "op " + key;
  if (!j.is_object()) Bad(file, where + " must be an object");
  for (const auto& [field, _] : j.items())
    if (!kOpFields.count(field)) Bad(file, where + ": unknown field '" + field + "'");
  OpRule r;
  r.key = key;
  r.advice = ParseAdvice(j, file, where, source);
  if (j.contains("supported")) {
    if (!j["supported"].is_boolean()) Bad(file, where + ": 'supported' must be true or false");
    r.supported = j["supported"].get<bool>();
  }
  if (j.contains("max_version")) r.max_version = Int(j, "max_version", file, where);
  r.exclude_versions = IntList(j, "exclude_versions", file, where);
  if (j.contains("min_api")) r.min_api = Int(j, "min_api", file, where);
  r.dtypes = DTypeList(j, "dtypes", file, where);
  r.const_dtypes = DTypeList(j, "const_dtypes", file, where);
  r.const_inputs = IntList(j, "const_inputs", file, where);
  r.required_inputs = IntList(j, "required_inputs", file, where);
  r.input_ranks = IntList(j, "input_ranks", file, where);
  if (j.contains("max_rank")) r.max_rank = Int(j, "max_rank", file, where);
  r.fused_activation = StrList(j, "fused_activation", file, where);
  for (const auto& a : r.fused_activation) {
    bool known = false;
    for (auto v : tflite::EnumValuesActivationFunctionType()) known |= a == tflite::EnumNameActivationFunctionType(v);
    if (!known) Bad(file, where + ": unknown fused activation '" + a + "'");
  }
  if (j.contains("options")) {
    if (!j["options"].is_array()) Bad(file, where + ": 'options' must be an array");
    for (const auto& o : j["options"]) {
      std::string ow = where + " option";
      if (!o.is_object() || !o.contains("field") || !o["field"].is_string())
        Bad(file, ow + ": each entry needs a 'field'");
      OptionRule opt;
      opt.field = o["field"].get<std::string>();
      ow += " " + opt.field;
      for (const auto& [field, _] : o.items())
        if (field != "field" && field != "in" && field != "not_in" && field != "min" && field != "max" &&
            field != "eq" && field != "eq_field" && field != "when" && field != "until_api" && field != "reason" &&
            field != "fix" && field != "source")
          Bad(file, ow + ": unknown field '" + field + "'");
      if (o.contains("eq")) opt.allowed.push_back(ValueText(o["eq"]));
      if (o.contains("in")) {
        if (!o["in"].is_array()) Bad(file, ow + ": 'in' must be an array");
        for (const auto& v : o["in"]) opt.allowed.push_back(ValueText(v));
      }
      if (o.contains("not_in")) {
        if (!o["not_in"].is_array()) Bad(file, ow + ": 'not_in' must be an array");
        for (const auto& v : o["not_in"]) opt.forbidden.push_back(ValueText(v));
      }
      if (o.contains("min")) {
        if (!o["min"].is_number()) Bad(file, ow + ": 'min' must be a number");
        opt.min = o["min"].get<double>();
      }
      if (o.contains("max")) {
        if (!o["max"].is_number()) Bad(file, ow + ": 'max' must be a number");
        opt.max = o["max"].get<double>();
      }
      if (o.contains("when")) {
        if (!o["when"].is_object()) Bad(file, ow + ": 'when' must be an object");
        for (const auto& [k, v] : o["when"].items()) opt.when[k] = ValueText(v);
      }
      if (o.contains("until_api")) opt.until_api = Int(o, "until_api", file, ow);
      opt.eq_field = Str(o, "eq_field", file, ow);
      if (opt.allowed.empty() && opt.forbidden.empty() && !opt.min && !opt.max && opt.eq_field.empty())
        Bad(file, ow + ": needs one of eq, in, not_in, min, max, eq_field");
      opt.advice = ParseAdvice(o, file, ow, r.advice.source);
      r.options.push_back(std::move(opt));
    }
  }
  for (const char* field : {"max_elements", "max_nontrivial_dims"}) {
    if (!j.contains(field)) continue;
    const auto& m = j[field];
    std::string mw = where + " " + field;
    if (!m.is_object() || !m.contains("value") || !m["value"].is_number_integer())
      Bad(file, mw + ": must be an object with an integer 'value'");
    TensorLimit limit;
    limit.value = m["value"].get<int64_t>();
    limit.tensor = Str(m, "tensor", file, mw, "input");
    if (limit.tensor != "input" && limit.tensor != "output") Bad(file, mw + ": 'tensor' must be input or output");
    limit.advice = ParseAdvice(m, file, mw, r.advice.source);
    (std::string(field) == "max_elements" ? r.max_elements : r.max_nontrivial_dims) = limit;
  }
  if (j.contains("constant_inputs_zero")) {
    const auto& c = j["constant_inputs_zero"];
    std::string cw = where + " constant_inputs_zero";
    if (!c.is_object() || !c.contains("max_inputs") || !c["max_inputs"].is_number_integer())
      Bad(file, cw + ": must be an object with an integer 'max_inputs'");
    r.constant_inputs_zero_max_inputs = c["max_inputs"].get<int>();
    r.constant_inputs_zero_advice = ParseAdvice(c, file, cw, r.advice.source);
  }
  if (j.contains("max_upscale")) {
    const auto& u = j["max_upscale"];
    if (!u.is_object() || !u.contains("value") || !u["value"].is_number())
      Bad(file, where + ": 'max_upscale' must be an object with a numeric 'value'");
    r.max_upscale = u["value"].get<double>();
    r.upscale_advice = ParseAdvice(u, file, where + " max_upscale", r.advice.source);
  }
  if (j.contains("dims")) {
    if (!j["dims"].is_array()) Bad(file, where + ": 'dims' must be an array");
    for (const auto& d : j["dims"]) {
      std::string dw = where + " dims";
      if (!d.is_object()) Bad(file, dw + ": each entry must be an object");
      DimsRule dr;
      dr.input = d.contains("input") ? Int(d, "input", file, dw) : 1;
      dr.kind = Str(d, "kind", file, dw, "axes");
      if (dr.kind != "axes" && dr.kind != "pad" && dr.kind != "values")
        Bad(file, dw + ": kind must be 'axes', 'pad' or 'values'");
      dr.allowed = IntList(d, "allowed", file, dw);
      dr.advice = ParseAdvice(d, file, dw, r.advice.source);
      r.dims.push_back(std::move(dr));
    }
  }
  return r;
}

std::vector<NumericsRule> ParseNumerics(const json& j, const std::string& file, const std::string& source) {
  std::vector<NumericsRule> out;
  if (!j.is_array()) Bad(file, "'numerics' must be an array");
  for (const auto& n : j) {
    NumericsRule r;
    r.ops = StrList(n, "ops", file, "numerics");
    if (r.ops.empty()) Bad(file, "numerics: each entry needs 'ops'");
    for (const auto& op : r.ops) CheckOpKey(op, file, "numerics");
    r.advice = ParseAdvice(n, file, "numerics " + r.ops.front(), source);
    out.push_back(std::move(r));
  }
  return out;
}

const std::set<std::string> kTopFields = {
    "schema", "target", "title", "kind", "source", "version_name", "default_version", "fallback",
    "partitioning", "tensor_dtypes", "limited_dtypes", "dynamic_shapes", "full_integer", "max_nontrivial_dims", "defaults",
    "ops", "unlisted", "numerics", "op_versions", "op_versions_source", "known_custom_ops", "flex",
    "quantized_dimension", "stale_min_runtime_version", "notes", "compiled_op", "cpu_custom_ops", "basis",
    "node_rules"};

TargetRules ParseJson(const json& j, const std::string& file) {
  if (!j.is_object()) Bad(file, "top level must be a JSON object");
  for (const auto& [field, _] : j.items())
    if (!kTopFields.count(field)) Bad(file, "unknown top-level field '" + field + "'");
  if (Str(j, "schema", file, "top level") != kSchema)
    Bad(file, std::string("'schema' must be \"") + kSchema + "\"");
  TargetRules t;
  t.file = file;
  t.name = Str(j, "target", file, "top level");
  if (t.name.empty()) Bad(file, "'target' is missing");
  if (t.name.find('@') != std::string::npos || t.name.find(' ') != std::string::npos)
    Bad(file, "'target' must be a plain name");
  t.title = Str(j, "title", file, "top level", t.name);
  t.kind = Str(j, "kind", file, "top level", "delegate");
  if (t.kind != "runtime" && t.kind != "delegate" && t.kind != "common")
    Bad(file, "'kind' must be runtime, delegate or common");
  t.source = Str(j, "source", file, "top level");
  t.version_name = Str(j, "version_name", file, "top level");
  t.default_version = Str(j, "default_version", file, "top level");
  t.fallback = Str(j, "fallback", file, "top level");

  if (j.contains("partitioning")) {
    const auto& p = j["partitioning"];
    t.partition_mode = Str(p, "mode", file, "partitioning", "all");
    if (t.partition_mode != "all" && t.partition_mode != "largest" && t.partition_mode != "prefix")
      Bad(file, "partitioning: mode must be all, largest or prefix");
    if (p.contains("max_partitions")) t.max_partitions = Int(p, "max_partitions", file, "partitioning");
    if (p.contains("min_nodes")) t.min_partition_nodes = Int(p, "min_nodes", file, "partitioning");
    t.leading_cpu_ops = StrList(p, "leading_cpu_ops", file, "partitioning");
    for (const auto& op : t.leading_cpu_ops) CheckOpKey(op, file, "partitioning leading_cpu_ops");
    t.partition_advice = ParseAdvice(p, file, "partitioning", t.source);
  }
  if (j.contains("tensor_dtypes")) {
    t.tensor_dtypes = DTypeList(j["tensor_dtypes"], "supported", file, "tensor_dtypes");
    t.tensor_dtype_advice = ParseAdvice(j["tensor_dtypes"], file, "tensor_dtypes", t.source);
    if (j["tensor_dtypes"].contains("min_api")) {
      const auto& m = j["tensor_dtypes"]["min_api"];
      if (!m.is_object()) Bad(file, "tensor_dtypes: 'min_api' must map dtype names to API levels");
      for (const auto& [name, level] : m.items()) {
        auto dt = DTypeFromName(name);
        if (!dt) Bad(file, "tensor_dtypes min_api: unknown dtype '" + name + "'");
        if (!level.is_number_integer()) Bad(file, "tensor_dtypes min_api: levels must be integers");
        t.tensor_dtype_min_api[*dt] = level.get<int>();
      }
    }
  }
  if (j.contains("limited_dtypes")) {
    t.limited_dtypes = DTypeList(j["limited_dtypes"], "dtypes", file, "limited_dtypes");
    t.limited_dtype_advice = ParseAdvice(j["limited_dtypes"], file, "limited_dtypes", t.source);
  }
  if (j.contains("dynamic_shapes")) {
    const auto& d = j["dynamic_shapes"];
    t.dynamic_shape_severity = ParseSeverity(Str(d, "severity", file, "dynamic_shapes", "warning"), file,
                                             "dynamic_shapes");
    t.dynamic_shape_advice = ParseAdvice(d, file, "dynamic_shapes", t.source);
    if (d.contains("static_required")) {
      if (!d["static_required"].is_boolean()) Bad(file, "dynamic_shapes: 'static_required' must be true or false");
      t.static_shapes_required = d["static_required"].get<bool>();
    }
  }
  if (j.contains("full_integer")) {
    const auto& f = j["full_integer"];
    t.full_integer_required = f.value("required", true);
    t.full_integer_advice = ParseAdvice(f, file, "full_integer", t.source);
  }
  if (j.contains("max_nontrivial_dims")) {
    const auto& m = j["max_nontrivial_dims"];
    t.max_nontrivial_dims = Int(m, "value", file, "max_nontrivial_dims");
    t.nontrivial_dims_advice = ParseAdvice(m, file, "max_nontrivial_dims", t.source);
  }
  if (j.contains("compiled_op")) {
    const auto& c = j["compiled_op"];
    t.compiled_op = Str(c, "name", file, "compiled_op");
    if (t.compiled_op.empty()) Bad(file, "compiled_op: 'name' (the custom op's code) is missing");
    t.compiled_advice = ParseAdvice(c, file, "compiled_op", t.source);
  }
  if (j.contains("cpu_custom_ops")) {
    const auto& c = j["cpu_custom_ops"];
    t.cpu_custom_op_severity =
        ParseSeverity(Str(c, "severity", file, "cpu_custom_ops", "warning"), file, "cpu_custom_ops");
    t.cpu_custom_op_advice = ParseAdvice(c, file, "cpu_custom_ops", t.source);
  }
  if (j.contains("basis")) {
    const auto& b = j["basis"];
    if (!b.is_object()) Bad(file, "'basis' must be an object");
    t.basis_kind = Str(b, "kind", file, "basis");
    if (t.basis_kind != "rules" && t.basis_kind != "compiler" && t.basis_kind != "runtime")
      Bad(file, "basis: kind must be rules, compiler or runtime");
    t.basis_text = Str(b, "text", file, "basis");
    if (t.basis_text.empty()) Bad(file, "basis: 'text' is missing");
  }
  t.node_rules = Str(j, "node_rules", file, "top level", "");
  if (!t.node_rules.empty() && t.node_rules != "xnnpack-delegate")
    Bad(file, "node_rules: only \"xnnpack-delegate\" is known");
  if (!t.node_rules.empty() && j.contains("ops")) Bad(file, "node_rules and ops: the nodes taken come from one of them");
  if (j.contains("unlisted")) t.unlisted = ParseAdvice(j["unlisted"], file, "unlisted", t.source);
  else t.unlisted.source = t.source;

  json defaults = json::object();
  if (j.contains("defaults")) {
    if (!j["defaults"].is_object()) Bad(file, "'defaults' must be an object");
    defaults = j["defaults"];
  }
  if (j.contains("ops")) {
    if (!j["ops"].is_object()) Bad(file, "'ops' must be an object keyed by operator name");
    for (const auto& [key, body] : j["ops"].items()) {
      CheckOpKey(key, file, "ops");
      if (!body.is_object()) Bad(file, "op " + key + " must be an object");
      json merged = defaults;
      merged.update(body);  // the op's own fields win over the defaults
      t.ops.emplace(key, ParseOpRule(key, merged, file, t.source));
    }
  }
  if (j.contains("numerics")) t.numerics = ParseNumerics(j["numerics"], file, t.source);

  if (j.contains("op_versions")) {
    if (!j["op_versions"].is_object()) Bad(file, "'op_versions' must be an object");
    t.op_versions_source = Str(j, "op_versions_source", file, "top level", t.source);
    for (const auto& [key, list] : j["op_versions"].items()) {
      CheckOpKey(key, file, "op_versions");
      if (!list.is_array() || list.empty()) Bad(file, "op_versions " + key + ": must be a non-empty array");
      std::vector<std::string> releases;
      for (const auto& r : list) {
        if (r.is_null()) {
          releases.emplace_back();
        } else if (r.is_string() && ParseVersion(r.get<std::string>())) {
          releases.push_back(r.get<std::string>());
        } else {
          Bad(file, "op_versions " + key + ": entries must be release strings like \"1.14.0\" or null");
        }
      }
      t.op_versions[key] = std::move(releases);
    }
  }
  if (j.contains("known_custom_ops")) {
    if (!j["known_custom_ops"].is_object()) Bad(file, "'known_custom_ops' must be an object");
    for (const auto& [name, body] : j["known_custom_ops"].items()) {
      KnownCustomOp k;
      k.name = name;
      k.origin = Str(body, "origin", file, "known_custom_ops " + name);
      k.advice = ParseAdvice(body, file, "known_custom_ops " + name, t.source);
      t.known_custom_ops.push_back(std::move(k));
    }
  }
  if (j.contains("flex")) {
    const auto& f = j["flex"];
    t.flex = ParseAdvice(f, file, "flex", t.source);
    t.flex_size_cost = Str(f, "size_cost", file, "flex");
    if (f.contains("builtin_equivalents")) {
      for (const auto& [flex, builtin] : f["builtin_equivalents"].items()) {
        if (!builtin.is_string()) Bad(file, "flex builtin_equivalents: values must be operator names");
        CheckOpKey(builtin.get<std::string>(), file, "flex builtin_equivalents");
        t.flex_builtin_equivalents[flex] = builtin.get<std::string>();
      }
    }
  }
  if (j.contains("quantized_dimension"))
    t.quantized_dimension_check = ParseAdvice(j["quantized_dimension"], file, "quantized_dimension", t.source);
  if (j.contains("stale_min_runtime_version"))
    t.stale_metadata = ParseAdvice(j["stale_min_runtime_version"], file, "stale_min_runtime_version", t.source);

  if (t.kind == "delegate" && t.fallback.empty()) Bad(file, "a delegate needs 'fallback' (the runtime it runs in)");
  if (!t.default_version.empty() && !ParseVersion(t.default_version))
    Bad(file, "'default_version' must look like 1.2.3");
  return t;
}

const char* const kPreferredOrder[] = {"tflite", "xnnpack", "gpu", "nnapi", "coreml", "edgetpu", "tflm"};

}  // namespace

std::string SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "info";
}

const KnownCustomOp* TargetRules::FindKnownCustomOp(const std::string& name) const {
  for (const auto& k : known_custom_ops) {
    if (!k.name.empty() && k.name.back() == '*') {
      if (name.rfind(k.name.substr(0, k.name.size() - 1), 0) == 0) return &k;
    } else if (k.name == name) {
      return &k;
    }
  }
  return nullptr;
}

std::string TargetRules::LatestVersion() const {
  std::string latest = default_version;
  for (const auto& [op, releases] : op_versions)
    for (const auto& r : releases)
      if (!r.empty() && (latest.empty() || CompareVersions(latest, r) < 0)) latest = r;
  return latest;
}

std::string ResolveRulesDir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (const char* env = std::getenv("TFLITE_DOCTOR_RULES"); env && *env) return env;
  return TFD_DEFAULT_RULES_DIR;
}

TargetRules ParseTargetRules(const std::string& text, const std::string& file) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    Bad(file, "not valid JSON: " + what);
  }
  try {
    return ParseJson(j, file);
  } catch (const json::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    Bad(file, "does not follow the rule vocabulary: " + what);
  }
}

RuleBook LoadRuleBook(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    Fail("rules directory '{}' not found (set --rules DIR or TFLITE_DOCTOR_RULES)", dir);
  RuleBook book;
  book.dir = dir;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  bool have_common = false;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) Fail("{}: cannot read rule file", path.string());
    std::stringstream ss;
    ss << in.rdbuf();
    TargetRules t = ParseTargetRules(ss.str(), path.string());
    if (t.kind == "common") {
      if (have_common) Fail("{}: a second 'common' rule file", path.string());
      book.common = std::move(t);
      have_common = true;
      continue;
    }
    if (book.targets.count(t.name)) Fail("{}: target '{}' is defined twice", path.string(), t.name);
    std::string name = t.name;
    book.targets.emplace(name, std::move(t));
  }
  if (!have_common) Fail("rules directory '{}' has no common.json", dir);
  if (book.targets.empty()) Fail("rules directory '{}' has no target rule files", dir);
  for (const char* name : kPreferredOrder)
    if (book.targets.count(name)) book.order.push_back(name);
  for (const auto& [name, _] : book.targets)
    if (std::find(book.order.begin(), book.order.end(), name) == book.order.end()) book.order.push_back(name);
  for (const auto& [name, t] : book.targets)
    if (!t.fallback.empty() && !book.targets.count(t.fallback))
      Fail("{}: fallback runtime '{}' has no rule file", t.file, t.fallback);
  return book;
}

}  // namespace tfd::compat
