// The preprocessing spec, what models expect (--preprocess auto), and the
// audit's plain-sentence comparison.
#include <gtest/gtest.h>

#include <cstring>

#include "data/preprocess.h"
#include "data/preprocess/audit.h"
#include "data/preprocess/expected.h"
#include "format/model_reader.h"
#include "test_support.h"
#include "util/error.h"

namespace tfd {
namespace {

using testing::Fixture;

Image Solid(int w, int h, std::vector<uint8_t> rgb) {
  Image img{w, h, 3, {}};
  for (int i = 0; i < w * h; ++i) img.pixels.insert(img.pixels.end(), rgb.begin(), rgb.end());
  return img;
}

InputTarget Target(DType dtype, std::vector<int32_t> shape, std::optional<QuantParams> q = std::nullopt) {
  Tensor t;
  t.name = "input";
  t.dtype = dtype;
  t.shape = std::move(shape);
  if (q) {
    Quantization qq;
    qq.scale = {q->scale};
    qq.zero_point = {q->zero_point};
    t.quantization = qq;
  }
  return TargetFromTensor(t);
}

std::vector<float> Floats(const TensorData& d) {
  std::vector<float> v(d.bytes.size() / 4);
  std::memcpy(v.data(), d.bytes.data(), d.bytes.size());
  return v;
}

PreprocessSpec Spec(const std::string& json) { return ParsePreprocessSpec(nlohmann::json::parse(json), "spec.json"); }

TEST(PreprocessSpecTest, ParsesPrintsAndRejects) {
  PreprocessSpec s = Spec(R"({"size": [224, 200], "resize": "area", "coordinates": "align_corners",
      "fit": "center_crop", "crop_fraction": 0.875, "channel_order": "bgr", "layout": "NCHW", "range": [-1, 1],
      "mean": [0.5], "std": [2], "dtype": "int8", "quantization": {"scale": 0.5, "zero_point": -3}})");
  EXPECT_EQ((*s.size)[0], 224);
  EXPECT_EQ(s.resize, ResizeMethod::kArea);
  EXPECT_EQ(s.coordinates, ResizeCoordinates::kAlignCorners);
  EXPECT_EQ(s.fit, Fit::kCenterCrop);
  EXPECT_EQ(s.channel_order, ChannelOrder::kBGR);
  EXPECT_EQ(*s.layout, Layout::kNCHW);
  EXPECT_EQ(*s.dtype, DType::INT8);
  EXPECT_EQ(s.quantization->zero_point, -3);
  PreprocessSpec again = ParsePreprocessSpec(PreprocessSpecJson(s), "round trip");
  EXPECT_EQ(PreprocessSpecJson(again), PreprocessSpecJson(s));
  EXPECT_TRUE(Spec(R"({"quantization": "input"})").quantize_with_input);
  for (const char* bad : {R"({"rezise": "area"})", R"({"resize": "cubic"})", R"({"range": [1, 0]})",
                          R"({"std": [0]})", R"({"dtype": "float16"})", R"({"size": [224]})", R"([1])"}) {
    try {
      Spec(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("spec.json: ", 0), 0u) << e.what();
    }
  }
}

TEST(PreprocessSpecTest, ValuesChannelOrderLayoutAndQuantization) {
  Image img = Solid(4, 2, {0, 51, 255});
  InputTarget f = Target(DType::FLOAT32, {1, 2, 4, 3});
  auto v = Floats(PreprocessImage(img, Spec(R"({"range": [-1, 1]})"), f));
  ASSERT_EQ(v.size(), 24u);
  EXPECT_FLOAT_EQ(v[0], -1.0f);
  EXPECT_NEAR(v[1], -0.6f, 1e-6);
  EXPECT_FLOAT_EQ(v[2], 1.0f);
  v = Floats(PreprocessImage(img, Spec(R"({"channel_order": "BGR"})"), f));
  EXPECT_EQ(v[0], 255.0f);
  EXPECT_EQ(v[2], 0.0f);
  v = Floats(PreprocessImage(img, Spec(R"({"range": [0, 1], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]})"), f));
  EXPECT_NEAR(v[1], (0.2f - 0.456f) / 0.224f, 1e-5);
  // Planar: all R first.
  v = Floats(PreprocessImage(img, Spec(R"({"layout": "NCHW"})"), f));
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_EQ(v[7], 0.0f);
  EXPECT_EQ(v[8], 51.0f);
  // uint8 quantized input: [-1,1] quantized with the input's parameters is
  // within a step of the raw pixels.
  InputTarget q = Target(DType::UINT8, {1, 2, 4, 3}, QuantParams{0.0078125f, 128});
  TensorData qd = PreprocessImage(img, Spec(R"({"range": [-1, 1], "dtype": "uint8", "quantization": "input"})"), q);
  EXPECT_EQ(qd.bytes[0], 0);
  EXPECT_EQ(qd.bytes[1], 51);
  EXPECT_EQ(qd.bytes[2], 255);
  // Cast without quantization: [0,1] floats become 0 or 1.
  TensorData cast = PreprocessImage(img, Spec(R"({"range": [0, 1]})"), q);
  EXPECT_EQ(cast.bytes[2], 1);
  EXPECT_EQ(cast.bytes[1], 0);
  // A float spec for a uint8 input is an error unless the caller casts.
  EXPECT_THROW(PreprocessImage(img, Spec(R"({"dtype": "float32"})"), q), Error);
  EXPECT_NO_THROW(PreprocessImage(img, Spec(R"({"dtype": "float32"})"), q, true));
}

TEST(PreprocessSpecTest, FitAndGreyInputs) {
  // 4x2 image with left half 0 and right half 200, to a 2x2 input.
  Image img{4, 2, 3, {}};
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x)
      for (int c = 0; c < 3; ++c) img.pixels.push_back(x < 2 ? 0 : 200);
  InputTarget t = Target(DType::FLOAT32, {1, 2, 2, 3});
  auto stretch = Floats(PreprocessImage(img, Spec(R"({"resize": "area"})"), t));
  EXPECT_EQ(stretch[0], 0.0f);
  EXPECT_EQ(stretch[3], 200.0f);
  auto crop = Floats(PreprocessImage(img, Spec(R"({"resize": "area", "fit": "center_crop"})"), t));
  EXPECT_EQ(crop[0], 0.0f);  // columns 1..2
  EXPECT_EQ(crop[3], 200.0f);
  auto pad = Floats(PreprocessImage(img, Spec(R"({"resize": "area", "fit": "pad", "pad_value": 100})"), t));
  EXPECT_EQ(pad[0], 50.0f);  // area of 2x2 box over (pad 100, pixel 0) rows
  // Grey [1, 28, 28] input (no channel axis) from an RGB image.
  InputTarget g = Target(DType::FLOAT32, {1, 28, 28});
  EXPECT_TRUE(g.image_like);
  EXPECT_FALSE(g.channel_dim);
  EXPECT_EQ(PreprocessImage(Solid(30, 30, {10, 10, 10}), Spec("{}"), g).bytes.size(), 28u * 28u * 4u);
  // Not an image.
  EXPECT_FALSE(Target(DType::FLOAT32, {1, 640}).image_like);
  EXPECT_THROW(PreprocessImage(img, Spec("{}"), Target(DType::FLOAT32, {1, 640})), Error);
}

