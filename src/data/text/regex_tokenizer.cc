#include "data/text/regex_tokenizer.h"

#include "util/error.h"

namespace tfd {

RegexTokenizer::RegexTokenizer(const std::string& delimiter_pattern) : pattern_(delimiter_pattern) {
  if (delimiter_pattern.empty()) Fail("RegexTokenizer: empty delimiter pattern");
  try {
    // Metadata patterns are RE2 syntax; the ones Model Maker writes
    // ("[^\w\']+") mean the same in ECMAScript: \w is ASCII in both, and a
    // non-ASCII byte is a delimiter either way (RE2 matches the whole UTF-8
    // character, here each of its bytes: the pieces between are the same).
    delimiter_ = std::regex(delimiter_pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    Fail("RegexTokenizer: delimiter pattern '{}' is not a regular expression this tool reads ({})", delimiter_pattern,
         e.what());
  }
}

std::vector<std::string> RegexTokenizer::Split(const std::string& text) const {
  std::vector<std::string> tokens;
  size_t start = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), delimiter_), end; it != end; ++it) {
    size_t at = static_cast<size_t>(it->position(0));
    if (it->length(0) == 0) continue;  // an empty delimiter match splits nothing
    if (at > start) tokens.push_back(text.substr(start, at - start));
    start = at + static_cast<size_t>(it->length(0));
  }
  if (start < text.size()) tokens.push_back(text.substr(start));
  return tokens;
}

}  // namespace tfd
