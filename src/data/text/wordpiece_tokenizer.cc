#include "data/text/wordpiece_tokenizer.h"

#include <cctype>

namespace tfd {
namespace {

// A word longer than this (in bytes) is one "[UNK]", as BERT's tokenizers do.
constexpr size_t kMaxWordBytes = 100;

bool IsAsciiPunctuation(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(const Vocabulary& vocabulary)
    : vocab_(&vocabulary), lowercase_(!vocabulary.cased) {}

std::vector<std::string> WordPieceTokenizer::Words(const std::string& text) const {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(std::move(cur));
    cur.clear();
  };
  for (unsigned char c : text) {
    if (std::isspace(c)) {
      flush();
    } else if (IsAsciiPunctuation(c)) {
      flush();
      words.push_back(std::string(1, static_cast<char>(c)));
    } else {
      cur.push_back(lowercase_ && c < 128 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c));
    }
  }
  flush();
  return words;
}

std::vector<std::string> WordPieceTokenizer::Tokenize(const std::string& text) const {
  std::vector<std::string> out;
  for (const std::string& word : Words(text)) {
    if (word.size() > kMaxWordBytes) {
      out.push_back("[UNK]");
      continue;
    }
    std::vector<std::string> pieces;
    size_t start = 0;
    bool ok = true;
    while (start < word.size()) {
      size_t end = word.size();
      std::string found;
      for (; end > start; --end) {
        std::string piece = (start > 0 ? "##" : "") + word.substr(start, end - start);
        if (vocab_->Find(piece)) {
          found = piece;
          break;
        }
      }
      if (found.empty()) {
        ok = false;
        break;
      }
      pieces.push_back(found);
      start = end;
    }
    if (ok)
      out.insert(out.end(), pieces.begin(), pieces.end());
    else
      out.push_back("[UNK]");
  }
  return out;
}

}  // namespace tfd
