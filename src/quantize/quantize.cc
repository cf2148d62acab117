#include "quantize/quantize.h"

#include "format/model_reader.h"
#include "quantize/equalize.h"
#include "quantize/float16.h"
#include "quantize/writer.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd::quantize {

Model QuantizeModel(const Model& float_model, const std::vector<CalibrationSample>& samples,
                    const RewriteOptions& options, RewriteSummary* summary, Calibration* calibration,
                    Model* calibrated_model) {
  return QuantizeModel(float_model, InMemoryFeed(samples), options, summary, calibration, calibrated_model);
}

Model QuantizeModel(const Model& float_model, const SampleFeed& samples, const RewriteOptions& options,
                    RewriteSummary* summary, Calibration* calibration, Model* calibrated_model) {
  RequireQuantizableFloatModel(float_model, options.keep_float, options.int16x8);
  size_t folded = 0;
  Model model = FoldConstantDequantize(float_model, &folded);
  EqualizeSummary eq;
  if (options.equalize) model = EqualizeCrossLayer(model, Calibrate(model, samples), &eq);
  CalibrationOptions copt;
  copt.histograms = options.method.needs_histogram();
  Calibration cal = Calibrate(model, samples, copt);
  RewriteSummary sum;
  Model out = RewriteInt8(model, cal, options, &sum);
  sum.folded_dequantize = folded;
  sum.equalized_pairs = eq.pairs;
  sum.equalize_held_channels = eq.held_channels;
  if (summary) *summary = sum;
  if (calibration) *calibration = std::move(cal);
  if (calibrated_model) *calibrated_model = std::move(model);
  return out;
}

namespace {

// Every scheme ends the same way: the file written (temporary name, renamed
// into place), then measured against the float model on held-out data.
QuantizeResult WriteAndMeasure(Model& out, const QuantizeRequest& r, QuantizeResult& res) {
  WrittenModel w = WriteQuantizedModel(out, r.input, r.output);
  res.output_bytes = w.bytes;
  res.min_runtime_version = w.min_runtime_version;
  if (!r.held_out_data.empty())
    res.held_out = MeasureAgainstFloat(r.input, r.output, r.held_out_data, r.calibration.preprocess);
  return res;
}

}  // namespace

QuantizeResult QuantizeFile(const QuantizeRequest& r) {
  if (r.scheme != "int8" && r.scheme != "int16x8" && r.scheme != "float16" && r.scheme != "dynamic")
    Fail("unknown --scheme '{}': int8, int16x8, dynamic or float16", r.scheme);
  // Only int8 writes integer inputs and outputs; every other scheme keeps
  // float32 ones.
  if (r.scheme != "int8" && r.rewrite.io != IoType::kFloat32)
    Fail("--io {} applies to --scheme int8; {} models keep float32 inputs and outputs", IoTypeName(r.rewrite.io),
         r.scheme == "dynamic" ? "dynamic-range" : r.scheme);
  RewriteOptions rewrite = r.rewrite;
  rewrite.int16x8 = r.scheme == "int16x8";
  RequireDistinctPaths(r.input, r.output);
  QuantizeResult res;
  const std::vector<uint8_t> bytes = ReadFileBytes(r.input);
  res.input_bytes = bytes.size();
  Model model = ReadModel(bytes, r.input);
  if (r.scheme == "dynamic") {
    DynamicRangeOptions opt;
    opt.per_channel = r.rewrite.spec.per_channel;
    opt.min_weight_elements = r.min_weight_elements;
    opt.keep_float = r.rewrite.keep_float;
    DynamicRangeSummary dyn;
    Model out = RewriteDynamicRange(model, opt, &dyn);
    res.dynamic = dyn;
    res.summary.weight_tensors = dyn.weight_tensors;
    res.summary.per_channel_weights = dyn.per_channel_weights;
    res.summary.quantized_nodes = dyn.hybrid_nodes;
    res.summary.folded_dequantize = dyn.folded_dequantize;
    res.summary.float_nodes = dyn.float_nodes;
    return WriteAndMeasure(out, r, res);
  }
  if (r.scheme == "float16") {
    if (!r.rewrite.keep_float.empty()) Fail("--keep-float applies to --scheme int8, int16x8 and dynamic");
    Float16Summary f16;
    Model out = RewriteFloat16(model, &f16);
    res.summary.weight_tensors = f16.tensors;
    return WriteAndMeasure(out, r, res);
  }
  RequireQuantizableFloatModel(model, rewrite.keep_float, rewrite.int16x8);
  res.source = CalibrationSamples(r.input, r.calibration);
  const SampleFeed samples = res.source.Feed();
  res.audit = AuditCalibration(model, samples, res.source.declared_range);
  if (r.strict && res.source.random)
    Fail("--strict: calibration on random inputs refused; give --calibration DATA with real inputs");
  if (r.strict && res.audit.looks_like_noise) Fail("--strict: {}", res.audit.findings.front());
  Calibration cal;
  Model calibrated;
  Model out = QuantizeModel(model, samples, rewrite, &res.summary, &cal, &calibrated);
  res.source.Release();
  AuditRangeSettling(calibrated, cal, &res.audit);
  if (!r.held_out_data.empty()) {
    CalibrationSourceOptions held_out = r.calibration;
    held_out.data = r.held_out_data;
    held_out.samples = 0;
    const CalibrationSource held_out_source = CalibrationSamples(r.input, held_out);
    const Calibration on_held_out = Calibrate(calibrated, held_out_source.Feed());
    AuditAgainstHeldOut(calibrated, cal, on_held_out, &res.audit);
    if (r.strict && res.audit.far_from_held_out) Fail("--strict: {}", res.audit.findings.back());
  }
  return WriteAndMeasure(out, r, res);
}

}  // namespace tfd::quantize
