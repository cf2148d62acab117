#include "analysis/tradeoffs/measurement.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "data/item_stream.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/label_match.h"
#include "util/error.h"

namespace tfd::tradeoffs {

Interval WilsonInterval(size_t successes, size_t n, double z) {
  if (n == 0) return {0, 1};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

namespace {

InterpreterOptions WithArithmetic(Arithmetic a) {
  InterpreterOptions o;
  o.arithmetic = a;
  return o;
}

// Median wall time of `runs` inferences on `input`, after one untimed run.
double TimeRuns(ModelSession& session, const TensorData& input, int runs) {
  session.Run(input);
  std::vector<double> ms;
  for (int i = 0; i < std::max(1, runs); ++i) {
    auto start = std::chrono::steady_clock::now();
    session.Run(input);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(ms.begin(), ms.begin() + static_cast<long>(ms.size() / 2), ms.end());
  return ms[ms.size() / 2];
}

void Finish(Measurement& m) {
  m.agreement = m.items ? static_cast<double>(m.agree) / static_cast<double>(m.items) : 0;
  m.agreement_ci = WilsonInterval(m.agree, m.items);
  m.accuracy = m.labeled ? static_cast<double>(m.correct) / static_cast<double>(m.labeled) : 0;
  m.accuracy_ci = WilsonInterval(m.correct, m.labeled);
}

}  // namespace

FloatReference::FloatReference(const std::string& float_path, const Dataset& dataset, const MeasureOptions& options)
    : dataset_(dataset), options_(options) {
  if (dataset.items.empty()) Fail("the evaluation data {} holds no items", dataset.source);
  float_session_ = std::make_unique<ModelSession>(float_path, nullptr, WithArithmetic(options.arithmetic));
  if (!options.labels_file.empty())
    float_session_->SetLabels(ReadLabelsFile(options.labels_file), options.labels_file);
  const ResolvedSpec resolved = options.spec ? ResolvedSpec{*options.spec, false, DescribeSpec(*options.spec)}
                                             : ResolveSpec(options.preprocess, *float_session_);
  spec_ = resolved.spec;
  spec_description_ = resolved.description;
  LabelMapper labels(float_session_->labels());
  std::vector<BadItem> bad;
  usable_.assign(dataset.items.size(), false);
  size_t cached = 0;
  bool cache = options.input_cache_bytes > 0;
  InputStream inputs(dataset, float_session_->target(), spec_);
  while (std::optional<InputItem> in = inputs.Next()) {
    if (!in->ok()) {
      bad.push_back({in->entry->path, in->error});
      continue;
    }
    Item item;
    item.index = in->index;
    item.output = float_session_->Run(in->input);
    std::vector<int> top = TopK(item.output, 1);
    item.top1 = top.empty() ? -1 : top[0];
    if (!in->entry->label.empty()) {
      item.label = labels.Index(in->entry->label);
      if (item.label >= static_cast<int>(item.output.size())) item.label = -1;
    }
    if (items_.empty()) first_input_ = in->input;
    usable_[in->index] = true;
    items_.push_back(std::move(item));
    cached += in->input.bytes.size();
    if (cache && cached <= options.input_cache_bytes) {
      cached_inputs_.push_back(std::move(in->input));
    } else if (cache) {
      cache = false;  // too big: every pass streams
      cached_inputs_.clear();
      cached_inputs_.shrink_to_fit();
    }
  }
  RequireNoBad(bad, dataset.items.size(), options.skip_bad);
  if (items_.empty()) Fail("none of the {} items of {} could be fed to the model", dataset.items.size(), dataset.source);
  float_.items = items_.size();
  float_.agree = items_.size();
  float_.sqnr_db = std::numeric_limits<double>::infinity();
  for (const Item& item : items_) {
    for (float v : item.output) signal_ += static_cast<double>(v) * v;
    if (item.label < 0) continue;
    ++float_.labeled;
    float_.correct += item.top1 == item.label;
  }
  Finish(float_);
  float_.latency_ms = TimeRuns(*float_session_, first_input_, options.latency_runs);
}

FloatReference::~FloatReference() = default;

Measurement FloatReference::Measure(const std::string& path, const EarlyStop* stop) const {
  ModelSession variant(path, &float_session_->expected(), WithArithmetic(options_.arithmetic));
  Measurement m;
  double signal = 0, noise = 0;
  const bool cached = cached_inputs_.size() == items_.size();
  std::optional<InputStream> inputs;
  if (!cached) inputs.emplace(dataset_, float_session_->target(), spec_);
  for (size_t k = 0; k < items_.size(); ++k) {
    const Item& ref = items_[k];
    std::optional<InputItem> in;
    if (!cached) {
      // The float pass read this item; reading it again must give the same bytes.
      do in = inputs->Next();
      while (in && !usable_[in->index]);
      if (!in) Fail("{}: the data changed while it was read", dataset_.source);
      if (!in->ok()) Fail("{}: {} (it could be read a moment ago)", in->entry->path, in->error);
    }
    std::vector<float> out = variant.Run(cached ? cached_inputs_[k] : in->input);
    if (out.size() != ref.output.size())
      Fail("{}: output 0 has {} values, the float model's {}", path, out.size(), ref.output.size());
    for (size_t i = 0; i < out.size(); ++i) {
      signal += static_cast<double>(ref.output[i]) * ref.output[i];
      const double d = static_cast<double>(out[i]) - ref.output[i];
      noise += d * d;
    }
    std::vector<int> top = TopK(out, 1);
    const int top1 = top.empty() ? -1 : top[0];
    ++m.items;
    m.agree += top1 == ref.top1;
    if (ref.label >= 0) {
      ++m.labeled;
      m.correct += top1 == ref.label;
    }
    if (stop && (m.items - m.agree > stop->max_disagreements || (stop->max_noise >= 0 && noise > stop->max_noise))) {
      m.complete = false;
      break;
    }
  }
  m.sqnr_db = noise == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal / noise);
  Finish(m);
  if (!stop) m.latency_ms = TimeRuns(variant, first_input_, options_.latency_runs);
  return m;
}

double FloatReference::LatencyMs(const std::string& path) const {
  ModelSession variant(path, &float_session_->expected(), WithArithmetic(options_.arithmetic));
  return TimeRuns(variant, first_input_, options_.latency_runs);
}

std::vector<std::string> TargetsThatRun(const Model& model, const compat::RuleBook& book,
                                        const std::vector<compat::TargetSpec>& targets) {
  std::vector<std::string> out;
  compat::CheckResult result = compat::CheckModel(model, book, targets);
  // A delegate that loads the model but takes none of its nodes leaves it
  // all on the CPU: it does not run this variant in any useful sense (an
  // int16x8 file "runs" on the Edge TPU that way).
  for (const auto& t : result.targets)
    if (t.runs && (t.kind != "delegate" || t.delegated_ops > 0)) out.push_back(t.target);
  return out;
}

}  // namespace tfd::tradeoffs
