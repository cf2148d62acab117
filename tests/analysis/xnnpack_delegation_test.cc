// `check --target xnnpack` held against the real XNNPACK delegate: for every
// model the oracle's runtime loads (the fixtures, the MediaPipe models the
// oracle's packages ship, models our quantizer writes), the nodes check says
// the delegate takes must be exactly those the runtime's profile shows it
// took (oracle.js --delegation), node by node.
//
// The runtime's answers are cached in the build directory, keyed by the
// bytes of the model and of oracle.js, so a rebuild asks it only about new
// models; a fresh build asks once, in one Node process where it can.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/compat/engine.h"
#include "analysis/compat/rules.h"
#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "interpreter/xnnpack_delegate.h"
#include "kernel_test_util.h"
#include "test_support.h"
#include "graph/dtype.h"
#include "util/error.h"

namespace tfd {
namespace {

using testing::FixtureModels;
using testing::MediaPipeModels;
using testing::OracleBatch;
using testing::Quote;
using testing::RunCli;
using testing::TempDir;

uint64_t Fnv1a(const std::vector<uint8_t>& bytes, uint64_t h = 1469598103934665603ull) {
  for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
  return h;
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// What the runtime said about one model: the delegated main-subgraph nodes,
// or why it could not tell (the model does not load, ...).
struct RuntimeDelegation {
  bool known = false;
  std::vector<int> delegated;
  std::string why;
};

std::filesystem::path CacheFile(const std::vector<uint8_t>& model_bytes) {
  static const uint64_t oracle = Fnv1a(ReadBytes(std::string(TFD_SOURCE_DIR) + "/tools/oracle/oracle.js"));
  char name[64];
  std::snprintf(name, sizeof name, "%016llx.json", static_cast<unsigned long long>(Fnv1a(model_bytes, oracle)));
  return std::filesystem::path(TFD_BUILD_DIR) / "xnnpack-delegation-cache" / name;
}

void Store(const std::filesystem::path& file, const RuntimeDelegation& d) {
  std::filesystem::create_directories(file.parent_path());
  nlohmann::json j = {{"known", d.known}, {"delegated", d.delegated}, {"why", d.why}};
  std::ofstream(file) << j.dump() << "\n";
}

// One model alone (`oracle.js MODEL --delegation`, zero inputs): for models
// whose inputs the batch runner cannot be given (strings, int64).
RuntimeDelegation AskAlone(const std::string& path) {
  auto dir = TempDir("xnnpack-delegation");
  std::string cmd = "node " + Quote(std::string(TFD_SOURCE_DIR) + "/tools/oracle/oracle.js") + " " + Quote(path) +
                    " --delegation >" + Quote((dir / "out").string()) + " 2>" + Quote((dir / "err").string());
  int status = std::system(cmd.c_str());
  RuntimeDelegation d;
  std::ifstream out(dir / "out"), err(dir / "err");
  std::string line;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && std::getline(out, line)) {
    auto j = nlohmann::json::parse(line);
    d.known = true;
    d.delegated = j.at("delegated").get<std::vector<int>>();
  } else {
    std::getline(err, d.why);
    if (d.why.empty()) d.why = "oracle exit status " + std::to_string(WEXITSTATUS(status));
  }
  std::filesystem::remove_all(dir);
  return d;
}

// The runtime's delegation for each model, from the cache where it is.
std::vector<RuntimeDelegation> AskRuntime(const std::vector<std::string>& paths) {
  std::vector<RuntimeDelegation> out(paths.size());
  std::vector<std::vector<uint8_t>> bytes(paths.size());
  OracleBatch batch;
  std::map<size_t, int> in_batch;  // model -> batch case
  for (size_t i = 0; i < paths.size(); ++i) {
    bytes[i] = ReadBytes(paths[i]);
    const auto cache = CacheFile(bytes[i]);
    if (std::filesystem::exists(cache)) {
      auto j = nlohmann::json::parse(std::ifstream(cache));
      out[i] = {j.at("known").get<bool>(), j.at("delegated").get<std::vector<int>>(), j.at("why").get<std::string>()};
      continue;
    }
    std::vector<testing::Array> inputs;
    bool feedable = true;
    try {
      Model m = ReadModel(bytes[i], paths[i]);
      for (int32_t t : m.main().inputs) {
        const DType d = m.main().tensors[static_cast<size_t>(t)].dtype;
        feedable &= d == DType::FLOAT32 || d == DType::INT8 || d == DType::UINT8 || d == DType::INT16 ||
                    d == DType::INT32 || d == DType::BOOL;
      }
      if (feedable) inputs = testing::RandomInputs(m, 7);
    } catch (const std::exception&) {
      feedable = false;
    }
    if (feedable) {
      in_batch[i] = batch.AddBytes(bytes[i], inputs);
    } else {
      out[i] = AskAlone(paths[i]);
      Store(cache, out[i]);
    }
  }
  if (!in_batch.empty()) {
    batch.Run();
    for (const auto& [i, id] : in_batch) {
      RuntimeDelegation& d = out[i];
      if (!batch.ok(id)) {
        d.why = batch.error(id);
      } else if (batch.delegated(id) == nullptr) {
        d.why = batch.delegation_error(id);
      } else {
        d.known = true;
        d.delegated = *batch.delegated(id);
      }
      // Alone, with zero inputs and no outputs read, the runtime can tell
      // about some models the batch could not (an int64 output it cannot
      // expose, a trap with the profiler on after other models).
      if (!d.known) {
        RuntimeDelegation alone = AskAlone(paths[i]);
        if (alone.known) d = alone;
      }
      Store(CacheFile(bytes[i]), d);
    }
  }
  return out;
}

std::string NodeText(const Model& m, int n) {
  const Operator& op = m.main().operators[static_cast<size_t>(n)];
  std::string dtype = "-";
  for (int32_t i : op.inputs)
    if (i >= 0) {
      dtype = DTypeName(m.main().tensors[static_cast<size_t>(i)].dtype);
      break;
    }
  return "node " + std::to_string(n) + " " + m.op_code(op).Name() + " (" + dtype + ")";
}

// Checks every model the runtime could tell about, node by node, and prints
// how many agree (and, on request, the per-op evidence).
void ExpectCheckMatchesRuntime(const std::vector<std::string>& paths, const char* what) {
  ASSERT_FALSE(paths.empty()) << "no " << what;
  const compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir());
  const compat::TargetSpec xnnpack = compat::ParseTargetSpec("xnnpack", book);
  const std::vector<RuntimeDelegation> runtime = AskRuntime(paths);
  int compared = 0, agree = 0, nodes_differing = 0;
  std::vector<std::string> unknown;
  // Per "OP (dtype)": nodes the runtime took and left (printed with
  // TFD_XNNPACK_DELEGATION_SUMMARY=1: the evidence behind each rule's source).
  std::map<std::string, std::pair<int, int>> seen;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string name = std::filesystem::path(paths[i]).filename().string();
    if (!runtime[i].known) {
      unknown.push_back(name + ": " + runtime[i].why);
      continue;
    }
    Model m = LoadModel(paths[i]);
    const compat::CheckResult r = compat::CheckModel(m, book, {xnnpack});
    const std::vector<bool>& taken = r.targets.at(0).taken.at(0);
    const std::set<int> theirs(runtime[i].delegated.begin(), runtime[i].delegated.end());
    std::vector<std::string> differ;
    for (size_t n = 0; n < taken.size(); ++n) {
      std::string key = NodeText(m, static_cast<int>(n));
      key = key.substr(key.find(' ', 5) + 1);
      (theirs.count(static_cast<int>(n)) ? seen[key].first : seen[key].second)++;
    }
    for (size_t n = 0; n < taken.size(); ++n)
      if (taken[n] != (theirs.count(static_cast<int>(n)) > 0))
        differ.push_back(NodeText(m, static_cast<int>(n)) + (taken[n] ? ": check takes it, the runtime did not"
                                                                       : ": the runtime took it, check does not"));
    for (int n : theirs)
      if (n < 0 || static_cast<size_t>(n) >= taken.size()) differ.push_back("runtime node " + std::to_string(n));
    ++compared;
    if (differ.empty()) {
      ++agree;
      continue;
    }
    nodes_differing += static_cast<int>(differ.size());
    std::ostringstream msg;
    for (const auto& d : differ) msg << "\n  " << d;
    ADD_FAILURE() << paths[i] << ": " << differ.size() << " node(s) differ from the runtime's delegate:" << msg.str();
  }
  std::printf("%s: check --target xnnpack matches the runtime's delegate on %d of %d models (%d nodes differ); "
              "%zu the runtime could not tell about\n",
              what, agree, compared, nodes_differing, unknown.size());
  for (const auto& u : unknown) std::printf("  not compared: %s\n", u.c_str());
  if (std::getenv("TFD_XNNPACK_DELEGATION_SUMMARY"))
    for (const auto& [key, counts] : seen) std::printf("  %s: taken %d, left %d\n", key.c_str(), counts.first, counts.second);
  EXPECT_GT(compared, 0);
}

