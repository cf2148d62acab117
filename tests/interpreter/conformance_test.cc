// Whole models through our interpreter and through the real TFLite runtime,
// on the same inputs spread over each input's whole range (see
// whole_range_inputs.h: full integer ranges; float spans [0,1], [-1,1],
// [-4,4] or the metadata's range and beyond), several seeds: every fixture
// model, every TFLite Micro golden model (also on its recorded inputs) and
// the MediaPipe models. One test per model and profile, so each model that
// differs is named in the results.
//
// XnnpackProfile: the runtime always applies its XNNPACK delegate, so ours
// runs in the xnnpack arithmetic profile (nodes the delegate takes use
// kernels with XNNPACK's arithmetic, the rest TFLite's reference kernels).
//
// ReferenceProfile: our reference kernels alone, checked where the runtime
// shows what they should compute: models none of whose quantized nodes the
// profile gives an XNNPACK flavor (the runtime runs them with TFLite's own
// kernels; on float nodes XNNPACK only sums in another order). Elsewhere the
// runtime's answer is XNNPACK's rounding, and the test says so and skips.
//
// Quantized outputs must be identical. Float outputs must agree within 1e-4
// of the output's largest magnitude: float ops the profile does not mirror
// (e.g. LOGISTIC, which XNNPACK approximates) differ by float rounding.
//
// Each model's inputs and the runtime's answers are made once per process,
// for every model of the group whose tests were selected, in one batch of
// the runtime (CTest runs each group as one process).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "format/model_reader.h"
#include "golden_util.h"
#include "graph/dtype.h"
#include "graph/topology.h"
#include "interpreter/interpreter.h"
#include "kernel_test_util.h"
#include "kernels/internal/seq_testing.h"
#include "test_support.h"
#include "util/file_io.h"
#include "whole_range_inputs.h"

