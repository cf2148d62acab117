#pragma once
// What a user of a segmenter sees change between two models: the share of
// pixels given the same class, and per class the intersection over union of
// the pixels each model gives it, summed over all images.
#include <cstdint>
#include <map>

#include "data/segmentation/class_map.h"

namespace tfd {

struct ClassMapAgreement {
  uint64_t images = 0, pixels = 0, agree = 0;
  struct Counts {
    uint64_t intersection = 0, reference = 0, deployed = 0;
    uint64_t union_() const { return reference + deployed - intersection; }
  };
  std::map<int32_t, Counts> per_class;
  // tfd::Error when the maps differ in size.
  void Add(const ClassMap& reference, const ClassMap& deployed);
  double pixel_agreement() const { return pixels ? static_cast<double>(agree) / static_cast<double>(pixels) : 1; }
  double iou(int32_t c) const;
  // Mean of the IoU of every class either model gave to some pixel.
  double mean_iou() const;
};

}  // namespace tfd
