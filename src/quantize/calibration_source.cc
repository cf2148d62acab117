#include "quantize/calibration_source.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "data/dataset.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "graph/dtype.h"
#include "util/error.h"

namespace tfd::quantize {
namespace {

// The input value range the model declares (its metadata's normalization,
// as the expected preprocessing reads it), over every channel.
std::optional<std::pair<float, float>> DeclaredRange(const ModelSession& session) {
  const auto& expected = session.expected();
  if (!expected.values_known()) return std::nullopt;
  auto [a0, b0] = expected.spec.Affine(0);
  float lo = std::min(b0, a0 * 255.0f + b0);
  float hi = std::max(b0, a0 * 255.0f + b0);
  for (int c = 1; c < 4; ++c) {
    auto [a, b] = expected.spec.Affine(c);
    lo = std::min({lo, b, a * 255.0f + b});
    hi = std::max({hi, b, a * 255.0f + b});
  }
  return std::make_pair(lo, hi);
}

// Uniform over each input's declared range: [0, 1] for a float input with
// no range said anywhere (the common image convention), the integer range
// for integer inputs.
CalibrationSource RandomSamples(const std::string& model_path, const CalibrationSourceOptions& o) {
  ModelSession session(model_path);
  const Model& model = session.model();
  CalibrationSource src;
  src.random = true;
  src.declared_range = DeclaredRange(session);
  const size_t n = o.samples ? o.samples : 100;
  const auto [lo, hi] = src.declared_range.value_or(std::make_pair(0.0f, 1.0f));
  for (size_t s = 0; s < n; ++s) {
    std::mt19937_64 rng(o.seed * 1000003ULL + s);
    CalibrationSample sample;
    for (int32_t in : model.main().inputs) {
      const Tensor& t = model.main().tensors[static_cast<size_t>(in)];
      if (t.dtype != DType::FLOAT32) Fail("random calibration: input '{}' is {}, not float32", t.name, DTypeName(t.dtype));
      auto count = ElementCount(t.shape);
      if (!count) Fail("random calibration: input '{}' has no static shape", t.name);
      std::uniform_real_distribution<float> dist(lo, hi);
      std::vector<float> v(static_cast<size_t>(*count));
      for (auto& x : v) x = dist(rng);
      TensorData d{DType::FLOAT32, t.shape, std::vector<uint8_t>(v.size() * 4)};
      std::memcpy(d.bytes.data(), v.data(), d.bytes.size());
      sample.push_back(std::move(d));
    }
    src.samples.push_back(std::move(sample));
  }
  src.description = fmt::format("{} seeded random inputs (seed {}) uniform in [{}, {}]", n, o.seed, lo, hi);
  return src;
}

}  // namespace

CalibrationSource CalibrationSamples(const std::string& model_path, const CalibrationSourceOptions& o) {
  if (o.data == "random") return RandomSamples(model_path, o);
  Dataset dataset = OpenDataset(o.data);
  ModelSession session(model_path);
  ResolvedSpec spec = ResolveSpec(o.preprocess, session);
  // The first N items spread evenly over the dataset (every item when N is 0
  // or at least the dataset's size), so class folders are all represented.
  std::vector<DatasetItem> chosen;
  const size_t total = dataset.items.size();
  if (o.samples == 0 || o.samples >= total) {
    chosen = dataset.items;
  } else {
    for (size_t k = 0; k < o.samples; ++k) chosen.push_back(dataset.items[k * total / o.samples]);
  }
  CalibrationSource src;
  src.declared_range = DeclaredRange(session);
  std::vector<BadItem> bad;
  for (const auto& item : chosen) {
    try {
      Sample sample = LoadSample(item.path);
      // The data layer pads or cuts audio to any input; an image input fed a
      // waveform would calibrate on nonsense.
      if (std::holds_alternative<Audio>(sample) && session.target().image_like)
        Fail("{}: an audio clip cannot feed the image input '{}' {}", item.path, session.target().name,
             ShapeString(session.target().shape));
      TensorData t = session.Prepare(sample, spec.spec, item.path);
      src.samples.push_back({std::move(t)});
      src.items.push_back(item.path);
    } catch (const Error& e) {
      if (!o.skip_bad) throw;
      bad.push_back({item.path, e.what()});
    }
  }
  RequireNoBad(bad, chosen.size(), o.skip_bad);
  src.skipped = bad.size();
  if (src.samples.empty()) Fail("{}: no item could be fed to the model", o.data);
  src.description = fmt::format("{} of {} items of {}, preprocessing {}", src.samples.size(), total, o.data,
                                spec.description);
  return src;
}

}  // namespace tfd::quantize
