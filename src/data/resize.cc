#include "data/resize.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace tfd {

std::string ResizeMethodName(ResizeMethod m) {
  switch (m) {
    case ResizeMethod::kBilinear: return "bilinear";
    case ResizeMethod::kNearest: return "nearest";
    case ResizeMethod::kArea: return "area";
  }
  return "?";
}

std::string ResizeCoordinatesName(ResizeCoordinates c) {
  switch (c) {
    case ResizeCoordinates::kHalfPixel: return "half_pixel";
    case ResizeCoordinates::kAlignCorners: return "align_corners";
    case ResizeCoordinates::kAsymmetric: return "asymmetric";
    case ResizeCoordinates::kPil: return "pil";
    case ResizeCoordinates::kOpenCv: return "opencv";
    case ResizeCoordinates::kLibyuv: return "libyuv";
  }
  return "?";
}

ResizeMethod ParseResizeMethod(const std::string& name) {
  if (name == "bilinear" || name == "linear") return ResizeMethod::kBilinear;
  if (name == "nearest" || name == "nearest_neighbor") return ResizeMethod::kNearest;
  if (name == "area" || name == "box") return ResizeMethod::kArea;
  Fail("unknown resize method '{}' (expected bilinear, nearest or area)", name);
}

ResizeCoordinates ParseResizeCoordinates(const std::string& name) {
  if (name == "half_pixel" || name == "half_pixel_centers") return ResizeCoordinates::kHalfPixel;
  if (name == "align_corners") return ResizeCoordinates::kAlignCorners;
  if (name == "asymmetric" || name == "legacy") return ResizeCoordinates::kAsymmetric;
  if (name == "pil" || name == "pillow") return ResizeCoordinates::kPil;
  if (name == "opencv" || name == "cv2") return ResizeCoordinates::kOpenCv;
  if (name == "libyuv") return ResizeCoordinates::kLibyuv;
  Fail("unknown resize coordinates '{}' (expected half_pixel, align_corners, asymmetric, pil or opencv)", name);
}

FloatImage ToFloatImage(const Image& image) {
  FloatImage f{image.width, image.height, image.channels, {}};
  f.data.assign(image.pixels.begin(), image.pixels.end());
  return f;
}

Image ToImage(const FloatImage& image) {
  Image out{image.width, image.height, image.channels, {}};
  out.pixels.resize(image.data.size());
  for (size_t i = 0; i < image.data.size(); ++i)
    out.pixels[i] = static_cast<uint8_t>(std::clamp(std::round(image.data[i]), 0.0f, 255.0f));
  return out;
}

