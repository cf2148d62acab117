#pragma once
// A tokenizer's vocabulary file: token -> id.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tfd {

struct Vocabulary {
  std::unordered_map<std::string, int32_t> ids;
  // Some token has an upper-case ASCII letter: the vocabulary tells cases
  // apart. An uncased one (Model Maker's word vocabularies, uncased BERT)
  // never matches a word written with capitals.
  bool cased = false;
  std::optional<int32_t> Find(const std::string& token) const {
    auto it = ids.find(token);
    if (it == ids.end()) return std::nullopt;
    return it->second;
  }
  size_t size() const { return ids.size(); }
};

// Lines "token id" (Model Maker's word vocabularies: the id is the last
// space-separated field) when every non-empty line ends so; otherwise one
// token per line, its id the line number (BERT's vocab.txt). tfd::Error
// naming `source` when it holds no token.
Vocabulary ParseVocabulary(const std::vector<uint8_t>& bytes, const std::string& source);

}  // namespace tfd
