#pragma once
// Image resizing with the exact semantics of the libraries models are trained
// and deployed with. All arithmetic is in float on interleaved HWC images.
//
//   bilinear / nearest, coordinates:
//     half_pixel     TensorFlow half_pixel_centers=True (tf.image.resize in
//                    TF2; TFLite RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR
//                    with half_pixel_centers)
//     align_corners  TensorFlow align_corners=True
//     asymmetric     TensorFlow with both flags false (TF1 default)
//     pil            PIL Image.resize: half-pixel centres with an
//                    antialiasing filter widened by the downscale factor
//                    (triangle for bilinear, box for area; nearest samples
//                    the pixel under the output centre)
//     opencv         cv::resize: INTER_LINEAR (half-pixel, edge-clamped),
//                    INTER_NEAREST (floor(x * scale)), INTER_AREA
//     libyuv         libyuv's ARGBScale with kFilterBilinear, the TFLite Task
//                    Library's resize: 16.16 fixed-point positions (half-pixel
//                    centres when shrinking, corners aligned when enlarging),
//                    8-bit row weights and 7-bit column weights on 8-bit
//                    pixels (bilinear only; values rounded to 0..255 first)
//   area: tf.image.resize(method="area") / ResizeArea: each output pixel is
//     the average of the input box [x*s, (x+1)*s) weighted by overlap
//     (s = in/out, or (in-1)/(out-1) with align_corners); opencv's
//     INTER_AREA upscales with its own linear weights.
#include <cstdint>
#include <string>
#include <vector>

#include "data/image.h"

namespace tfd {

struct FloatImage {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> data;  // HWC

  float& at(int y, int x, int c) {
    return data[(static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) *
                    static_cast<size_t>(channels) +
                static_cast<size_t>(c)];
  }
  float at(int y, int x, int c) const {
    return data[(static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) *
                    static_cast<size_t>(channels) +
                static_cast<size_t>(c)];
  }
};

enum class ResizeMethod { kBilinear, kNearest, kArea };
enum class ResizeCoordinates { kHalfPixel, kAlignCorners, kAsymmetric, kPil, kOpenCv, kLibyuv };

std::string ResizeMethodName(ResizeMethod m);          // "bilinear", "nearest", "area"
std::string ResizeCoordinatesName(ResizeCoordinates c);  // "half_pixel", "align_corners", ...
// tfd::Error listing the accepted names for anything else.
ResizeMethod ParseResizeMethod(const std::string& name);
ResizeCoordinates ParseResizeCoordinates(const std::string& name);

FloatImage ToFloatImage(const Image& image);
// Rounded (half away from zero) and clamped to 0..255.
Image ToImage(const FloatImage& image);

// Same size in: a copy. tfd::Error for a zero or negative size.
FloatImage Resize(const FloatImage& in, int out_width, int out_height, ResizeMethod method,
                  ResizeCoordinates coordinates);

// Crop [x, x+w) x [y, y+h) (must lie inside the image).
FloatImage Crop(const FloatImage& in, int x, int y, int w, int h);
// Centred in a width x height canvas filled with `value` (canvas >= image).
FloatImage PadTo(const FloatImage& in, int width, int height, float value);

}  // namespace tfd
