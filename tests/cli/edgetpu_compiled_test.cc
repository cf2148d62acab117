// Models compiled by the Edge TPU compiler (they hold `edgetpu-custom-op`):
// inspect says what is compiled and what stays on the CPU; check answers for
// the Edge TPU runtime; run and compare refuse them in one line naming the op.
#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "format/model_reader.h"
#include "format/model_writer.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Quote;
using testing::RunCli;

std::string Compiled(const std::string& name) { return testing::Fixture("edgetpu/" + name + "_edgetpu.tflite"); }
std::string Source(const std::string& name) { return testing::Fixture("edgetpu/" + name + ".tflite"); }

TEST(EdgeTpuCompiled, InspectSaysWhatIsCompiledAndWhatStaysOnTheCpu) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  auto r = RunCli("inspect --json " + Quote(Compiled("deeplabv3_mnv2_dm05_pascal_quant")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto e = nlohmann::json::parse(r.out).at("edgetpu");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e["compiled_op"], "edgetpu-custom-op");
  EXPECT_EQ(e["partitions"], 1);
  EXPECT_FALSE(e["source_ops_recorded"].get<bool>());
  const auto& node = e["compiled_nodes"].at(0);
  EXPECT_EQ(node["node"], 0);
  EXPECT_EQ(node["inputs"], nlohmann::json({"MobilenetV2/MobilenetV2/input"}));
  EXPECT_EQ(node["outputs"].size(), 2u);  // the two branches the CPU part reads
  EXPECT_TRUE(node["readable"].get<bool>());
  EXPECT_EQ(node["executables"], 1);
  // The executable is most of the custom options, not all of them.
  EXPECT_GT(node["executable_bytes"].get<size_t>(), node["custom_options_bytes"].get<size_t>() / 2);
  EXPECT_LT(node["executable_bytes"].get<size_t>(), node["custom_options_bytes"].get<size_t>());
  std::vector<std::string> cpu;
  for (const auto& c : e["cpu_ops"]) cpu.push_back(c["op"]);
  EXPECT_EQ(cpu, (std::vector<std::string>{"RESIZE_BILINEAR", "QUANTIZE", "CONCATENATION", "CONV_2D", "CONV_2D",
                                           "RESIZE_BILINEAR", "RESIZE_BILINEAR", "ARG_MAX"}));

  auto text = RunCli("inspect " + Quote(Compiled("deeplabv3_mnv2_dm05_pascal_quant")));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Edge TPU: compiled by edgetpu_compiler into 1 edgetpu-custom-op node"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("source ops it holds: not recorded"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("on the CPU (stock kernels, or the app's for custom ops): 8 ops: node 1 RESIZE_BILINEAR, node 2 QUANTIZE"),
            std::string::npos)
      << text.out;

  // The source model is not compiled.
  auto src = RunCli("inspect --json " + Quote(Source("deeplabv3_mnv2_dm05_pascal_quant")));
  ASSERT_EQ(src.exit_code, 0) << src.err;
  EXPECT_TRUE(nlohmann::json::parse(src.out).at("edgetpu").is_null());
}

TEST(EdgeTpuCompiled, InspectOfAFullyCompiledModel) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  auto r = RunCli("inspect " + Quote(Compiled("mobilenet_v1_0.75_192_quant")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("on the CPU: nothing (the whole model is compiled)"), std::string::npos) << r.out;
}

// Custom options that are not libedgetpu's flexbuffer (truncated, or other
// bytes) leave the node compiled by its name; inspect says what it cannot read.
TEST(EdgeTpuCompiled, UnreadableCustomOptionsAreSaidNotCrashedOn) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  Model m = LoadModel(Compiled("split_concat"));
  auto& options = m.subgraphs.at(0).operators.at(0).custom_options;
  ASSERT_GT(options.size(), 100u);
  options.resize(options.size() / 2);  // the flexbuffer's root is at the end: now gone
  auto dir = testing::TempDir("edgetpu_bad_options");
  const std::string path = (dir / "truncated_edgetpu.tflite").string();
  SaveModel(m, path);

  auto r = RunCli("inspect --json " + Quote(path));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto node = nlohmann::json::parse(r.out).at("edgetpu").at("compiled_nodes").at(0);
  EXPECT_FALSE(node["readable"].get<bool>());
  EXPECT_TRUE(node["executables"].is_null());
  EXPECT_EQ(node["custom_options_bytes"], options.size());
  auto text = RunCli("inspect " + Quote(path));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("not in libedgetpu's format"), std::string::npos) << text.out;
  auto check = RunCli("check --json --target edgetpu " + Quote(path));
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_TRUE(nlohmann::json::parse(check.out)["targets"][0]["compiled"].get<bool>());
}

