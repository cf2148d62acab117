#include "data/preprocess/candidate_scores.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>

#include "data/item_stream.h"
#include "data/preprocess/label_match.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace tfd {

namespace {

// One candidate's run on one item.
struct CandidateRun {
  bool ok = false;
  std::string error;
  std::vector<float> scores, probs;
  int top = -1;
};

// Interpreters of the model for the threads running candidates, made when
// first needed and reused.
class InterpreterPool {
 public:
  explicit InterpreterPool(const ModelSession& model) : model_(model) {}
  std::unique_ptr<Interpreter> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<Interpreter> interp = std::move(free_.back());
        free_.pop_back();
        return interp;
      }
    }
    return model_.NewInterpreter();
  }
  void Give(std::unique_ptr<Interpreter> interp) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(interp));
  }

 private:
  const ModelSession& model_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Interpreter>> free_;
};

}  // namespace

ScoringPass ScoreCandidates(ModelSession& model, ModelSession* reference, const Dataset& dataset,
                            const std::vector<PreprocessSpec>& specs, const ScoringOptions& options) {
  ScoringPass pass;
  const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(ItemThreads()), specs.size()));
  InterpreterPool interpreters(model);
  pass.scores.resize(specs.size());
  LabelMapper labels(model.labels());
  // Without --skip-bad, after the first bad item the rest is only decoded,
  // so that the error names every unreadable one.
  bool checking_only = false;
  std::optional<Error> reference_error;
  size_t skip_pos = 0, done = 0;
  ItemStream stream(dataset);
  while (std::optional<StreamItem> item = stream.Next()) {
    if (options.progress) options.progress(++done, stream.size(), item->entry->path);
    if (options.left_out) {
      const auto& skip = *options.left_out;
      while (skip_pos < skip.size() && skip[skip_pos] < item->index) ++skip_pos;
      if (skip_pos < skip.size() && skip[skip_pos] == item->index) continue;
    }
    const std::string& path = item->entry->path;
    if (!item->ok()) {
      pass.unreadable.push_back({path, item->error});
      pass.left_out.push_back(item->index);
      checking_only |= !options.skip_bad;
      continue;
    }
    ++pass.decoded;
    const int label = item->entry->label.empty() ? -1 : labels.Index(item->entry->label);
    if (label >= 0) ++pass.labeled;
    if (checking_only) continue;
    std::vector<float> ref_out;
    int ref_top = -1;
    if (reference) {
      try {
        ref_out = reference->Run(reference->Prepare(item->sample, reference->expected().spec, path));
        ref_top = TopK(ref_out, 1).at(0);
      } catch (const Error& e) {
        pass.left_out.push_back(item->index);
        if (!options.skip_bad) {
          if (!reference_error) reference_error = e;
          checking_only = true;
          continue;
        }
        pass.reference_failed.push_back({path, e.what()});
        continue;
      }
    }
    ++pass.usable;
    const std::vector<uint32_t> weights = BootstrapWeights(kBootstrapSeed, item->index, kBootstrapReplicates);
    // The candidates' runs, spread over threads (each candidate's own
    // result; the model's variables are reset before every run, so any
    // interpreter gives the same), then folded in candidate order as one
    // thread would.
    // One thread: the session's interpreter, its operators split as usual.
    std::vector<CandidateRun> runs(specs.size());
    auto run_candidate = [&](int64_t c) {
      if (!pass.scores[static_cast<size_t>(c)].ok) return;
      CandidateRun& run = runs[static_cast<size_t>(c)];
      std::unique_ptr<Interpreter> interp;
      try {
        const TensorData input = model.Prepare(item->sample, specs[static_cast<size_t>(c)], path, true);
        if (threads > 1) {
          interp = interpreters.Take();
          run.scores = model.RunOn(*interp, input);
        } else {
          run.scores = model.Run(input);
        }
        run.probs = model.Probabilities(run.scores);
        run.top = TopK(run.scores, 1).at(0);
        run.ok = true;
      } catch (const Error& e) {
        run.error = e.what();
      }
      if (interp) interpreters.Give(std::move(interp));
    };
    if (threads > 1) {
      ParallelItems(static_cast<int64_t>(specs.size()), threads, run_candidate);
    } else {
      for (size_t c = 0; c < specs.size(); ++c) run_candidate(static_cast<int64_t>(c));
    }
    for (size_t c = 0; c < specs.size(); ++c) {
      CandidateScores& s = pass.scores[c];
      if (!s.ok) continue;
      try {
        if (!runs[c].ok) throw Error(runs[c].error);
        const std::vector<float>& scores = runs[c].scores;
        const std::vector<float>& probs = runs[c].probs;
        const int top = runs[c].top;
        ++s.items;
        const double confidence = probs[static_cast<size_t>(top)];
        s.confidence += confidence;
        s.boot_confidence.Add(confidence, weights);
        if (label >= 0 && static_cast<size_t>(label) < probs.size()) {
          ++s.labeled;
          const double hit = top == label, p = probs[static_cast<size_t>(label)];
          s.accuracy += hit;
          s.label_prob += p;
          s.boot_accuracy.Add(hit, weights);
          s.boot_label_prob.Add(p, weights);
        }
        if (reference) {
          const double agree = top == ref_top;
          double db = SqnrDb(scores, ref_out);
          db = CappedSqnrDb(db);
          s.agreement += agree;
          s.sqnr_db += db;
          s.boot_agreement.Add(agree, weights);
          s.boot_sqnr_db.Add(db, weights);
        }
      } catch (const Error& e) {
        s.ok = false;
        s.error = e.what();
      }
    }
  }
  RequireNoBad(pass.unreadable, stream.size(), options.skip_bad);
  if (reference_error) throw *reference_error;
  return pass;
}

}  // namespace tfd
