#include "data/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "graph/dtype.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {

std::pair<float, float> PreprocessSpec::Affine(int channel) const {
  auto pick = [&](const std::vector<float>& v, float dflt) {
    if (v.empty()) return dflt;
    if (v.size() == 1) return v[0];
    return v[std::min(static_cast<size_t>(channel), v.size() - 1)];
  };
  float m = pick(mean, 0.0f), s = pick(std, 1.0f);
  float lo = range[0], hi = range[1];
  return {(hi - lo) / 255.0f / s, (lo - m) / s};
}

std::string FitName(Fit f) {
  switch (f) {
    case Fit::kStretch: return "stretch";
    case Fit::kCenterCrop: return "center_crop";
    case Fit::kPad: return "pad";
  }
  return "?";
}
std::string LayoutName(Layout l) { return l == Layout::kNHWC ? "NHWC" : "NCHW"; }
std::string ChannelOrderName(ChannelOrder o) { return o == ChannelOrder::kRGB ? "RGB" : "BGR"; }

namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<float> FloatList(const nlohmann::json& v, const std::string& key, const std::string& source) {
  std::vector<float> out;
  if (v.is_number()) return {v.get<float>()};
  if (!v.is_array()) Fail("{}: \"{}\" must be a number or a list of numbers", source, key);
  for (const auto& x : v) {
    if (!x.is_number()) Fail("{}: \"{}\" must be a list of numbers", source, key);
    out.push_back(x.get<float>());
  }
  if (out.empty() || out.size() > 4) Fail("{}: \"{}\" must have 1 to 4 values", source, key);
  return out;
}

std::string G(float v) { return fmt::format("{:g}", v); }

std::string List(const std::vector<float>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + G(v[i]);
  return s + "]";
}

}  // namespace

PreprocessSpec ParsePreprocessSpec(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) Fail("{}: a preprocessing spec must be a JSON object", source);
  static const std::set<std::string> kKeys = {"size", "resize", "coordinates", "fit", "crop_fraction", "pad_value",
                                              "channel_order", "layout", "range", "mean", "std", "dtype",
                                              "quantization", "name", "comment"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kKeys.count(it.key()))
      Fail("{}: unknown key \"{}\" (expected size, resize, coordinates, fit, crop_fraction, pad_value, "
           "channel_order, layout, range, mean, std, dtype, quantization)",
           source, it.key());
  PreprocessSpec s;
  auto str = [&](const char* key) {
    const auto& v = j.at(key);
    if (!v.is_string()) Fail("{}: \"{}\" must be a string", source, key);
    return v.get<std::string>();
  };
  try {
    if (j.contains("size")) {
      const auto& v = j["size"];
      if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() || !v[1].is_number_integer() ||
          v[0].get<int>() <= 0 || v[1].get<int>() <= 0)
        Fail("{}: \"size\" must be [height, width] with positive integers", source);
      s.size = std::array<int, 2>{v[0].get<int>(), v[1].get<int>()};
    }
    if (j.contains("resize")) s.resize = ParseResizeMethod(str("resize"));
    if (j.contains("coordinates")) s.coordinates = ParseResizeCoordinates(str("coordinates"));
    if (j.contains("fit")) {
      std::string f = str("fit");
      if (f == "stretch") s.fit = Fit::kStretch;
      else if (f == "center_crop" || f == "crop") s.fit = Fit::kCenterCrop;
      else if (f == "pad") s.fit = Fit::kPad;
      else Fail("{}: \"fit\" must be stretch, center_crop or pad, not '{}'", source, f);
    }
    if (j.contains("crop_fraction")) {
      if (!j["crop_fraction"].is_number()) Fail("{}: \"crop_fraction\" must be a number", source);
      s.crop_fraction = j["crop_fraction"].get<float>();
      if (!(s.crop_fraction > 0.0f && s.crop_fraction <= 1.0f))
        Fail("{}: \"crop_fraction\" must be in (0, 1]", source);
    }
    if (j.contains("pad_value")) {
      if (!j["pad_value"].is_number()) Fail("{}: \"pad_value\" must be a number", source);
      s.pad_value = j["pad_value"].get<float>();
    }
    if (j.contains("channel_order")) {
      std::string o = Upper(str("channel_order"));
      if (o == "RGB") s.channel_order = ChannelOrder::kRGB;
      else if (o == "BGR") s.channel_order = ChannelOrder::kBGR;
      else Fail("{}: \"channel_order\" must be RGB or BGR, not '{}'", source, o);
    }
    if (j.contains("layout")) {
      std::string l = Upper(str("layout"));
      if (l == "NHWC" || l == "HWC") s.layout = Layout::kNHWC;
      else if (l == "NCHW" || l == "CHW") s.layout = Layout::kNCHW;
      else Fail("{}: \"layout\" must be NHWC or NCHW, not '{}'", source, l);
    }
    if (j.contains("range")) {
      auto r = FloatList(j["range"], "range", source);
      if (r.size() != 2 || !(r[0] < r[1])) Fail("{}: \"range\" must be [low, high] with low < high", source);
      s.range = {r[0], r[1]};
    }
    if (j.contains("mean")) s.mean = FloatList(j["mean"], "mean", source);
    if (j.contains("std")) {
      s.std = FloatList(j["std"], "std", source);
      for (float v : s.std)
        if (!(v != 0.0f) || !std::isfinite(v)) Fail("{}: \"std\" values must be finite and non-zero", source);
    }
    if (j.contains("dtype")) {
      std::string d = str("dtype");
      auto t = DTypeFromName(d);
      if (!t || (*t != DType::FLOAT32 && *t != DType::UINT8 && *t != DType::INT8 && *t != DType::INT16))
        Fail("{}: \"dtype\" must be float32, uint8, int8 or int16, not '{}'", source, d);
      s.dtype = *t;
    }
    if (j.contains("quantization")) {
      const auto& q = j["quantization"];
      if (q.is_string() && q.get<std::string>() == "input") {
        s.quantize_with_input = true;
      } else if (q.is_null()) {
      } else {
        if (!q.is_object() || !q.contains("scale") || !q["scale"].is_number() ||
            (q.contains("zero_point") && !q["zero_point"].is_number_integer()))
          Fail("{}: \"quantization\" must be {{\"scale\": s, \"zero_point\": z}} or \"input\"", source);
        QuantParams p;
        p.scale = q["scale"].get<float>();
        p.zero_point = q.value("zero_point", int64_t{0});
        if (!(p.scale > 0.0f) || !std::isfinite(p.scale)) Fail("{}: quantization scale must be positive", source);
        s.quantization = p;
      }
    }
  } catch (const nlohmann::json::exception& e) {
    Fail("{}: malformed preprocessing spec ({})", source, e.what());
  } catch (const Error& e) {
    std::string m = e.what();
    if (m.rfind(source + ": ", 0) == 0) throw;
    Fail("{}: {}", source, m);
  }
  return s;
}