#define REQUIRE_ORACLE_AND_FIXTURES()                                           \
  do {                                                                          \
    TFD_REQUIRE_FIXTURES();                                                     \
    std::string why;                                                            \
    if (!OracleBatch::Available(&why)) GTEST_SKIP() << why;                     \
  } while (0)

// Every .tflite of ../shared/fixtures: models/, the Edge TPU compiler's
// source models (its compiled ones do not load in the runtime: no
// edgetpu-custom-op), and the golden single-op models.
TEST(XnnpackDelegation, FixtureModelsMatchTheRuntime) {
  REQUIRE_ORACLE_AND_FIXTURES();
  ExpectCheckMatchesRuntime(FixtureModels(), "fixture models");
}

TEST(XnnpackDelegation, MediaPipeModelsMatchTheRuntime) {
  std::string why;
  if (!OracleBatch::Available(&why)) GTEST_SKIP() << why;
  if (MediaPipeModels().empty()) GTEST_SKIP() << "no MediaPipe models at " << testing::MediaPipeDir();
  ExpectCheckMatchesRuntime(MediaPipeModels(), "MediaPipe models");
}

// Models our quantizer writes (int8 with float I/O, and uint8 I/O: the
// QUANTIZE and DEQUANTIZE nodes at the edges, int8 everywhere else).
TEST(XnnpackDelegation, QuantizerModelsMatchTheRuntime) {
  REQUIRE_ORACLE_AND_FIXTURES();
  auto dir = TempDir("xnnpack-delegation-quantized");
  std::vector<std::string> written;
  const std::vector<std::pair<std::string, std::string>> sources = {
      {"models/mlperf-tiny/vww_96_float.tflite", "float32"},
      {"models/mlperf-tiny/kws_ref_model_float32.tflite", "int8"},
      {"models/mlperf-tiny/ad01_fp32.tflite", "uint8"},
      {"models/tflite-micro/hello_world_float.tflite", "float32"}};
  for (const auto& [source, io] : sources) {
    const std::string out = (dir / (std::filesystem::path(source).stem().string() + "_" + io + ".tflite")).string();
    auto r = RunCli("quantize " + Quote(testing::Fixture(source)) + " -o " + Quote(out) +
                    " --calibration random --samples 8 --io " + io);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    written.push_back(out);
  }
  ExpectCheckMatchesRuntime(written, "quantizer-written models");
  std::filesystem::remove_all(dir);
}

