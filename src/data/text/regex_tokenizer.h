#pragma once
// RegexTokenizer (TFLite metadata's RegexTokenizerOptions): the text split
// at every match of a delimiter pattern, empty pieces dropped.
#include <regex>
#include <string>
#include <vector>

namespace tfd {

class RegexTokenizer {
 public:
  // tfd::Error when the pattern is not a valid regular expression.
  explicit RegexTokenizer(const std::string& delimiter_pattern);
  std::vector<std::string> Split(const std::string& text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::regex delimiter_;
};

}  // namespace tfd
