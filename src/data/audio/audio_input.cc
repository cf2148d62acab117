#include "data/audio/audio_input.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "data/audio/resample.h"
#include "format/metadata.h"
#include "graph/dtype.h"
#include "util/error.h"

namespace tfd {

std::optional<AudioModelSpec> AudioSpecFor(const Model& model, uint32_t sample_rate_override) {
  const Subgraph& g = model.main();
  if (g.inputs.size() != 1) return std::nullopt;
  const Tensor& input = g.tensors[static_cast<size_t>(g.inputs[0])];
  AudioModelSpec spec;
  spec.target = TargetFromTensor(input);
  bool declared = false;
  if (auto md = ReadModelMetadata(model); md && !md->inputs.empty() && md->inputs[0].content == "audio") {
    declared = true;
    if (md->inputs[0].sample_rate && *md->inputs[0].sample_rate > 0) {
      spec.sample_rate = *md->inputs[0].sample_rate;
      spec.sample_rate_source = "metadata";
    }
    if (md->inputs[0].channels && *md->inputs[0].channels > 0) spec.channels = *md->inputs[0].channels;
  }
  const bool waveform_shape = input.shape.size() == 1 || (input.shape.size() == 2 && input.shape[0] == 1);
  const bool sample_type = input.dtype == DType::FLOAT32 || input.dtype == DType::INT16;
  if (!declared && !(waveform_shape && sample_type)) return std::nullopt;
  auto count = ElementCount(input.shape);
  if (!count || *count <= 0) Fail("audio input '{}' has no static size ({})", input.name, ShapeString(input.shape));
  spec.window = static_cast<size_t>(*count) / spec.channels;
  if (sample_rate_override) {
    spec.sample_rate = sample_rate_override;
    spec.sample_rate_source = "--sample-rate";
  } else if (spec.sample_rate_source.empty()) {
    spec.sample_rate_source = "assumed: the model declares no sample rate (no audio metadata)";
  }
  return spec;
}

ConformedAudio ConformAudio(const Audio& audio, const AudioModelSpec& spec) {
  ConformedAudio out;
  const size_t ch = audio.channels ? audio.channels : 1;
  const size_t frames = audio.frames();
  if (frames == 0) Fail("the clip holds no samples");
  out.samples.resize(frames);
  for (size_t i = 0; i < frames; ++i) {
    float sum = 0;
    for (size_t c = 0; c < ch; ++c)
      sum += audio.is_float() ? audio.float_samples[i * ch + c] : audio.samples[i * ch + c] / 32768.0f;
    out.samples[i] = sum / static_cast<float>(ch);
  }
  if (ch != 1) out.notes.push_back(fmt::format("mixed {} channels to mono (averaged)", ch));
  if (audio.sample_rate != spec.sample_rate) {
    out.samples = Resample(out.samples, audio.sample_rate, spec.sample_rate);
    out.notes.push_back(fmt::format("resampled from {} Hz to {} Hz", audio.sample_rate, spec.sample_rate));
    if (out.samples.empty()) Fail("the clip is too short to resample ({} samples)", frames);
  }
  return out;
}

std::vector<std::vector<float>> AudioWindows(const std::vector<float>& samples, size_t window, size_t hop,
                                             size_t* dropped) {
  if (window == 0) Fail("audio window of 0 samples");
  if (hop == 0) hop = window;
  std::vector<std::vector<float>> out;
  size_t end = 0;
  for (size_t start = 0; start + window <= samples.size(); start += hop) {
    out.emplace_back(samples.begin() + static_cast<long>(start), samples.begin() + static_cast<long>(start + window));
    end = start + window;
  }
  if (out.empty()) {
    std::vector<float> padded(window, 0.0f);
    std::copy(samples.begin(), samples.end(), padded.begin());
    out.push_back(std::move(padded));
    end = samples.size();
  }
  if (dropped) *dropped = samples.size() - end;
  return out;
}

TensorData AudioWindowTensor(const std::vector<float>& window, const AudioModelSpec& spec) {
  const InputTarget& t = spec.target;
  const size_t n = window.size() * spec.channels;
  TensorData out{t.dtype, t.shape, {}};
  if (t.dtype == DType::FLOAT32) {
    // A mono clip fed to a multi-channel input goes to every channel.
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = window[i / spec.channels];
    out.bytes.resize(n * 4);
    std::memcpy(out.bytes.data(), v.data(), n * 4);
    return out;
  }
  if (t.dtype == DType::INT16) {
    std::vector<int16_t> v(n);
    for (size_t i = 0; i < n; ++i)
      v[i] = static_cast<int16_t>(std::clamp(std::lround(window[i / spec.channels] * 32768.0f), -32768L, 32767L));
    out.bytes.resize(n * 2);
    std::memcpy(out.bytes.data(), v.data(), n * 2);
    return out;
  }
  Fail("audio input '{}' is {}: only float32 and int16 waveforms are fed", t.name, DTypeName(t.dtype));
}

}  // namespace tfd
