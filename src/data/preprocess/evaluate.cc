#include "data/preprocess/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "util/error.h"

namespace tfd {

LoadedData LoadItems(const Dataset& dataset, const Progress& progress) {
  LoadedData out;
  out.total = dataset.items.size();
  size_t done = 0;
  for (const auto& item : dataset.items) {
    try {
      out.items.push_back({item.path, item.label, LoadSample(item.path)});
    } catch (const Error& e) {
      std::string msg = e.what();
      if (msg.rfind(item.path, 0) == 0) msg = msg.substr(item.path.size() + (msg.size() > item.path.size() + 1 ? 2 : 0));
      out.bad.push_back({item.path, msg});
    }
    if (progress) progress(++done, out.total, item.path);
  }
  return out;
}

void RequireNoBad(const std::vector<BadItem>& bad, size_t total, bool skip_bad) {
  if (bad.empty() || skip_bad) return;
  std::string list;
  for (size_t i = 0; i < std::min<size_t>(bad.size(), 3); ++i)
    list += (i ? "; " : "") + bad[i].path + ": " + bad[i].error;
  if (bad.size() > 3) list += fmt::format("; and {} more", bad.size() - 3);
  Fail("{} of {} items could not be used ({}); pass --skip-bad to go on without them", bad.size(), total, list);
}

namespace {

std::string Trailing(const std::string& msg, const std::string& path) {
  if (msg.rfind(path + ": ", 0) == 0) return msg.substr(path.size() + 2);
  return msg;
}

}  // namespace

EvalResult EvaluateLoaded(ModelSession& model, ModelSession* reference, const std::vector<LoadedItem>& items,
                          const EvalOptions& options) {
  EvalResult r;
  r.total = items.size();
  r.has_reference = reference != nullptr;
  const auto& labels = model.labels();
  // Prepare every input first, so bad items are known before the long run.
  std::vector<TensorData> inputs(items.size()), ref_inputs(items.size());
  std::vector<bool> ok(items.size(), true);
  for (size_t i = 0; i < items.size(); ++i) {
    try {
      inputs[i] = model.Prepare(items[i].sample, options.spec, items[i].path, options.allow_cast);
      if (reference)
        ref_inputs[i] = reference->Prepare(items[i].sample, options.reference_spec.value_or(reference->expected().spec),
                                           items[i].path);
    } catch (const Error& e) {
      ok[i] = false;
      r.bad.push_back({items[i].path, Trailing(e.what(), items[i].path)});
    }
  }
  RequireNoBad(r.bad, items.size(), options.skip_bad);

  std::map<std::string, size_t> class_pos;
  double signal = 0, noise = 0, sqnr_sum = 0, min_sqnr = std::numeric_limits<double>::infinity();
  size_t agree = 0, top1 = 0, top5 = 0;
  double true_prob = 0, confidence = 0;
  size_t done = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!ok[i]) continue;
    const LoadedItem& item = items[i];
    std::vector<float> scores = model.Run(inputs[i]);
    std::vector<float> probs = model.Probabilities(scores);
    EvalItem e;
    e.path = item.path;
    e.label = item.label;
    e.top5 = TopK(scores, 5);
    e.top1_score = e.top5.empty() ? 0 : scores[static_cast<size_t>(e.top5[0])];
    confidence += e.top5.empty() ? 0 : probs[static_cast<size_t>(e.top5[0])];
    if (!item.label.empty()) {
      e.label_index = LabelIndex(item.label, labels);
      if (e.label_index >= static_cast<int>(scores.size())) e.label_index = -1;
      auto it = class_pos.find(item.label);
      if (it == class_pos.end()) {
        it = class_pos.emplace(item.label, r.per_class.size()).first;
        r.per_class.push_back({item.label, e.label_index, 0, 0, 0});
        if (e.label_index < 0) r.unmapped_labels.push_back(item.label);
      }
      if (e.label_index >= 0) {
        ClassStats& c = r.per_class[it->second];
        ++c.count;
        ++r.labeled;
        bool hit1 = !e.top5.empty() && e.top5[0] == e.label_index;
        bool hit5 = std::find(e.top5.begin(), e.top5.end(), e.label_index) != e.top5.end();
        c.top1 += hit1;
        c.top5 += hit5;
        top1 += hit1;
        top5 += hit5;
        e.true_prob = probs[static_cast<size_t>(e.label_index)];
        true_prob += e.true_prob;
        if (!e.top5.empty()) ++r.confusion[{e.label_index, e.top5[0]}];
      }
    }
    if (reference) {
      std::vector<float> ref = reference->Run(ref_inputs[i]);
      auto rt = TopK(ref, 1);
      e.ref_top1 = rt.empty() ? -1 : rt[0];
      agree += !e.top5.empty() && e.top5[0] == e.ref_top1;
      for (size_t k = 0; k < std::min(ref.size(), scores.size()); ++k) {
        e.signal += static_cast<double>(ref[k]) * ref[k];
        double d = static_cast<double>(scores[k]) - ref[k];
        e.noise += d * d;
      }
      if (ref.size() != scores.size())
        Fail("{} and {} have outputs of different sizes ({} vs {})", model.path(), reference->path(), scores.size(),
             ref.size());
      e.sqnr_db = SqnrDb(scores, ref);
      signal += e.signal;
      noise += e.noise;
      sqnr_sum += std::isfinite(e.sqnr_db) ? e.sqnr_db : 0;
      min_sqnr = std::min(min_sqnr, e.sqnr_db);
    }
    r.items.push_back(std::move(e));
    if (options.progress) options.progress(++done, items.size() - r.bad.size(), item.path);
  }
  size_t n = r.items.size();
  if (r.labeled) {
    r.top1 = static_cast<double>(top1) / r.labeled;
    r.top5 = static_cast<double>(top5) / r.labeled;
    r.mean_true_prob = true_prob / r.labeled;
  }
  if (n) r.mean_confidence = confidence / n;
  if (reference && n) {
    r.agreement = static_cast<double>(agree) / n;
    r.sqnr_db = noise == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal / noise);
    r.mean_sqnr_db = sqnr_sum / n;
    r.min_sqnr_db = min_sqnr;
  }
  return r;
}

EvalResult Evaluate(ModelSession& model, ModelSession* reference, const Dataset& dataset, const EvalOptions& options) {
  LoadedData data = LoadItems(dataset);
  RequireNoBad(data.bad, data.total, options.skip_bad);
  EvalResult r = EvaluateLoaded(model, reference, data.items, options);
  r.total = data.total;
  r.bad.insert(r.bad.begin(), data.bad.begin(), data.bad.end());
  return r;
}

}  // namespace tfd

#include <unistd.h>

#include <cstdio>

namespace tfd {

Progress TerminalProgressBar(const std::string& what) {
  if (!::isatty(2)) return {};
  return [what](size_t done, size_t total, const std::string&) {
    const int width = 30;
    int filled = total ? static_cast<int>(width * done / total) : width;
    std::string bar(static_cast<size_t>(filled), '=');
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r%s [%s] %zu/%zu", what.c_str(), bar.c_str(), done, total);
    if (done >= total) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  };
}

ResolvedSpec ResolveSpec(const std::string& arg, const ModelSession& session) {
  ResolvedSpec r;
  if (arg.empty() || arg == "auto") {
    r.spec = session.expected().spec;
    r.is_auto = true;
    r.description = "auto, from " + SpecSourceName(session.expected().source) + ": " + session.expected().explanation;
    return r;
  }
  r.spec = ReadPreprocessSpec(arg);
  r.description = arg;
  return r;
}

}  // namespace tfd
