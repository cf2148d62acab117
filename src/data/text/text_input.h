#pragma once
// A text classifier's input as the Task Library's NLClassifier builds it:
// the model's tokenizer (from its TFLite metadata) turns the text into
// tokens; the int32 input row is the start token (when the vocabulary has
// one), then each token's id (the unknown token's for a word not in the
// vocabulary) up to the row's length, then the pad token's id. With a
// BertTokenizer the row is [CLS] tokens [SEP] [PAD]..., as BERT reads it.
#include <optional>
#include <string>
#include <vector>

#include "data/preprocess.h"
#include "data/text/vocabulary.h"
#include "format/metadata.h"
#include "graph/model.h"

namespace tfd {

struct TextModelSpec {
  TokenizerInfo tokenizer;
  std::string where;       // "input tensor 'input_text'" or "subgraph input process units"
  std::string vocab_file;  // the associated file it was read from
  Vocabulary vocab;
  InputTarget target;      // the ids tensor
  size_t length = 0;       // ids per text (the input's last dimension)
  std::optional<int32_t> start_id;
  std::optional<int32_t> end_id;  // BERT's [SEP], after the last token that fits
  int32_t pad_id = 0;
  int32_t unknown_id = 0;
  std::string start_token, end_token, pad_token, unknown_token;  // "" where the vocabulary has none
};

// The model's text input, or nullopt when its metadata names no tokenizer.
// tfd::Error for a tokenizer this tool cannot apply, named (SentencePiece;
// a vocabulary missing from the file; BERT's three-input models), or an
// input that is not a static int32 row.
std::optional<TextModelSpec> TextSpecFor(const Model& model);

// Just the name of the tokenizer the metadata declares ("" when none),
// whether or not it can be applied.
std::string DeclaredTokenizer(const Model& model);

struct EncodedText {
  std::vector<std::string> tokens;  // every token of the text, in order
  std::vector<int32_t> ids;         // the input row (spec.length ids)
  size_t kept = 0;                  // tokens that fit in the row
  size_t unknown = 0;               // kept tokens not in the vocabulary
  size_t unknown_known_lowercased = 0;  // of those, found once lower-cased
  bool truncated() const { return kept < tokens.size(); }
};

// `lowercase`: lower-case ASCII letters first (what an app may do; the
// Task Library's regex tokenizer does not).
EncodedText EncodeText(const TextModelSpec& spec, const std::string& text, bool lowercase = false);
TensorData TextTensor(const TextModelSpec& spec, const EncodedText& encoded);

std::string AsciiLower(std::string s);

}  // namespace tfd