TEST(EdgeTpuCompiled, CheckAnswersForTheEdgeTpuRuntime) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  auto r = RunCli("check --json --target edgetpu --target tflite " + Quote(Compiled("deeplabv3_mnv2_dm05_pascal_quant")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out).at("targets");
  const auto& tpu = j.at(0);
  EXPECT_TRUE(tpu["compiled"].get<bool>());
  EXPECT_TRUE(tpu["runs"].get<bool>());
  EXPECT_EQ(tpu["partitions"], 1);
  EXPECT_EQ(tpu["total_ops"], 9);
  EXPECT_EQ(tpu["delegated_ops"], 1);  // the compiled node; its 8 CPU ops are not compiled again
  EXPECT_TRUE(tpu["first_unsupported_node"].is_null());
  int cpu_findings = 0, compiled_findings = 0;
  for (const auto& f : tpu["findings"]) {
    if (f["kind"] != "compiled") continue;
    if (f["op"] == "CUSTOM:edgetpu-custom-op") {
      ++compiled_findings;
      EXPECT_EQ(f["severity"], "info");
      EXPECT_EQ(f["node"], 0);
      EXPECT_NE(f["reason"].get<std::string>().find("libedgetpu"), std::string::npos) << f.dump();
    } else {
      ++cpu_findings;
      EXPECT_EQ(f["severity"], "warning");
      EXPECT_NE(f["reason"].get<std::string>().find("already compiled"), std::string::npos) << f.dump();
    }
  }
  EXPECT_EQ(compiled_findings, 1);
  EXPECT_EQ(cpu_findings, 8);
  // The stock TFLite runtime has no kernel for the compiled op.
  const auto& cpu = j.at(1);
  EXPECT_FALSE(cpu["runs"].get<bool>());
  bool named = false;
  for (const auto& f : cpu["findings"])
    if (f["op"] == "CUSTOM:edgetpu-custom-op" && f["severity"] == "error") {
      named = true;
      EXPECT_NE(f["fix"].get<std::string>().find("libedgetpu"), std::string::npos) << f.dump();
    }
  EXPECT_TRUE(named) << cpu.dump(2);

  auto text = RunCli("check --target edgetpu " + Quote(Compiled("mobilenet_v1_0.75_192_quant")));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("already compiled for it: 1 compiled node run there, 0 ops on CPU"), std::string::npos)
      << text.out;
}

TEST(EdgeTpuCompiled, CheckNeedsTheAppsKernelForACustomOpLeftOnTheCpu) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  auto r = RunCli("check --json --target edgetpu " +
                  Quote(Compiled("posenet_mobilenet_v1_075_481_641_16_quant_decoder")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto t = nlohmann::json::parse(r.out).at("targets").at(0);
  EXPECT_TRUE(t["runs"].get<bool>());
  EXPECT_EQ(t["delegated_ops"], 1);
  bool decoder = false;
  for (const auto& f : t["findings"])
    if (f["op"] == "CUSTOM:PosenetDecoderOp") {
      decoder = true;
      EXPECT_EQ(f["severity"], "warning");
      EXPECT_NE(f["fix"].get<std::string>().find("register"), std::string::npos) << f.dump();
    }
  EXPECT_TRUE(decoder) << t.dump(2);
}

TEST(EdgeTpuCompiled, RunAndCompareRefuseItInOneLineNamingTheOp) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  auto out = testing::TempDir("edgetpu_run");
  auto run = RunCli("run " + Quote(Compiled("split_concat")) + " --seed 1 --output-dir " + Quote(out.string()));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find("tflite-doctor: error: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("'edgetpu-custom-op'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("compiled for the Edge TPU"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(out / "output_0.npy"));

  auto cmp = RunCli("compare " + Quote(Source("split_concat")) + " " + Quote(Compiled("split_concat")) +
                    " --seed 1 --samples 1");
  EXPECT_NE(cmp.exit_code, 0);
  EXPECT_EQ(std::count(cmp.err.begin(), cmp.err.end(), '\n'), 1) << cmp.err;
  EXPECT_NE(cmp.err.find("'edgetpu-custom-op'"), std::string::npos) << cmp.err;
  EXPECT_NE(cmp.err.find("compiled for the Edge TPU"), std::string::npos) << cmp.err;
}

// Where the real thing cannot be asked here, the output says the verdict
// comes from the rules; the Edge TPU's says what it was checked against.
TEST(EdgeTpuCompiled, CheckSaysWhatEachVerdictRestsOn) {
  TFD_REQUIRE_EDGETPU_PAIRS();
  auto r = RunCli("check --target gpu --target nnapi --target coreml --target tflm --target edgetpu " +
                  Quote(Source("mobilenet_v1_0.75_192_quant")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t from_rules = 0;
  for (size_t at = r.out.find("basis: predicted from the rules and their sources"); at != std::string::npos;
       at = r.out.find("basis: predicted from the rules and their sources", at + 1))
    ++from_rules;
  EXPECT_EQ(from_rules, 4u) << r.out;
  EXPECT_NE(r.out.find("not from a run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("basis: checked against the Edge TPU compiler's own output"), std::string::npos) << r.out;
  auto j = RunCli("check --json --target coreml --target edgetpu " + Quote(Source("mobilenet_v1_0.75_192_quant")));
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto targets = nlohmann::json::parse(j.out).at("targets");
  EXPECT_EQ(targets[0]["basis"]["kind"], "rules");
  EXPECT_EQ(targets[1]["basis"]["kind"], "compiler");
}

}  // namespace
}  // namespace tfd