// Single-node models of the ops (and dtypes) the rules name that no model
// above has, each asked of the runtime: where the rule comes from for them.
struct OpCase {
  std::string label;
  Model model;
};

std::vector<OpCase> SingleOpCases() {
  using testing::OpModel;
  using testing::TensorSpec;
  const auto F = DType::FLOAT32;
  const TensorSpec f{F, {1, 4, 4, 3}};
  const TensorSpec q8{DType::INT8, {1, 4, 4, 3}, 0.05f, -3};
  const TensorSpec u8{DType::UINT8, {1, 4, 4, 3}, 0.05f, 120};
  std::vector<OpCase> out;
  auto unary = [&](BuiltinOp op, const std::string& name, const TensorSpec& t) {
    OpModel m(op);
    m.Input(t);
    m.Output(t);
    out.push_back({name, m.Build()});
  };
  unary(BuiltinOp::ABS, "ABS float32", f);
  unary(BuiltinOp::CEIL, "CEIL float32", f);
  unary(BuiltinOp::FLOOR, "FLOOR float32", f);
  unary(BuiltinOp::NEG, "NEG float32", f);
  unary(BuiltinOp::ROUND, "ROUND float32", f);
  unary(BuiltinOp::ELU, "ELU float32", f);
  unary(BuiltinOp::SQRT, "SQRT float32", f);
  unary(BuiltinOp::RSQRT, "RSQRT float32", f);
  unary(BuiltinOp::SQUARE, "SQUARE float32", f);
  unary(BuiltinOp::EXP, "EXP float32", f);
  unary(BuiltinOp::RELU, "RELU float32", f);
  unary(BuiltinOp::RELU6, "RELU6 float32", f);
  unary(BuiltinOp::RELU_N1_TO_1, "RELU_N1_TO_1 float32", f);
  unary(BuiltinOp::RELU, "RELU int8", q8);
  unary(BuiltinOp::TANH, "TANH float32", f);
  unary(BuiltinOp::HARD_SWISH, "HARD_SWISH float32", f);
  unary(BuiltinOp::DEQUANTIZE, "DEQUANTIZE uint8", u8);
  {
    OpModel m(BuiltinOp::DEQUANTIZE);
    m.Input(u8);
    m.Output(f);
    out.back() = {"DEQUANTIZE uint8", m.Build()};
  }
  {
    OpModel m(BuiltinOp::LEAKY_RELU);
    m.Input(f);
    m.Output(f);
    tflite::LeakyReluOptionsT o;
    o.alpha = 0.2f;
    m.Options(o);
    out.push_back({"LEAKY_RELU float32", m.Build()});
  }
  auto binary = [&](BuiltinOp op, const std::string& name) {
    OpModel m(op);
    m.Input(f);
    m.Input(f);
    m.Output(f);
    out.push_back({name, m.Build()});
  };
  binary(BuiltinOp::SUB, "SUB float32");
  binary(BuiltinOp::DIV, "DIV float32");
  binary(BuiltinOp::MAXIMUM, "MAXIMUM float32");
  binary(BuiltinOp::MINIMUM, "MINIMUM float32");
  binary(BuiltinOp::SQUARED_DIFFERENCE, "SQUARED_DIFFERENCE float32");
  {
    OpModel m(BuiltinOp::PRELU);
    m.Input(f);
    m.Const<float>({F, {3}}, {0.1f, 0.2f, 0.3f});
    m.Output(f);
    out.push_back({"PRELU float32", m.Build()});
  }
  for (const TensorSpec* t : {&f, &q8}) {
    const std::string dt = t == &f ? " float32" : " int8";
    {
      OpModel m(BuiltinOp::TRANSPOSE);
      m.Input(*t);
      m.Const<int32_t>({DType::INT32, {4}}, {0, 2, 1, 3});
      m.Output(*t);
      out.push_back({"TRANSPOSE" + dt, m.Build()});
    }
    {
      TensorSpec o = *t;
      o.shape = {1, 2, 2, 3};
      OpModel m(BuiltinOp::SLICE);
      m.Input(*t);
      m.Const<int32_t>({DType::INT32, {4}}, {0, 1, 1, 0});
      m.Const<int32_t>({DType::INT32, {4}}, {1, 2, 2, 3});
      m.Output(o);
      out.push_back({"SLICE" + dt, m.Build()});
      OpModel ss(BuiltinOp::STRIDED_SLICE);
      ss.Input(*t);
      ss.Const<int32_t>({DType::INT32, {4}}, {0, 1, 1, 0});
      ss.Const<int32_t>({DType::INT32, {4}}, {1, 3, 3, 3});
      ss.Const<int32_t>({DType::INT32, {4}}, {1, 1, 1, 1});
      ss.Output(o);
      out.push_back({"STRIDED_SLICE" + dt, ss.Build()});
    }
    {
      TensorSpec o = *t;
      o.shape = {1, 4, 4, 1};
      OpModel m(BuiltinOp::SPLIT);
      m.Const<int32_t>({DType::INT32, {}}, {3});
      m.Input(*t);
      for (int i = 0; i < 3; ++i) m.Output(o);
      tflite::SplitOptionsT so;
      so.num_splits = 3;
      m.Options(so);
      out.push_back({"SPLIT 3" + dt, m.Build()});
    }
    {
      TensorSpec in = *t, o = *t;
      in.shape = {1, 2, 2, 4};
      o.shape = {1, 4, 4, 1};
      OpModel m(BuiltinOp::DEPTH_TO_SPACE);
      m.Input(in);
      m.Output(o);
      tflite::DepthToSpaceOptionsT d;
      d.block_size = 2;
      m.Options(d);
      out.push_back({"DEPTH_TO_SPACE" + dt, m.Build()});
      OpModel s2d(BuiltinOp::SPACE_TO_DEPTH);
      s2d.Input(o);
      s2d.Output(in);
      tflite::SpaceToDepthOptionsT sd;
      sd.block_size = 2;
      s2d.Options(sd);
      out.push_back({"SPACE_TO_DEPTH" + dt, s2d.Build()});
    }
    {
      TensorSpec o = *t;
      o.shape = {1, 2, 2, 3};
      OpModel m(BuiltinOp::MAX_POOL_2D);
      m.Input(*t);
      m.Output(o);
      tflite::Pool2DOptionsT po;
      po.padding = tflite::Padding::VALID;
      po.stride_w = po.stride_h = po.filter_width = po.filter_height = 2;
      m.Options(po);
      out.push_back({"MAX_POOL_2D" + dt, m.Build()});
    }
    {
      TensorSpec o = *t;
      o.shape = {1, 6, 6, 3};
      OpModel m(BuiltinOp::PAD);
      m.Input(*t);
      m.Const<int32_t>({DType::INT32, {4, 2}}, {0, 0, 1, 1, 1, 1, 0, 0});
      m.Output(o);
      out.push_back({"PAD" + dt, m.Build()});
    }
  }
  {
    OpModel m(BuiltinOp::CONCATENATION);
    for (int i = 0; i < 5; ++i) m.Input(f);
    m.Output({F, {1, 4, 4, 15}});
    tflite::ConcatenationOptionsT c;
    c.axis = 3;
    m.Options(c);
    out.push_back({"CONCATENATION 5 float32", m.Build()});
  }
  {
    OpModel m(BuiltinOp::TRANSPOSE_CONV);
    m.Const<int32_t>({DType::INT32, {4}}, {1, 8, 8, 2});
    std::vector<float> w(2 * 3 * 3 * 3, 0.1f);
    m.Const<float>({F, {2, 3, 3, 3}}, w);
    m.Input(f);
    m.Output({F, {1, 8, 8, 2}});
    tflite::TransposeConvOptionsT o;
    o.padding = tflite::Padding::SAME;
    o.stride_w = o.stride_h = 2;
    m.Options(o);
    out.push_back({"TRANSPOSE_CONV float32", m.Build()});
  }
  return out;
}

