#include "analysis/doctor/quantization_finder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "analysis/compare/compare.h"
#include "analysis/compare/float_shadow.h"
#include "data/preprocess/label_match.h"
#include "quantize/calibration.h"
#include "util/error.h"

namespace tfd::doctor {
namespace {

template <typename T>
int ArgMaxOf(const RuntimeTensor& t) {
  const T* p = t.As<T>();
  const int64_t n = t.NumElements();
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (p[i] > p[best]) best = i;
  return n ? static_cast<int>(best) : -1;
}

int TopOne(const RuntimeTensor& t) {
  switch (t.dtype) {
    case DType::FLOAT32: return ArgMaxOf<float>(t);
    case DType::INT8: return ArgMaxOf<int8_t>(t);
    case DType::UINT8: return ArgMaxOf<uint8_t>(t);
    case DType::INT16: return ArgMaxOf<int16_t>(t);
    default: return -1;
  }
}

// The deployed input's bytes as real values (its own dequantization), for
// the float shadow, which must see what the deployed model sees.
TensorData RealInput(const TensorData& d, const Tensor& t) {
  TensorData out{DType::FLOAT32, d.shape, {}};
  if (d.dtype == DType::FLOAT32) {
    out.bytes = d.bytes;
    return out;
  }
  if (!t.quantization || !t.quantization->IsAffine() || t.quantization->IsPerChannel())
    Fail("the deployed input is {} without per-tensor quantization: its float shadow cannot be given real values",
         DTypeName(d.dtype));
  const double scale = t.quantization->scale[0];
  const double zp = t.quantization->zero_point.empty() ? 0.0 : static_cast<double>(t.quantization->zero_point[0]);
  std::vector<float> v;
  auto convert = [&](auto tag) {
    using T = decltype(tag);
    const T* q = reinterpret_cast<const T*>(d.bytes.data());
    v.resize(d.bytes.size() / sizeof(T));
    for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>((q[k] - zp) * scale);
  };
  if (d.dtype == DType::INT8) convert(int8_t{});
  else if (d.dtype == DType::UINT8) convert(uint8_t{});
  else if (d.dtype == DType::INT16) convert(int16_t{});
  else Fail("the deployed input is {}: its float shadow cannot be given real values", DTypeName(d.dtype));
  out.bytes.resize(v.size() * sizeof(float));
  std::memcpy(out.bytes.data(), v.data(), out.bytes.size());
  return out;
}

RawInput Raw(const TensorData& d) { return {d.dtype, d.shape, d.bytes}; }

std::string Label(const std::vector<std::string>& labels, int k) {
  if (k < 0) return "none";
  if (static_cast<size_t>(k) < labels.size()) {
    const std::string& l = labels[static_cast<size_t>(k)];
    return l.size() > 24 ? l.substr(0, 24) : l;
  }
  return fmt::format("class {}", k);
}

Confusion MakeConfusion(const std::vector<int>& ref, const std::vector<int>& dep, const std::vector<std::string>& labels) {
  std::map<int, size_t> freq;
  for (size_t i = 0; i < ref.size(); ++i) ++freq[ref[i]], ++freq[dep[i]];
  std::vector<std::pair<size_t, int>> order;
  for (const auto& [k, n] : freq) order.push_back({n, k});
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  const size_t shown = std::min<size_t>(order.size(), 8);
  std::map<int, size_t> slot;
  Confusion c;
  for (size_t i = 0; i < shown; ++i) {
    slot[order[i].second] = i;
    c.classes.push_back(Label(labels, order[i].second));
  }
  const bool other = order.size() > shown;
  if (other) c.classes.push_back("other");
  c.counts.assign(c.classes.size(), std::vector<size_t>(c.classes.size(), 0));
  auto at = [&](int k) { auto it = slot.find(k); return it == slot.end() ? c.classes.size() - 1 : it->second; };
  for (size_t i = 0; i < ref.size(); ++i) {
    ++c.counts[at(ref[i])][at(dep[i])];
    c.agree += ref[i] == dep[i];
  }
  c.items = ref.size();
  return c;
}

std::string Pct(double share) { return fmt::format("{:.1f}%", 100 * share); }

}  // namespace

QuantizationFindings FindQuantization(const QuantizationRequest& rq) {
  QuantizationFindings out;
  ModelSession& deployed = *rq.deployed;
  const Model& dm = deployed.model();
  std::unique_ptr<Model> shadow;
  if (!rq.reference) shadow = std::make_unique<Model>(MakeFloatShadow(dm));
  const Model& ref_model = rq.reference ? rq.reference->model() : *shadow;
  const Tensor& dep_input = dm.main().tensors[static_cast<size_t>(dm.main().inputs[0])];
  const PreprocessSpec dep_spec = deployed.expected().spec;
  const PreprocessSpec ref_spec = rq.reference ? rq.reference->expected().spec : PreprocessSpec{};
  const Dataset& data = *rq.data;

  // Which items can be read (a first pass only when bad ones may be skipped).
  std::vector<size_t> items;
  for (size_t i = 0; i < data.items.size(); ++i) {
    if (rq.skip_bad) {
      try {
        LoadSample(data.items[i].path);
      } catch (const Error&) {
        continue;
      }
    }
    items.push_back(i);
  }
  if (items.empty()) Fail("{}: no item could be read", data.source);

  // Per item: both models' top-1 and the label (known to the deployed model).
  LabelMapper mapper(deployed.labels());
  std::vector<int> ref_top1(items.size(), -1), dep_top1(items.size(), -1), label(items.size(), -1);
  std::vector<double> dep_sqnr(items.size(), 0);  // output 0's, per item (dense outputs are measured by it)
  const size_t histogram_items = std::min<size_t>(items.size(), 16);
  std::vector<quantize::CalibrationSample> reference_inputs;
  Progress progress = rq.progress ? rq.progress("compare") : Progress{};
  CompareInputs inputs;
  inputs.count = static_cast<int>(items.size());
  inputs.sample = [&](int k) {
    const DatasetItem& item = data.items[items[static_cast<size_t>(k)]];
    if (progress) progress(static_cast<size_t>(k) + 1, items.size(), item.path);
    const Sample sample = LoadSample(item.path);
    CompareSample s;
    TensorData dep = deployed.Prepare(sample, dep_spec, item.path);
    TensorData ref = rq.reference ? rq.reference->Prepare(sample, ref_spec, item.path) : RealInput(dep, dep_input);
    if (!item.label.empty()) label[static_cast<size_t>(k)] = mapper.Index(item.label);
    if (reference_inputs.size() < histogram_items) reference_inputs.push_back({ref});
    s.reference.push_back(Raw(ref));
    s.deployed.push_back(Raw(dep));
    return s;
  };
  CompareOptions co;
  co.after_sample = [&](int k, const Interpreter& r, const Interpreter& d) {
    ref_top1[static_cast<size_t>(k)] = TopOne(r.output(0));
    dep_top1[static_cast<size_t>(k)] = TopOne(d.output(0));
    if (Dequantizable(r.output(0).dtype) && Dequantizable(d.output(0).dtype))
      dep_sqnr[static_cast<size_t>(k)] = CappedSqnrDb(SqnrDb(RealValues(d.output(0)), RealValues(r.output(0))));
  };
  CompareResult cmp = CompareModels(ref_model, dm, inputs, co);
  if (progress) progress(items.size(), items.size(), "");

  // Layers, worst suspects marked.
  std::map<size_t, int> suspect_rank;
  for (size_t i = 0; i < cmp.suspects.size(); ++i) suspect_rank[cmp.suspects[i].layer] = static_cast<int>(i + 1);
  for (size_t i = 0; i < cmp.layers.size(); ++i) {
    const LayerComparison& l = cmp.layers[i];
    if (l.op == "INPUT") continue;
    LayerError e;
    e.tensor = l.tensor;
    e.op = l.op;
    e.node = l.pair.deployed_node;
    e.own_measured = l.isolated.count() > 0;
    if (e.own_measured) e.own_sqnr_db = CappedSqnrDb(l.isolated.sqnr_db());
    e.impact_measured = l.impact.count() > 0;
    if (e.impact_measured) e.impact_sqnr_db = CappedSqnrDb(l.impact.sqnr_db());
    e.full_sqnr_db = CappedSqnrDb(l.stats.sqnr_db());
    e.clipped_share = l.range ? l.stats.clipped_share() : 0;
    auto it = suspect_rank.find(i);
    e.suspect_rank = it == suspect_rank.end() || it->second > 5 ? 0 : it->second;
    out.layers.push_back(e);
  }
  for (const Suspect& s : cmp.suspects) {
    if (out.worst_reference_tensors.size() >= 8) break;
    const std::string& t = cmp.layers[s.layer].reference_tensor;
    if (!t.empty()) out.worst_reference_tensors.push_back(t);
  }

  // Range histograms of the worst suspects: the reference's values on a few
  // items against the deployed tensor's representable range.
  try {
    quantize::CalibrationOptions copt;
    copt.histograms = true;
    quantize::Calibration cal = quantize::Calibrate(ref_model, reference_inputs, copt);
    const Subgraph& rg = ref_model.main();
    for (const Suspect& s : cmp.suspects) {
      if (out.histograms.size() >= 3) break;
      const LayerComparison& l = cmp.layers[s.layer];
      if (!l.range) continue;
      const size_t ti = static_cast<size_t>(l.pair.reference);
      if (l.pair.reference < 0 || ti >= rg.tensors.size() || ti >= cal.tensors.size()) continue;
      {
        if (!cal.tensors[ti].seen || cal.tensors[ti].histogram.empty()) continue;
        const auto& st = cal.tensors[ti];
        RangeHistogram h;
        h.tensor = l.tensor;
        h.min = st.min;
        h.max = st.max;
        const size_t bins = 48;
        h.counts.assign(bins, 0);
        for (size_t b = 0; b < st.histogram.size(); ++b) h.counts[b * bins / st.histogram.size()] += static_cast<double>(st.histogram[b]);
        h.representable_min = l.range->min;
        h.representable_max = l.range->max;
        h.clipped_share = l.stats.clipped_share();
        out.histograms.push_back(std::move(h));
      }
    }
  } catch (const Error& e) {
    out.notes.push_back(std::string("range histograms not drawn: ") + e.what());
  }

  // Outputs and agreement.
  // Top-1 only where output 0 is class scores as the rest of doctor judges
  // them (probabilities or labelled): compare calls any [1, N] vector a
  // classifier, and a hand's 63 landmark coordinates have a "top-1" that
  // noise calibration leaves in place while their SQNR falls by 7 dB.
  const bool classifier = deployed.output_is_class_scores();
  std::vector<size_t> index(items.begin(), items.end());
  std::vector<int> agree(items.size()), ref_correct(items.size(), -1), dep_correct(items.size(), -1);
  size_t labeled = 0;
  for (size_t k = 0; k < items.size(); ++k) {
    agree[k] = ref_top1[k] == dep_top1[k];
    if (label[k] >= 0) {
      ++labeled;
      ref_correct[k] = ref_top1[k] == label[k];
      dep_correct[k] = dep_top1[k] == label[k];
    }
  }
  double agreement = 0;
  for (int a : agree) agreement += a;
  agreement /= static_cast<double>(items.size());
  if (!cmp.outputs.empty()) {
    out.outputs.push_back({"output SQNR against the reference", CappedSqnrDb(cmp.outputs[0].stats.sqnr_db()), "dB"});
    if (classifier) out.outputs.push_back({"top-1 agreement with the reference", agreement, "share"});
  }
  if (classifier) out.confusion = MakeConfusion(ref_top1, dep_top1, deployed.labels());

  const std::string against = rq.reference ? "the reference" : "its float shadow";
  std::vector<std::string> evidence;
  if (!cmp.outputs.empty())
    evidence.push_back(fmt::format("deployed against {} on {} items: output SQNR {:.1f} dB{}", against, items.size(),
                                   CappedSqnrDb(cmp.outputs[0].stats.sqnr_db()),
                                   classifier ? ", top-1 agreement " + Pct(agreement) : std::string()));
  if (!cmp.suspects.empty()) {
    const Suspect& s = cmp.suspects.front();
    const LayerComparison& l = cmp.layers[s.layer];
    std::string e = fmt::format("worst layer: {} ({}, node {}): own SQNR {:.1f} dB", s.tensor, s.op, s.node,
                                CappedSqnrDb(l.isolated.count() ? l.isolated.sqnr_db() : -10 * std::log10(std::max(l.added_noise, 1e-12))));
    if (l.impact.count()) e += fmt::format(", alone at the outputs {:.1f} dB", CappedSqnrDb(l.impact.sqnr_db()));
    if (!s.causes.empty()) {
      e += " [";
      for (size_t i = 0; i < s.causes.size(); ++i) e += (i ? ", " : "") + s.causes[i];
      e += "]";
    }
    evidence.push_back(e);
    for (size_t i = 0; i < s.evidence.size() && i < 2; ++i) evidence.push_back(s.evidence[i]);
  }

  auto make_cause = [&](const std::string& metric, const PairedDifference& d, const std::string& summary) {
    Cause c;
    c.kind = kQuantization;
    c.summary = summary;
    c.evidence = evidence;
    c.figures = out.outputs;
    c.cost.metric = metric;
    c.cost.points = d.points;
    c.cost.lo = d.lo;
    c.cost.hi = d.hi;
    c.cost.items = d.items;
    c.cost.unit = classifier ? "points" : "dB";
    if (classifier) c.cost.top1_points = d.points;
    c.cost.sentence = fmt::format("{:.1f} {} of {} (95% interval [{:.1f}, {:.1f}], {} items)", d.points, c.cost.unit,
                                  metric, d.lo, d.hi, d.items);
    return c;
  };

  // What a better quantization recovers. Issue 13's scheme trade-offs
  // (`tradeoffs`: per-channel, per-tensor, float16, int16x8... each with its
  // size, speed and agreement) plug in here: today one scheme (int8,
  // per-channel, mse ranges, bias correction) and its keep-float steps are
  // measured; a trade-off table would give Requantized one row per scheme
  // and the cause's fix the best row within --budget.
  // A dense output (boxes, a mask, landmarks) has no top-1: what a better
  // quantization recovers is measured in output SQNR, per item.
  if (!rq.calibration.empty() && rq.reference) {
    Progress rp = rq.progress ? rq.progress("re-quantize") : Progress{};
    Requantized req;
    try {
      req = RequantizeReference(*rq.reference, data, rq.calibration, rq.calibration_samples,
                                out.worst_reference_tensors, classifier ? rq.budget : std::nullopt, rq.skip_bad,
                                rp);
    } catch (const Error& e) {
      // A reference the quantizer cannot take (already quantized, an op
      // int8 has no spec for): the rest of the findings stand.
      out.undecided = Undecided{kQuantization, std::string("the reference could not be re-quantized: ") + e.what(),
                                "a float --reference the quantizer takes, or labelled --data"};
      for (const auto& e2 : evidence) out.notes.push_back("quantization: " + e2);
      return out;
    }
    // Pair the re-quantized model's items with the deployed model's.
    std::map<size_t, size_t> req_item;
    for (size_t i = 0; i < req.outcomes.index.size(); ++i) req_item[req.outcomes.index[i]] = i;
    std::vector<int> a, b;
    std::vector<double> a_db, b_db;
    std::vector<size_t> idx;
    for (size_t k = 0; k < items.size(); ++k) {
      auto it = req_item.find(items[k]);
      if (it == req_item.end()) continue;
      idx.push_back(items[k]);
      a.push_back(req.outcomes.agree[it->second]);
      b.push_back(agree[k]);
      a_db.push_back(req.outcomes.sqnr_db[it->second]);
      b_db.push_back(dep_sqnr[k]);
    }
    const PairedDifference gain = classifier ? Paired(idx, a, b) : PairedValues(idx, a_db, b_db);
    double dep_mean_db = 0;
    for (double v : b_db) dep_mean_db += v;
    if (!b_db.empty()) dep_mean_db /= static_cast<double>(b_db.size());
    if (classifier)
      out.outputs.push_back({"top-1 agreement of the re-quantized reference", req.agreement, "share"});
    else
      out.outputs.push_back({"mean output SQNR of the re-quantized reference", req.mean_sqnr_db, "dB"});
    if (!classifier && rq.budget)
      out.notes.push_back("--budget is a top-1 agreement: the output is not a classifier's, so no layer was kept in "
                          "float for it");
    if (classifier && rq.budget) {
      std::string steps;
      for (const auto& [kept, a] : req.steps) steps += fmt::format("{}{} kept: {}", steps.empty() ? "" : ", ", kept, Pct(a));
      out.notes.push_back(fmt::format("--budget {}: top-1 agreement with the worst layers kept in float: {}{}",
                                      Pct(*rq.budget), steps,
                                      req.agreement >= *rq.budget ? "" : " (not met: the best is written)"));
    }
    for (const auto& f : req.calibration_findings) out.notes.push_back("calibration data: " + f);
    const std::string kept =
        req.kept_float.empty() ? "" : fmt::format(", {} layer(s) kept in float", req.kept_float.size());
    std::string measured =
        classifier ? fmt::format("re-quantized by tflite-doctor ({}; mse ranges, bias correction{}): top-1 agreement "
                                 "{} against the deployed model's {}",
                                 req.calibration_description, kept, Pct(req.agreement), Pct(agreement))
                   : fmt::format("re-quantized by tflite-doctor ({}; mse ranges, bias correction{}): mean output "
                                 "SQNR {:.1f} dB per item against the deployed model's {:.1f} dB",
                                 req.calibration_description, kept, req.mean_sqnr_db, dep_mean_db);
    if (gain.items && gain.lo > 0) {
      Cause c = classifier
                    ? make_cause("top-1 agreement with the reference", gain,
                                 fmt::format("the quantization loses answers a better one keeps: top-1 agreement {} "
                                             "-> {}",
                                             Pct(agreement), Pct(req.agreement)))
                    : make_cause("output SQNR against the reference", gain,
                                 fmt::format("the quantization loses output accuracy a better one keeps: output SQNR "
                                             "{:.1f} -> {:.1f} dB per item",
                                             dep_mean_db, req.mean_sqnr_db));
      c.evidence.insert(c.evidence.begin(), measured);
      c.fix = "re-quantize the float model with representative calibration data (tflite-doctor quantize ... "
              "--calibration DIR)";
      if (!req.kept_float.empty()) {
        c.fix += "; keep in float:";
        for (const auto& t : req.kept_float) c.fix += " " + t;
      }
      out.cause = std::move(c);
    } else {
      out.ruled_out = RuledOut{
          kQuantization,
          fmt::format("{}: a gain of {:.1f} {}, 95% interval [{:.1f}, {:.1f}] over {} items, {}", measured,
                      gain.points, classifier ? "points" : "dB", gain.lo, gain.hi, gain.items,
                      gain.hi < 0 ? "the deployed quantization does better" : "within the noise")};
    }
    out.requantized = std::move(req);
    return out;
  }
  if (classifier && labeled > 0) {
    const PairedDifference drop = Paired(index, ref_correct, dep_correct);
    if (drop.items && drop.lo > 0) {
      Cause c = make_cause("top-1 accuracy", drop,
                           fmt::format("the deployed model is less accurate than {}", against));
      c.fix = rq.reference ? "re-quantize with representative calibration data; give --calibration DIR to measure "
                             "what that recovers"
                           : "give --reference FLOAT.tflite and --calibration DIR to re-quantize and measure the gain";
      out.cause = std::move(c);
    } else {
      out.ruled_out = RuledOut{
          kQuantization, fmt::format("top-1 accuracy of the deployed model against {}: {:+.1f} points, 95% interval "
                                     "[{:.1f}, {:.1f}] over {} labelled items, within the noise",
                                     against, -drop.points, -drop.hi, -drop.lo, drop.items)};
    }
    return out;
  }
  out.undecided = Undecided{
      kQuantization,
      classifier ? fmt::format("top-1 agreement {} with {} over {} items, without labels or a re-quantized model "
                               "to tell what a good quantization keeps",
                               Pct(agreement), against, items.size())
                 : "the output is not a classifier's: its SQNR alone cannot tell what the error costs",
      rq.reference ? "--calibration DIR (re-quantize and measure the gain) or labelled --data"
                   : "--reference FLOAT.tflite with --calibration DIR, or labelled --data"};
  for (const auto& e : evidence) out.notes.push_back("quantization: " + e);
  return out;
}

}  // namespace tfd::doctor
