// Calibration methods measured end to end, as bench/quantize_vs_converter.sh
// measures them: `tflite-doctor quantize` calibrated on one set, the written
// file against the float model (`eval --reference`) on another.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "data/npy.h"
#include "format/model_reader.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;
using testing::RunCli;

// imagenet-sample's labels.csv split as the benchmark splits it: odd data
// rows calibrate, even ones evaluate (absolute paths). Returns {calib, eval}.
std::pair<std::string, std::string> ImagenetHalves(const std::filesystem::path& dir) {
  const std::filesystem::path root = Fixture("imagenet-sample");
  std::ifstream in(root / "labels.csv");
  std::string line;
  std::getline(in, line);  // header
  const std::string calib = (dir / "calib.csv").string(), eval = (dir / "eval.csv").string();
  std::ofstream c(calib), e(eval);
  for (size_t row = 1; std::getline(in, line); ++row) (row % 2 ? c : e) << (root / line).string() << "\n";
  return {calib, eval};
}

// The real range [lo, hi] the converter's int8 file declares for its input.
std::pair<double, double> DeclaredInputRange(const std::string& int8_model) {
  const Model m = LoadModel(int8_model);
  const Quantization& q = *m.main().tensors[static_cast<size_t>(m.main().inputs[0])].quantization;
  return {q.scale[0] * (-128.0 - static_cast<double>(q.zero_point[0])),
          q.scale[0] * (127.0 - static_cast<double>(q.zero_point[0]))};
}

// `n` seeded uniform .npy inputs over [lo, hi] in `dir`.
void NoiseSet(const std::filesystem::path& dir, int n, uint32_t seed, std::pair<double, double> range,
              const std::vector<int32_t>& shape) {
  std::filesystem::create_directories(dir);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(static_cast<float>(range.first), static_cast<float>(range.second));
  size_t size = 1;
  for (int32_t d : shape) size *= static_cast<size_t>(d);
  for (int i = 0; i < n; ++i) {
    std::vector<float> v(size);
    for (auto& x : v) x = u(rng);
    char name[32];
    std::snprintf(name, sizeof name, "item_%04d.npy", i);
    WriteNpy((dir / name).string(), DType::FLOAT32, shape, v.data(), v.size() * 4);
  }
}

struct Measured {
  double sqnr_db = 0;
  double agreement = 0;
};

// Quantizes `float_model` with `method` calibrated on `calib`, then measures
// it against the float model on `eval`, both fed `spec`.
Measured QuantizeAndMeasure(const std::filesystem::path& dir, const std::string& float_model, const std::string& method,
                            const std::string& calib, const std::string& eval, const std::string& spec) {
  const std::string out = (dir / "out.tflite").string();
  auto q = RunCli("quantize " + Quote(float_model) + " -o " + Quote(out) + " --calibration " + Quote(calib) +
                  " --preprocess " + Quote(spec) + " --calibration-method " + method);
  EXPECT_EQ(q.exit_code, 0) << q.err;
  auto e = RunCli("eval " + Quote(out) + " --data " + Quote(eval) + " --reference " + Quote(float_model) +
                  " --preprocess " + Quote(spec) + " --reference-preprocess " + Quote(spec) + " --json");
  EXPECT_EQ(e.exit_code, 0) << e.err;
  std::filesystem::remove(out);
  if (e.exit_code != 0) return {};
  auto j = nlohmann::json::parse(e.out);
  return {j["reference"]["sqnr_db"].get<double>(), j["reference"]["agreement"].get<double>()};
}

std::string RangeSpec(const std::filesystem::path& dir, const std::string& name, std::pair<double, double> r) {
  const std::string path = (dir / (name + ".json")).string();
  std::ofstream(path) << nlohmann::json{{"range", {r.first, r.second}}}.dump();
  return path;
}

// Entropy calibration as TensorRT defines it (|x| histogram, thresholds from
// 128 bins up, outliers folded into the last bin, 256 or 128 levels spread
// back over the non-empty bins, smoothed KL, the zero bin counted as its
// neighbour). The former adaptation (one shrink factor on the asymmetric
// range, the ReLU zeros smeared over the first level, candidates only down
// to 20%) measured ResNet 3.84 dB / 64.0% agreement and KWS 1.41 dB / 58.0%
// on these sets; now 20.54 dB / 95.2% and 19.25 dB / 95.5% (mse on the
// benchmark's sets: 20.93 / 95.6%, 20.18 / 98.0%). VWW is not here: there
// entropy stays poor (README).
TEST(QuantizeCalibration, EntropyClipsLikeTensorRtOnResNetAndKws) {
  TFD_REQUIRE_FIXTURES();
  const auto dir = testing::TempDir("quantize-entropy");
  const std::string mlp = Fixture("models/mlperf-tiny/");
  {
    const auto [calib, eval] = ImagenetHalves(dir);
    const std::string spec = RangeSpec(dir, "resnet", DeclaredInputRange(mlp + "pretrainedResnet_quant.tflite"));
    const Measured m = QuantizeAndMeasure(dir, mlp + "pretrainedResnet.tflite", "entropy", calib, eval, spec);
    std::printf("ResNet entropy: %.2f dB, %.1f%% agreement\n", m.sqnr_db, 100 * m.agreement);
    EXPECT_GT(m.sqnr_db, 17.0) << "ResNet";
    EXPECT_GT(m.agreement, 0.92) << "ResNet";
  }
  {
    const auto range = DeclaredInputRange(mlp + "kws_ref_model.tflite");
    const Model kws = LoadModel(mlp + "kws_ref_model_float32.tflite");
    const auto shape = kws.main().tensors[static_cast<size_t>(kws.main().inputs[0])].shape;
    NoiseSet(dir / "kws_calib", 200, 1, range, shape);
    NoiseSet(dir / "kws_eval", 200, 2, range, shape);
    const std::string spec = RangeSpec(dir, "kws", range);
    const Measured m = QuantizeAndMeasure(dir, mlp + "kws_ref_model_float32.tflite", "entropy",
                                          (dir / "kws_calib").string(), (dir / "kws_eval").string(), spec);
    std::printf("KWS entropy: %.2f dB, %.1f%% agreement\n", m.sqnr_db, 100 * m.agreement);
    EXPECT_GT(m.sqnr_db, 15.0) << "KWS";
    EXPECT_GT(m.agreement, 0.9) << "KWS";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tfd
