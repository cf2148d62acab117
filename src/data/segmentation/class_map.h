#pragma once
// A segmenter's answer as one class index per pixel, and that map brought to
// the size of the image the user gave, as the Task Library's ImageSegmenter
// makes its category mask.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"
#include "interpreter/runtime_tensor.h"

namespace tfd {

struct ClassMap {
  int width = 0, height = 0;
  std::vector<int32_t> classes;  // row-major, height x width
  int32_t at(int x, int y) const { return classes[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)]; }
};

// How a model's output 0 holds a segmentation: class scores per pixel
// [1, H, W, C] (C >= 2), or class indices per pixel [1, H, W] (a final
// ARG_MAX, as in Coral's DeepLab).
struct SegmenterOutput {
  int height = 0, width = 0;
  int classes = 0;  // C; 0 for an index map, whose number of classes the model does not say
  bool indices = false;
};

// nullopt when output 0 is not a per-pixel map of an image-sized grid (at
// least 8 x 8, so that a classifier's [1, C] or a detector's boxes never pass).
std::optional<SegmenterOutput> FindSegmenterOutput(const Model& model);

// The class of every pixel of `t`: the Task Library's rule for scores (the
// first class whose dequantized score is highest and above 0, else class 0),
// the values themselves for an index map.
ClassMap ClassMapFromTensor(const RuntimeTensor& t, const SegmenterOutput& layout);

// `map` at width x height: pixel (x, y) takes the class at
// (x * map.width / width, y * map.height / height), rounded down: the
// nearest-neighbour scaling that brings the Task Library's tensor-sized
// category mask to the image it came from.
ClassMap ScaleClassMap(const ClassMap& map, int width, int height);

}  // namespace tfd
