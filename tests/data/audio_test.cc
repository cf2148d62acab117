// Audio classifiers: YAMNet (raw 16 kHz waveform in) on the windows of
// audio/speech.wav against the real runtime; WAV clips at other rates,
// stereo, scaled wrong or empty, made here from speech.wav.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "data/audio/audio_audit.h"
#include "data/audio/audio_input.h"
#include "data/audio/resample.h"
#include "data/wav.h"
#include "format/model_reader.h"
#include "format/model_writer.h"
#include "kernel_test_util.h"
#include "test_support.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

namespace fs = std::filesystem;
using testing::Fixture;

const char* kYamnet = "models/tflite-support/yamnet_wavin_quantized_mel_relu6.tflite";

// A WAV file: 16-bit PCM (format 1) or 32-bit float (format 3), interleaved.
std::vector<uint8_t> WavBytes(uint32_t rate, uint16_t channels, const std::vector<int16_t>* pcm,
                              const std::vector<float>* floats) {
  std::vector<uint8_t> b;
  auto put = [&](const void* p, size_t n) {
    b.insert(b.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  };
  uint16_t format = pcm ? 1 : 3, bits = pcm ? 16 : 32;
  uint32_t data = static_cast<uint32_t>(pcm ? pcm->size() * 2 : floats->size() * 4), riff = 36 + data, fmt_size = 16;
  uint32_t byte_rate = rate * channels * bits / 8;
  uint16_t align = static_cast<uint16_t>(channels * bits / 8);
  put("RIFF", 4), put(&riff, 4), put("WAVE", 4), put("fmt ", 4), put(&fmt_size, 4), put(&format, 2);
  put(&channels, 2), put(&rate, 4), put(&byte_rate, 4), put(&align, 2), put(&bits, 2), put("data", 4), put(&data, 4);
  if (pcm) put(pcm->data(), data);
  else put(floats->data(), data);
  return b;
}

void WriteFile(const fs::path& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<long>(b.size()));
}

// speech.wav at `rate` by linear interpolation (independent of Resample).
std::vector<int16_t> LinearlyResampled(const std::vector<int16_t>& in, uint32_t from, uint32_t to) {
  std::vector<int16_t> out(in.size() * to / from);
  for (size_t j = 0; j < out.size(); ++j) {
    double t = static_cast<double>(j) * from / to;
    size_t i = static_cast<size_t>(t);
    double f = t - static_cast<double>(i);
    double a = in[i], b = i + 1 < in.size() ? in[i + 1] : in[i];
    out[j] = static_cast<int16_t>(std::lround(a + (b - a) * f));
  }
  return out;
}

TEST(AudioConformance, YamnetOnSpeechWindowsMatchesTheRuntime) {
  TFD_REQUIRE_FIXTURES();
  std::string why;
  if (!testing::OracleBatch::Available(&why)) GTEST_SKIP() << why;
  Model model = LoadModel(Fixture(kYamnet));
  std::optional<AudioModelSpec> spec = AudioSpecFor(model);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->window, 15600u);
  EXPECT_EQ(spec->sample_rate, 16000u);
  Audio speech = ReadWav(Fixture("audio/speech.wav"));
  ConformedAudio clip = ConformAudio(speech, *spec);
  EXPECT_TRUE(clip.notes.empty());
  // Whole windows and half-window hops: 7 windows of 4.27 s.
  auto windows = AudioWindows(clip.samples, spec->window, spec->window / 2);
  ASSERT_EQ(windows.size(), 7u);
  testing::OracleBatch oracle;
  std::vector<int> ids;
  auto bytes = ReadFileBytes(Fixture(kYamnet));
  for (const auto& w : windows) {
    TensorData t = AudioWindowTensor(w, *spec);
    ids.push_back(oracle.AddBytes(bytes, {testing::Array{t.dtype, t.shape, t.bytes}}));
  }
  oracle.Run();
  for (size_t k = 0; k < windows.size(); ++k) {
    SCOPED_TRACE("window " + std::to_string(k));
    ASSERT_TRUE(oracle.ok(ids[k])) << oracle.error(ids[k]);
    TensorData t = AudioWindowTensor(windows[k], *spec);
    const testing::Array input{t.dtype, t.shape, t.bytes};
    const testing::Array& theirs = oracle.outputs(ids[k]).at(0);
    // The runtime runs YAMNet's 8-bit nodes in XNNPACK: our xnnpack
    // profile. (TFLite's reference kernels alone land a step of the output
    // quantization, 1/256, away on some windows: not the runtime's answer.)
    auto xnnpack = testing::RunOurs(model, {input}, Arithmetic::kXnnpack).at(0);
    EXPECT_TRUE(testing::FloatClose(xnnpack, theirs, 1e-4));
    // Speech: YAMNet's class 0 ("Speech" in its class map) leads.
    auto v = theirs.values<float>();
    EXPECT_EQ(std::max_element(v.begin(), v.end()) - v.begin(), 0);
  }
}

