#include "data/preprocess/candidate_scores.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "data/item_stream.h"
#include "data/preprocess/label_match.h"
#include "util/error.h"

namespace tfd {

ScoringPass ScoreCandidates(ModelSession& model, ModelSession* reference, const Dataset& dataset,
                            const std::vector<PreprocessSpec>& specs, const ScoringOptions& options) {
  ScoringPass pass;
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
    for (size_t c = 0; c < specs.size(); ++c) {
      CandidateScores& s = pass.scores[c];
      if (!s.ok) continue;
      try {
        std::vector<float> scores = model.Run(model.Prepare(item->sample, specs[c], path, true));
        std::vector<float> probs = model.Probabilities(scores);
        int top = TopK(scores, 1).at(0);
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
          db = std::isfinite(db) ? std::min(db, 100.0) : (db > 0 ? 100.0 : -100.0);
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
