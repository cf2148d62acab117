// `tflite-doctor run --arithmetic`: the xnnpack profile reproduces what the
// TFLite runtime (with its default XNNPACK delegate) computes.
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

TEST(RunCli, UnknownArithmeticIsAOneLineError) {
  TFD_REQUIRE_FIXTURES();
  auto r = RunCli("run " + Quote(Fixture("models/tflite-micro/simple_add_model.tflite")) +
                  " --seed 1 --arithmetic fast --output-dir " + Quote(testing::TempDir("run-bad").string()));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--arithmetic must be 'reference' or 'xnnpack', got 'fast'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace tfd