PreprocessSpec ReadPreprocessSpec(const std::string& path) {
  auto bytes = ReadFileBytes(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& e) {
    Fail("{}: not valid JSON ({})", path, e.what());
  }
  return ParsePreprocessSpec(j, path);
}

nlohmann::json PreprocessSpecJson(const PreprocessSpec& s) {
  nlohmann::json j;
  if (s.size) j["size"] = {(*s.size)[0], (*s.size)[1]};
  j["resize"] = ResizeMethodName(s.resize);
  j["coordinates"] = ResizeCoordinatesName(s.coordinates);
  j["fit"] = FitName(s.fit);
  if (s.crop_fraction != 1.0f) j["crop_fraction"] = s.crop_fraction;
  if (s.fit == Fit::kPad) j["pad_value"] = s.pad_value;
  j["channel_order"] = ChannelOrderName(s.channel_order);
  if (s.layout) j["layout"] = LayoutName(*s.layout);
  j["range"] = {s.range[0], s.range[1]};
  if (!s.mean.empty()) j["mean"] = s.mean;
  if (!s.std.empty()) j["std"] = s.std;
  if (s.dtype) j["dtype"] = DTypeName(*s.dtype);
  if (s.quantize_with_input)
    j["quantization"] = "input";
  else if (s.quantization)
    j["quantization"] = {{"scale", s.quantization->scale}, {"zero_point", s.quantization->zero_point}};
  return j;
}

