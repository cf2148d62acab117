#include "data/preprocess/evaluate.h"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "data/item_stream.h"
#include "data/preprocess/label_match.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace tfd {

void RequireNoBad(const std::vector<BadItem>& bad, size_t total, bool skip_bad) {
  if (bad.empty() || skip_bad) return;
  std::string list;
  for (size_t i = 0; i < std::min<size_t>(bad.size(), 3); ++i)
    list += (i ? "; " : "") + bad[i].path + ": " + bad[i].error;
  if (bad.size() > 3) list += fmt::format("; and {} more", bad.size() - 3);
  Fail("{} of {} items could not be used ({}); pass --skip-bad to go on without them", bad.size(), total, list);
}

bool EvalResult::warn_unmapped() const {
  return TooManyUnmapped(unmapped_labels.size(), unmapped_items, labeled + unmapped_items);
}

namespace {

// One item decoded and converted for both models (or why it could not be),
// and both models' output 0 on it.
struct PreparedItem {
  size_t index = 0;
  const DatasetItem* entry = nullptr;
  bool is_unreadable = false, is_unfit = false;
  std::string unreadable;  // decoding error
  std::string unfit;       // conversion error
  TensorData input, ref_input;
  std::vector<float> scores, ref_scores;
  std::exception_ptr run_error;  // running a model failed: rethrown where the item is used
};

PreparedItem PrepareItem(StreamItem item, const ModelSession& model, const ModelSession* reference,
                         const EvalOptions& options, const PreprocessSpec& reference_spec) {
  PreparedItem p;
  p.index = item.index;
  p.entry = item.entry;
  if (!item.ok()) {
    p.is_unreadable = true;
    p.unreadable = item.error;
    return p;
  }
  const std::string& path = item.entry->path;
  try {
    p.input = model.Prepare(item.sample, options.spec, path, options.allow_cast);
    if (reference) p.ref_input = reference->Prepare(item.sample, reference_spec, path);
  } catch (const Error& e) {
    p.is_unfit = true;
    p.unfit = WithoutPath(e.what(), path);
  }
  return p;
}

// The interpreters one thread runs items on.
struct Runners {
  std::unique_ptr<Interpreter> model, reference;
};

// Decodes, converts and (if `run`) runs item `index`, each step only if the
// one before succeeded. An error while running is kept in the item.
PreparedItem ComputeItem(const Dataset& dataset, size_t index, const ModelSession& model,
                         const ModelSession* reference, const EvalOptions& options,
                         const PreprocessSpec& reference_spec, Runners& runners, bool run) {
  ItemStream stream(dataset, index);
  PreparedItem p = PrepareItem(std::move(*stream.Next()), model, reference, options, reference_spec);
  if (p.is_unreadable || p.is_unfit || !run) return p;
  try {
    if (!runners.model) runners.model = model.NewInterpreter();
    p.scores = model.RunOn(*runners.model, p.input);
    if (reference) {
      if (!runners.reference) runners.reference = reference->NewInterpreter();
      p.ref_scores = reference->RunOn(*runners.reference, p.ref_input);
    }
  } catch (...) {
    p.run_error = std::current_exception();
  }
  return p;
}

// Items in dataset order, run. With one thread each is decoded, converted
// and run when asked for; with N > 1, N threads each take the next item and
// do all of it on their own interpreters (one thread per operator), up to
// 2N items ahead of the reader. Every item's bytes and scores are the same
// either way (the kernels do not depend on the thread count), and the
// caller folds them into the totals in dataset order, so results are too.
class PreparedStream {
 public:
  PreparedStream(const Dataset& dataset, ModelSession& model, ModelSession* reference, const EvalOptions& options,
                 const PreprocessSpec& reference_spec)
      : dataset_(dataset), model_(model), reference_(reference), options_(options), reference_spec_(reference_spec) {
    const int threads =
        static_cast<int>(std::min<size_t>(static_cast<size_t>(IntraOpThreads()), dataset.items.size()));
    window_ = 2 * static_cast<size_t>(threads);
    if (threads > 1)
      for (int t = 0; t < threads; ++t) workers_.emplace_back([this] { Work(); });
  }
  ~PreparedStream() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }

  // From now on items are only decoded and converted, not run (the caller
  // only checks the rest after a bad item).
  void StopRunning() { run_.store(false); }

  std::optional<PreparedItem> Next() {
    if (consumed_ >= dataset_.items.size()) return std::nullopt;
    if (workers_.empty()) {
      PreparedItem p = PrepareItem(std::move(*ItemStream(dataset_, consumed_).Next()), model_, reference_, options_,
                                   reference_spec_);
      ++consumed_;
      if (!p.is_unreadable && !p.is_unfit && run_.load()) {
        try {
          p.scores = model_.Run(p.input);
          if (reference_) p.ref_scores = reference_->Run(p.ref_input);
        } catch (...) {
          p.run_error = std::current_exception();
        }
      }
      return p;
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return ready_.count(consumed_) > 0; });
    auto it = ready_.find(consumed_);
    PreparedItem p = std::move(it->second);
    ready_.erase(it);
    ++consumed_;
    cv_.notify_all();
    return p;
  }

 private:
  void Work() {
    SerialScope serial;
    Runners runners;
    for (;;) {
      size_t index;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || next_ >= dataset_.items.size() || next_ < consumed_ + window_; });
        if (stop_ || next_ >= dataset_.items.size()) return;
        index = next_++;
      }
      PreparedItem p;
      try {
        p = ComputeItem(dataset_, index, model_, reference_, options_, reference_spec_, runners, run_.load());
      } catch (...) {
        p.index = index;
        p.entry = &dataset_.items[index];
        p.run_error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu_);
      ready_.emplace(index, std::move(p));
      cv_.notify_all();
    }
  }

  const Dataset& dataset_;
  ModelSession& model_;
  ModelSession* reference_;
  const EvalOptions& options_;
  const PreprocessSpec& reference_spec_;
  size_t window_ = 2;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<size_t, PreparedItem> ready_;
  size_t next_ = 0;      // next item a worker takes
  size_t consumed_ = 0;  // items handed to the caller
  bool stop_ = false;
  std::atomic<bool> run_{true};
};

}  // namespace

