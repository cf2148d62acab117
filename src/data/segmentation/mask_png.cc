#include "data/segmentation/mask_png.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include "util/error.h"

namespace tfd {
namespace {

void Append(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

std::vector<uint8_t> EncodePng(const std::vector<uint8_t>& pixels, int width, int height, int channels) {
  std::vector<uint8_t> png;
  if (!stbi_write_png_to_func(Append, &png, width, height, channels, pixels.data(), width * channels))
    Fail("cannot encode a {}x{} PNG", width, height);
  return png;
}

}  // namespace

std::array<uint8_t, 3> ClassColour(int32_t c) {
  // The VOC palette: the bits of the class index, three at a time, spread
  // from the top bit of each channel down.
  std::array<uint8_t, 3> rgb{0, 0, 0};
  uint32_t v = static_cast<uint32_t>(c);
  for (int shift = 7; shift >= 0 && v; --shift, v >>= 3)
    for (int ch = 0; ch < 3; ++ch) rgb[static_cast<size_t>(ch)] |= static_cast<uint8_t>(((v >> ch) & 1u) << shift);
  return rgb;
}

std::vector<uint8_t> ColourMaskPng(const ClassMap& map) {
  std::vector<uint8_t> rgb(map.classes.size() * 3);
  for (size_t i = 0; i < map.classes.size(); ++i) {
    auto c = ClassColour(map.classes[i]);
    rgb[3 * i] = c[0], rgb[3 * i + 1] = c[1], rgb[3 * i + 2] = c[2];
  }
  return EncodePng(rgb, map.width, map.height, 3);
}

std::vector<uint8_t> CategoryMaskPng(const ClassMap& map) {
  std::vector<uint8_t> grey(map.classes.size());
  for (size_t i = 0; i < map.classes.size(); ++i) {
    if (map.classes[i] < 0 || map.classes[i] > 255) Fail("class {} does not fit an 8-bit category mask", map.classes[i]);
    grey[i] = static_cast<uint8_t>(map.classes[i]);
  }
  return EncodePng(grey, map.width, map.height, 1);
}

}  // namespace tfd