TEST(AudioInput, ResampleKeepsATonesFrequencyAndLength) {
  // A 440 Hz tone at 44.1 kHz, resampled to 16 kHz, equals the tone
  // sampled at 16 kHz away from the edges.
  std::vector<float> tone(44100);
  for (size_t i = 0; i < tone.size(); ++i) tone[i] = 0.5f * std::sin(2 * M_PI * 440.0 * i / 44100.0);
  std::vector<float> out = Resample(tone, 44100, 16000);
  ASSERT_EQ(out.size(), 16000u);
  double max_err = 0;
  for (size_t j = 100; j < 15900; ++j)
    max_err = std::max(max_err, std::abs(out[j] - 0.5 * std::sin(2 * M_PI * 440.0 * j / 16000.0)));
  EXPECT_LT(max_err, 2e-3);
  // A tone above the new Nyquist frequency (10 kHz > 8 kHz) is filtered out.
  for (size_t i = 0; i < tone.size(); ++i) tone[i] = 0.5f * std::sin(2 * M_PI * 10000.0 * i / 44100.0);
  out = Resample(tone, 44100, 16000);
  double peak = 0;
  for (size_t j = 100; j < 15900; ++j) peak = std::max(peak, static_cast<double>(std::abs(out[j])));
  EXPECT_LT(peak, 0.01);
  EXPECT_EQ(Resample({1, 2, 3}, 16000, 16000), (std::vector<float>{1, 2, 3}));
}

TEST(AudioInput, WindowsPadAShortClipAndCountTheRest) {
  size_t dropped = 0;
  auto w = AudioWindows(std::vector<float>(10, 1.0f), 4, 0, &dropped);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(dropped, 2u);
  w = AudioWindows(std::vector<float>(3, 1.0f), 4, 0, &dropped);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], (std::vector<float>{1, 1, 1, 0}));
  EXPECT_EQ(dropped, 0u);
  w = AudioWindows(std::vector<float>(10, 1.0f), 4, 2, &dropped);
  EXPECT_EQ(w.size(), 4u);
}

class AudioCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveFixtures()) GTEST_SKIP() << "no fixtures";
    dir_ = testing::TempDir("audio");
    speech_ = ReadWav(Fixture("audio/speech.wav"));
    // The model file ships no labels: YAMNet's AudioSet class map, as the
    // repository ships it for users (labels/yamnet_class_map.csv).
    labels_ = fs::path(TFD_SOURCE_DIR) / "labels" / "yamnet_class_map.csv";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  testing::CliResult Classify(const fs::path& wav, const std::string& extra = "") {
    return testing::RunCli("classify " + testing::Quote(Fixture(kYamnet)) + " " + testing::Quote(wav.string()) +
                           " --labels " + testing::Quote(labels_.string()) + " " + extra);
  }
  fs::path dir_, labels_;
  Audio speech_;
};

