#include "data/detection/detections.h"

#include <algorithm>
#include <cmath>

#include "graph/dtype.h"
#include "util/error.h"

namespace tfd {
namespace {

std::vector<float> Dequantized(const RuntimeTensor& t) {
  const int64_t n = t.NumElements();
  std::vector<float> out(static_cast<size_t>(n));
  const float scale = t.quant() ? t.scale() : 1.0f;
  const int32_t zp = t.quant() ? t.zero_point() : 0;
  auto convert = [&](auto tag) {
    using T = decltype(tag);
    const T* p = t.As<T>();
    for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = scale * (static_cast<float>(p[i]) - static_cast<float>(zp));
  };
  switch (t.dtype) {
    case DType::FLOAT32: std::copy(t.As<float>(), t.As<float>() + n, out.begin()); break;
    case DType::UINT8: convert(uint8_t{}); break;
    case DType::INT8: convert(int8_t{}); break;
    case DType::INT32: convert(int32_t{}); break;
    default: Fail("detector output '{}' is {}, which cannot be read as boxes or scores", t.name(), DTypeName(t.dtype));
  }
  return out;
}

}  // namespace

PixelBox ToPixelBox(const Box& b) {
  PixelBox p;
  p.x = static_cast<int>(std::lround(b.left));
  p.y = static_cast<int>(std::lround(b.top));
  p.width = static_cast<int>(std::lround(b.right)) - p.x;
  p.height = static_cast<int>(std::lround(b.bottom)) - p.y;
  return p;
}

DetectorValues ReadDetectorValues(const Interpreter& interp, const DetectorOutputs& outputs) {
  DetectorValues v;
  v.boxes = Dequantized(interp.output(outputs.boxes));
  v.classes = Dequantized(interp.output(outputs.classes));
  v.scores = Dequantized(interp.output(outputs.scores));
  std::vector<float> count = Dequantized(interp.output(outputs.count));
  v.count = count.empty() ? 0 : count[0];
  return v;
}

float CalibrateScore(const ScoreCalibration& c, int class_index, float score) {
  if (class_index < 0 || static_cast<size_t>(class_index) >= c.per_class.size() ||
      !c.per_class[static_cast<size_t>(class_index)])
    return c.default_score;
  const CalibrationParams& p = *c.per_class[static_cast<size_t>(class_index)];
  if (p.min_score && score < *p.min_score) return c.default_score;
  double x = score;
  switch (c.transform) {
    case ScoreTransform::kIdentity: break;
    case ScoreTransform::kLog: x = std::log(x); break;
    case ScoreTransform::kInverseLogistic: x = std::log(x) - std::log1p(-x); break;
  }
  const double z = p.slope * x + p.offset;
  return static_cast<float>(p.scale / (1.0 + std::exp(-z)));
}

std::vector<Detection> DecodeDetections(const DetectorValues& v, const DetectorOutputs& o, int image_width,
                                        int image_height, const DetectOptions& options,
                                        const std::vector<std::string>& labels) {
  const int rows = std::min(static_cast<int>(v.count), static_cast<int>(v.scores.size()));
  const std::optional<float> threshold = options.score_threshold ? options.score_threshold : o.score_threshold;
  // Pixel boxes are already in pixels; ratios are scaled by the image.
  const bool ratio = o.box.coordinates == BoxCoordinates::kRatio;
  const float sx = ratio ? static_cast<float>(image_width) : 1.0f;
  const float sy = ratio ? static_cast<float>(image_height) : 1.0f;
  std::vector<Detection> out;
  for (int i = 0; i < rows; ++i) {
    Detection d;
    d.class_index = static_cast<int>(v.classes[static_cast<size_t>(i)]);
    d.score = v.scores[static_cast<size_t>(i)];
    if (o.calibration) d.score = CalibrateScore(*o.calibration, d.class_index, d.score);
    if (threshold && d.score <= *threshold) continue;
    const float* b = &v.boxes[static_cast<size_t>(4 * i)];
    const float a = b[o.box.index[0]], c = b[o.box.index[1]], e = b[o.box.index[2]], f = b[o.box.index[3]];
    switch (o.box.type) {
      case BoxType::kBoundaries: d.box = {a, c, e, f}; break;
      case BoxType::kUpperLeft: d.box = {a, c, a + e, c + f}; break;
      case BoxType::kCenter: d.box = {a - e / 2, c - f / 2, a + e / 2, c + f / 2}; break;
    }
    d.box.left *= sx, d.box.right *= sx, d.box.top *= sy, d.box.bottom *= sy;
    if (d.class_index >= 0 && static_cast<size_t>(d.class_index) < labels.size())
      d.label = labels[static_cast<size_t>(d.class_index)];
    out.push_back(std::move(d));
    if (options.max_results > 0 && static_cast<int>(out.size()) == options.max_results) break;
  }
  return out;
}

}  // namespace tfd
