#pragma once
// BertTokenizer (TFLite metadata's BertTokenizerOptions): words split at
// white space and punctuation, then each word into the longest vocabulary
// pieces from its start, continuations marked "##"; a word with no such
// split is "[UNK]". Lower-cased first when the vocabulary is uncased.
#include <string>
#include <vector>

#include "data/text/vocabulary.h"

namespace tfd {

class WordPieceTokenizer {
 public:
  explicit WordPieceTokenizer(const Vocabulary& vocabulary);
  // The words before the split into pieces (lower-cased when uncased).
  std::vector<std::string> Words(const std::string& text) const;
  std::vector<std::string> Tokenize(const std::string& text) const;
  bool lowercases() const { return lowercase_; }

 private:
  const Vocabulary* vocab_;
  bool lowercase_;
};

}  // namespace tfd