TEST(PreprocessSpecTest, NpyAndAudioInputs) {
  InputTarget q = Target(DType::INT8, {1, 4}, QuantParams{0.5f, -1});
  NpyArray a{DType::FLOAT32, {4}, std::vector<uint8_t>(16)};
  float vals[4] = {0, 1, -1, 100};
  std::memcpy(a.data.data(), vals, 16);
  TensorData d = TensorFromNpy(a, PreprocessSpec{}, q, "a.npy");
  EXPECT_EQ(static_cast<int8_t>(d.bytes[0]), -1);
  EXPECT_EQ(static_cast<int8_t>(d.bytes[1]), 1);
  EXPECT_EQ(static_cast<int8_t>(d.bytes[3]), 127);
  NpyArray wrong{DType::FLOAT32, {3}, std::vector<uint8_t>(12)};
  try {
    TensorFromNpy(wrong, PreprocessSpec{}, q, "w.npy");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("w.npy: float32 [3] does not fit input"), std::string::npos) << e.what();
  }
  Audio au{16000, {16384, -32768}};
  TensorData f = TensorFromAudio(au, PreprocessSpec{}, Target(DType::FLOAT32, {1, 3}));
  auto fv = Floats(f);
  EXPECT_EQ(fv, (std::vector<float>{0.5f, -1.0f, 0.0f}));
}

