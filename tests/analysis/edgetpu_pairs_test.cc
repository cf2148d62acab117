// `check --target edgetpu` held against the real Edge TPU compiler: each
// fixture pair is a quantized model beside the file edgetpu_compiler made of
// it. The compiled file says what the compiler did: the ops it mapped are gone,
// folded into `edgetpu-custom-op` nodes (one per Edge TPU partition), and the
// ops it left on the CPU are still there, with their tensors' names and
// shapes. The tests derive that node by node and ask the rule engine to
// predict exactly the same.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "analysis/compat/engine.h"
#include "analysis/compat/node_facts.h"
#include "analysis/compat/rules.h"
#include "format/model_reader.h"
#include "test_support.h"

namespace tfd::compat {
namespace {

const std::string kRulesDir = std::string(TFD_SOURCE_DIR) + "/rules";
constexpr const char* kCompiledOp = "CUSTOM:edgetpu-custom-op";

const RuleBook& Rules() {
  static const RuleBook book = LoadRuleBook(kRulesDir);
  return book;
}

// What the compiler did to a source model, read off its compiled file.
struct CompilerOutcome {
  int partitions = 0;              // edgetpu-custom-op nodes
  std::vector<bool> mapped;        // per source node of the main subgraph
  std::set<int> cpu_nodes;         // source nodes still in the compiled file
  std::vector<std::string> unmatched;  // compiled CPU nodes no source node explains
};

// A node's identity across the two files: its op and its outputs' names and
// shapes (the compiler keeps the tensors of the ops it leaves on the CPU).
std::string Signature(const Model& m, const Subgraph& sg, const Operator& op) {
  std::string s = OpKey(m.op_code(op));
  for (int32_t o : op.outputs) {
    if (o < 0) continue;
    const Tensor& t = sg.tensors.at(o);
    s += fmt::format("|{}{}", t.name, fmt::join(t.shape, "x"));
  }
  return s;
}

CompilerOutcome ReadOutcome(const Model& source, const Model& compiled) {
  const Subgraph& src = source.subgraphs.at(0);
  const Subgraph& out = compiled.subgraphs.at(0);
  std::multimap<std::string, int> by_signature;
  for (size_t i = 0; i < src.operators.size(); ++i)
    by_signature.emplace(Signature(source, src, src.operators[i]), static_cast<int>(i));
  CompilerOutcome r;
  r.mapped.assign(src.operators.size(), true);
  for (const auto& op : out.operators) {
    if (OpKey(compiled.op_code(op)) == kCompiledOp) {
      ++r.partitions;
      // Its outputs are tensors of the source (where the CPU part or the
      // graph outputs read them), with the same shapes.
      for (int32_t o : op.outputs) {
        const Tensor& t = out.tensors.at(o);
        bool found = std::any_of(src.tensors.begin(), src.tensors.end(),
                                 [&](const Tensor& x) { return x.name == t.name && x.shape == t.shape; });
        if (!found) r.unmatched.push_back("compiled output " + t.name);
      }
      continue;
    }
    std::string sig = Signature(compiled, out, op);
    auto [lo, hi] = by_signature.equal_range(sig);
    if (lo == hi || std::next(lo) != hi) {  // none, or ambiguous
      r.unmatched.push_back(sig);
      continue;
    }
    r.mapped[lo->second] = false;
    r.cpu_nodes.insert(lo->second);
  }
  return r;
}

struct Pair {
  const char* name;
  // What the compiled file shows, written out so a wrong reading of the file
  // fails too (the derivation is checked against these, the engine against
  // the derivation).
  int partitions;
  std::set<int> cpu_nodes;
};

const Pair kPairs[] = {
    {"split_concat", 1, {}},
    {"keras_lstm_mnist_ptq", 1, {}},
    {"mobilenet_v1_0.75_192_quant", 1, {}},
    // PosenetDecoderOp (custom, last) stays on the CPU.
    {"posenet_mobilenet_v1_075_481_641_16_quant_decoder", 1, {37}},
    // From the 1x1 -> 33x33 RESIZE_BILINEAR of the image-pooling branch to
    // the end: RESIZE_BILINEAR, QUANTIZE, CONCATENATION, 2 CONV_2D, 2
    // RESIZE_BILINEAR, ARG_MAX.
    {"deeplabv3_mnv2_dm05_pascal_quant", 1, {64, 65, 66, 67, 68, 69, 70, 71}},
};

std::string PairPath(const std::string& name, bool compiled) {
  return testing::Fixture("edgetpu/" + name + (compiled ? "_edgetpu" : "") + ".tflite");
}

TEST(EdgeTpuCompilerPairs, CompiledFilesAreReadAsTheCompilerLeftThem) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  for (const auto& p : kPairs) {
    SCOPED_TRACE(p.name);
    Model source = LoadModel(PairPath(p.name, false));
    Model compiled = LoadModel(PairPath(p.name, true));
    CompilerOutcome o = ReadOutcome(source, compiled);
    EXPECT_TRUE(o.unmatched.empty()) << fmt::format("{}", fmt::join(o.unmatched, "\n"));
    EXPECT_EQ(o.partitions, p.partitions);
    EXPECT_EQ(o.cpu_nodes, p.cpu_nodes);
  }
}

TEST(EdgeTpuCompilerPairs, CheckPredictsTheCompilerNodeByNode) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  for (const auto& p : kPairs) {
    SCOPED_TRACE(p.name);
    Model source = LoadModel(PairPath(p.name, false));
    CompilerOutcome o = ReadOutcome(source, LoadModel(PairPath(p.name, true)));
    TargetResult r = CheckModel(source, Rules(), {ParseTargetSpec("edgetpu", Rules())}).targets.at(0);
    std::string findings;
    for (const auto& f : r.findings)
      findings += fmt::format("  {} node {} {}: {}\n", SeverityName(f.severity), f.node.value_or(-1), f.op, f.reason);
    // The compiler made a file: the model compiles and runs (mapped part on
    // the Edge TPU, the rest on the CPU).
    EXPECT_TRUE(r.runs) << findings;
    EXPECT_EQ(r.partitions, o.partitions) << findings;
    ASSERT_EQ(r.taken.at(0).size(), o.mapped.size());
    for (size_t i = 0; i < o.mapped.size(); ++i)
      EXPECT_EQ(r.taken[0][i], o.mapped[i])
          << "node " << i << " " << OpKey(source.op_code(source.subgraphs[0].operators[i])) << "\n"
          << findings;
    EXPECT_EQ(r.delegated_ops, static_cast<int>(o.mapped.size() - o.cpu_nodes.size()));
    // Where the graph splits is the first node left on the CPU.
    if (o.cpu_nodes.empty()) {
      EXPECT_FALSE(r.first_unsupported_node.has_value());
    } else {
      EXPECT_EQ(r.first_unsupported_node.value_or(-1), *o.cpu_nodes.begin());
    }
  }
}

// The same through the command line, as a user runs it.
TEST(EdgeTpuCompilerPairs, CliJsonAgreesAndSaysItWasValidatedAgainstTheCompiler) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  for (const auto& p : kPairs) {
    SCOPED_TRACE(p.name);
    auto r = testing::RunCli("check --json --target edgetpu " + testing::Quote(PairPath(p.name, false)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out).at("targets").at(0);
    EXPECT_TRUE(j.at("runs").get<bool>());
    EXPECT_EQ(j.at("partitions"), p.partitions);
    EXPECT_EQ(j.at("cpu_nodes").get<std::set<int>>(), p.cpu_nodes);
    if (p.cpu_nodes.empty()) {
      EXPECT_TRUE(j.at("first_unsupported_node").is_null());
    } else {
      EXPECT_EQ(j.at("first_unsupported_node"), *p.cpu_nodes.begin());
    }
    EXPECT_EQ(j.at("basis").at("kind"), "compiler");
    EXPECT_NE(j.at("basis").at("text").get<std::string>().find("compiler"), std::string::npos);
  }
}

}  // namespace
}  // namespace tfd::compat