namespace tfd {
namespace {

constexpr double kFloatModelTolerance = 1e-4;
constexpr int kSeeds = 3;
// Models whose inputs are this large (MediaPipe, 224x224 MobileNets) get
// kSeeds input sets in all rather than kSeeds per float span: each run costs
// a second or more, several under AddressSanitizer.
constexpr int64_t kLargeInput = 100000;

enum class Group { kFixtures, kGolden, kMediaPipe };

struct ModelCase {
  std::string test_name;  // "coral_keras_lstm_mnist_ptq"
  std::string path;
  Group group;
};

// How gtest prints a case in failure lines: its path.
void PrintTo(const ModelCase& c, std::ostream* os) { *os << (c.path.empty() ? "(no models)" : c.path); }

std::string TestNameFor(const std::filesystem::path& path, const std::filesystem::path& root) {
  std::string rel = std::filesystem::relative(path, root).replace_extension().string();
  std::string out;
  for (char c : rel) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::vector<ModelCase> CasesUnder(const std::filesystem::path& root, const std::vector<std::string>& paths,
                                  Group group) {
  std::vector<ModelCase> out;
  for (const auto& p : paths) out.push_back({TestNameFor(p, root), p, group});
  // A parameterized test with no parameter fails to instantiate: without the
  // fixtures or the packages one placeholder reports the skip.
  if (out.empty()) out.push_back({"not_installed", "", group});
  return out;
}

std::vector<ModelCase> FixtureCases() {
  return CasesUnder(testing::FixturesDir() / "models",
                    testing::FilesUnder(testing::FixturesDir() / "models", ".tflite"), Group::kFixtures);
}
std::vector<ModelCase> GoldenCases() {
  return CasesUnder(testing::FixturesDir() / "golden",
                    testing::FilesUnder(testing::FixturesDir() / "golden", ".tflite"), Group::kGolden);
}
std::vector<ModelCase> MediaPipeCases() {
  return CasesUnder(testing::MediaPipeDir(), testing::MediaPipeModels(), Group::kMediaPipe);
}

// Why the runtime cannot be asked about this model, or "".
std::string OracleCannotFeed(const Model& m) {
  for (int32_t i : m.main().inputs) {
    DType t = m.main().tensors[static_cast<size_t>(i)].dtype;
    if (t == DType::INT64 || t == DType::STRING || t == DType::FLOAT16 || t == DType::UINT16)
      return "the runtime's JavaScript API cannot feed a " + DTypeName(t) + " input";
  }
  return "";
}

// The runtime's JavaScript API cannot expose an int64 (or string, float16,
// uint16) output, such as DeepLab's ARG_MAX class map: the model without the
// nodes producing such graph outputs, so that their inputs become the
// outputs compared (the dropped ops have one-op tests of their own).
// nullopt when every output can be read, or the model has several subgraphs.
std::optional<Model> WithoutUnexposableOutputs(const Model& m) {
  const Subgraph& g = m.main();
  auto unexposable = [](DType t) {
    return t == DType::INT64 || t == DType::STRING || t == DType::FLOAT16 || t == DType::UINT16;
  };
  std::set<int32_t> hidden;
  for (int32_t o : g.outputs)
    if (unexposable(g.tensors[static_cast<size_t>(o)].dtype)) hidden.insert(o);
  if (hidden.empty() || m.subgraphs.size() != 1) return std::nullopt;
  std::vector<size_t> kept;
  for (size_t n = 0; n < g.operators.size(); ++n) {
    bool produces_hidden = false;
    for (int32_t o : g.operators[n].outputs) produces_hidden = produces_hidden || hidden.count(o) > 0;
    if (!produces_hidden) kept.push_back(n);
  }
  if (kept.empty() || kept.size() == g.operators.size()) return std::nullopt;
  Model cut = testing::seq::ExtractNodes(m, kept);
  // The same inputs in the same order, or the input sets would not fit.
  const Subgraph& c = cut.main();
  if (c.inputs.size() != g.inputs.size()) return std::nullopt;
  for (size_t i = 0; i < c.inputs.size(); ++i)
    if (c.tensors[static_cast<size_t>(c.inputs[i])].name != g.tensors[static_cast<size_t>(g.inputs[i])].name)
      return std::nullopt;
  return cut;
}

// One model's inputs and the runtime's answers to them.
struct ModelRun {
  std::unique_ptr<Model> model;
  std::vector<testing::InputSet> inputs;
  std::vector<int> oracle_ids;
  std::vector<std::vector<testing::Array>> oracle_outputs;  // per input set
  std::string skip;     // why it is not compared, or ""
  std::string failure;  // the runtime failed on it for another reason, or ""
};

class Runs {
 public:
  static Runs& Of(Group group) {
    static Runs runs[3];
    return runs[static_cast<int>(group)];
  }

  // The model's run, made with those of every selected test of its group on
  // first use.
  const ModelRun& Get(const ModelCase& c) {
    std::call_once(once_, [&] { Make(c.group); });
    return runs_.at(c.path);
  }

 private:
  void Make(Group group) {
    const std::vector<ModelCase> cases =
        group == Group::kFixtures ? FixtureCases() : group == Group::kGolden ? GoldenCases() : MediaPipeCases();
    // The test names (after the '/') of this group's tests that will run.
    const char* prefix = group == Group::kFixtures ? "WholeRange/FixtureModels"
                         : group == Group::kGolden ? "WholeRange/GoldenModels"
                                                   : "WholeRange/MediaPipeModels";
    std::set<std::string> selected;
    const auto* unit = ::testing::UnitTest::GetInstance();
    for (int i = 0; i < unit->total_test_suite_count(); ++i) {
      const auto* suite = unit->GetTestSuite(i);
      if (std::string(suite->name()).rfind(prefix, 0) != 0) continue;
      for (int j = 0; j < suite->total_test_count(); ++j) {
        const auto* info = suite->GetTestInfo(j);
        if (!info->should_run()) continue;
        std::string name = info->name();
        selected.insert(name.substr(name.find('/') + 1));
      }
    }
    testing::OracleBatch oracle;
    for (const auto& c : cases) {
      if (c.path.empty() || !selected.count(c.test_name)) continue;
      ModelRun& run = runs_[c.path];
      run.model = std::make_unique<Model>(LoadModel(c.path));
      run.skip = OracleCannotFeed(*run.model);
      if (!run.skip.empty()) continue;
      std::vector<testing::Array> golden;
      const bool has_golden = testing::HasGoldenData(c.path);
      if (has_golden) golden = testing::GoldenInputs(c.path, *run.model);
      int64_t input_elements = 0;
      for (int32_t i : run.model->main().inputs)
        input_elements += ElementCount(run.model->main().tensors[static_cast<size_t>(i)].shape).value_or(0);
      // Large inputs: at least kSeeds sets in all, over every float span.
      int seeds = kSeeds;
      if (input_elements > kLargeInput) {
        const int spans = static_cast<int>(testing::WholeRangeInputs(*run.model, 1).size());
        seeds = (kSeeds + spans - 1) / spans;
      }
      run.inputs = testing::WholeRangeInputs(*run.model, seeds, has_golden ? &golden : nullptr);
      if (auto cut = WithoutUnexposableOutputs(*run.model)) {
        std::printf("%s: compared without the nodes producing outputs the runtime cannot expose\n", c.test_name.c_str());
        run.model = std::make_unique<Model>(std::move(*cut));
        for (const auto& set : run.inputs) run.oracle_ids.push_back(oracle.Add(*run.model, set.arrays));
        continue;
      }
      auto bytes = ReadFileBytes(c.path);
      for (const auto& set : run.inputs) run.oracle_ids.push_back(oracle.AddBytes(bytes, set.arrays));
    }
    oracle.Run();
    for (auto& [path, run] : runs_) {
      for (int id : run.oracle_ids) {
        if (oracle.ok(id)) {
          run.oracle_outputs.push_back(oracle.outputs(id));
          continue;
        }
        // The runtime refuses the model (custom or Flex ops, a check it
        // fails: LOADABILITY.md lists them) or cannot expose an output
        // (int64): nothing to compare. Any other error is a failure.
        const std::string& error = oracle.error(id);
        if (error.rfind("cannot load", 0) == 0 || error.rfind("oracle cannot read output", 0) == 0)
          run.skip = "the runtime cannot run it: " + error;
        else
          run.failure = "the runtime failed: " + error;
        break;
      }
    }
  }

  std::once_flag once_;
  std::map<std::string, ModelRun> runs_;
};

// "12 of 1001 elements differ, by up to 3 (at 17: 200 vs runtime 197)".
std::string Difference(const testing::Array& ours, const testing::Array& theirs) {
  if (ours.dtype != theirs.dtype || ours.shape != theirs.shape)
    return DTypeName(ours.dtype) + ShapeString(ours.shape) + " vs runtime " + DTypeName(theirs.dtype) +
           ShapeString(theirs.shape);
  if (ours.dtype == DType::FLOAT32) {
    auto r = testing::FloatClose(ours, theirs, kFloatModelTolerance);
    return r ? "" : r.message();
  }
  if (ours.bytes == theirs.bytes) return "";
  auto r = testing::Identical(ours, theirs);
  if (r) return "";
  // The size of the difference, in output steps.
  for (int steps = 1; steps <= 1 << 16; steps *= 2)
    if (testing::WithinSteps(ours, theirs, steps)) return std::string(r.message()) + "; within " + std::to_string(steps) + " steps";
  return std::string(r.message()) + "; " + testing::WithinSteps(ours, theirs, 0).message();
}

// Runs every input set in `arithmetic` and lists the sets whose outputs
// differ from the runtime's. With `only_where_orders_agree` (the reference
// profile of a model whose float nodes XNNPACK sums in another order), a set
// is judged only when our two orders give outputs within the tolerance of
// each other: where they do not, the runtime's answer (XNNPACK's order)
// cannot tell a wrong reference kernel from the order's rounding.
void ExpectMatchesRuntime(const ModelCase& c, Arithmetic arithmetic, bool only_where_orders_agree = false) {
  const ModelRun& run = Runs::Of(c.group).Get(c);
  if (!run.skip.empty()) GTEST_SKIP() << c.path << ": not compared, " << run.skip;
  ASSERT_TRUE(run.failure.empty()) << run.failure;
  const auto& theirs = run.oracle_outputs;
  int differing = 0, judged = 0;
  std::string order_spread;
  for (size_t k = 0; k < run.inputs.size(); ++k) {
    std::vector<testing::Array> ours;
    try {
      ours = testing::RunOurs(*run.model, run.inputs[k].arrays, arithmetic);
    } catch (const std::exception& e) {
      ADD_FAILURE() << run.inputs[k].label << ": our interpreter failed: " << e.what();
      ++differing;
      continue;
    }
    ASSERT_EQ(ours.size(), theirs[k].size()) << "output count";
    if (only_where_orders_agree) {
      const auto xnnpack = testing::RunOurs(*run.model, run.inputs[k].arrays, Arithmetic::kXnnpack);
      std::string spread;
      for (size_t o = 0; o < ours.size() && spread.empty(); ++o) {
        const std::string d = Difference(ours[o], xnnpack[o]);
        if (!d.empty()) spread = run.inputs[k].label + ", output " + std::to_string(o) + ": " + d;
      }
      if (!spread.empty()) {
        if (order_spread.empty()) order_spread = spread;
        continue;
      }
    }
    ++judged;
    for (size_t o = 0; o < ours.size(); ++o) {
      const std::string diff = Difference(ours[o], theirs[k][o]);
      if (diff.empty()) continue;
      ++differing;
      ADD_FAILURE() << run.inputs[k].label << ", output " << o << ": " << diff;
    }
  }
  std::printf("%s (%s): %d of %zu input sets judged, %d outputs differ\n", c.test_name.c_str(),
              ArithmeticName(arithmetic), judged, run.inputs.size(), differing);
  if (judged == 0 && differing == 0)
    GTEST_SKIP() << "XNNPACK's order of float sums and the reference order give outputs further apart than the "
                    "tolerance on every input set (e.g. "
                 << order_spread << "): the runtime cannot check the reference order here";
}

// Nodes the xnnpack profile gives an XNNPACK-flavor kernel, and whether
// each is a quantized one (empty: both profiles run the same kernels).
struct FlavoredNode {
  std::string name;  // "CONV_2D (node 3)"
  bool quantized = false;
};
std::vector<FlavoredNode> XnnpackFlavoredNodes(const Model& m) {
  InterpreterOptions options;
  options.reference_kernels_only = true;
  options.arithmetic = Arithmetic::kXnnpack;
  Interpreter interp(m, options);
  std::vector<FlavoredNode> out;
  const Subgraph& g = m.main();
  for (size_t n = 0; n < g.operators.size(); ++n) {
    if (interp.kernel_name(static_cast<int>(n)) == "reference") continue;
    const Operator& op = g.operators[n];
    const DType input = g.tensors[static_cast<size_t>(op.inputs.at(0))].dtype;
    out.push_back({m.op_code(op).Name() + " (node " + std::to_string(n) + ")", input != DType::FLOAT32});
  }
  return out;
}

class FixtureModels : public ::testing::TestWithParam<ModelCase> {};
class GoldenModels : public ::testing::TestWithParam<ModelCase> {};
class MediaPipeModels : public ::testing::TestWithParam<ModelCase> {};

void XnnpackProfile(const ModelCase& c) {
  if (c.path.empty()) GTEST_SKIP() << "no models: fixtures or MediaPipe packages not installed";
  TFD_REQUIRE_ORACLE();
  ExpectMatchesRuntime(c, Arithmetic::kXnnpack);
}

// Where the runtime's answer tells what the reference kernels should give:
// on nodes the profile gives no XNNPACK flavor the runtime runs TFLite's own
// kernels; on float ones XNNPACK only sums in another order, which the float
// tolerance allows. On quantized ones it rounds differently, and the
// runtime's answer says nothing about TFLite's reference rounding.
void ReferenceProfile(const ModelCase& c) {
  if (c.path.empty()) GTEST_SKIP() << "no models: fixtures or MediaPipe packages not installed";
  TFD_REQUIRE_ORACLE();
  const ModelRun& run = Runs::Of(c.group).Get(c);
  if (!run.skip.empty()) GTEST_SKIP() << c.path << ": not compared, " << run.skip;
  std::vector<std::string> quantized;
  for (const auto& node : XnnpackFlavoredNodes(*run.model))
    if (node.quantized) quantized.push_back(node.name);
  if (!quantized.empty()) {
    std::string list;
    for (size_t i = 0; i < quantized.size() && i < 3; ++i) list += (i ? ", " : "") + quantized[i];
    GTEST_SKIP() << "the runtime rounds " << quantized.size() << " quantized node(s) the XNNPACK way (" << list
                 << (quantized.size() > 3 ? ", ..." : "") << "): it cannot check the reference kernels' rounding";
  }
  ExpectMatchesRuntime(c, Arithmetic::kReference, /*only_where_orders_agree=*/true);
}

TEST_P(FixtureModels, XnnpackProfile) { XnnpackProfile(GetParam()); }
TEST_P(FixtureModels, ReferenceProfile) { ReferenceProfile(GetParam()); }
TEST_P(GoldenModels, XnnpackProfile) { XnnpackProfile(GetParam()); }
TEST_P(GoldenModels, ReferenceProfile) { ReferenceProfile(GetParam()); }
TEST_P(MediaPipeModels, XnnpackProfile) { XnnpackProfile(GetParam()); }
TEST_P(MediaPipeModels, ReferenceProfile) { ReferenceProfile(GetParam()); }

std::string CaseName(const ::testing::TestParamInfo<ModelCase>& info) { return info.param.test_name; }

INSTANTIATE_TEST_SUITE_P(WholeRange, FixtureModels, ::testing::ValuesIn(FixtureCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(WholeRange, GoldenModels, ::testing::ValuesIn(GoldenCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(WholeRange, MediaPipeModels, ::testing::ValuesIn(MediaPipeCases()), CaseName);

// Stateful models (LSTM and SVDF state in variable tensors): TFLite carries
// the state from one Invoke() to the next, and so does our interpreter. Four
// consecutive runs of one interpreter (every input at the top of its range,
// then whole-range inputs), against the runtime's. From the second run on
// the answers depend on the state; whether that shows in the outputs depends
// on the model (coral's LSTM mostly saturates on random inputs), so it is
// required of one model at least.
TEST(StatefulModels, ConsecutiveRunsMatchTheRuntime) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  int compared = 0;
  std::vector<std::string> state_shows;
  for (const auto& path : testing::FilesUnder(testing::FixturesDir() / "models", ".tflite")) {
    const Model m = LoadModel(path);
    if (StatefulOperators(m).empty() || !OracleCannotFeed(m).empty()) continue;
    SCOPED_TRACE(path);
    std::vector<std::vector<testing::Array>> runs;
    for (auto& set : testing::WholeRangeInputs(m, 3)) runs.push_back(std::move(set.arrays));
    runs.resize(3);
    runs.insert(runs.begin(), testing::TopOfRangeInputs(m));
    const auto theirs = testing::OracleInSequence(ReadFileBytes(path), runs);
    const auto ours = testing::RunOursInSequence(m, runs, Arithmetic::kXnnpack);
    for (size_t r = 0; r < runs.size(); ++r) {
      ASSERT_EQ(ours[r].size(), theirs[r].size());
      for (size_t o = 0; o < ours[r].size(); ++o) {
        const std::string diff = Difference(ours[r][o], theirs[r][o]);
        EXPECT_TRUE(diff.empty()) << "run " << r + 1 << ", output " << o << ": " << diff;
      }
    }
    for (size_t r = 1; r < runs.size(); ++r)
      if (testing::RunOurs(m, runs[r], Arithmetic::kXnnpack)[0].bytes != ours[r][0].bytes) {
        state_shows.push_back(path);
        break;
      }
    ++compared;
  }
  // coral keras_lstm_mnist_ptq, tflite-micro trained_lstm (float and int8),
  // keyword_scrambled (SVDF, two builds).
  EXPECT_GE(compared, 5);
  EXPECT_GE(state_shows.size(), 1u) << "no model answers differently after earlier runs: is any state kept?";
  std::printf("stateful models compared: %d; state shows in the outputs of %zu\n", compared, state_shows.size());
}

// TFLite Micro's recorded outputs for its int16 SEANet layers: bit-exact.
TEST(Golden, SeanetInt16LayersAreBitExact) {
  TFD_REQUIRE_FIXTURES();
  int checked = 0;
  for (const auto& path : testing::FilesUnder(testing::FixturesDir() / "golden", ".tflite")) {
    SCOPED_TRACE(path);
    Model m = LoadModel(path);
    auto outputs = testing::RunOurs(m, testing::GoldenInputs(path, m));
    auto expected = testing::GoldenOutput(path, m, outputs.at(0).shape);
    EXPECT_TRUE(testing::Identical(outputs[0], expected));
    ++checked;
  }
  EXPECT_EQ(checked, 127);
}

}  // namespace
}  // namespace tfd
