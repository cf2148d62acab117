// Whole models through our interpreter and through the real TFLite runtime,
// on the same seeded inputs: every fixture model the runtime can load, and
// the MediaPipe models.
//
// The runtime always applies its XNNPACK delegate, so ours runs in the
// xnnpack arithmetic profile: nodes the delegate takes use kernels with
// XNNPACK's arithmetic (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and ADD
// on uint8/int8; CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and
// RESIZE_BILINEAR on float32, in XNNPACK's summation order), the rest TFLite's
// reference kernels. (The runtime runs those other nodes with its optimized
// kernels, which can round a rare tie differently from the reference ones;
// none of the models here hits one.)
//
// Quantized outputs must be identical. Float outputs must agree within 1e-4
// of the output's largest magnitude: float ops the profile does not mirror
// (e.g. LOGISTIC, which XNNPACK approximates) differ by float rounding. On the
// MediaPipe pose models the reference order drifted to 2e-4..6e-4 through the
// high-resolution decoder; XNNPACK's order makes every output but the final
// sigmoid bit-identical, and that one within 1e-7.
#include <cstdio>
#include <filesystem>

#include "format/model_reader.h"
#include "golden_util.h"
#include "kernel_test_util.h"
#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

constexpr double kFloatModelTolerance = 1e-4;
constexpr int kSeeds = 3;

bool OracleCanFeed(const Model& m) {
  for (int32_t i : m.main().inputs) {
    DType t = m.main().tensors[static_cast<size_t>(i)].dtype;
    if (t == DType::INT64 || t == DType::STRING || t == DType::FLOAT16 || t == DType::UINT16) return false;
  }
  return true;
}

struct ModelRun {
  std::string path;
  Model model;
  std::vector<std::vector<testing::Array>> inputs;
  std::vector<int> oracle_ids;
};

void RunConformance(const std::vector<std::string>& paths, int minimum_compared) {
  testing::OracleBatch oracle;
  std::vector<ModelRun> runs;
  for (const auto& path : paths) {
    ModelRun run{path, LoadModel(path), {}, {}};
    if (!OracleCanFeed(run.model)) continue;
    if (testing::HasGoldenData(path)) {
      run.inputs.push_back(testing::GoldenInputs(path, run.model));
    } else {
      for (int seed = 1; seed <= kSeeds; ++seed) run.inputs.push_back(testing::RandomInputs(run.model, seed));
    }
    auto bytes = ReadFileBytes(path);
    for (const auto& in : run.inputs) run.oracle_ids.push_back(oracle.AddBytes(bytes, in));
    runs.push_back(std::move(run));
  }
  oracle.Run();
  int passed = 0, failed = 0, not_loadable = 0;
  for (const auto& run : runs) {
    if (!oracle.ok(run.oracle_ids[0])) {
      ++not_loadable;  // the real runtime refuses it (custom/Flex ops...)
      continue;
    }
    bool model_ok = true;
    std::string failure;
    for (size_t k = 0; k < run.inputs.size() && model_ok; ++k) {
      std::vector<testing::Array> ours;
      try {
        ours = testing::RunOurs(run.model, run.inputs[k], Arithmetic::kXnnpack);
      } catch (const std::exception& e) {
        model_ok = false;
        failure = e.what();
        break;
      }
      const auto& theirs = oracle.outputs(run.oracle_ids[k]);
      if (ours.size() != theirs.size()) {
        model_ok = false;
        failure = "output count differs";
        break;
      }
      for (size_t o = 0; o < ours.size(); ++o) {
        auto result = ours[o].dtype == DType::FLOAT32 ? testing::FloatClose(ours[o], theirs[o], kFloatModelTolerance)
                                                      : testing::Identical(ours[o], theirs[o]);
        if (!result) {
          model_ok = false;
          failure = "input set " + std::to_string(k) + " output " + std::to_string(o) + ": " + result.message();
          break;
        }
      }
    }
    if (model_ok) {
      ++passed;
    } else {
      ++failed;
      ADD_FAILURE() << run.path << ": " << failure;
    }
  }
  std::printf("conformance: %d passed, %d failed (%d models the runtime cannot load, not compared)\n", passed, failed,
              not_loadable);
  EXPECT_GE(passed + failed, minimum_compared);
}

TEST(Conformance, FixtureModelsMatchTfliteRuntime) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  std::vector<std::string> models;
  for (const auto& p : testing::FilesUnder(testing::FixturesDir() / "models", ".tflite")) models.push_back(p);
  RunConformance(models, 23);
}

TEST(Conformance, GoldenModelsMatchTfliteRuntime) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  RunConformance(testing::FilesUnder(testing::FixturesDir() / "golden", ".tflite"), 127);
}

TEST(Conformance, MediaPipeModelsMatchTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  auto models = testing::MediaPipeModels();
  if (models.empty()) GTEST_SKIP() << "MediaPipe npm packages not installed at " << testing::MediaPipeDir();
  RunConformance(models, 12);
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