namespace {

// A separable resampling: each output index along one axis is a weighted sum
// of input indices.
struct Taps {
  std::vector<int> start;               // first input index per output
  std::vector<std::vector<float>> w;    // weights per output
};

int Clamp(int v, int lo, int hi) { return std::min(std::max(v, lo), hi); }

float ScaleFor(int in, int out, bool align_corners) {
  if (align_corners && out > 1) return static_cast<float>(in - 1) / static_cast<float>(out - 1);
  return static_cast<float>(in) / static_cast<float>(out);
}

// Adds weight `w` for input index i (clamped to the image) to output o.
void AddTap(Taps& t, size_t o, int i, float w, int in) {
  i = Clamp(i, 0, in - 1);
  auto& ws = t.w[o];
  int& s = t.start[o];
  if (ws.empty()) {
    s = i;
    ws.push_back(w);
    return;
  }
  if (i < s) {
    ws.insert(ws.begin(), static_cast<size_t>(s - i), 0.0f);
    s = i;
  }
  size_t k = static_cast<size_t>(i - s);
  if (k >= ws.size()) ws.resize(k + 1, 0.0f);
  ws[k] += w;
}

Taps BilinearTaps(int in, int out, ResizeCoordinates c) {
  Taps t{std::vector<int>(static_cast<size_t>(out)), std::vector<std::vector<float>>(static_cast<size_t>(out))};
  float scale = ScaleFor(in, out, c == ResizeCoordinates::kAlignCorners);
  bool half = c == ResizeCoordinates::kHalfPixel || c == ResizeCoordinates::kOpenCv;
  for (int o = 0; o < out; ++o) {
    // The same float computation as TFLite's reference kernel.
    float v = half ? (static_cast<float>(o) + 0.5f) * scale - 0.5f : static_cast<float>(o) * scale;
    int lo = std::max(static_cast<int>(std::floor(v)), 0);
    int hi = std::min(static_cast<int>(std::ceil(v)), in - 1);
    float frac = v - static_cast<float>(lo);
    if (c == ResizeCoordinates::kOpenCv) {
      // cv::resize clamps the sample position itself at both borders.
      int fl = static_cast<int>(std::floor(v));
      frac = v - static_cast<float>(fl);
      lo = fl;
      if (lo < 0) lo = 0, frac = 0;
      if (lo >= in - 1) lo = in - 1, frac = 0;
      hi = std::min(lo + 1, in - 1);
    }
    AddTap(t, static_cast<size_t>(o), lo, 1.0f - frac, in);
    AddTap(t, static_cast<size_t>(o), hi, frac, in);
  }
  return t;
}

int NearestIndex(int o, int in, int out, ResizeCoordinates c) {
  switch (c) {
    case ResizeCoordinates::kAlignCorners: {
      float scale = ScaleFor(in, out, true);
      return std::min(static_cast<int>(std::round(static_cast<float>(o) * scale)), in - 1);
    }
    case ResizeCoordinates::kHalfPixel:
    case ResizeCoordinates::kLibyuv:
    case ResizeCoordinates::kPil: {
      float scale = ScaleFor(in, out, false);
      int v = static_cast<int>(std::floor((static_cast<float>(o) + 0.5f) * scale));
      return Clamp(v, 0, in - 1);
    }
    case ResizeCoordinates::kAsymmetric:
    case ResizeCoordinates::kOpenCv: {
      float scale = ScaleFor(in, out, false);
      return std::min(static_cast<int>(std::floor(static_cast<float>(o) * scale)), in - 1);
    }
  }
  return 0;
}

Taps NearestTaps(int in, int out, ResizeCoordinates c) {
  Taps t{std::vector<int>(static_cast<size_t>(out)), std::vector<std::vector<float>>(static_cast<size_t>(out))};
  for (int o = 0; o < out; ++o) AddTap(t, static_cast<size_t>(o), NearestIndex(o, in, out, c), 1.0f, in);
  return t;
}

// TensorFlow's ResizeArea along one axis: the box [o*s, (o+1)*s) with
// fractional coverage of its first and last input cells; out-of-range cells
// (align_corners) clamp to the border. Weights are coverage / s.
Taps AreaTaps(int in, int out, bool align_corners) {
  Taps t{std::vector<int>(static_cast<size_t>(out)), std::vector<std::vector<float>>(static_cast<size_t>(out))};
  float s = ScaleFor(in, out, align_corners);
  for (int o = 0; o < out; ++o) {
    float a = static_cast<float>(o) * s;
    float b = static_cast<float>(o + 1) * s;
    int start = static_cast<int>(std::floor(a));
    int end = static_cast<int>(std::ceil(b));
    for (int i = start; i < end; ++i) {
      float cover;
      if (static_cast<float>(i) < a)
        cover = static_cast<float>(i + 1) > b ? s : static_cast<float>(i + 1) - a;
      else
        cover = static_cast<float>(i + 1) > b ? b - static_cast<float>(i) : 1.0f;
      AddTap(t, static_cast<size_t>(o), i, cover / s, in);
    }
  }
  return t;
}

// PIL-style resampling: output centre (o + 0.5) * scale, filter support
// widened by the downscale factor, weights normalized to sum 1.
Taps FilterTaps(int in, int out, double support, double (*filter)(double)) {
  Taps t{std::vector<int>(static_cast<size_t>(out)), std::vector<std::vector<float>>(static_cast<size_t>(out))};
  double scale = static_cast<double>(in) / out;
  double fs = std::max(scale, 1.0);
  double radius = support * fs;
  for (int o = 0; o < out; ++o) {
    double center = (o + 0.5) * scale;
    int lo = std::max(static_cast<int>(std::floor(center - radius + 0.5)), 0);
    int hi = std::min(static_cast<int>(std::floor(center + radius + 0.5)), in);
    std::vector<double> w;
    double sum = 0;
    for (int i = lo; i < hi; ++i) {
      double v = filter((i - center + 0.5) / fs);
      w.push_back(v);
      sum += v;
    }
    for (size_t k = 0; k < w.size(); ++k)
      AddTap(t, static_cast<size_t>(o), lo + static_cast<int>(k), static_cast<float>(sum != 0 ? w[k] / sum : 0), in);
    if (w.empty()) AddTap(t, static_cast<size_t>(o), Clamp(static_cast<int>(center), 0, in - 1), 1.0f, in);
  }
  return t;
}

double Triangle(double x) {
  x = std::abs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}
double Box(double x) { return (x >= -0.5 && x < 0.5) ? 1.0 : 0.0; }

// cv::resize INTER_AREA when enlarging: linear weights that keep input
// cells crisp inside and blend only across cell borders.
Taps OpenCvAreaUpTaps(int in, int out) {
  Taps t{std::vector<int>(static_cast<size_t>(out)), std::vector<std::vector<float>>(static_cast<size_t>(out))};
  double scale = static_cast<double>(in) / out;
  double inv = static_cast<double>(out) / in;
  for (int o = 0; o < out; ++o) {
    int sx = static_cast<int>(std::floor(o * scale));
    double fx = (o + 1) - (sx + 1) * inv;
    fx = fx <= 0 ? 0.0 : fx - std::floor(fx);
    if (sx < 0) sx = 0, fx = 0;
    if (sx >= in - 1) sx = in - 1, fx = 0;
    AddTap(t, static_cast<size_t>(o), sx, static_cast<float>(1.0 - fx), in);
    AddTap(t, static_cast<size_t>(o), std::min(sx + 1, in - 1), static_cast<float>(fx), in);
  }
  return t;
}

// libyuv's fixed-point slope and start for one axis under kFilterBilinear:
// shrinking samples at half-pixel centres, enlarging aligns the corners.
void LibyuvSlope(int in, int out, int64_t& step, int64_t& start) {
  if (out <= in) {
    step = (static_cast<int64_t>(in) << 16) / out;
    start = (step >> 1) - 32768;
  } else if (in > 1 && out > 1) {
    step = ((static_cast<int64_t>(in) << 16) - 0x00010001) / (out - 1);
    start = 0;
  } else {
    step = 0, start = 0;
  }
}

// Between two pixels, `f` in 0..127: libyuv weighs them 127 - f and f and
// shifts by 7, so even f = 0 gives a * 127 / 128 (its C column filter).
inline int BlendColumns(int a, int b, int f) { return (a * (0x7f ^ f) + b * f) >> 7; }
// Between two rows, `f` in 0..255, rounded; halfway is the rounded mean.
inline int BlendRows(int a, int b, int f) {
  if (f == 0) return a;
  if (f == 128) return (a + b + 1) >> 1;
  return (a * (256 - f) + b * f + 128) >> 8;
}

FloatImage LibyuvBilinear(const FloatImage& in, int out_width, int out_height) {
  const int C = in.channels, W = in.width, H = in.height;
  std::vector<int> px(in.data.size());
  for (size_t i = 0; i < px.size(); ++i) px[i] = Clamp(static_cast<int>(std::lround(in.data[i])), 0, 255);
  auto at = [&](int y, int x, int c) { return px[(static_cast<size_t>(y) * W + static_cast<size_t>(std::min(x, W - 1))) * C + c]; };
  int64_t dx, x0, dy, y0;
  LibyuvSlope(W, out_width, dx, x0);
  LibyuvSlope(H, out_height, dy, y0);
  FloatImage out{out_width, out_height, C, std::vector<float>(static_cast<size_t>(out_width) * out_height * C)};
  const int64_t max_y = static_cast<int64_t>(H - 1) << 16;
  std::vector<int> row(static_cast<size_t>(W) * C);
  int64_t y = y0;
  for (int oy = 0; oy < out_height; ++oy, y += dy) {
    const int64_t yc = std::min(y, max_y);
    const int yi = static_cast<int>(yc >> 16), yf = static_cast<int>((yc >> 8) & 255);
    const int yn = std::min(yi + 1, H - 1);
    if (dy >= 65536) {
      // Shrinking: the two rows blended first, then the columns.
      for (int x = 0; x < W; ++x)
        for (int c = 0; c < C; ++c) row[static_cast<size_t>(x) * C + c] = BlendRows(at(yi, x, c), at(yn, x, c), yf);
      int64_t x = x0;
      for (int ox = 0; ox < out_width; ++ox, x += dx) {
        const int xi = static_cast<int>(x >> 16), xf = static_cast<int>((x >> 9) & 0x7f);
        const int xn = std::min(xi + 1, W - 1);
        for (int c = 0; c < C; ++c)
          out.at(oy, ox, c) = static_cast<float>(
              BlendColumns(row[static_cast<size_t>(xi) * C + c], row[static_cast<size_t>(xn) * C + c], xf));
      }
    } else {
      // Enlarging: each source row's columns filtered first, then the rows.
      int64_t x = x0;
      for (int ox = 0; ox < out_width; ++ox, x += dx) {
        const int xi = static_cast<int>(x >> 16), xf = static_cast<int>((x >> 9) & 0x7f);
        const int xn = std::min(xi + 1, W - 1);
        for (int c = 0; c < C; ++c) {
          const int top = BlendColumns(at(yi, xi, c), at(yi, xn, c), xf);
          const int bottom = BlendColumns(at(yn, xi, c), at(yn, xn, c), xf);
          out.at(oy, ox, c) = static_cast<float>(BlendRows(top, bottom, yf));
        }
      }
    }
  }
  return out;
}

Taps MakeTaps(int in, int out, ResizeMethod m, ResizeCoordinates c) {
  switch (m) {
    case ResizeMethod::kNearest: return NearestTaps(in, out, c);
    case ResizeMethod::kBilinear:
      if (c == ResizeCoordinates::kPil) return FilterTaps(in, out, 1.0, Triangle);
      return BilinearTaps(in, out, c);
    case ResizeMethod::kArea:
      if (c == ResizeCoordinates::kPil) return FilterTaps(in, out, 0.5, Box);
      if (c == ResizeCoordinates::kOpenCv && out > in) return OpenCvAreaUpTaps(in, out);
      return AreaTaps(in, out, c == ResizeCoordinates::kAlignCorners);
  }
  return {};
}

}  // namespace

