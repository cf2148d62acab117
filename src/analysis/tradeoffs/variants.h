#pragma once
// Step 1 of `tradeoffs`: write each quantization scheme's model of one float
// model. The schemes are the quantizer's (src/quantize): this step asks it
// for each one by name, and a scheme the quantizer refuses becomes a row
// that says why (the quantizer's own one-line error) instead of a failure.
// The full-integer schemes share one calibration: int8, int8-per-tensor and
// every mixed-precision candidate differ only in the rewrite, so the float
// model is run over the calibration samples once.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"
#include "quantize/calibration.h"
#include "quantize/calibration_source.h"
#include "quantize/rewrite.h"

namespace tfd::tradeoffs {

// Every scheme tradeoffs names, in table order: "dynamic", "float16",
// "int8", "int8-per-tensor", "int16x8", "mixed".
const std::vector<std::string>& KnownSchemes();

// "int8,float16": the schemes in the order given. tfd::Error (one line) for
// an unknown name, a repeated one, or an empty list.
std::vector<std::string> ParseSchemes(const std::string& text);

// One node of the float model kept in float in a mixed variant.
struct FloatLayer {
  int node = -1;       // index in the float model as the quantizer counts it (constant DEQUANTIZE folded)
  std::string op;      // "CONV_2D"
  std::string tensor;  // the node's first output (what --keep-float also accepts)
};

struct Variant {
  std::string scheme;
  std::string file;  // where it was written; "" when not written
  size_t size_bytes = 0;
  std::vector<FloatLayer> float_layers;  // mixed: the layers left in float
  std::string error;                     // why it was not written (one line); "" when written
  bool written() const { return error.empty(); }
};

struct VariantWriterOptions {
  std::string float_path;  // the float .tflite (its metadata is carried over)
  std::string out_dir;     // variants are written as OUT_DIR/<scheme>.tflite
  // What the quantizer is asked for schemes it calibrates itself (those
  // other than int8, int8-per-tensor and mixed): the same data as ours.
  quantize::CalibrationSourceOptions calibration;
  // Range method, bias correction, I/O type... for every full-integer
  // scheme (per-channel is set per scheme).
  quantize::RewriteOptions rewrite;
};

class VariantWriter {
 public:
  // `float_model` is read from options.float_path; `samples` are the
  // calibration inputs, taken through the model's preprocessing.
  VariantWriter(const Model& float_model, std::vector<quantize::CalibrationSample> samples,
                VariantWriterOptions options);
  ~VariantWriter();

  // The scheme's model written to OUT_DIR/<scheme>.tflite; a scheme the
  // quantizer refuses (or a model it cannot take) comes back with `error`.
  // "mixed" is not written here (WriteMixed).
  Variant Write(const std::string& scheme);

  // int8 (per-channel) with `float_nodes` (indices in folded()) kept in
  // float, written to OUT_DIR/<file_name>. tfd::Error when the quantizer
  // refuses.
  Variant WriteMixed(const std::vector<int>& float_nodes, const std::string& file_name);

  // The int8 (per-channel) model in memory, as Write("int8") writes it.
  const Model& Int8Model();

  // The float model as the quantizer works on it: constant DEQUANTIZE
  // folded. Node indices of FloatLayer and WriteMixed are this model's.
  const Model& folded() const { return folded_; }
  const std::vector<quantize::CalibrationSample>& samples() const { return samples_; }

 private:
  const quantize::Calibration& CalibrationOnce();
  Model RewriteInt8(bool per_channel, const std::vector<int>& float_nodes);
  Variant WriteModel(Model model, const std::string& scheme, const std::string& file_name);

  Model folded_;
  std::vector<quantize::CalibrationSample> samples_;
  VariantWriterOptions options_;
  std::optional<quantize::Calibration> calibration_;
  std::optional<Model> int8_;
  std::string int8_refusal_;  // why the quantizer cannot make int8 of this model ("" : it can)
};

}  // namespace tfd::tradeoffs
