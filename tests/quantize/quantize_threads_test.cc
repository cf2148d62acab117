// Calibration spread over threads: the statistics (ranges, counts, means,
// histograms, per-channel sums, per-sample ranges) are the same, bit for
// bit, from one thread as from several, on every fixture model and the
// MediaPipe models, fed real photos and seeded random inputs; `quantize`
// writes the same bytes whatever --threads says; a bad sample is named as
// one thread names it (the first in order).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/compare/float_shadow.h"
#include "format/model_reader.h"
#include "format/model_writer.h"
#include "quantization_test_data.h"
#include "quantize/calibration.h"
#include "quantize/calibration_audit.h"
#include "quantize/calibration_source.h"
#include "test_support.h"
#include "util/error.h"
#include "util/file_io.h"
#include "util/thread_pool.h"

namespace tfd {
namespace {

using quantize::Calibration;
using quantize::CalibrationOptions;
using quantize::CalibrationSample;
using quantize::TensorStatistics;
using testing::Fixture;
using testing::Quote;
using testing::RunCli;

template <typename T>
bool SameBits(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}
template <typename T>
bool SameBits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Every field of `b` equals `a`'s, floats compared by their bits.
void ExpectSameCalibration(const Calibration& a, const Calibration& b, const std::string& what) {
  ASSERT_EQ(a.samples, b.samples) << what;
  ASSERT_EQ(a.tensors.size(), b.tensors.size()) << what;
  size_t seen = 0;
  for (size_t t = 0; t < a.tensors.size(); ++t) {
    const TensorStatistics& x = a.tensors[t];
    const TensorStatistics& y = b.tensors[t];
    SCOPED_TRACE(fmt::format("{}: tensor {}", what, t));
    seen += x.seen;
    EXPECT_EQ(x.seen, y.seen);
    EXPECT_TRUE(SameBits(x.min, y.min)) << x.min << " vs " << y.min;
    EXPECT_TRUE(SameBits(x.max, y.max)) << x.max << " vs " << y.max;
    EXPECT_EQ(x.count, y.count);
    EXPECT_TRUE(SameBits(x.mean, y.mean)) << fmt::format("{:.17g} vs {:.17g}", x.mean, y.mean);
    EXPECT_TRUE(SameBits(x.stddev, y.stddev)) << fmt::format("{:.17g} vs {:.17g}", x.stddev, y.stddev);
    EXPECT_EQ(x.histogram, y.histogram);
    EXPECT_EQ(x.abs_histogram, y.abs_histogram);
    EXPECT_TRUE(SameBits(x.channel_mean, y.channel_mean));
    EXPECT_TRUE(SameBits(x.channel_max, y.channel_max));
    EXPECT_TRUE(SameBits(a.sample_min[t], b.sample_min[t]));
    EXPECT_TRUE(SameBits(a.sample_max[t], b.sample_max[t]));
  }
  EXPECT_GT(seen, 0u) << what << ": no float tensor observed";
}

// Calibrate on `threads` threads: the statistics, or the error's message.
struct Outcome {
  std::optional<Calibration> calibration;
  std::string error;
};
Outcome CalibrateOn(const Model& model, const quantize::SampleFeed& feed, int threads) {
  CalibrationOptions o;
  o.histograms = true;
  o.threads = threads;
  try {
    return {quantize::Calibrate(model, feed, o), ""};
  } catch (const Error& e) {
    return {std::nullopt, e.what()};
  }
}

// One thread against 2, 3 and 4: the same statistics, or the same error.
// Returns whether the model calibrated.
bool ExpectSameOnAnyThreadCount(const Model& model, const quantize::SampleFeed& feed, const std::string& what) {
  const Outcome one = CalibrateOn(model, feed, 1);
  for (int threads = 2; threads <= 4; ++threads) {
    const Outcome many = CalibrateOn(model, feed, threads);
    const std::string where = fmt::format("{}, {} threads", what, threads);
    EXPECT_EQ(one.error, many.error) << where;
    if (one.calibration && many.calibration) ExpectSameCalibration(*one.calibration, *many.calibration, where);
  }
  return one.calibration.has_value();
}

// Models with float inputs of static shapes (random calibration draws them).
bool TakesFloatInputs(const Model& m) {
  if (m.main().inputs.empty()) return false;
  for (int32_t in : m.main().inputs) {
    const Tensor& t = m.main().tensors[static_cast<size_t>(in)];
    if (t.dtype != DType::FLOAT32 || !ElementCount(t.shape)) return false;
  }
  return true;
}

// The float models: every fixture model with float inputs, the MediaPipe
// models, and MobileNet v2's float shadow (the fixtures hold it in uint8),
// written under `dir`.
std::vector<std::string> FloatInputModels(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  std::vector<std::string> all = testing::FixtureModels();
  for (const std::string& m : testing::MediaPipeModels()) all.push_back(m);
  for (const std::string& path : all) {
    try {
      if (TakesFloatInputs(LoadModel(path))) out.push_back(path);
    } catch (const Error&) {
    }
  }
  if (testing::HaveFixtures()) {
    const std::string shadow = (dir / "mobilenet_v2_float_shadow.tflite").string();
    const Model quantized = LoadModel(Fixture("models/coral/mobilenet_v2_1.0_224_quant.tflite"));
    Model float_shadow = MakeFloatShadow(quantized);
    // The shadow keeps the metadata (its normalization) but not the label
    // file the metadata names, without which the file would not load.
    float_shadow.associated_files = quantized.associated_files;
    SaveModel(float_shadow, shadow);
    out.push_back(shadow);
  }
  return out;
}

// Models of over 1 MB get fewer samples and seeds (the test runs every
// thread count on each). MediaPipe's pose_landmark_heavy (27 MB, the ops of
// pose_landmark_full and _lite at three times their run time) is left out.
// Under the sanitizers (CI's second pass, several times slower) the models
// of over 1 MB and all seeds but one are left to the Release pass: the small
// models take the same threading and folding code.
bool IsLarge(const std::string& path) { return std::filesystem::file_size(path) > 1'000'000; }
using testing::kSanitized;
bool IsHuge(const std::string& path) { return std::filesystem::file_size(path) > (kSanitized ? 1'000'000 : 20'000'000); }

TEST(QuantizeThreads, CalibrationOnRandomInputsIsTheSameOnAnyThreadCount) {
  const auto dir = testing::TempDir("calibration-threads-random");
  const std::vector<std::string> models = FloatInputModels(dir);
  if (models.empty()) GTEST_SKIP() << "neither the shared fixtures nor the MediaPipe models are installed";
  size_t calibrated = 0;
  for (const std::string& path : models) {
    if (IsHuge(path)) continue;
    const bool large = IsLarge(path);
    for (uint64_t seed : large || kSanitized ? std::vector<uint64_t>{11} : std::vector<uint64_t>{1, 2, 3}) {
      quantize::CalibrationSourceOptions o;
      o.data = "random";
      o.samples = large ? 5 : 8;
      o.seed = seed;
      std::optional<quantize::CalibrationSource> src;
      try {
        src = quantize::CalibrationSamples(path, o);
      } catch (const Error& e) {
        continue;  // no input random values can feed (e.g. more than one input for the session)
      }
      calibrated += ExpectSameOnAnyThreadCount(LoadModel(path), src->Feed(), fmt::format("{} seed {}", path, seed));
    }
  }
  // The fixtures' float models and MediaPipe's: well over a dozen calibrate.
  EXPECT_GE(calibrated, kSanitized ? 3u : testing::HaveFixtures() ? 20u : 5u);
  std::filesystem::remove_all(dir);
}

TEST(QuantizeThreads, CalibrationOnPhotosIsTheSameOnAnyThreadCount) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("calibration-threads-photos");
  const std::string calib = testing::ImageNetHalf(dir / "calib.csv", true, 12);
  const std::string range01 = (dir / "range01.json").string();
  std::ofstream(range01) << R"({"range": [0, 1]})";
  size_t calibrated = 0;
  for (const std::string& path : FloatInputModels(dir)) {
    if (IsHuge(path)) continue;
    const Model model = LoadModel(path);
    const Tensor& in = model.main().tensors[static_cast<size_t>(model.main().inputs[0])];
    // Image inputs: [1, H, W, 1 or 3].
    if (model.main().inputs.size() != 1 || in.shape.size() != 4 || in.shape[1] < 8 || in.shape[2] < 8 ||
        (in.shape[3] != 3 && in.shape[3] != 1))
      continue;
    quantize::CalibrationSourceOptions o;
    o.data = calib;
    o.samples = IsLarge(path) ? 6 : 12;
    // The metadata's pipeline where the model has one, else [0, 1].
    std::optional<quantize::CalibrationSource> src;
    for (const std::string& preprocess : {std::string("auto"), range01}) {
      o.preprocess = preprocess;
      try {
        src = quantize::CalibrationSamples(path, o);
        break;
      } catch (const Error&) {
      }
    }
    if (!src) continue;
    calibrated += ExpectSameOnAnyThreadCount(model, src->Feed(), path + " on photos");
  }
  // VWW, MobileNet v1 (x2), the v2 shadow, ResNet, and the MediaPipe image models.
  EXPECT_GE(calibrated, kSanitized ? 2u : 5u);
  std::filesystem::remove_all(dir);
}

// The calibration audit reads the samples on the item threads too (its
// decoding is a pass of its own): the same findings and figures, bit for
// bit, from 1 as from 2..4 threads, on photos, on random inputs and on a set
// with repeated photos (its duplicates counted).
TEST(QuantizeThreads, CalibrationAuditIsTheSameOnAnyThreadCount) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("calibration-audit-threads");
  const std::string calib = testing::ImageNetHalf(dir / "calib.csv", true, 14);
  struct Case {
    std::string model, data;
    bool repeat;
  };
  const std::vector<Case> cases = {
      {Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite"), calib, false},
      {Fixture("models/mlperf-tiny/vww_96_float.tflite"), calib, true},
      {Fixture("models/mlperf-tiny/vww_96_float.tflite"), "random", false},
      {Fixture("models/mlperf-tiny/pretrainedResnet.tflite"), "random", true},
  };
  const int before = IntraOpThreads();
  for (const Case& c : cases) {
    quantize::CalibrationSourceOptions o;
    o.data = c.data;
    o.samples = 14;
    o.seed = 4;
    quantize::CalibrationSource src = quantize::CalibrationSamples(c.model, o);
    std::vector<CalibrationSample> held = src.TakeSamples();
    if (c.repeat) {
      const std::vector<CalibrationSample> again(held.begin() + 3, held.begin() + 9);
      held.insert(held.end(), again.begin(), again.end());
    }
    const Model model = LoadModel(c.model);
    std::vector<quantize::CalibrationAudit> audits;
    for (int threads = 1; threads <= 4; ++threads) {
      SetIntraOpThreads(threads);
      audits.push_back(quantize::AuditCalibration(model, quantize::InMemoryFeed(held), src.declared_range));
    }
    SetIntraOpThreads(before);
    for (int threads = 2; threads <= 4; ++threads) {
      const auto& one = audits[0];
      const auto& many = audits[static_cast<size_t>(threads - 1)];
      SCOPED_TRACE(fmt::format("{} on {}, {} threads", c.model, c.data, threads));
      EXPECT_EQ(one.samples, many.samples);
      EXPECT_EQ(one.duplicates, many.duplicates);
      EXPECT_EQ(one.image_input, many.image_input);
      EXPECT_TRUE(SameBits(one.neighbour_correlation, many.neighbour_correlation));
      EXPECT_TRUE(SameBits(one.value_min, many.value_min));
      EXPECT_TRUE(SameBits(one.value_max, many.value_max));
      EXPECT_EQ(one.looks_like_noise, many.looks_like_noise);
      EXPECT_EQ(one.outside_declared, many.outside_declared);
      EXPECT_EQ(one.findings, many.findings);
    }
    // The figures themselves: repeats counted, photos correlate, noise does not.
    EXPECT_EQ(audits[0].duplicates, c.repeat ? 6u : 0u) << c.model;
    EXPECT_TRUE(audits[0].image_input);
    if (c.data == "random")
      EXPECT_LT(audits[0].neighbour_correlation, 0.1) << c.model;
    else
      EXPECT_GT(audits[0].neighbour_correlation, 0.5) << c.model;
  }
  std::filesystem::remove_all(dir);
}

// The first bad sample in order is the one named, whichever thread meets a
// bad sample first: samples 3 and 7 hold a NaN (a non-finite activation),
// sample 5 has one tensor too many; one thread stops at 3, and so must 2..4
// (many times: threads race to the later ones).
TEST(QuantizeThreads, TheFirstBadSampleIsNamedOnAnyThreadCount) {
  TFD_REQUIRE_FIXTURES();
  const std::string path = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  const Model model = LoadModel(path);
  quantize::CalibrationSourceOptions o;
  o.data = "random";
  o.samples = 10;
  o.stream = false;
  o.seed = 5;
  std::vector<CalibrationSample> samples = quantize::CalibrationSamples(path, o).TakeSamples();
  ASSERT_EQ(samples.size(), 10u);
  auto poison = [&](size_t s) {
    float nan = std::nanf("");
    std::memcpy(samples[s][0].bytes.data() + 4 * 1000, &nan, 4);
  };
  poison(7);
  samples[5].push_back(samples[5][0]);
  for (int threads = 1; threads <= 4; ++threads) {
    const Outcome r = CalibrateOn(model, quantize::InMemoryFeed(samples), threads);
    EXPECT_EQ(r.error, "calibration sample 5 has 2 tensors; the model has 1 inputs") << threads << " threads";
  }
  poison(3);
  for (int repeat = 0; repeat < 5; ++repeat)
    for (int threads = 1; threads <= 4; ++threads) {
      const Outcome r = CalibrateOn(model, quantize::InMemoryFeed(samples), threads);
      EXPECT_EQ(r.error.rfind("calibration sample 3: ", 0), 0u) << threads << " threads: " << r.error;
      EXPECT_NE(r.error.find("non-finite value (nan)"), std::string::npos) << r.error;
    }
}

// `quantize` writes the same bytes with one thread as with every core (the
// default) and with three, calibrated on photos (mse ranges: the histogram
// pass; bias correction: the channel means; with and without cross-layer
// equalization) and on seeded random inputs; an unreadable photo in the
// calibration set is named the same way on any thread count.
TEST(QuantizeThreads, QuantizeWritesTheSameBytesOnAnyThreadCount) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("quantize-threads");
  const std::string calib = testing::ImageNetHalf(dir / "calib.csv", true, 16);
  const std::string mobilenet = Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  const std::string vww = Fixture("models/mlperf-tiny/vww_96_float.tflite");
  struct Case {
    std::string model, options;
  };
  const std::vector<Case> cases = {
      {mobilenet, "--calibration " + Quote(calib)},
      {mobilenet, "--calibration " + Quote(calib) + " --equalize --calibration-method entropy"},
      {vww, "--calibration " + Quote(calib) + " --calibration-method percentile:99.9 --io int8"},
      {vww, "--calibration random --samples 12 --scheme int16x8"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> written;
    for (const std::string threads : {"--threads 1", "", "--threads 3"}) {
      const std::string out = (dir / "out.tflite").string();
      auto r = RunCli("quantize " + Quote(c.model) + " -o " + Quote(out) + " " + c.options + " " + threads);
      ASSERT_EQ(r.exit_code, 0) << c.options << " " << threads << ": " << r.err;
      written.push_back(testing::SlurpFile(out));
      std::filesystem::remove(out);
    }
    ASSERT_FALSE(written[0].empty());
    EXPECT_TRUE(written[1] == written[0]) << c.model << " " << c.options << ": default threads";
    EXPECT_TRUE(written[2] == written[0]) << c.model << " " << c.options << ": 3 threads";
  }
  // Photos 0..9 with a text file named as a JPEG in 4th place and another 8th:
  // the 4th is named, on any thread count.
  const auto bad_dir = dir / "bad";
  std::filesystem::create_directories(bad_dir);
  std::ofstream(bad_dir / "fourth.jpg") << "not a JPEG";
  std::ofstream(bad_dir / "eighth.jpg") << "not a JPEG either";
  {
    std::ifstream in(calib);
    std::ofstream csv(dir / "with_bad.csv");
    std::string line;
    std::getline(in, line);
    csv << line << "\n";
    for (int row = 0; row < 10 && std::getline(in, line); ++row) {
      if (row == 3) csv << (bad_dir / "fourth.jpg").string() << ",x\n";
      if (row == 7) csv << (bad_dir / "eighth.jpg").string() << ",x\n";
      csv << line << "\n";
    }
  }
  std::vector<std::string> errors;
  for (const std::string threads : {"--threads 1", "", "--threads 3"}) {
    auto r = RunCli("quantize " + Quote(mobilenet) + " -o " + Quote((dir / "bad.tflite").string()) +
                    " --calibration " + Quote((dir / "with_bad.csv").string()) + " " + threads);
    EXPECT_TRUE(testing::OneLineError(r)) << threads << ": " << r.exit_code << " " << r.err;
    EXPECT_NE(r.err.find("fourth.jpg"), std::string::npos) << r.err;
    errors.push_back(r.err);
  }
  EXPECT_EQ(errors[1], errors[0]);
  EXPECT_EQ(errors[2], errors[0]);
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.tflite"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
