#pragma once
// Test-only: incidents built from the fixtures with the project's own tools
// (the model writer, the quantizer, preprocessing specs), and doctor run on
// them through the CLI.
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

// The float model with an identity Convolution2DTransposeBias (MediaPipe's
// custom op: 1x1 weights, zero bias, VALID, stride 1) between its input and
// the rest: the same answers in tflite-doctor's interpreter, but stock
// TFLite has no kernel for it.
inline std::string WithIdentityCustomOp(const std::string& float_model, const std::filesystem::path& out) {
  Model m = LoadModel(float_model);
  Subgraph& g = m.subgraphs[0];
  const int input = g.inputs[0];
  const Tensor in = g.tensors[static_cast<size_t>(input)];
  const int32_t channels = in.shape.back();
  auto add_buffer = [&](const std::vector<float>& v) {
    Buffer b;
    b.data.resize(v.size() * sizeof(float));
    std::memcpy(b.data.data(), v.data(), b.data.size());
    m.buffers.push_back(std::move(b));
    return static_cast<uint32_t>(m.buffers.size() - 1);
  };
  std::vector<float> eye(static_cast<size_t>(channels * channels), 0.0f);
  for (int32_t c = 0; c < channels; ++c) eye[static_cast<size_t>(c * channels + c)] = 1.0f;
  Tensor w;
  w.name = "passthrough/weights";
  w.shape = {channels, 1, 1, channels};
  w.buffer = add_buffer(eye);
  Tensor b;
  b.name = "passthrough/bias";
  b.shape = {channels};
  b.buffer = add_buffer(std::vector<float>(static_cast<size_t>(channels), 0.0f));
  Tensor o = in;
  o.name = "passthrough";
  o.buffer = 0;
  const int wi = static_cast<int>(g.tensors.size());
  g.tensors.push_back(w);
  g.tensors.push_back(b);
  const int oi = static_cast<int>(g.tensors.size());
  g.tensors.push_back(o);
  for (Operator& op : g.operators)
    for (int& t : op.inputs)
      if (t == input) t = oi;
  m.op_codes.push_back({BuiltinOp::CUSTOM, "Convolution2DTransposeBias", 1});
  Operator op;
  op.opcode_index = static_cast<uint32_t>(m.op_codes.size() - 1);
  op.inputs = {input, wi, wi + 1};
  op.outputs = {oi};
  // TfLiteTransposeConvParams: padding VALID (2), stride_width 1, stride_height 1.
  op.custom_options = {2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
  g.operators.insert(g.operators.begin(), std::move(op));
  SaveModel(m, out.string());
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
  quantize::Calibration cal = quantize::Calibrate(m, source.samples);
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