TEST(XnnpackDelegation, SingleOpModelsMatchTheRuntime) {
  std::string why;
  if (!OracleBatch::Available(&why)) GTEST_SKIP() << why;
  const std::vector<OpCase> cases = SingleOpCases();
  OracleBatch oracle;
  for (const OpCase& c : cases) oracle.Add(c.model, testing::RandomInputs(c.model, 3));
  oracle.Run();
  for (size_t i = 0; i < cases.size(); ++i) {
    const int id = static_cast<int>(i);
    if (!oracle.ok(id) || oracle.delegated(id) == nullptr) {
      ADD_FAILURE() << cases[i].label << ": the runtime cannot tell: " << oracle.error(id)
                    << oracle.delegation_error(id);
      continue;
    }
    const bool theirs = !oracle.delegated(id)->empty();
    const bool ours = XnnpackDelegation(cases[i].model).at(0).at(0).taken;
    EXPECT_EQ(ours, theirs) << cases[i].label << ": the runtime " << (theirs ? "took" : "left") << " it";
    if (std::getenv("TFD_XNNPACK_DELEGATION_SUMMARY"))
      std::printf("  %s: %s\n", cases[i].label.c_str(), theirs ? "taken" : "left");
  }
}

// One rule per (op, dtype), and each xnnpack-flavor kernel's rule is reached
// through it: the interpreter's profile and check ask the same thing.
TEST(XnnpackDelegation, EveryFlavorKernelHasExactlyOneRule) {
  const auto& rules = XnnpackRules::Global().rules();
  ASSERT_FALSE(rules.empty());
  for (size_t i = 0; i < rules.size(); ++i)
    for (size_t j = i + 1; j < rules.size(); ++j)
      EXPECT_FALSE(rules[i].op == rules[j].op && rules[i].input_dtype == rules[j].input_dtype)
          << "two rules for " << static_cast<int>(rules[i].op.builtin);
  int flavors = 0;
  for (const KernelEntry& e : KernelRegistry::Global().entries()) {
    if (e.arithmetic != Arithmetic::kXnnpack) continue;
    ++flavors;
    const auto it = std::find_if(rules.begin(), rules.end(),
                                 [&](const XnnpackRule& r) { return r.op == e.op && r.input_dtype == e.input_dtype; });
    ASSERT_NE(it, rules.end()) << "no delegate rule for the xnnpack-flavor kernel of op "
                               << static_cast<int>(e.op.builtin);
    EXPECT_EQ(it->accepts, nullptr) << "a second rule beside the flavor kernel's, op " << static_cast<int>(e.op.builtin);
  }
  EXPECT_GE(flavors, 30);
  for (const XnnpackRule& r : rules) {
    if (r.accepts != nullptr) continue;
    const auto& all = KernelRegistry::Global().entries();
    EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const KernelEntry& e) {
      return e.arithmetic == Arithmetic::kXnnpack && e.op == r.op && e.input_dtype == r.input_dtype && e.accepts;
    })) << "a rule defers to a flavor kernel that is not registered, op " << static_cast<int>(r.op.builtin);
    EXPECT_NE(std::string(r.takes), "");
    EXPECT_NE(std::string(r.source), "");
  }
}

