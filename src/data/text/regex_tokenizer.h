#pragma once
// RegexTokenizer (TFLite metadata's RegexTokenizerOptions): the text split
// at every match of a delimiter pattern, empty pieces dropped.
#include <memory>
#include <string>
#include <vector>

namespace tfd {

class RegexTokenizer {
 public:
  // tfd::Error when the pattern is not a regular expression this tool reads.
  explicit RegexTokenizer(const std::string& delimiter_pattern);
  ~RegexTokenizer();
  RegexTokenizer(const RegexTokenizer&) = delete;
  RegexTokenizer& operator=(const RegexTokenizer&) = delete;
  std::vector<std::string> Split(const std::string& text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  std::string pattern_;
  std::unique_ptr<Compiled> compiled_;
};

// The metadata's pattern (RE2 syntax) as a POSIX extended regular
// expression: \w \d \s (and outside brackets \W \D \S) become POSIX
// classes, an escaped punctuation character inside brackets itself.
// tfd::Error naming what it cannot translate.
std::string PosixFromRe2(const std::string& pattern);

}  // namespace tfd
