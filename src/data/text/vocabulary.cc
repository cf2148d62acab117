#include "data/text/vocabulary.h"

#include <cctype>

#include "util/error.h"
#include "util/text_lines.h"

namespace tfd {
namespace {

// "word 17" -> ("word", 17); nullopt when the line does not end in " <digits>".
std::optional<std::pair<std::string, int32_t>> TokenAndId(const std::string& line) {
  size_t space = line.find_last_of(' ');
  if (space == std::string::npos || space == 0 || space + 1 >= line.size() || line.size() - space > 10)
    return std::nullopt;
  int32_t id = 0;
  for (size_t i = space + 1; i < line.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return std::nullopt;
    id = id * 10 + (line[i] - '0');
  }
  return std::make_pair(line.substr(0, space), id);
}

}  // namespace

Vocabulary ParseVocabulary(const std::vector<uint8_t>& bytes, const std::string& source) {
  std::vector<std::string> lines = SplitLines(bytes);
  bool with_ids = false;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    if (!TokenAndId(line)) {
      with_ids = false;
      break;
    }
    with_ids = true;
  }
  Vocabulary v;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) continue;
    std::string token = line;
    int32_t id = static_cast<int32_t>(i);
    if (with_ids) {
      auto p = *TokenAndId(line);
      token = p.first;
      id = p.second;
    }
    v.ids.emplace(token, id);  // the first line of a repeated token wins
    // BERT's special tokens ([CLS], [UNK]...) and Model Maker's (<PAD>...)
    // are written in capitals whatever the vocabulary's case.
    bool special = token.size() > 2 && ((token.front() == '[' && token.back() == ']') ||
                                        (token.front() == '<' && token.back() == '>'));
    if (!special)
      for (char c : token) v.cased = v.cased || (c >= 'A' && c <= 'Z');
  }
  if (v.ids.empty()) Fail("{}: vocabulary holds no token", source);
  return v;
}

}  // namespace tfd