// Each target's verdict says what it rests on: the real delegate for
// XNNPACK, the rules and their sources where no run is possible here.
TEST(XnnpackDelegation, EachTargetSaysWhatItsVerdictRestsOn) {
  const compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir());
  const compat::TargetRules* x = book.Find("xnnpack");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->basis_kind, "runtime");
  EXPECT_NE(x->basis_text.find("checked against the real delegate"), std::string::npos);
  EXPECT_EQ(x->default_version, kXnnpackRulesRelease);
  for (const char* t : {"gpu", "nnapi", "coreml", "tflm"}) {
    const compat::TargetRules* r = book.Find(t);
    ASSERT_NE(r, nullptr) << t;
    EXPECT_EQ(r->basis_kind, "rules") << t;
    EXPECT_NE(r->basis_text.find("not from a run"), std::string::npos) << t;
    EXPECT_NE(r->basis_text.find(std::string("rules/") + t + ".json, transcribed from"), std::string::npos) << t;
  }
  // The text report prints it under each target.
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("check " + Quote(testing::Fixture("models/tflite-micro/hello_world_float.tflite")) +
                  " -t xnnpack -t gpu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  basis: checked against the real delegate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  basis: predicted from the rules and their sources, not from a run (no GPU delegate runs "
                       "here): rules/gpu.json"),
            std::string::npos)
      << r.out;
}

TEST(XnnpackDelegation, OnlyTheOracleReleaseHasRules) {
  const compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir());
  EXPECT_EQ(compat::ParseTargetSpec("xnnpack@2.12", book).version, "2.12");
  try {
    compat::ParseTargetSpec("xnnpack@2.9", book);
    ADD_FAILURE() << "xnnpack@2.9 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no rules for release 2.9"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tfd
