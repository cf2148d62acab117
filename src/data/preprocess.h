#pragma once
// The preprocessing pipeline, declared as data: one struct for a pipeline a
// user declares (JSON), one derived from a model (--preprocess auto) and the
// candidates the audit tries.
//
// Image -> channels (grey/RGB) -> fit (stretch, centre crop, pad to aspect)
//       -> resize -> channel order -> values -> layout -> dtype
//
// Values: pixel p in 0..255 becomes v = (lo + p * (hi - lo) / 255 - mean[c]) / std[c]
// with range [lo, hi] (default [0, 255]) and mean/std (default 0/1). An
// integer input tensor then receives round(v / scale) + zero_point when a
// quantization is given, else round(v) (a plain cast), clamped to its type.
//
// JSON (every key optional):
//   {"size": [H, W], "resize": "bilinear|nearest|area",
//    "coordinates": "half_pixel|align_corners|asymmetric|pil|opencv",
//    "fit": "stretch|center_crop|pad", "crop_fraction": 0.875, "pad_value": 0,
//    "channel_order": "RGB|BGR", "layout": "NHWC|NCHW",
//    "range": [0, 1], "mean": [...], "std": [...],
//    "dtype": "float32|uint8|int8|int16",
//    "quantization": {"scale": s, "zero_point": z} | "input"}
// "quantization": "input" means the model input tensor's own parameters.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/image.h"
#include "data/npy.h"
#include "data/resize.h"
#include "data/wav.h"
#include "graph/model.h"

namespace tfd {

enum class Fit { kStretch, kCenterCrop, kPad };
enum class ChannelOrder { kRGB, kBGR };
enum class Layout { kNHWC, kNCHW };

struct QuantParams {
  float scale = 1.0f;
  int64_t zero_point = 0;
  bool operator==(const QuantParams& o) const { return scale == o.scale && zero_point == o.zero_point; }
};

struct PreprocessSpec {
  std::optional<std::array<int, 2>> size;  // [height, width]; default: the model input's
  ResizeMethod resize = ResizeMethod::kBilinear;
  ResizeCoordinates coordinates = ResizeCoordinates::kHalfPixel;
  Fit fit = Fit::kStretch;
  float crop_fraction = 1.0f;
  float pad_value = 0.0f;
  ChannelOrder channel_order = ChannelOrder::kRGB;
  std::optional<Layout> layout;  // default: the model input's
  std::array<float, 2> range = {0.0f, 255.0f};
  std::vector<float> mean;  // one value, or one per channel
  std::vector<float> std;
  std::optional<DType> dtype;  // default: the model input's
  // Float -> integer conversion; `quantize_with_input` takes the model
  // input's own parameters.
  std::optional<QuantParams> quantization;
  bool quantize_with_input = false;

  // Affine map per channel from a pixel value p (0..255) to v = a * p + b.
  std::pair<float, float> Affine(int channel) const;
};

// tfd::Error with `source` and the offending key for anything malformed.
PreprocessSpec ParsePreprocessSpec(const nlohmann::json& j, const std::string& source);
PreprocessSpec ReadPreprocessSpec(const std::string& path);
nlohmann::json PreprocessSpecJson(const PreprocessSpec& spec);

std::string FitName(Fit f);
std::string LayoutName(Layout l);
std::string ChannelOrderName(ChannelOrder o);

// "[0,1]", "[-1,1]", "mean [0.485,0.456,0.406] std [0.229,0.224,0.225] on [0,1]"...
std::string DescribeValues(const PreprocessSpec& spec);
// One line: "224x224 bilinear (half_pixel) stretch, RGB NHWC, [-1,1], float32".
std::string DescribeSpec(const PreprocessSpec& spec);

// How a model input tensor holds an image (or other data).
struct InputTarget {
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  std::optional<QuantParams> quantization;  // the tensor's per-tensor affine parameters
  bool image_like = false;  // shape fits (N,)H,W(,C) with 1, 3 or 4 channels
  int height = 0, width = 0, channels = 0;
  Layout layout = Layout::kNHWC;
  bool channel_dim = true;  // false for [N, H, W] / [H, W] grey inputs
  std::string name;
};
InputTarget TargetFromTensor(const Tensor& t);

struct TensorData {
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> bytes;
};

// The image as the input tensor's bytes. tfd::Error when the target is not an
// image input or the spec cannot fit it. The spec's dtype, when set and
// different from the target's, is an error unless `allow_cast` (the audit
// runs mismatched pipelines the way an app would: values cast to the
// tensor's type).
TensorData PreprocessImage(const Image& image, const PreprocessSpec& spec, const InputTarget& target,
                           bool allow_cast = false);

// The float values before the dtype conversion, in the spec's layout.
std::vector<float> PreprocessImageValues(const Image& image, const PreprocessSpec& spec, const InputTarget& target);

// Float values to the target's dtype per the spec (quantize, cast, or as is).
TensorData EncodeValues(const std::vector<float>& values, const PreprocessSpec& spec, const InputTarget& target);

// A .npy array for the input: same dtype and element count as is; float data
// for a quantized integer input is quantized with the tensor's parameters;
// a uint8 array of rank 2/3 for an image input goes through the image pipeline.
TensorData TensorFromNpy(const NpyArray& array, const PreprocessSpec& spec, const InputTarget& target,
                         const std::string& source);

// Audio samples for the input: int16 inputs get the samples as they are;
// others get s / 32768 through EncodeValues. Cut or zero-padded to the
// tensor's element count.
TensorData TensorFromAudio(const Audio& audio, const PreprocessSpec& spec, const InputTarget& target);

}  // namespace tfd
