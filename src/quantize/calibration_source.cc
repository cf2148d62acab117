#include "quantize/calibration_source.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>

#include "data/audio/audio_input.h"
#include "data/dataset.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "graph/dtype.h"
#include "util/error.h"

namespace tfd::quantize {
namespace {

// The input value range the model declares (its metadata's normalization,
// as the expected preprocessing reads it), over every channel.
// The real values a pixel 0..255 becomes under `spec`, over every channel.
std::pair<float, float> SpecRange(const PreprocessSpec& spec) {
  auto [a0, b0] = spec.Affine(0);
  float lo = std::min(b0, a0 * 255.0f + b0);
  float hi = std::max(b0, a0 * 255.0f + b0);
  for (int c = 1; c < 4; ++c) {
    auto [a, b] = spec.Affine(c);
    lo = std::min({lo, b, a * 255.0f + b});
    hi = std::max({hi, b, a * 255.0f + b});
  }
  return std::make_pair(lo, hi);
}

std::optional<std::pair<float, float>> DeclaredRange(const ModelSession& session) {
  const auto& expected = session.expected();
  if (!expected.values_known()) return std::nullopt;
  return SpecRange(expected.spec);
}

// Uniform over each input's declared range: [0, 1] for a float input with
// no range said anywhere (the common image convention), the integer range
// for integer inputs.
CalibrationSample RandomSample(const Model& model, uint64_t seed, size_t s, float lo, float hi) {
  std::mt19937_64 rng(seed * 1000003ULL + s);
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
  return sample;
}

CalibrationSource RandomSamples(const std::string& model_path, const CalibrationSourceOptions& o) {
  ModelSession session(model_path);
  CalibrationSource src;
  src.random = true;
  src.declared_range = DeclaredRange(session);
  // A spec given with --preprocess says the input's range for a model that
  // says nothing itself (and overrides what it says, as it does for data).
  if (o.spec)
    src.declared_range = SpecRange(*o.spec);
  else if (o.preprocess != "auto")
    src.declared_range = SpecRange(ReadPreprocessSpec(o.preprocess));
  const size_t n = o.samples ? o.samples : 100;
  const auto [lo, hi] = src.declared_range.value_or(std::make_pair(0.0f, 1.0f));
  // The first one now: an input random values cannot feed is refused here.
  CalibrationSample first = RandomSample(session.model(), o.seed, 0, lo, hi);
  if (o.stream) {
    auto model = std::make_shared<Model>(session.model());
    const uint64_t seed = o.seed;
    const float l = lo, h = hi;
    src.Stream({n,
                [model, seed, n, l, h](const SampleVisitor& visit) {
                  for (size_t s = 0; s < n; ++s) visit(RandomSample(*model, seed, s, l, h));
                },
                [model, seed, l, h](size_t s, const SampleVisitor& visit) {
                  visit(RandomSample(*model, seed, s, l, h));
                }});
  } else {
    std::vector<CalibrationSample> samples;
    samples.push_back(std::move(first));
    for (size_t s = 1; s < n; ++s) samples.push_back(RandomSample(session.model(), o.seed, s, lo, hi));
    src.Hold(std::move(samples));
  }
  src.description = fmt::format("{} seeded random inputs (seed {}) uniform in [{}, {}]", n, o.seed, lo, hi);
  return src;
}

}  // namespace

void CalibrationSource::RequireNotTaken() const {
  if (taken_) Fail("internal: the calibration samples of {} were already taken or released", description);
}

SampleFeed CalibrationSource::Feed() const {
  RequireNotTaken();
  return streamed_.for_each ? streamed_ : InMemoryFeed(held_);
}

std::vector<CalibrationSample> CalibrationSource::TakeSamples() {
  RequireNotTaken();
  if (!streamed_.for_each) {
    taken_ = true;
    return std::move(held_);
  }
  std::vector<CalibrationSample> samples;
  samples.reserve(streamed_.size);
  streamed_.for_each([&](const CalibrationSample& s) { samples.push_back(s); });
  return samples;
}

void CalibrationSource::Release() {
  if (streamed_.for_each) return;
  held_ = {};
  taken_ = true;
}

CalibrationSource CalibrationSamples(const std::string& model_path, const CalibrationSourceOptions& o) {
  if (o.data == "random") return RandomSamples(model_path, o);
  Dataset dataset = OpenDataset(o.data);
  ModelSession session(model_path);
  const ResolvedSpec spec = o.spec ? ResolvedSpec{*o.spec, false, DescribeSpec(*o.spec)} : ResolveSpec(o.preprocess, session);
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
  // One item as the model's input (tfd::Error naming it when it cannot be).
  auto prepare = [](const ModelSession& session, const PreprocessSpec& spec, const DatasetItem& item) {
    Sample sample = LoadSample(item.path);
    // The data layer pads or cuts audio to any input; an image input fed a
    // waveform would calibrate on nonsense.
    if (std::holds_alternative<Audio>(sample) && session.target().image_like)
      Fail("{}: an audio clip cannot feed the image input '{}' {}", item.path, session.target().name,
           ShapeString(session.target().shape));
    // An audio model's clip as classify feeds it: mixed, resampled to the
    // model's rate, its first whole window (one sample per clip).
    if (std::holds_alternative<Audio>(sample))
      if (std::optional<AudioModelSpec> audio = AudioSpecFor(session.model())) {
        ConformedAudio clip = ConformAudio(std::get<Audio>(sample), *audio);
        if (clip.samples.empty()) Fail("{}: the clip holds no samples", item.path);
        return AudioWindowTensor(AudioWindows(clip.samples, audio->window, 0).front(), *audio);
      }
    return session.Prepare(sample, spec, item.path);
  };
  // Streamed without --skip-bad, the first item that cannot be fed stops
  // the first pass with the same error; with it, a pass first finds them.
  std::vector<DatasetItem> good;
  std::vector<CalibrationSample> held;
  for (const auto& item : chosen) {
    if (o.stream && !o.skip_bad) {
      good.push_back(item);
      src.items.push_back(item.path);
      continue;
    }
    try {
      TensorData t = prepare(session, spec.spec, item);
      if (!o.stream) held.push_back({std::move(t)});
      good.push_back(item);
      src.items.push_back(item.path);
    } catch (const Error& e) {
      if (!o.skip_bad) throw;
      bad.push_back({item.path, e.what()});
    }
  }
  if (o.stream && !good.empty()) {
    struct State {
      ModelSession session;
      PreprocessSpec spec;
      std::vector<DatasetItem> items;
    };
    auto state = std::shared_ptr<State>(new State{ModelSession(model_path), spec.spec, good});
    // Prepare reads the session without changing it: items may be prepared
    // on several threads at once (visit_one).
    src.Stream({good.size(),
                [state, prepare](const SampleVisitor& visit) {
                  for (const auto& item : state->items) visit({prepare(state->session, state->spec, item)});
                },
                [state, prepare](size_t s, const SampleVisitor& visit) {
                  visit({prepare(state->session, state->spec, state->items[s])});
                }});
  } else {
    src.Hold(std::move(held));
  }
  RequireNoBad(bad, chosen.size(), o.skip_bad);
  src.skipped = bad.size();
  if (good.empty()) Fail("{}: no item could be fed to the model", o.data);
  src.description = fmt::format("{} of {} items of {}, preprocessing {}", good.size(), total, o.data,
                                spec.description);
  return src;
}

}  // namespace tfd::quantize
