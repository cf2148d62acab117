#pragma once
// Test-only: incidents built from the fixtures with the project's own tools
// (the model writer, the quantizer, preprocessing specs), and doctor run on
// them through the CLI.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/model_reader.h"
#include "format/model_writer.h"
#include "quantize/calibration.h"
#include "quantize/calibration_source.h"
#include "quantize/rewrite.h"
#include "test_support.h"

namespace tfd::testing {

inline std::string ImagenetCsv() { return Fixture("imagenet-sample/labels.csv"); }

// A CSV of `count` rows of imagenet-sample (absolute paths), every
// `stride`-th row from `first`: disjoint sets for calibration and
// measurement.
inline std::string ImagenetRows(const std::filesystem::path& dir, const std::string& name, size_t first, size_t stride,
                                size_t count) {
  std::ifstream in(ImagenetCsv());
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::string> rows;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(line);
  const auto out_path = dir / (name + ".csv");
  std::ofstream out(out_path);
  out << "path,label\n";
  const auto root = FixturesDir() / "imagenet-sample";
  for (size_t i = first, n = 0; i < rows.size() && n < count; i += stride, ++n)
    out << (root / rows[i].substr(0, rows[i].find(','))).string() << rows[i].substr(rows[i].find(',')) << "\n";
  return out_path.string();
}

inline std::string WriteText(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
  return p.string();
}

// The model with an identity Convolution2DTransposeBias (MediaPipe's custom
// op) after its float input, by tools/plant_custom_op: the same answers in
// tflite-doctor's interpreter, but stock TFLite has no kernel for it.
inline std::string WithIdentityCustomOp(const std::string& model, const std::filesystem::path& out) {
  const std::string tool = std::string(TFD_BUILD_DIR) + "/plant_custom_op";
  const std::string cmd = Quote(tool) + " " + Quote(model) + " " + Quote(out.string());
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return out.string();
}

// `float_model` quantized to int8 by tflite-doctor's quantizer with
// per-tensor weights and min-max ranges from `calibration`, except that the
// range of the tensor whose name starts with `clipped` is narrowed to
// `keep` of its calibrated width: a per-tensor layer that clips. Returns
// that tensor's full name through `name`.
inline std::string PerTensorClipping(const std::string& float_model, const std::string& calibration,
                                     const std::string& clipped, float keep, const std::filesystem::path& out,
                                     std::string* name) {
  quantize::CalibrationSourceOptions co;
  co.data = calibration;
  co.samples = 24;
  quantize::CalibrationSource source = quantize::CalibrationSamples(float_model, co);
  Model m = quantize::FoldConstantDequantize(LoadModel(float_model));
  quantize::Calibration cal = quantize::Calibrate(m, source.Feed());
  bool found = false;
  for (size_t i = 0; i < m.main().tensors.size(); ++i) {
    if (m.main().tensors[i].name.rfind(clipped, 0) != 0) continue;
    *name = m.main().tensors[i].name;
    cal.tensors[i].min *= keep;
    cal.tensors[i].max *= keep;
    found = true;
  }
  EXPECT_TRUE(found) << clipped;
  quantize::RewriteOptions ro;
  ro.spec.per_channel = false;
  ro.method = quantize::ParseRangeMethod("minmax");
  Model q = quantize::RewriteInt8(m, cal, ro);
  SaveModel(q, out.string());
  return out.string();
}

struct DoctorRun {
  CliResult cli;
  nlohmann::json json;
  std::vector<std::string> kinds() const {
    std::vector<std::string> k;
    if (json.contains("causes"))
      for (const auto& c : json["causes"]) k.push_back(c["kind"]);
    return k;
  }
  std::vector<std::string> ruled_out() const {
    std::vector<std::string> k;
    if (json.contains("ruled_out"))
      for (const auto& c : json["ruled_out"]) k.push_back(c["kind"]);
    return k;
  }
};

inline DoctorRun Doctor(const std::string& args) {
  DoctorRun r;
  r.cli = RunCli("doctor " + args + " --json");
  if (r.cli.exit_code == 0) r.json = nlohmann::json::parse(r.cli.out);
  return r;
}

}  // namespace tfd::testing
