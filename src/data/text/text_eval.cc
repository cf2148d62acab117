#include "data/text/text_eval.h"

#include <cmath>
#include <limits>

#include "data/preprocess/label_match.h"

namespace tfd {

TextEvalResult EvaluateText(ModelSession& model, const TextModelSpec& spec, const TextDataset& data,
                            ModelSession* reference, const TextModelSpec* reference_spec) {
  TextEvalResult r;
  r.has_reference = reference != nullptr;
  LabelMapper labels(model.labels());
  for (const auto& c : data.classes) r.per_class.push_back({c, labels.Index(c), 0, 0});
  double signal = 0, noise = 0;
  for (const TextItem& item : data.items) {
    EncodedText e = EncodeText(spec, item.text);
    r.tokens += e.kept;
    r.unknown += e.unknown;
    r.truncated += e.truncated() ? 1 : 0;
    std::vector<float> scores = model.Run(TextTensor(spec, e));
    const int top = TopK(scores, 1).at(0);
    ++r.items;
    if (!item.label.empty()) {
      for (auto& c : r.per_class) {
        if (c.label != item.label || c.index < 0) continue;
        ++c.count;
        ++r.labeled;
        if (top == c.index) ++c.correct, ++r.correct;
        ++r.confusion[{c.index, top}];
      }
    }
    if (reference) {
      std::vector<float> ref = reference->Run(TextTensor(*reference_spec, EncodeText(*reference_spec, item.text)));
      r.agree += TopK(ref, 1).at(0) == top ? 1 : 0;
      for (size_t i = 0; i < std::min(ref.size(), scores.size()); ++i) {
        signal += static_cast<double>(ref[i]) * ref[i];
        noise += (static_cast<double>(scores[i]) - ref[i]) * (static_cast<double>(scores[i]) - ref[i]);
      }
    }
  }
  if (reference) r.sqnr_db = noise == 0 ? std::numeric_limits<double>::infinity() : 10 * std::log10(signal / noise);
  return r;
}

}  // namespace tfd