std::string DescribeValues(const PreprocessSpec& s) {
  std::string range = "[" + G(s.range[0]) + "," + G(s.range[1]) + "]";
  if (s.mean.empty() && s.std.empty()) return range;
  bool uniform = s.mean.size() <= 1 && s.std.size() <= 1;
  if (uniform) {
    auto [a, b] = s.Affine(0);
    std::string eff = "[" + G(b) + "," + G(255.0f * a + b) + "]";
    std::string ms = "mean " + (s.mean.empty() ? std::string("0") : G(s.mean[0])) + " std " +
                     (s.std.empty() ? std::string("1") : G(s.std[0]));
    if (s.range[0] == 0.0f && s.range[1] == 255.0f) return ms + " (= " + eff + ")";
    return ms + " on " + range + " (= " + eff + ")";
  }
  const std::vector<float> kMean = {0.485f, 0.456f, 0.406f}, kStd = {0.229f, 0.224f, 0.225f};
  auto near = [](const std::vector<float>& a, const std::vector<float>& b, float scale) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (std::abs(a[i] - b[i] * scale) > 1e-3f * scale) return false;
    return true;
  };
  float k = s.range[1] - s.range[0];
  if (s.range[0] == 0.0f && (k == 1.0f || k == 255.0f) && near(s.mean, kMean, k) && near(s.std, kStd, k))
    return "ImageNet mean/std on " + range;
  return "mean " + List(s.mean.empty() ? std::vector<float>{0} : s.mean) + " std " +
         List(s.std.empty() ? std::vector<float>{1} : s.std) + " on " + range;
}

std::string DescribeSpec(const PreprocessSpec& s) {
  std::string out;
  if (s.size) out += fmt::format("{}x{} ", (*s.size)[0], (*s.size)[1]);
  out += ResizeMethodName(s.resize) + " (" + ResizeCoordinatesName(s.coordinates) + ") " + FitName(s.fit);
  if (s.crop_fraction != 1.0f) out += " " + G(s.crop_fraction);
  out += ", " + ChannelOrderName(s.channel_order);
  if (s.layout) out += " " + LayoutName(*s.layout);
  out += ", " + DescribeValues(s);
  if (s.dtype) out += ", " + DTypeName(*s.dtype);
  if (s.quantize_with_input)
    out += ", quantized with the input's parameters";
  else if (s.quantization)
    out += fmt::format(", quantized (scale {:g}, zero point {})", s.quantization->scale, s.quantization->zero_point);
  return out;
}

InputTarget TargetFromTensor(const Tensor& t) {
  InputTarget g;
  g.dtype = t.dtype;
  g.shape = t.shape;
  g.name = t.name;
  if (t.quantization && t.quantization->IsAffine() && t.quantization->scale.size() == 1) {
    QuantParams q;
    q.scale = t.quantization->scale[0];
    q.zero_point = t.quantization->zero_point.empty() ? 0 : t.quantization->zero_point[0];
    g.quantization = q;
  }
  const auto& s = t.shape;
  auto is_c = [](int32_t c) { return c == 1 || c == 3 || c == 4; };
  if (s.size() == 4 && s[0] == 1 && s[1] > 0 && s[2] > 0 && (is_c(s[3]) || s[3] == 2)) {
    g.image_like = true;
    g.height = s[1], g.width = s[2], g.channels = s[3];
  } else if (s.size() == 4 && s[0] == 1 && is_c(s[1]) && s[2] > 1 && s[3] > 1) {
    g.image_like = true;
    g.layout = Layout::kNCHW;
    g.channels = s[1], g.height = s[2], g.width = s[3];
  } else if (s.size() == 3 && s[0] == 1 && s[1] > 1 && s[2] > 1) {
    g.image_like = true;
    g.channel_dim = false;
    g.height = s[1], g.width = s[2], g.channels = 1;
  } else if (s.size() == 3 && s[0] > 1 && s[1] > 1 && is_c(s[2])) {
    g.image_like = true;
    g.height = s[0], g.width = s[1], g.channels = s[2];
  } else if (s.size() == 2 && s[0] > 1 && s[1] > 1) {
    g.image_like = true;
    g.channel_dim = false;
    g.height = s[0], g.width = s[1], g.channels = 1;
  }
  if (g.channels == 2) g.channels = 2;  // grey+alpha tensors: kept as is
  return g;
}

