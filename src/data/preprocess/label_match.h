#pragma once
// Which of a model's labels a dataset label names. Datasets and label files
// name the same class differently: ImageNet's "goldfish, Carassius auratus"
// is "goldfish" in the TFLite models' label files, and a label file may hold
// synonyms itself. Both are read as comma-separated names.
#include <map>
#include <string>
#include <vector>

namespace tfd {

// The index of `label` among `labels`, or -1. Names are compared trimmed,
// case-insensitively, with '_' read as ' '. A dataset label matches a model
// label when any of its comma-separated names equals any of the model
// label's (the whole label counts as one name too). Several matches are
// decided in this order, so the choice never depends on anything else:
//   1. the whole label equal, exactly (case included), then ignoring case;
//   2. the earliest of the dataset label's names that matches
//      ("ruffed grouse, partridge" is "ruffed grouse" before "partridge");
//   3. the earliest of the model label's names that matches;
//   4. a match with the same case ("Cardigan" the corgi, not "cardigan" the
//      sweater);
//   5. the lower index (a label file listing "crane" twice).
// With no name matching, a label that is a number (below 9 digits) is an
// index (when `labels` is empty or has that many entries).
int LabelIndex(const std::string& label, const std::vector<std::string>& labels);

// A dataset's labels mapped once (a dataset has far fewer distinct labels
// than items).
class LabelMapper {
 public:
  explicit LabelMapper(const std::vector<std::string>& model_labels) : labels_(&model_labels) {}
  int Index(const std::string& label);

 private:
  const std::vector<std::string>* labels_;
  std::map<std::string, int> cache_;
};

// When the report must say first that accuracy covers only part of the
// data: more than kFewUnmappedLabels distinct labels unmapped, or unmapped
// items making 5% or more of the labelled ones.
inline constexpr size_t kFewUnmappedLabels = 3;
bool TooManyUnmapped(size_t unmapped_labels, size_t unmapped_items, size_t labelled_items);

}  // namespace tfd
