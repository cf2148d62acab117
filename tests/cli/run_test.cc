// `tflite-doctor run --arithmetic`: the xnnpack profile reproduces what the
// TFLite runtime (with its default XNNPACK delegate) computes.
#include <set>

#include <nlohmann/json.hpp>

#include "data/npy.h"
#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "test_support.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;
using testing::RunCli;

TEST(RunCli, ArithmeticXnnpackMatchesTheTfliteRuntime) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  const std::string model = Fixture("models/tflite-support/mobilenet_v1_0.25_224_quant.tflite");
  const auto dir = testing::TempDir("run-arithmetic");
  auto run = [&](const std::string& arithmetic) {
    const std::string out = (dir / arithmetic).string();
    auto r = RunCli("run " + Quote(model) + " --seed 1 --arithmetic " + arithmetic + " --output-dir " + Quote(out));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ReadNpy(out + "/output_0.npy").data;
  };
  const auto reference = run("reference");
  const auto xnnpack = run("xnnpack");
  // The same seeded input through the TFLite runtime.
  const Model m = LoadModel(model);
  testing::OracleBatch oracle;
  const int id = oracle.AddBytes(ReadFileBytes(model), testing::RandomInputs(m, 1));
  oracle.Run();
  ASSERT_TRUE(oracle.ok(id)) << oracle.error(id);
  EXPECT_EQ(xnnpack, oracle.outputs(id)[0].bytes);
  EXPECT_NE(reference, xnnpack);  // uint8 convolutions round differently in TFLite's own kernels
  std::filesystem::remove_all(dir);
}

// A stateful model's outputs depend on what ran before in the same
// interpreter: run says that its outputs start from the initial state, and
// that is true: they are the real runtime's answers on a fresh interpreter,
// while the runtime's answer to the same input after another one differs.
TEST(RunCli, StatefulModelSaysItsOutputsStartFromTheInitialState) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("run-stateful");
  for (const char* name : {"models/coral/keras_lstm_mnist_ptq.tflite", "models/tflite-micro/trained_lstm.tflite"}) {
    SCOPED_TRACE(name);
    const std::string model = Fixture(name);
    auto r = RunCli("run " + Quote(model) + " --seed 2 --arithmetic xnnpack --output-dir " + Quote(dir.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("note: stateful model: UNIDIRECTIONAL_SEQUENCE_LSTM (node "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("outputs are for one run from the initial state"), std::string::npos) << r.out;
    std::string no_oracle;
    if (!testing::OracleBatch::Available(&no_oracle)) continue;
    const auto ours = ReadNpy((dir / "output_0.npy").string());
    const Model m = LoadModel(model);
    const auto input = testing::RandomInputs(m, 2);
    testing::OracleBatch fresh;
    const int id = fresh.AddBytes(ReadFileBytes(model), input);
    fresh.Run();
    ASSERT_TRUE(fresh.ok(id)) << fresh.error(id);
    const testing::Array ours_array{ours.dtype, ours.shape, ours.data};
    EXPECT_TRUE(testing::FloatClose(ours_array, fresh.outputs(id)[0], 1e-5));
    // After an input at the top of its range (255, 1.0), the same input
    // gets another answer (by 2 steps, and by 0.5).
    testing::Array top = input[0];
    if (top.dtype == DType::UINT8) {
      std::fill(top.bytes.begin(), top.bytes.end(), uint8_t{255});
    } else {
      top = testing::Array::Of<float>(top.dtype, top.shape, std::vector<float>(static_cast<size_t>(top.count()), 1.0f));
    }
    const auto after_another = testing::OracleInSequence(ReadFileBytes(model), {{top}, input});
    EXPECT_FALSE(testing::FloatClose(ours_array, after_another[1][0], 1e-3));
  }
  auto r = RunCli("run " + Quote(Fixture("models/tflite-micro/hello_world_int8.tflite")) + " --seed 1 --output-dir " +
                  Quote(dir.string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("stateful"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

TEST(RunCli, UnknownArithmeticIsAOneLineError) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("run " + Quote(Fixture("models/tflite-micro/simple_add_model.tflite")) +
                  " --seed 1 --arithmetic fast --output-dir " + Quote(testing::TempDir("run-bad").string()));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--arithmetic must be 'reference' or 'xnnpack', got 'fast'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// --dump-tensors writes every tensor a run makes, even on models whose
// converter-joined tensor names are too long for a file name: VWW's reach 235
// characters, which with ".npy" and the temporary suffix a safe write uses
// pass the 255 bytes a file name may have.
TEST(RunCli, DumpTensorsWritesEveryTensorWithFileNamesThatFit) {
  TFD_REQUIRE_FIXTURES();
  const std::string model = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const auto dir = testing::TempDir("run-dump");
  const std::string out = (dir / "out").string(), dump = (dir / "tensors").string();
  auto r = RunCli("run " + Quote(model) + " --seed 3 --output-dir " + Quote(out) + " --dump-tensors " + Quote(dump));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto text = ReadFileBytes(dump + "/tensors.json");
  const auto index = nlohmann::json::parse(std::string(text.begin(), text.end()));
  const Model m = LoadModel(model);
  // The graph input and one output per node.
  ASSERT_EQ(index.size(), 1 + m.main().operators.size());
  std::set<std::string> files;
  size_t longest_name = 0;
  for (const auto& e : index) {
    const std::string file = e["file"];
    EXPECT_LE(file.size(), 255u);
    EXPECT_TRUE(std::filesystem::exists(dump + "/" + file)) << file;
    files.insert(file);
    longest_name = std::max(longest_name, e["name"].get<std::string>().size());
    EXPECT_EQ(e["name"], m.main().tensors[e["tensor"].get<size_t>()].name);
  }
  EXPECT_EQ(files.size(), index.size()) << "file names must be unique";
  EXPECT_GE(longest_name, 235u) << "the case this test is about";
  // The last node's tensor is the output.
  EXPECT_EQ(ReadNpy(dump + "/" + index.back()["file"].get<std::string>()).data, ReadNpy(out + "/output_0.npy").data);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