std::vector<float> PreprocessImageValues(const Image& image, const PreprocessSpec& spec, const InputTarget& target) {
  if (!target.image_like)
    Fail("input '{}' {} {} does not hold an image", target.name, DTypeName(target.dtype), ShapeString(target.shape));
  const int H = spec.size ? (*spec.size)[0] : target.height;
  const int W = spec.size ? (*spec.size)[1] : target.width;
  const int C = target.channels;
  if (H != target.height || W != target.width)
    Fail("the spec's size {}x{} does not match input '{}' ({}x{})", H, W, target.name, target.height, target.width);
  int want = C == 2 ? 4 : C;
  Image converted = ConvertChannels(image, want);
  FloatImage f = ToFloatImage(converted);
  if (spec.crop_fraction < 1.0f) {
    int y0 = static_cast<int>((f.height - f.height * spec.crop_fraction) / 2);
    int x0 = static_cast<int>((f.width - f.width * spec.crop_fraction) / 2);
    f = Crop(f, x0, y0, std::max(1, f.width - 2 * x0), std::max(1, f.height - 2 * y0));
  }
  if (spec.fit != Fit::kStretch) {
    // Target aspect W/H against the image's w/h, in integers.
    int64_t lhs = static_cast<int64_t>(f.width) * H, rhs = static_cast<int64_t>(f.height) * W;
    if (spec.fit == Fit::kCenterCrop) {
      if (lhs > rhs) {
        int cw = std::max(1, static_cast<int>(std::lround(static_cast<double>(f.height) * W / H)));
        f = Crop(f, (f.width - cw) / 2, 0, cw, f.height);
      } else if (lhs < rhs) {
        int ch = std::max(1, static_cast<int>(std::lround(static_cast<double>(f.width) * H / W)));
        f = Crop(f, 0, (f.height - ch) / 2, f.width, ch);
      }
    } else {
      if (lhs > rhs) {
        int ph = static_cast<int>(std::lround(static_cast<double>(f.width) * H / W));
        f = PadTo(f, f.width, std::max(ph, f.height), spec.pad_value);
      } else if (lhs < rhs) {
        int pw = static_cast<int>(std::lround(static_cast<double>(f.height) * W / H));
        f = PadTo(f, std::max(pw, f.width), f.height, spec.pad_value);
      }
    }
  }
  f = Resize(f, W, H, spec.resize, spec.coordinates);
  const int FC = f.channels;
  std::vector<float> out(static_cast<size_t>(H) * W * C);
  Layout layout = spec.layout.value_or(target.layout);
  std::vector<std::pair<float, float>> affine;
  for (int c = 0; c < C; ++c) affine.push_back(spec.Affine(c));
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      for (int c = 0; c < C; ++c) {
        int src = c;
        if (spec.channel_order == ChannelOrder::kBGR && FC >= 3 && c < 3) src = 2 - c;
        float p = f.at(y, x, std::min(src, FC - 1));
        float v = affine[static_cast<size_t>(c)].first * p + affine[static_cast<size_t>(c)].second;
        size_t idx = layout == Layout::kNHWC
                         ? (static_cast<size_t>(y) * W + x) * C + c
                         : (static_cast<size_t>(c) * H + y) * W + x;
        out[idx] = v;
      }
  return out;
}

namespace {

template <typename T>
void EncodeInt(const std::vector<float>& values, const std::optional<QuantParams>& q, std::vector<uint8_t>& bytes) {
  bytes.resize(values.size() * sizeof(T));
  const double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (size_t i = 0; i < values.size(); ++i) {
    double v = values[i];
    double r = q ? std::round(v / q->scale) + static_cast<double>(q->zero_point) : std::round(v);
    if (std::isnan(r)) r = 0;
    T t = static_cast<T>(std::clamp(r, lo, hi));
    std::memcpy(bytes.data() + i * sizeof(T), &t, sizeof(T));
  }
}

}  // namespace

TensorData EncodeValues(const std::vector<float>& values, const PreprocessSpec& spec, const InputTarget& target) {
  TensorData out{target.dtype, target.shape, {}};
  auto count = ElementCount(target.shape);
  if (!count || static_cast<size_t>(*count) != values.size())
    Fail("{} values do not fill input '{}' {}", values.size(), target.name, ShapeString(target.shape));
  std::optional<QuantParams> q = spec.quantize_with_input ? target.quantization : spec.quantization;
  if (spec.quantize_with_input && !target.quantization)
    Fail("the spec quantizes with the input's parameters but input '{}' has none", target.name);
  switch (target.dtype) {
    case DType::FLOAT32:
      out.bytes.resize(values.size() * sizeof(float));
      std::memcpy(out.bytes.data(), values.data(), out.bytes.size());
      break;
    case DType::UINT8: EncodeInt<uint8_t>(values, q, out.bytes); break;
    case DType::INT8: EncodeInt<int8_t>(values, q, out.bytes); break;
    case DType::INT16: EncodeInt<int16_t>(values, q, out.bytes); break;
    case DType::INT32: EncodeInt<int32_t>(values, q, out.bytes); break;
    default:
      Fail("input '{}' is {}: only float32, uint8, int8, int16 and int32 inputs can be fed from data", target.name,
           DTypeName(target.dtype));
  }
  return out;
}

