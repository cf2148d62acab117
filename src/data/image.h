#pragma once
// Decoded images: 8-bit pixels, interleaved (height x width x channels), in
// the file's own channel order after decoding (grey, grey+alpha, RGB, RGBA).
//
// JPEG, PNG and BMP are decoded with stb_image (Debian's libstb), the decoder
// the TFLite Task Library itself uses for its image tests. 16-bit PNGs are
// reduced to 8 bits.
#include <cstdint>
#include <string>
#include <vector>

namespace tfd {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
  std::vector<uint8_t> pixels;

  uint8_t at(int y, int x, int c) const {
    return pixels[(static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) *
                      static_cast<size_t>(channels) +
                  static_cast<size_t>(c)];
  }
};

// Larger images are refused before decoding (decompression bombs): 200
// megapixels is well above any camera's photo.
inline constexpr uint64_t kMaxImagePixels = 200'000'000;

// tfd::Error naming the file when it cannot be read or decoded.
Image DecodeImage(const std::string& path);
Image DecodeImageBytes(const std::vector<uint8_t>& bytes, const std::string& source);

// True for the file extensions DecodeImage handles (.jpg .jpeg .png .bmp).
bool IsImagePath(const std::string& path);

// To `channels` (1 or 3; 4 keeps alpha): grey is replicated to RGB, RGB(A) to
// grey uses ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B, as PIL's "L"),
// alpha is dropped (not blended).
Image ConvertChannels(const Image& image, int channels);

}  // namespace tfd
