#include "data/preprocess/evaluate.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <limits>
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

// One item decoded and converted for both models (or why it could not be).
struct PreparedItem {
  size_t index = 0;
  const DatasetItem* entry = nullptr;
  bool is_unreadable = false, is_unfit = false;
  std::string unreadable;  // decoding error
  std::string unfit;       // conversion error
  TensorData input, ref_input;
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

// Items in dataset order. With more than one thread, a second thread decodes
// and converts up to two items ahead while the models run (the same items,
// the same bytes: only the order of work in time changes).
class PreparedStream {
 public:
  PreparedStream(const Dataset& dataset, const ModelSession& model, const ModelSession* reference,
                 const EvalOptions& options, const PreprocessSpec& reference_spec)
      : stream_(dataset), model_(model), reference_(reference), options_(options), reference_spec_(reference_spec) {
    if (IntraOpThreads() > 1) worker_ = std::thread([this] { Produce(); });
  }
  ~PreparedStream() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  std::optional<PreparedItem> Next() {
    if (!worker_.joinable()) {
      std::optional<StreamItem> item = stream_.Next();
      if (!item) return std::nullopt;
      return PrepareItem(std::move(*item), model_, reference_, options_, reference_spec_);
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return std::nullopt;
    }
    PreparedItem p = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return p;
  }

 private:
  void Produce() {
    try {
      for (;;) {
        std::optional<StreamItem> item = stream_.Next();
        if (!item) break;
        PreparedItem p = PrepareItem(std::move(*item), model_, reference_, options_, reference_spec_);
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return queue_.size() < 2 || stop_; });
        if (stop_) return;
        queue_.push_back(std::move(p));
        cv_.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  }

  ItemStream stream_;
  const ModelSession& model_;
  const ModelSession* reference_;
  const EvalOptions& options_;
  const PreprocessSpec& reference_spec_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PreparedItem> queue_;
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
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
      continue;
    }
    if (item->is_unfit) {
      unfit.push_back({path, item->unfit});
      checking_only |= !options.skip_bad;
      continue;
    }
    if (checking_only) continue;
    const TensorData& input = item->input;
    const TensorData& ref_input = item->ref_input;
    std::vector<float> scores = model.Run(input);
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
      std::vector<float> ref = reference->Run(ref_input);
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
