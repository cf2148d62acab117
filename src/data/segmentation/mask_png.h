#pragma once
// Class maps as PNG files: a colour mask (one colour per class, from the
// PASCAL VOC palette, so that DeepLab's classes look as in its papers) and a
// category mask (the class index as the grey level).
#include <array>
#include <cstdint>
#include <vector>

#include "data/segmentation/class_map.h"

namespace tfd {

// Colour of class c (0 is black, the background).
std::array<uint8_t, 3> ClassColour(int32_t c);

// PNG bytes. tfd::Error for a class index outside 0..255 in a category mask.
std::vector<uint8_t> ColourMaskPng(const ClassMap& map);
std::vector<uint8_t> CategoryMaskPng(const ClassMap& map);

}  // namespace tfd