TEST_F(AudioCli, SpeechIsNamedAndOtherRatesAndStereoAreConverted) {
  auto base = Classify(Fixture("audio/speech.wav"), "--json");
  ASSERT_EQ(base.exit_code, 0) << base.err;
  auto j = nlohmann::json::parse(base.out)[0];
  EXPECT_EQ(j["top"][0]["label"], "Speech");
  EXPECT_EQ(j["top"][0]["index"], 0);
  // The rest of the top classes are speech too, or the room it was said in.
  const std::set<std::string> speechlike = {"Narration, monologue", "Speech synthesizer", "Conversation",
                                            "Inside, small room", "Silence", "Child speech, kid speaking"};
  for (size_t k = 1; k < j["top"].size(); ++k)
    EXPECT_TRUE(speechlike.count(j["top"][k]["label"].get<std::string>())) << j["top"][k];
  EXPECT_EQ(j["windows"].size(), 4u);
  EXPECT_TRUE(j["notes"][0].get<std::string>().find("5960 samples") != std::string::npos) << j["notes"];
  const float base_speech = j["top"][0]["score"].get<float>();
  EXPECT_GT(base_speech, 0.9f);

  // A 44.1 kHz copy; a stereo copy (the same in both channels).
  const std::vector<int16_t> up44 = LinearlyResampled(speech_.samples, 16000, 44100);
  WriteFile(dir_ / "speech44k.wav",
            WavBytes(44100, 1, &up44, nullptr));
  std::vector<int16_t> stereo;
  for (int16_t s : speech_.samples) stereo.push_back(s), stereo.push_back(s);
  WriteFile(dir_ / "stereo.wav", WavBytes(16000, 2, &stereo, nullptr));
  auto r44 = Classify(dir_ / "speech44k.wav");
  ASSERT_EQ(r44.exit_code, 0) << r44.err;
  EXPECT_NE(r44.out.find("note: resampled from 44100 Hz to 16000 Hz"), std::string::npos) << r44.out;
  EXPECT_NE(r44.out.find("1. Speech"), std::string::npos) << r44.out;
  auto st = Classify(dir_ / "stereo.wav", "--json");
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto sj = nlohmann::json::parse(st.out)[0];
  EXPECT_EQ(sj["notes"][0], "mixed 2 channels to mono (averaged)");
  // Both channels equal: the mix is the mono clip, scores identical.
  EXPECT_EQ(sj["top"], j["top"]);
}

TEST_F(AudioCli, EmptyAndWronglyScaledWavs) {
  std::vector<int16_t> none;
  WriteFile(dir_ / "empty.wav", WavBytes(16000, 1, &none, nullptr));
  auto empty = Classify(dir_ / "empty.wav");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(std::count(empty.err.begin(), empty.err.end(), '\n'), 1) << empty.err;
  EXPECT_NE(empty.err.find("holds no samples"), std::string::npos) << empty.err;

  // [-1, 1] floats cast to int16 (-1, 0, 1), and int16 values stored as float.
  std::vector<int16_t> cast;
  std::vector<float> loud;
  for (int16_t s : speech_.samples) {
    cast.push_back(static_cast<int16_t>(s / 32768.0f * 1.9f));  // truncation toward 0, as a C cast does
    loud.push_back(static_cast<float>(s));
  }
  fs::create_directories(dir_ / "clips");
  WriteFile(dir_ / "clips" / "cast.wav", WavBytes(16000, 1, &cast, nullptr));
  WriteFile(dir_ / "clips" / "loud.wav", WavBytes(16000, 1, nullptr, &loud));
  WriteFile(dir_ / "clips" / "good.wav", WavBytes(16000, 1, &speech_.samples, nullptr));
  std::vector<int16_t> stereo44 = LinearlyResampled(speech_.samples, 16000, 44100);
  std::vector<int16_t> interleaved;
  for (int16_t s : stereo44) interleaved.push_back(s), interleaved.push_back(s);
  WriteFile(dir_ / "clips" / "stereo44k.wav", WavBytes(44100, 2, &interleaved, nullptr));
  auto audit = testing::RunCli("audit-preprocessing " + testing::Quote(Fixture(kYamnet)) + " --data " +
                               testing::Quote((dir_ / "clips").string()) + " --json");
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  auto a = nlohmann::json::parse(audit.out);
  EXPECT_EQ(a["wrong_scale"], 2);
  EXPECT_EQ(a["resampled"], 1);
  EXPECT_EQ(a["mixed"], 1);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& c : a["clips"]) by_name[fs::path(c["file"].get<std::string>()).filename().string()] = c;
  EXPECT_TRUE(by_name["cast.wav"]["wrong_scale"].get<bool>());
  EXPECT_NE(by_name["cast.wav"]["findings"][0].get<std::string>().find("[-1, 1] floats cast to int16"),
            std::string::npos);
  EXPECT_TRUE(by_name["loud.wav"]["wrong_scale"].get<bool>());
  EXPECT_NE(by_name["loud.wav"]["findings"][0].get<std::string>().find("int16 values stored as float"),
            std::string::npos);
  EXPECT_FALSE(by_name["good.wav"]["wrong_scale"].get<bool>());
  EXPECT_TRUE(by_name["good.wav"]["findings"].empty());
  EXPECT_EQ(by_name["stereo44k.wav"]["findings"].size(), 2u);
  // An audio model given an image.
  auto image = Classify(Fixture("images/cat.jpg"));
  EXPECT_EQ(image.exit_code, 1);
  EXPECT_NE(image.err.find("is an audio classifier"), std::string::npos) << image.err;
}