FloatImage Resize(const FloatImage& in, int out_width, int out_height, ResizeMethod method,
                  ResizeCoordinates coordinates) {
  if (out_width <= 0 || out_height <= 0) Fail("cannot resize to {}x{}", out_width, out_height);
  if (in.width <= 0 || in.height <= 0) Fail("cannot resize an empty image");
  if (in.width == out_width && in.height == out_height) return in;
  if (coordinates == ResizeCoordinates::kLibyuv) {
    if (method != ResizeMethod::kBilinear) Fail("libyuv coordinates are for bilinear resizing only");
    return LibyuvBilinear(in, out_width, out_height);
  }
  const int C = in.channels;
  Taps ty = MakeTaps(in.height, out_height, method, coordinates);
  Taps tx = MakeTaps(in.width, out_width, method, coordinates);
  // Vertical pass first, then horizontal; products of per-axis weights equal
  // TensorFlow's 2-D formulas (bilinear: (1-dy)(1-dx)... ; area: products of
  // coverages) up to float rounding.
  FloatImage mid{in.width, out_height, C, std::vector<float>(static_cast<size_t>(in.width) * out_height * C, 0.0f)};
  for (int y = 0; y < out_height; ++y) {
    const auto& w = ty.w[static_cast<size_t>(y)];
    int s = ty.start[static_cast<size_t>(y)];
    for (int x = 0; x < in.width; ++x)
      for (int c = 0; c < C; ++c) {
        float acc = 0;
        for (size_t k = 0; k < w.size(); ++k)
          if (w[k] != 0.0f) acc += in.at(s + static_cast<int>(k), x, c) * w[k];
        mid.at(y, x, c) = acc;
      }
  }
  FloatImage out{out_width, out_height, C, std::vector<float>(static_cast<size_t>(out_width) * out_height * C, 0.0f)};
  for (int x = 0; x < out_width; ++x) {
    const auto& w = tx.w[static_cast<size_t>(x)];
    int s = tx.start[static_cast<size_t>(x)];
    for (int y = 0; y < out_height; ++y)
      for (int c = 0; c < C; ++c) {
        float acc = 0;
        for (size_t k = 0; k < w.size(); ++k)
          if (w[k] != 0.0f) acc += mid.at(y, s + static_cast<int>(k), c) * w[k];
        out.at(y, x, c) = acc;
      }
  }
  return out;
}

FloatImage Crop(const FloatImage& in, int x, int y, int w, int h) {
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > in.width || y + h > in.height)
    Fail("crop {}x{}+{}+{} is outside the {}x{} image", w, h, x, y, in.width, in.height);
  FloatImage out{w, h, in.channels, std::vector<float>(static_cast<size_t>(w) * h * in.channels)};
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c)
      for (int k = 0; k < in.channels; ++k) out.at(r, c, k) = in.at(y + r, x + c, k);
  return out;
}

FloatImage PadTo(const FloatImage& in, int width, int height, float value) {
  if (width < in.width || height < in.height) Fail("cannot pad a {}x{} image to {}x{}", in.width, in.height, width, height);
  FloatImage out{width, height, in.channels, std::vector<float>(static_cast<size_t>(width) * height * in.channels, value)};
  int ox = (width - in.width) / 2, oy = (height - in.height) / 2;
  for (int r = 0; r < in.height; ++r)
    for (int c = 0; c < in.width; ++c)
      for (int k = 0; k < in.channels; ++k) out.at(oy + r, ox + c, k) = in.at(r, c, k);
  return out;
}

}  // namespace tfd
