#include "data/image.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "util/error.h"
#include "util/memory_limit.h"
#include "util/file_io.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
// Zeroed allocations: stb_image 2.27 decodes a JPEG scan with a Huffman table
// the file never defined from whatever its allocation held (found by fuzzing:
// an index far out of bounds). Zeroed, such a table decodes as zeros: the
// file is refused or read as a wrong picture, as other damage to the
// entropy-coded data is, but never from memory the decoder did not write.
#define STBI_MALLOC(size) std::calloc(1, size)
#define STBI_REALLOC(p, size) std::realloc(p, size)
#define STBI_FREE(p) std::free(p)
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#endif
#include <stb/stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace tfd {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* FormatOf(const std::vector<uint8_t>& b) {
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "JPEG";
  if (b.size() >= 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return "PNG";
  if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') return "BMP";
  return nullptr;
}

// Two ways Debian's stb_image (2.27) misreads a JPEG's Huffman tables, both
// found by tests/fuzz/image_fuzz.cc: it writes past its size table when a DHT
// segment declares more than 256 codes, and it decodes a scan with a table no
// DHT segment defined from memory it never wrote (libjpeg would fall back to
// the standard tables; stb has none). Walk the JPEG's segments and refuse both
// before stb sees them: DHT segments may come before the first scan or
// between scans, so entropy-coded data after each SOS is skipped to the next
// real marker, and bytes between segments are skipped as stb skips them (a
// table hidden after padding overflowed it too).
std::optional<std::string> BadJpegHuffmanTable(const std::vector<uint8_t>& b) {
  bool defined[2][4] = {};  // [DC, AC][table id], as DHT segments define them
  bool progressive = false;
  size_t i = 2;  // after SOI
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) {  // padding between segments: stb scans past it to the next marker, so do we
      ++i;
      continue;
    }
    uint8_t marker = b[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD9) return std::nullopt;  // EOI
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      i += 2;
      continue;
    }
    size_t length = static_cast<size_t>(b[i + 2]) << 8 | b[i + 3];
    if (length < 2) return std::nullopt;
    size_t start = i + 4, end = std::min(b.size(), i + 2 + length);
    if (marker == 0xC4) {
      size_t p = start;
      while (p + 17 <= end) {
        size_t codes = 0;
        for (size_t k = 1; k <= 16; ++k) codes += b[p + k];
        if (codes > 256) return fmt::format("a Huffman table declares {} codes (at most 256)", codes);
        if ((b[p] >> 4) < 2 && (b[p] & 15) < 4) defined[b[p] >> 4][b[p] & 15] = true;
        p += 17 + codes;
      }
    }
    if (marker == 0xC2) progressive = true;
    if (marker == 0xDA && start < end) {
      // Which tables the scan decodes with: a baseline scan both per
      // component; a progressive one its DC table on a first DC scan and
      // its AC table on an AC scan (a DC refinement reads raw bits).
      size_t components = b[start], spectral = start + 1 + 2 * components;
      if (spectral + 2 < end) {
        bool dc_first = b[spectral] == 0 && (b[spectral + 2] >> 4) == 0, ac = b[spectral] > 0;
        for (size_t k = 0; k < components; ++k) {
          uint8_t tables = b[start + 2 + 2 * k];
          if ((!progressive || dc_first) && (tables >> 4) < 4 && !defined[0][tables >> 4])
            return fmt::format("a scan decodes with DC Huffman table {}, which the file never defines", tables >> 4);
          if ((!progressive || ac) && (tables & 15) < 4 && !defined[1][tables & 15])
            return fmt::format("a scan decodes with AC Huffman table {}, which the file never defines", tables & 15);
        }
      }
    }
    i = i + 2 + length;
    if (marker == 0xDA) {  // entropy-coded data follows up to the next marker
      while (i + 1 < b.size() && !(b[i] == 0xFF && b[i + 1] != 0x00 && !(b[i + 1] >= 0xD0 && b[i + 1] <= 0xD7))) ++i;
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsImagePath(const std::string& path) {
  std::string ext = Lower(std::filesystem::path(path).extension().string());
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

Image DecodeImageBytes(const std::vector<uint8_t>& bytes, const std::string& source) {
  if (bytes.empty()) Fail("{}: empty file, not an image", source);
  const char* format = FormatOf(bytes);
  if (!format) Fail("{}: not a JPEG, PNG or BMP image (unrecognized file signature)", source);
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) Fail("{}: image file too large", source);
  if (std::string(format) == "JPEG")
    if (auto bad = BadJpegHuffmanTable(bytes)) Fail("{}: cannot decode JPEG image ({})", source, *bad);
  int w = 0, h = 0, c = 0;
  // The header's size is a claim a small file can make about a huge image (a
  // decompression bomb): check it before decoding allocates it. stb itself
  // refuses images over about 1 GiB; below that, a cap well above any camera
  // keeps one image's decode (stb's buffer and our copy) under a gigabyte.
  if (stbi_info_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &c) && w > 0 && h > 0 && c > 0) {
    uint64_t pixels = static_cast<uint64_t>(w) * static_cast<uint64_t>(h);
    if (pixels > kMaxImagePixels)
      Fail("{}: a {}x{} image ({} megapixels) is over the {}-megapixel limit for decoding", source, w, h,
           pixels / 1000000, kMaxImagePixels / 1000000);
    CheckMemoryClaim(pixels * static_cast<uint64_t>(c) * 2, fmt::format("{}: decoding its {}x{} pixels", source, w, h));
  }
  stbi_uc* data = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &c, 0);
  if (!data) Fail("{}: cannot decode {} image ({})", source, format, stbi_failure_reason());
  Image img;
  img.width = w;
  img.height = h;
  img.channels = c;
  size_t n = static_cast<size_t>(w) * static_cast<size_t>(h) * static_cast<size_t>(c);
  img.pixels.assign(data, data + n);
  stbi_image_free(data);
  if (w <= 0 || h <= 0 || c < 1 || c > 4) Fail("{}: decoded to an unusable image ({}x{}x{})", source, w, h, c);
  return img;
}

Image DecodeImage(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  return DecodeImageBytes(bytes, path);
}

Image ConvertChannels(const Image& image, int channels) {
  if (channels == image.channels) return image;
  if (channels != 1 && channels != 3 && channels != 4) Fail("cannot convert an image to {} channels", channels);
  Image out;
  out.width = image.width;
  out.height = image.height;
  out.channels = channels;
  size_t n = static_cast<size_t>(image.width) * static_cast<size_t>(image.height);
  out.pixels.resize(n * static_cast<size_t>(channels));
  const int in_c = image.channels;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = &image.pixels[i * static_cast<size_t>(in_c)];
    uint8_t r, g, b, a = 255;
    if (in_c <= 2) {
      r = g = b = p[0];
      if (in_c == 2) a = p[1];
    } else {
      r = p[0];
      g = p[1];
      b = p[2];
      if (in_c == 4) a = p[3];
    }
    uint8_t* q = &out.pixels[i * static_cast<size_t>(channels)];
    if (channels == 1) {
      double y = 0.299 * r + 0.587 * g + 0.114 * b;
      q[0] = static_cast<uint8_t>(std::clamp(std::lround(y), 0L, 255L));
    } else {
      q[0] = r;
      q[1] = g;
      q[2] = b;
      if (channels == 4) q[3] = a;
    }
  }
  return out;
}

}  // namespace tfd
