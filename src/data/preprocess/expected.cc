#include "data/preprocess/expected.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "graph/dtype.h"
#include "util/error.h"

namespace tfd {

std::string SpecSourceName(SpecSource s) {
  switch (s) {
    case SpecSource::kMetadata: return "metadata";
    case SpecSource::kQuantization: return "quantization";
    case SpecSource::kReference: return "reference";
    case SpecSource::kDefault: return "default";
    case SpecSource::kNotImage: return "not an image";
  }
  return "?";
}

namespace {

std::pair<double, double> IntLimits(DType t) {
  switch (t) {
    case DType::UINT8: return {0, 255};
    case DType::INT8: return {-128, 127};
    case DType::INT16: return {-32768, 32767};
    case DType::INT32: return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    default: return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  }
}

std::string G(double v) { return fmt::format("{:g}", v); }

// The standard training ranges a quantization range is snapped to.
std::optional<std::array<float, 2>> SnapRange(double lo, double hi) {
  static const std::array<float, 2> kRanges[] = {{0, 1}, {-1, 1}, {0, 255}, {-128, 127}, {-0.5f, 0.5f}};
  for (const auto& r : kRanges) {
    double span = r[1] - r[0];
    if (std::abs(lo - r[0]) <= 0.03 * span && std::abs(hi - r[1]) <= 0.03 * span) return r;
  }
  return std::nullopt;
}

}  // namespace

double RealValue(const PreprocessSpec& spec, const InputTarget& target, int channel, double p) {
  auto [a, b] = spec.Affine(channel);
  double v = a * p + b;
  if (target.dtype == DType::FLOAT32) return v;
  std::optional<QuantParams> q = spec.quantize_with_input ? target.quantization : spec.quantization;
  double qv = q ? v / q->scale + static_cast<double>(q->zero_point) : v;
  auto [lo, hi] = IntLimits(target.dtype);
  qv = std::clamp(qv, lo, hi);
  if (!target.quantization) return qv;
  return target.quantization->scale * (qv - static_cast<double>(target.quantization->zero_point));
}

std::pair<double, double> RealRange(const PreprocessSpec& spec, const InputTarget& target, int channel) {
  return {RealValue(spec, target, channel, 0), RealValue(spec, target, channel, 255)};
}

ExpectedPreprocessing ExpectedFor(const Model& model, size_t input, const ExpectedPreprocessing* partner) {
  ExpectedPreprocessing e;
  const Subgraph& sg = model.main();
  if (input >= sg.inputs.size()) Fail("the model has no input {}", input);
  e.target = TargetFromTensor(sg.tensors.at(static_cast<size_t>(sg.inputs[input])));
  const InputTarget& t = e.target;
  PreprocessSpec& s = e.spec;
  s.layout = t.layout;
  s.dtype = t.dtype;
  if (!t.image_like) {
    e.source = SpecSource::kNotImage;
    e.explanation = fmt::format("input '{}' {} {} is not an image: data is fed as it is", t.name, DTypeName(t.dtype),
                                ShapeString(t.shape));
    if (t.dtype != DType::FLOAT32 && t.quantization) s.quantize_with_input = true;
    return e;
  }
  const bool quantized_int = t.dtype != DType::FLOAT32 && t.quantization.has_value();

  // 1. Metadata.
  std::optional<ModelMetadataInfo> md;
  try {
    md = ReadModelMetadata(model);
  } catch (const Error&) {
    md.reset();
  }
  if (md && input < md->inputs.size()) {
    const TensorMetadataInfo& mi = md->inputs[input];
    if (!mi.mean.empty() && !mi.std.empty()) {
      e.source = SpecSource::kMetadata;
      s.range = {0, 255};
      std::string norm = fmt::format("mean {} std {}", mi.mean.size() == 1 ? G(mi.mean[0]) : fmt::format("{}", mi.mean),
                                     mi.std.size() == 1 ? G(mi.std[0]) : fmt::format("{}", mi.std));
      if (t.dtype == DType::UINT8) {
        // The Task Library skips normalization for uint8 inputs: the
        // quantization is expected to encode it.
        e.explanation = fmt::format(
            "TFLite metadata: normalization {} on 0..255 pixels; the uint8 input takes the pixels as they are "
            "(as the TFLite Task Library feeds it){}",
            norm,
            t.quantization ? fmt::format(", its quantization (scale {:g}, zero point {}) turning them into [{},{}]",
                                         t.quantization->scale, t.quantization->zero_point,
                                         G(RealRange(s, t, 0).first), G(RealRange(s, t, 0).second))
                           : std::string());
      } else {
        s.mean = mi.mean;
        s.std = mi.std;
        if (quantized_int) s.quantize_with_input = true;
        auto [lo, hi] = RealRange(s, t, 0);
        e.explanation = fmt::format("TFLite metadata: normalization {} on 0..255 pixels (= [{},{}]){}", norm, G(lo),
                                    G(hi), quantized_int ? ", then quantized with the input's parameters" : "");
      }
      if (mi.color_space == "GRAYSCALE" && t.channels != 1)
        e.explanation += "; metadata says GRAYSCALE but the input has " + std::to_string(t.channels) + " channels";
      return e;
    }
  }
  // 2. The input's quantization.
  if (quantized_int) {
    auto [qlo, qhi] = IntLimits(t.dtype);
    double lo = t.quantization->scale * (qlo - static_cast<double>(t.quantization->zero_point));
    double hi = t.quantization->scale * (qhi - static_cast<double>(t.quantization->zero_point));
    e.source = SpecSource::kQuantization;
    auto snapped = SnapRange(lo, hi);
    if (t.dtype == DType::UINT8 && t.quantization->scale == 1.0f && t.quantization->zero_point == 0) {
      s.range = {0, 255};
    } else {
      s.range = snapped ? *snapped : std::array<float, 2>{static_cast<float>(lo), static_cast<float>(hi)};
      s.quantize_with_input = true;
    }
    e.explanation = fmt::format(
        "input quantization: {} with scale {:g} and zero point {} covers real values [{:.4g},{:.4g}], so the model "
        "was calibrated on [{},{}]",
        DTypeName(t.dtype), t.quantization->scale, t.quantization->zero_point, lo, hi, G(s.range[0]), G(s.range[1]));
    return e;
  }
  // 3. A paired model.
  if (partner && partner->values_known() && partner->target.image_like) {
    e.source = SpecSource::kReference;
    s.range = partner->spec.range;
    s.mean = partner->spec.mean;
    s.std = partner->spec.std;
    if (partner->spec.mean.empty() && !partner->spec.quantize_with_input && partner->target.dtype != DType::FLOAT32 &&
        partner->target.quantization) {
      // Raw pixels into a quantized partner: the real values it sees.
      auto [lo, hi] = RealRange(partner->spec, partner->target, 0);
      s.range = {static_cast<float>(lo), static_cast<float>(hi)};
      if (auto snapped = SnapRange(lo, hi)) s.range = *snapped;
    }
    s.channel_order = partner->spec.channel_order;
    e.explanation = "no metadata and a float input: values as the paired model's " +
                    SpecSourceName(partner->source) + " says (" + DescribeValues(s) + ")";
    return e;
  }
  // 4. Nothing.
  e.source = SpecSource::kDefault;
  s.range = {0, 1};
  e.explanation = fmt::format(
      "the model does not say what it expects ({} input without metadata or quantization): assuming [0,1]",
      DTypeName(t.dtype));
  return e;
}

}  // namespace tfd