TEST_F(AudioCli, EvalAveragesWindowsOfConvertedClips) {
  fs::create_directories(dir_ / "set" / "Speech");
  WriteFile(dir_ / "set" / "Speech" / "speech.wav", WavBytes(16000, 1, &speech_.samples, nullptr));
  const std::vector<int16_t> up44 = LinearlyResampled(speech_.samples, 16000, 44100);
  std::vector<int16_t> stereo44;
  for (int16_t s : up44) stereo44.push_back(s), stereo44.push_back(s);
  WriteFile(dir_ / "set" / "Speech" / "stereo44k.wav", WavBytes(44100, 2, &stereo44, nullptr));
  auto r = testing::RunCli("eval " + testing::Quote(Fixture(kYamnet)) + " --data " +
                           testing::Quote((dir_ / "set").string()) + " --labels " + testing::Quote(labels_.string()) +
                           " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["data"]["items"], 2);
  EXPECT_EQ(j["windows"], 8);  // 4 whole windows in each 4.27 s clip
  EXPECT_EQ(j["resampled"], 1);
  EXPECT_EQ(j["mixed"], 1);
  EXPECT_EQ(j["accuracy"]["labeled"], 2);
  EXPECT_DOUBLE_EQ(j["accuracy"]["top1"].get<double>(), 1.0);
}

TEST_F(AudioCli, CompareCutsConvertedClipsIntoWindows) {
  // A 44.1 kHz stereo copy of speech.wav: resampled and mixed, it gives the
  // 16 kHz clip's 4 windows (fed as it is, 4.27 s at 44.1 kHz would be 12).
  const std::vector<int16_t> up44 = LinearlyResampled(speech_.samples, 16000, 44100);
  std::vector<int16_t> stereo44;
  for (int16_t s : up44) stereo44.push_back(s), stereo44.push_back(s);
  fs::create_directories(dir_ / "clips");
  WriteFile(dir_ / "clips" / "stereo44k.wav", WavBytes(44100, 2, &stereo44, nullptr));
  WriteFile(dir_ / "clips" / "speech.wav", WavBytes(16000, 1, &speech_.samples, nullptr));
  auto r = testing::RunCli("compare " + testing::Quote(Fixture(kYamnet)) + " --self --data " +
                           testing::Quote((dir_ / "clips").string()) + " --impact-samples 0 --isolated-samples 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["data"]["clips"], 2);
  EXPECT_EQ(j["data"]["windows"], 8);
  EXPECT_EQ(j["data"]["compared"], 8);
  EXPECT_EQ(j["data"]["resampled"], 1);
  EXPECT_EQ(j["data"]["mixed"], 1);
  // Speech in every window in both models: the quantized model agrees with
  // its float shadow on all 8, and its scores are close (one output step is
  // 1/256).
  EXPECT_EQ(j["outputs"][0]["top1_agree"], 8);
  EXPECT_GT(j["outputs"][0]["sqnr_db"].get<double>(), 30.0);
  auto text = testing::RunCli("compare " + testing::Quote(Fixture(kYamnet)) + " --self --data " +
                              testing::Quote((dir_ / "clips").string()) + " --impact-samples 0 --isolated-samples 1");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("(8 windows of 2 of 2 clips, 1 resampled to the model's rate, 1 mixed to mono)"),
            std::string::npos)
      << text.out;
  // Images for an audio model: one line naming the item.
  fs::create_directories(dir_ / "photos");
  fs::copy_file(Fixture("images/cat.jpg"), dir_ / "photos" / "cat.jpg");
  auto bad = testing::RunCli("compare " + testing::Quote(Fixture(kYamnet)) + " --self --data " +
                             testing::Quote((dir_ / "photos").string()));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find("cat.jpg: an audio model's --data items are WAV clips"), std::string::npos) << bad.err;
}

