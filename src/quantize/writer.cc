#include "quantize/writer.h"

#include <filesystem>
#include <system_error>

#include "analysis/compat/engine.h"
#include "analysis/compat/rules.h"
#include "format/model_writer.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::quantize {

void RequireDistinctPaths(const std::string& input, const std::string& output) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (output.empty()) Fail("no output path (-o OUT.tflite)");
  if (fs::exists(output, ec) && fs::equivalent(input, output, ec))
    Fail("output '{}' is the input model; quantize never overwrites its input", output);
  if (fs::weakly_canonical(input, ec) == fs::weakly_canonical(output, ec))
    Fail("output '{}' is the input model; quantize never overwrites its input", output);
}

std::string RequiredRuntimeVersion(const Model& model) {
  compat::RuleBook book = compat::LoadRuleBook(compat::ResolveRulesDir());
  const compat::TargetRules* tflite = book.Find("tflite");
  if (!tflite) return "";
  return compat::ComputeMinRuntimeVersion(model, *tflite).computed;
}

void SetMinRuntimeVersion(Model& model, const std::string& version) {
  std::vector<uint8_t> bytes(version.begin(), version.end());
  if (bytes.size() < 16) bytes.resize(16, 0);
  for (const auto& md : model.metadata) {
    if (md.name == "min_runtime_version" && md.buffer > 0 && md.buffer < model.buffers.size()) {
      model.buffers[md.buffer].data = bytes;
      return;
    }
  }
  model.buffers.push_back(Buffer{bytes});
  model.metadata.push_back(MetadataEntry{"min_runtime_version", static_cast<uint32_t>(model.buffers.size() - 1)});
}

WrittenModel WriteQuantizedModel(Model& model, const std::string& input, const std::string& output) {
  RequireDistinctPaths(input, output);
  WrittenModel w;
  w.min_runtime_version = RequiredRuntimeVersion(model);
  if (!w.min_runtime_version.empty()) SetMinRuntimeVersion(model, w.min_runtime_version);
  std::vector<uint8_t> bytes = WriteModel(model);
  w.bytes = bytes.size();
  WriteFileBytes(output, bytes);
  return w;
}

}  // namespace tfd::quantize
