#include "analysis/tradeoffs/variants.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "format/model_reader.h"
#include "quantize/quantize.h"
#include "quantize/writer.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::tradeoffs {

const std::vector<std::string>& KnownSchemes() {
  static const std::vector<std::string> schemes = {"dynamic", "float16", "int8", "int8-per-tensor", "int16x8", "mixed"};
  return schemes;
}

std::vector<std::string> ParseSchemes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string name = text.substr(start, comma - start);
    start = comma + 1;
    if (name.empty()) continue;
    const auto& known = KnownSchemes();
    if (std::find(known.begin(), known.end(), name) == known.end())
      Fail("unknown scheme '{}' in --schemes; known: {}", name, fmt::join(known, ","));
    if (std::find(out.begin(), out.end(), name) != out.end()) Fail("scheme '{}' is named twice in --schemes", name);
    out.push_back(name);
  }
  if (out.empty()) Fail("--schemes names no scheme; known: {}", fmt::join(KnownSchemes(), ","));
  return out;
}

VariantWriter::VariantWriter(const Model& float_model, std::vector<quantize::CalibrationSample> samples,
                             VariantWriterOptions options)
    : samples_(std::move(samples)), options_(std::move(options)) {
  // The same checks and folding as QuantizeModel, once for every
  // full-integer scheme; a model int8 cannot take (an op without an int8
  // spec) still gets the other schemes, its int8 rows say why.
  try {
    quantize::RequireQuantizableFloatModel(float_model);
  } catch (const Error& e) {
    int8_refusal_ = e.what();
  }
  folded_ = quantize::FoldConstantDequantize(float_model);
}

VariantWriter::~VariantWriter() = default;

const quantize::Calibration& VariantWriter::CalibrationOnce() {
  if (!calibration_) {
    if (samples_.empty()) Fail("no calibration samples to quantize with");
    quantize::CalibrationOptions copt;
    copt.histograms = options_.rewrite.method.needs_histogram();
    calibration_ = quantize::Calibrate(folded_, samples_, copt);
  }
  return *calibration_;
}

Model VariantWriter::RewriteInt8(bool per_channel, const std::vector<int>& float_nodes) {
  if (!int8_refusal_.empty()) throw Error(int8_refusal_);
  quantize::RewriteOptions r = options_.rewrite;
  r.spec.per_channel = per_channel;
  r.keep_float.clear();
  for (int node : float_nodes) r.keep_float.push_back(std::to_string(node));
  return quantize::RewriteInt8(folded_, CalibrationOnce(), r);
}

const Model& VariantWriter::Int8Model() {
  if (!int8_) int8_ = RewriteInt8(true, {});
  return *int8_;
}

Variant VariantWriter::WriteModel(Model model, const std::string& scheme, const std::string& file_name) {
  Variant v;
  v.scheme = scheme;
  v.file = (std::filesystem::path(options_.out_dir) / file_name).string();
  v.size_bytes = quantize::WriteQuantizedModel(model, options_.float_path, v.file).bytes;
  return v;
}

Variant VariantWriter::Write(const std::string& scheme) {
  if (scheme == "mixed") Fail("internal: the mixed variant is written by WriteMixed");
  try {
    if (scheme == "int8") return WriteModel(Int8Model(), scheme, scheme + ".tflite");
    if (scheme == "int8-per-tensor") return WriteModel(RewriteInt8(false, {}), scheme, scheme + ".tflite");
    // Every other scheme: whatever the quantizer makes of its name.
    quantize::QuantizeRequest request;
    request.input = options_.float_path;
    request.output = (std::filesystem::path(options_.out_dir) / (scheme + ".tflite")).string();
    request.scheme = scheme;
    request.calibration = options_.calibration;
    request.rewrite = options_.rewrite;
    quantize::QuantizeResult result = quantize::QuantizeFile(request);
    Variant v;
    v.scheme = scheme;
    v.file = request.output;
    v.size_bytes = result.output_bytes;
    return v;
  } catch (const Error& e) {
    Variant v;
    v.scheme = scheme;
    v.error = e.what();
    return v;
  }
}

Variant VariantWriter::WriteMixed(const std::vector<int>& float_nodes, const std::string& file_name) {
  std::vector<int> nodes = float_nodes;
  std::sort(nodes.begin(), nodes.end());
  Variant v = WriteModel(RewriteInt8(true, nodes), "mixed", file_name);
  const Subgraph& g = folded_.main();
  for (int node : nodes) {
    const Operator& op = g.operators.at(static_cast<size_t>(node));
    FloatLayer layer;
    layer.node = node;
    layer.op = folded_.op_code(op).Name();
    if (!op.outputs.empty() && op.outputs[0] >= 0) layer.tensor = g.tensors[static_cast<size_t>(op.outputs[0])].name;
    v.float_layers.push_back(layer);
  }
  return v;
}

}  // namespace tfd::tradeoffs
