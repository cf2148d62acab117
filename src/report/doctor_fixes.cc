#include "report/doctor_fixes.h"

#include <filesystem>

#include "quantize/writer.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

void WriteText(const std::filesystem::path& p, const std::string& text) {
  WriteFileBytes(p.string(), std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace

void WriteDoctorFixes(const std::string& dir, doctor::DoctorResult& result) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) Fail("--fix {}: cannot create the directory ({})", dir, ec.message());
  const std::filesystem::path root(dir);
  std::string changes;
  for (doctor::Cause& c : result.causes) {
    if (c.kind == doctor::kPreprocessing && result.corrected_spec) {
      const auto p = root / "preprocessing.json";
      WriteText(p, PreprocessSpecJson(*result.corrected_spec).dump(2) + "\n");
      result.fixes_written.push_back(p.string());
      c.fix += "; written to " + p.string() + " (use it in the app)";
      changes += "preprocessing: make the app feed the pipeline in " + p.string() + "\n";
    } else if (c.kind == doctor::kQuantization && result.requantized) {
      const auto p = root / "requantized.tflite";
      Model m = *result.requantized;
      quantize::WriteQuantizedModel(m, result.reference, p.string());
      result.fixes_written.push_back(p.string());
      c.fix += "; written to " + p.string();
      changes += "quantization: deploy " + p.string() + " instead\n";
    } else if (c.kind == doctor::kCompatibility) {
      const std::string line = "compatibility: " + c.summary + ". " + c.fix;
      result.manual_fixes.push_back(line);
      changes += line + "\n";
    } else {
      const std::string line = c.kind + ": " + c.fix;
      result.manual_fixes.push_back(line);
      changes += line + "\n";
    }
  }
  if (changes.empty()) changes = "nothing to change: no cause found\n";
  const auto p = root / "CHANGES.txt";
  WriteText(p, changes);
  result.fixes_written.push_back(p.string());
}

}  // namespace tfd