EvalResult Evaluate(ModelSession& model, ModelSession* reference, const Dataset& dataset, const EvalOptions& options) {
  EvalResult r;
  r.total = dataset.items.size();
  r.has_reference = reference != nullptr;
  LabelMapper labels(model.labels());
  const PreprocessSpec reference_spec =
      reference ? options.reference_spec.value_or(reference->expected().spec) : PreprocessSpec{};
  // Files that cannot be decoded, and decoded ones that cannot be fed. After
  // the first of either (without --skip-bad) the rest is only checked, so
  // that the error counts and names them all.
  std::vector<BadItem> unreadable, unfit;
  bool checking_only = false;

  std::map<std::string, size_t> class_pos;
  double signal = 0, noise = 0, sqnr_sum = 0, min_sqnr = std::numeric_limits<double>::infinity();
  size_t agree = 0, top1 = 0, top5 = 0;
  double true_prob = 0, confidence = 0;
  size_t done = 0;
  PreparedStream stream(dataset, model, reference, options, reference_spec);
  while (std::optional<PreparedItem> item = stream.Next()) {
    const size_t index = item->index;
    const std::string& path = item->entry->path;
    const std::string& label = item->entry->label;
    if (options.progress) options.progress(++done, r.total, path);
    if (item->is_unreadable) {
      unreadable.push_back({path, item->unreadable});
      checking_only |= !options.skip_bad;
      if (checking_only) stream.StopRunning();
      continue;
    }
    if (item->is_unfit) {
      unfit.push_back({path, item->unfit});
      checking_only |= !options.skip_bad;
      if (checking_only) stream.StopRunning();
      continue;
    }
    if (checking_only) continue;
    if (item->run_error) std::rethrow_exception(item->run_error);
    std::vector<float> scores = std::move(item->scores);
    std::vector<float> probs = model.Probabilities(scores);
    EvalItem e;
    e.index = index;
    std::vector<int> best = TopK(scores, 5);
    e.top5_count = static_cast<uint8_t>(best.size());
    std::copy(best.begin(), best.end(), e.top5_index.begin());
    e.top1_score = best.empty() ? 0 : scores[static_cast<size_t>(best[0])];
    confidence += best.empty() ? 0 : probs[static_cast<size_t>(best[0])];
    if (!label.empty()) {
      e.label_index = labels.Index(label);
      if (e.label_index >= static_cast<int>(scores.size())) e.label_index = -1;
      auto it = class_pos.find(label);
      if (it == class_pos.end()) {
        it = class_pos.emplace(label, r.per_class.size()).first;
        r.per_class.push_back({label, e.label_index, 0, 0, 0});
        if (e.label_index < 0) r.unmapped_labels.push_back(label);
      }
      if (e.label_index >= 0) {
        ClassStats& c = r.per_class[it->second];
        ++c.count;
        ++r.labeled;
        bool hit1 = !best.empty() && best[0] == e.label_index;
        bool hit5 = std::find(best.begin(), best.end(), e.label_index) != best.end();
        c.top1 += hit1;
        c.top5 += hit5;
        top1 += hit1;
        top5 += hit5;
        e.true_prob = probs[static_cast<size_t>(e.label_index)];
        true_prob += e.true_prob;
        if (!best.empty()) ++r.confusion[{e.label_index, best[0]}];
      } else {
        ++r.unmapped_items;
      }
    }
    if (reference) {
      std::vector<float> ref = std::move(item->ref_scores);
      auto rt = TopK(ref, 1);
      e.ref_top1 = rt.empty() ? -1 : rt[0];
      agree += !best.empty() && best[0] == e.ref_top1;
      double item_signal = 0, item_noise = 0;
      for (size_t k = 0; k < std::min(ref.size(), scores.size()); ++k) {
        item_signal += static_cast<double>(ref[k]) * ref[k];
        double d = static_cast<double>(scores[k]) - ref[k];
        item_noise += d * d;
      }
      if (ref.size() != scores.size())
        Fail("{} and {} have outputs of different sizes ({} vs {})", model.path(), reference->path(), scores.size(),
             ref.size());
      e.sqnr_db = SqnrDb(scores, ref);
      signal += item_signal;
      noise += item_noise;
      sqnr_sum += std::isfinite(e.sqnr_db) ? e.sqnr_db : 0;
      min_sqnr = std::min(min_sqnr, e.sqnr_db);
    }
    r.items.push_back(e);
  }
  if (!options.skip_bad) {
    RequireNoBad(unreadable, r.total, false);
    RequireNoBad(unfit, r.total, false);
  }
  r.bad = std::move(unreadable);
  r.bad.insert(r.bad.end(), unfit.begin(), unfit.end());
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
