#pragma once
// A text classifier over a text dataset: accuracy where labelled, and
// top-1 agreement and output SQNR against a reference text model (each
// model tokenizing with its own metadata).
#include <map>
#include <string>
#include <vector>

#include "data/preprocess/session.h"
#include "data/text/text_dataset.h"
#include "data/text/text_input.h"

namespace tfd {

struct TextClassResult {
  std::string label;
  int index = -1;  // the model's class; -1 when the label is not among its labels
  size_t count = 0, correct = 0;
};

struct TextEvalResult {
  size_t items = 0;
  size_t labeled = 0;  // items whose label is among the model's
  size_t correct = 0;
  std::vector<TextClassResult> per_class;         // in the dataset's class order
  std::map<std::pair<int, int>, size_t> confusion;  // (label, predicted) -> count
  size_t truncated = 0, tokens = 0, unknown = 0;
  bool has_reference = false;
  size_t agree = 0;
  double sqnr_db = 0;  // pooled over every item's output
  double top1() const { return labeled ? static_cast<double>(correct) / static_cast<double>(labeled) : 0; }
  double agreement() const { return items ? static_cast<double>(agree) / static_cast<double>(items) : 0; }
};

TextEvalResult EvaluateText(ModelSession& model, const TextModelSpec& spec, const TextDataset& data,
                            ModelSession* reference = nullptr, const TextModelSpec* reference_spec = nullptr);

}  // namespace tfd
