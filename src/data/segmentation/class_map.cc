#include "data/segmentation/class_map.h"

#include "graph/dtype.h"
#include "util/error.h"

namespace tfd {

std::optional<SegmenterOutput> FindSegmenterOutput(const Model& model) {
  if (model.subgraphs.empty() || model.main().outputs.empty()) return std::nullopt;
  const Subgraph& g = model.main();
  const Tensor& t = g.tensors[static_cast<size_t>(g.outputs[0])];
  const auto& s = t.shape;
  SegmenterOutput o;
  if (s.size() == 3 && s[0] == 1 && (t.dtype == DType::INT64 || t.dtype == DType::INT32 || t.dtype == DType::UINT8)) {
    o.height = s[1], o.width = s[2], o.indices = true;
  } else if (s.size() == 4 && s[0] == 1 && s[3] >= 2 &&
             (t.dtype == DType::FLOAT32 || t.dtype == DType::UINT8 || t.dtype == DType::INT8)) {
    o.height = s[1], o.width = s[2], o.classes = s[3];
  } else {
    return std::nullopt;
  }
  if (o.height < 8 || o.width < 8) return std::nullopt;
  return o;
}

ClassMap ClassMapFromTensor(const RuntimeTensor& t, const SegmenterOutput& o) {
  ClassMap map;
  map.width = o.width, map.height = o.height;
  const size_t pixels = static_cast<size_t>(o.width) * static_cast<size_t>(o.height);
  map.classes.resize(pixels);
  if (o.indices) {
    if (static_cast<size_t>(t.NumElements()) != pixels) Fail("segmenter output '{}' has {} values for {} pixels", t.name(), t.NumElements(), pixels);
    for (size_t i = 0; i < pixels; ++i) {
      switch (t.dtype) {
        case DType::INT64: map.classes[i] = static_cast<int32_t>(t.As<int64_t>()[i]); break;
        case DType::INT32: map.classes[i] = t.As<int32_t>()[i]; break;
        case DType::UINT8: map.classes[i] = t.As<uint8_t>()[i]; break;
        default: Fail("segmenter output '{}' is {}, not class indices", t.name(), DTypeName(t.dtype));
      }
    }
    return map;
  }
  const size_t depth = static_cast<size_t>(o.classes);
  if (static_cast<size_t>(t.NumElements()) != pixels * depth) Fail("segmenter output '{}' has {} values for {} pixels x {} classes", t.name(), t.NumElements(), pixels, depth);
  const float scale = t.quant() ? t.scale() : 1.0f;
  const int32_t zp = t.quant() ? t.zero_point() : 0;
  auto score = [&](size_t i) -> float {
    switch (t.dtype) {
      case DType::FLOAT32: return t.As<float>()[i];
      case DType::UINT8: return scale * static_cast<float>(static_cast<int32_t>(t.As<uint8_t>()[i]) - zp);
      case DType::INT8: return scale * static_cast<float>(static_cast<int32_t>(t.As<int8_t>()[i]) - zp);
      default: Fail("segmenter output '{}' is {}, not class scores", t.name(), DTypeName(t.dtype));
    }
  };
  for (size_t p = 0; p < pixels; ++p) {
    int32_t best = 0;
    float best_score = 0.0f;  // a class must score above 0 to beat class 0
    for (size_t c = 0; c < depth; ++c) {
      float v = score(p * depth + c);
      if (v > best_score) best = static_cast<int32_t>(c), best_score = v;
    }
    map.classes[p] = best;
  }
  return map;
}

ClassMap ScaleClassMap(const ClassMap& map, int width, int height) {
  if (width <= 0 || height <= 0) Fail("cannot scale a class map to {}x{}", width, height);
  ClassMap out;
  out.width = width, out.height = height;
  out.classes.resize(static_cast<size_t>(width) * static_cast<size_t>(height));
  for (int y = 0; y < height; ++y) {
    const int sy = static_cast<int>(static_cast<int64_t>(y) * map.height / height);
    for (int x = 0; x < width; ++x) {
      const int sx = static_cast<int>(static_cast<int64_t>(x) * map.width / width);
      out.classes[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)] = map.at(sx, sy);
    }
  }
  return out;
}

}  // namespace tfd
