#include "whole_range_inputs.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "data/preprocess/expected.h"
#include "data/random_fill.h"
#include "graph/dtype.h"

namespace tfd::testing {
namespace {

std::string Span(double lo, double hi) { return fmt::format("[{:g}, {:g}]", lo, hi); }

const Tensor& InputTensor(const Model& model, size_t input) {
  const Subgraph& g = model.main();
  return g.tensors.at(static_cast<size_t>(g.inputs.at(input)));
}

std::vector<uint8_t> UniformFloats(int64_t count, double lo, double hi, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<uint8_t> bytes(static_cast<size_t>(count) * sizeof(float));
  for (int64_t i = 0; i < count; ++i) {
    // Both ends of the span appear, not only values near them.
    const double v = i == 0 ? lo : i == 1 ? hi : dist(rng);
    const float f = static_cast<float>(v);
    std::memcpy(bytes.data() + static_cast<size_t>(i) * sizeof(float), &f, sizeof(float));
  }
  return bytes;
}

}  // namespace

std::vector<FloatSpan> FloatSpansFor(const Model& model, size_t input) {
  const Tensor& t = InputTensor(model, input);
  if (t.dtype == DType::FLOAT32) {
    const ExpectedPreprocessing e = ExpectedFor(model, input);
    if (e.source == SpecSource::kMetadata) {
      double lo = 0, hi = 0;
      const int channels = std::max(1, e.target.channels);
      for (int c = 0; c < channels; ++c) {
        auto [a, b] = RealRange(e.spec, e.target, c);
        if (c == 0) lo = hi = a;
        lo = std::min({lo, a, b});
        hi = std::max({hi, a, b});
      }
      const double width = hi - lo;
      return {{lo, hi, "metadata " + Span(lo, hi)},
              {lo - width, hi + width, "metadata widened " + Span(lo - width, hi + width)}};
    }
  }
  return {{0, 1, Span(0, 1)}, {-1, 1, Span(-1, 1)}, {-4, 4, Span(-4, 4)}};
}

std::vector<InputSet> WholeRangeInputs(const Model& model, int seeds, const std::vector<Array>* fixed) {
  const Subgraph& g = model.main();
  std::vector<std::vector<FloatSpan>> spans(g.inputs.size());
  size_t span_count = 1;
  for (size_t i = 0; i < g.inputs.size(); ++i)
    if (InputTensor(model, i).dtype == DType::FLOAT32) {
      spans[i] = FloatSpansFor(model, i);
      span_count = std::max(span_count, spans[i].size());
    }
  std::vector<InputSet> sets;
  if (fixed != nullptr) sets.push_back({"recorded inputs", *fixed});
  for (int seed = 1; seed <= seeds; ++seed)
    for (size_t s = 0; s < span_count; ++s) {
      std::mt19937_64 rng(static_cast<uint64_t>(seed) * 7919 + s);
      InputSet set;
      set.label = "seed " + std::to_string(seed);
      std::string float_label;
      for (size_t i = 0; i < g.inputs.size(); ++i) {
        const Tensor& t = InputTensor(model, i);
        const int64_t count = ElementCount(t.shape).value_or(0);
        Array a{t.dtype, t.shape, {}};
        if (t.dtype == DType::FLOAT32) {
          const FloatSpan& span = spans[i][std::min(s, spans[i].size() - 1)];
          a.bytes = UniformFloats(count, span.lo, span.hi, rng);
          if (float_label.empty()) float_label = ", float " + span.label;
        } else if ((t.dtype == DType::INT32 || t.dtype == DType::UINT32 || t.dtype == DType::INT64) &&
                   fixed != nullptr) {
          a = fixed->at(i);
        } else {
          a.bytes = RandomTensorBytes(t.dtype, count, rng);
        }
        set.arrays.push_back(std::move(a));
      }
      set.label += float_label.empty() ? ", full integer range" : float_label;
      sets.push_back(std::move(set));
    }
  return sets;
}

std::vector<Array> TopOfRangeInputs(const Model& model) {
  std::vector<Array> out;
  for (size_t i = 0; i < model.main().inputs.size(); ++i) {
    const Tensor& t = InputTensor(model, i);
    const auto count = static_cast<size_t>(ElementCount(t.shape).value_or(0));
    switch (t.dtype) {
      case DType::FLOAT32: out.push_back(Array::Of<float>(t.dtype, t.shape, std::vector<float>(count, 1.0f))); break;
      case DType::INT8: out.push_back(Array::Of<int8_t>(t.dtype, t.shape, std::vector<int8_t>(count, 127))); break;
      case DType::UINT8: out.push_back(Array::Of<uint8_t>(t.dtype, t.shape, std::vector<uint8_t>(count, 255))); break;
      case DType::INT16: out.push_back(Array::Of<int16_t>(t.dtype, t.shape, std::vector<int16_t>(count, 32767))); break;
      case DType::INT32: out.push_back(Array::Of<int32_t>(t.dtype, t.shape, std::vector<int32_t>(count, 15))); break;
      default: throw std::runtime_error("no top-of-range input for " + DTypeName(t.dtype));
    }
  }
  return out;
}

}  // namespace tfd::testing