TEST_F(AudioCli, QuantizeCalibratesOnConvertedWindows) {
  // A float model taking a 0.975 s waveform (no metadata: 16 kHz assumed),
  // quantized from a 44.1 kHz stereo copy of speech.wav and from that copy
  // already converted (16 kHz mono floats): the same samples reach the
  // model, so the files are byte for byte equal. (Fed as they were, the
  // stereo file's first 15600 frames, 0.35 s at 44.1 kHz, set other ranges.)
  const int32_t n = 15600;
  testing::OpModel m(BuiltinOp::FULLY_CONNECTED);
  m.Input({DType::FLOAT32, {1, n}});
  std::vector<float> w(static_cast<size_t>(4 * n));
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(0.001f * static_cast<float>(i)) * 0.01f;
  m.Const<float>({DType::FLOAT32, {4, n}}, w);
  m.Const<float>({DType::FLOAT32, {4}}, {0.1f, -0.2f, 0.3f, 0.0f});
  m.Output({DType::FLOAT32, {1, 4}});
  SaveModel(m.Build(), (dir_ / "wave.tflite").string());
  const std::vector<int16_t> up44 = LinearlyResampled(speech_.samples, 16000, 44100);
  std::vector<int16_t> stereo44;
  for (int16_t s : up44) stereo44.push_back(s), stereo44.push_back(s);
  fs::create_directories(dir_ / "raw");
  fs::create_directories(dir_ / "converted");
  WriteFile(dir_ / "raw" / "stereo44k.wav", WavBytes(44100, 2, &stereo44, nullptr));
  AudioModelSpec spec = *AudioSpecFor(LoadModel((dir_ / "wave.tflite").string()));
  ConformedAudio clip = ConformAudio(ReadWav((dir_ / "raw" / "stereo44k.wav").string()), spec);
  EXPECT_EQ(clip.notes.size(), 2u);
  WriteFile(dir_ / "converted" / "speech16k.wav", WavBytes(16000, 1, nullptr, &clip.samples));
  auto quantize = [&](const char* data, const char* out) {
    auto r = testing::RunCli("quantize " + testing::Quote((dir_ / "wave.tflite").string()) + " -o " +
                             testing::Quote((dir_ / out).string()) + " --calibration " +
                             testing::Quote((dir_ / data).string()) + " --calibration-method minmax");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ReadFileBytes((dir_ / out).string());
  };
  EXPECT_EQ(quantize("raw", "from_raw.tflite"), quantize("converted", "from_converted.tflite"));
}

}  // namespace
}  // namespace tfd