// ---- What the fixture models expect ----

ExpectedPreprocessing ExpectedOf(const std::string& model, const ExpectedPreprocessing* partner = nullptr) {
  static std::map<std::string, Model> cache;
  auto it = cache.find(model);
  if (it == cache.end()) it = cache.emplace(model, LoadModel(Fixture(model))).first;
  return ExpectedFor(it->second, 0, partner);
}

TEST(ExpectedTest, FromMetadataQuantizationAndReference) {
  TFD_REQUIRE_FIXTURES();
  // Float MobileNet with metadata: mean/std 127.5 -> [-1,1].
  auto f = ExpectedOf("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  EXPECT_EQ(f.source, SpecSource::kMetadata);
  EXPECT_EQ(f.spec.mean, (std::vector<float>{127.5f}));
  EXPECT_EQ(ValuesPhrase(f.spec, f.target), "[-1,1]");
  // Quantized uint8 MobileNet with metadata: pixels as they are (Task Library).
  auto q = ExpectedOf("models/tflite-support/mobilenet_v1_0.25_224_quant.tflite");
  EXPECT_EQ(q.source, SpecSource::kMetadata);
  EXPECT_TRUE(q.spec.mean.empty());
  EXPECT_FALSE(q.spec.quantize_with_input);
  EXPECT_EQ(ValuesPhrase(q.spec, q.target), "[-1,0.992]");
  // int8 inputs without metadata: the quantization's range.
  auto vww = ExpectedOf("models/mlperf-tiny/vww_96_int8.tflite");
  EXPECT_EQ(vww.source, SpecSource::kQuantization);
  EXPECT_EQ(vww.spec.range, (std::array<float, 2>{0, 1}));
  auto resnet = ExpectedOf("models/mlperf-tiny/pretrainedResnet_quant.tflite");
  EXPECT_EQ(resnet.spec.range, (std::array<float, 2>{0, 255}));
  auto person = ExpectedOf("models/tflite-micro/person_detect.tflite");
  EXPECT_EQ(person.spec.range, (std::array<float, 2>{-1, 1}));
  EXPECT_EQ(person.target.channels, 1);
  // A float model that says nothing: a guess, or its partner's word.
  auto guess = ExpectedOf("models/mlperf-tiny/vww_96_float.tflite");
  EXPECT_EQ(guess.source, SpecSource::kDefault);
  auto partnered = ExpectedOf("models/mlperf-tiny/vww_96_float.tflite", &vww);
  EXPECT_EQ(partnered.source, SpecSource::kReference);
  EXPECT_EQ(partnered.spec.range, (std::array<float, 2>{0, 1}));
  auto from_quant_mobilenet = ExpectedOf("models/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite", &q);
  EXPECT_EQ(from_quant_mobilenet.source, SpecSource::kReference);
  EXPECT_EQ(ValuesPhrase(from_quant_mobilenet.spec, from_quant_mobilenet.target), "[-1,1]");
  // Not an image.
  EXPECT_EQ(ExpectedOf("models/mlperf-tiny/ad01_int8.tflite").source, SpecSource::kNotImage);
}

std::string Sentences(const std::vector<SpecDifference>& d) {
  std::string s;
  for (const auto& x : d) s += "[" + x.aspect + "] " + x.sentence + "\n";
  return s;
}

TEST(CompareSpecsTest, NamesEachMismatchInPlainWords) {
  TFD_REQUIRE_FIXTURES();
  auto f = ExpectedOf("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  auto d = CompareSpecs(Spec(R"({"range": [0, 1]})"), f);
  ASSERT_EQ(d.size(), 1u) << Sentences(d);
  EXPECT_EQ(d[0].sentence, "inputs are scaled to [0,1]; the model expects [-1,1] (TFLite metadata)");
  d = CompareSpecs(Spec(R"({"range": [-1, 1], "channel_order": "BGR"})"), f);
  ASSERT_EQ(d.size(), 1u) << Sentences(d);
  EXPECT_EQ(d[0].sentence, "channels are fed in BGR order; the model expects RGB");
  d = CompareSpecs(Spec(R"({"range": [0, 255]})"), f);
  ASSERT_EQ(d.size(), 1u) << Sentences(d);
  EXPECT_EQ(d[0].sentence,
            "inputs are scaled to [0,255]; the model expects [-1,1] (TFLite metadata); no mean/std normalization is "
            "applied");
  d = CompareSpecs(Spec(R"({"range": [0, 1], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]})"), f);
  ASSERT_EQ(d.size(), 1u) << Sentences(d);
  EXPECT_EQ(d[0].sentence, "inputs are scaled to ImageNet mean/std on [0,1]; the model expects [-1,1] (TFLite metadata)");
  // Equivalent spellings of the right pipeline are not mismatches.
  EXPECT_TRUE(CompareSpecs(Spec(R"({"mean": [127.5], "std": [127.5]})"), f).empty());
  EXPECT_TRUE(CompareSpecs(Spec(R"({"range": [-1, 1], "layout": "NHWC"})"), f).empty());
  d = CompareSpecs(Spec(R"({"range": [-1, 1], "layout": "NCHW", "resize": "nearest"})"), f);
  EXPECT_NE(Sentences(d).find("pixels are laid out NCHW; the model's input [1, 224, 224, 3] is NHWC"),
            std::string::npos)
      << Sentences(d);
  EXPECT_NE(Sentences(d).find("images are resized with nearest"), std::string::npos) << Sentences(d);

  // Float values into a quantized uint8 model.
  auto q = ExpectedOf("models/tflite-support/mobilenet_v1_0.25_224_quant.tflite");
  d = CompareSpecs(Spec(R"({"range": [-1, 1], "dtype": "float32"})"), q);
  std::string all = Sentences(d);
  EXPECT_NE(all.find("[dtype] the pipeline produces float32 values but the model's input is uint8 (scale 0.0078125, "
                     "zero point 128)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("[quantization] values are cast to uint8 without the input's quantization"), std::string::npos)
      << all;
  EXPECT_NE(all.find("inputs are scaled to [-1,1] and reach the model as [-1,-0.992]; the model expects [-1,0.992]"),
            std::string::npos)
      << all;
  EXPECT_TRUE(CompareSpecs(Spec(R"({"range": [-1, 1], "dtype": "uint8", "quantization": "input"})"), q).empty());
}

TEST(AuditCandidatesTest, DeduplicatesEquivalentPipelines) {
  TFD_REQUIRE_FIXTURES();
  auto f = ExpectedOf("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  auto c = ValueCandidates(f, Spec(R"({"range": [0, 1]})"));
  // 4 distinct value maps ([-1,1] = mean 127.5/std 127.5) x RGB/BGR x NHWC/NCHW.
  EXPECT_EQ(c.size(), 16u);
  int expected = 0, declared = 0;
  for (const auto& x : c) expected += x.expected, declared += x.declared;
  EXPECT_EQ(expected, 1);
  EXPECT_EQ(declared, 1);
  EXPECT_EQ(c[0].name, "expected: mean 127.5 std 127.5 (= [-1,1]) RGB NHWC = [-1,1] RGB NHWC");
}

}  // namespace
}  // namespace tfd