TensorData PreprocessImage(const Image& image, const PreprocessSpec& spec, const InputTarget& target, bool allow_cast) {
  if (spec.dtype && *spec.dtype != target.dtype && !allow_cast)
    Fail("the spec produces {} but input '{}' is {}{}", DTypeName(*spec.dtype), target.name, DTypeName(target.dtype),
         target.quantization ? " (quantized: set \"dtype\": \"" + DTypeName(target.dtype) +
                                   "\" and \"quantization\": \"input\")"
                             : "");
  return EncodeValues(PreprocessImageValues(image, spec, target), spec, target);
}

namespace {

std::vector<float> NpyToFloats(const NpyArray& a) {
  std::vector<float> v;
  size_t n;
  switch (a.dtype) {
    case DType::FLOAT32:
      n = a.data.size() / 4;
      v.resize(n);
      std::memcpy(v.data(), a.data.data(), n * 4);
      break;
    case DType::FLOAT64: {
      n = a.data.size() / 8;
      for (size_t i = 0; i < n; ++i) {
        double d;
        std::memcpy(&d, a.data.data() + i * 8, 8);
        v.push_back(static_cast<float>(d));
      }
      break;
    }
    default: break;
  }
  return v;
}

}  // namespace

TensorData TensorFromNpy(const NpyArray& a, const PreprocessSpec& spec, const InputTarget& target,
                         const std::string& source) {
  auto want = ElementCount(target.shape);
  auto have = ElementCount(a.shape);
  if (a.dtype == target.dtype && want && have && *want == *have) return {target.dtype, target.shape, a.data};
  if ((a.dtype == DType::FLOAT32 || a.dtype == DType::FLOAT64) && want && have && *want == *have) {
    PreprocessSpec s = spec;
    if (target.dtype != DType::FLOAT32 && !s.quantization) s.quantize_with_input = target.quantization.has_value();
    try {
      return EncodeValues(NpyToFloats(a), s, target);
    } catch (const Error& e) {
      Fail("{}: {}", source, e.what());
    }
  }
  if (a.dtype == DType::UINT8 && target.image_like) {
    std::vector<int32_t> s = a.shape;
    if (s.size() == 4 && s[0] == 1) s.erase(s.begin());
    if (s.size() == 2) s.push_back(1);
    if (s.size() == 3 && s[0] > 0 && s[1] > 0 && s[2] >= 1 && s[2] <= 4) {
      Image img{s[1], s[0], s[2], a.data};
      try {
        return PreprocessImage(img, spec, target);
      } catch (const Error& e) {
        Fail("{}: {}", source, e.what());
      }
    }
  }
  Fail("{}: {} {} does not fit input '{}' ({} {})", source, DTypeName(a.dtype), ShapeString(a.shape), target.name,
       DTypeName(target.dtype), ShapeString(target.shape));
}

TensorData TensorFromAudio(const Audio& audio, const PreprocessSpec& spec, const InputTarget& target) {
  auto count = ElementCount(target.shape);
  if (!count || *count <= 0) Fail("input '{}' has no static size", target.name);
  size_t n = static_cast<size_t>(*count);
  // The clip's first n frames, channels averaged, in [-1, 1]; data/audio/
  // resamples and frames whole clips (classify, audit-preprocessing).
  std::vector<float> v(n, 0.0f);
  const size_t ch = audio.channels ? audio.channels : 1;
  for (size_t i = 0; i < std::min(n, audio.frames()); ++i) {
    float sum = 0;
    for (size_t c = 0; c < ch; ++c)
      sum += audio.is_float() ? audio.float_samples[i * ch + c] : audio.samples[i * ch + c] / 32768.0f;
    v[i] = sum / static_cast<float>(ch);
  }
  if (target.dtype == DType::INT16) {
    std::vector<int16_t> s(n, 0);
    for (size_t i = 0; i < n; ++i)
      s[i] = static_cast<int16_t>(std::clamp(std::lround(v[i] * 32768.0f), -32768L, 32767L));
    TensorData out{target.dtype, target.shape, std::vector<uint8_t>(n * 2)};
    std::memcpy(out.bytes.data(), s.data(), n * 2);
    return out;
  }
  PreprocessSpec s = spec;
  if (target.dtype != DType::FLOAT32 && !s.quantization) s.quantize_with_input = target.quantization.has_value();
  return EncodeValues(v, s, target);
}

}  // namespace tfd
