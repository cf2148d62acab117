#pragma once
// The preprocessing audit for text models: how a set of texts meets the
// model's tokenizer (unknown words, truncation, case against the
// vocabulary), the candidate pipelines ranked on the data (accuracy where
// labelled, else mean top-1 confidence), and how a declared tokenizer
// differs from the metadata's.
#include <optional>
#include <string>
#include <vector>

#include "data/preprocess/session.h"
#include "data/text/text_dataset.h"
#include "data/text/text_input.h"

namespace tfd {

// What the app says it does with text (a JSON file: every key optional):
// {"tokenizer": "RegexTokenizer", "lowercase": true, "max_length": 128,
//  "delim_regex": "[^\\w']+"}.
struct DeclaredTextPipeline {
  std::string tokenizer;
  std::optional<bool> lowercase;
  std::optional<size_t> max_length;
  std::string delim_regex;
};
DeclaredTextPipeline ReadDeclaredTextPipeline(const std::string& path);

struct TextCandidate {
  std::string name;     // "text as given", "text lower-cased"
  bool lowercase = false;
  size_t tokens = 0, unknown = 0, unknown_known_lowercased = 0, truncated = 0;
  double oov_rate = 0;           // unknown / tokens kept
  double truncated_share = 0;    // texts with more tokens than fit
  double accuracy = -1;          // top-1 on labelled items whose label is the model's; -1 when none
  size_t labeled = 0;
  double confidence = 0;         // mean top-1 probability
  double score() const { return accuracy >= 0 ? accuracy : confidence; }
};

struct TextAudit {
  size_t texts = 0;
  std::vector<TextCandidate> ranked;  // best first
  std::string ranked_by;              // "accuracy" or "confidence"
  std::vector<std::string> findings;  // one line each
};

TextAudit AuditText(ModelSession& session, const TextModelSpec& spec, const TextDataset& data,
                    const std::optional<DeclaredTextPipeline>& declared);

}  // namespace tfd
