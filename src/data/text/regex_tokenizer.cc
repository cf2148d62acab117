#include "data/text/regex_tokenizer.h"

#include <regex.h>

#include <cctype>

#include "util/error.h"

namespace tfd {

// POSIX regex (glibc) rather than std::regex: libstdc++'s matcher recurses
// once per character of a match, and a text with a long run of delimiters
// (100,000 '!') overflows the stack.
struct RegexTokenizer::Compiled {
  regex_t re;
};

std::string PosixFromRe2(const std::string& p) {
  std::string out;
  bool in_bracket = false;
  size_t bracket_start = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c != '\\') {
      if (!in_bracket && c == '[') {
        in_bracket = true;
        bracket_start = out.size();
        out += c;
        if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
        continue;
      }
      if (in_bracket && c == ']' && out.size() > bracket_start + 1 + (out[bracket_start + 1] == '^')) in_bracket = false;
      out += c;
      continue;
    }
    if (i + 1 >= p.size()) Fail("RegexTokenizer: delimiter pattern '{}' ends in a backslash", p);
    char e = p[++i];
    const char* cls = e == 'w' ? "[:alnum:]_" : e == 'd' ? "[:digit:]" : e == 's' ? "[:space:]" : nullptr;
    const char* negated = e == 'W' ? "[^[:alnum:]_]" : e == 'D' ? "[^[:digit:]]" : e == 'S' ? "[^[:space:]]" : nullptr;
    if (cls) {
      out += in_bracket ? std::string(cls) : "[" + std::string(cls) + "]";
    } else if (negated) {
      if (in_bracket) Fail("RegexTokenizer: '\\{}' inside brackets in '{}' is not supported", e, p);
      out += negated;
    } else if (e == 'n' || e == 't' || e == 'r') {
      out += e == 'n' ? '\n' : e == 't' ? '\t' : '\r';
    } else if (std::isalnum(static_cast<unsigned char>(e))) {
      Fail("RegexTokenizer: escape '\\{}' in '{}' is not supported", e, p);
    } else if (in_bracket) {
      if (e == ']' || e == '^' || e == '-' || e == '[')
        Fail("RegexTokenizer: escaped '{}' inside brackets in '{}' is not supported", e, p);
      out += e;  // punctuation is literal inside POSIX brackets
    } else {
      out += '\\';
      out += e;
    }
  }
  return out;
}

RegexTokenizer::RegexTokenizer(const std::string& delimiter_pattern)
    : pattern_(delimiter_pattern), compiled_(std::make_unique<Compiled>()) {
  if (delimiter_pattern.empty()) Fail("RegexTokenizer: empty delimiter pattern");
  const std::string posix = PosixFromRe2(delimiter_pattern);
  // The "C" locale's classes are ASCII, as RE2's \w: a non-ASCII byte is a
  // delimiter (RE2 matches the whole UTF-8 character; the pieces between
  // are the same).
  int rc = regcomp(&compiled_->re, posix.c_str(), REG_EXTENDED);
  if (rc != 0) {
    char msg[256];
    regerror(rc, &compiled_->re, msg, sizeof msg);
    compiled_.reset();
    Fail("RegexTokenizer: delimiter pattern '{}' is not a regular expression this tool reads ({})", delimiter_pattern,
         msg);
  }
}

RegexTokenizer::~RegexTokenizer() {
  if (compiled_) regfree(&compiled_->re);
}

std::vector<std::string> RegexTokenizer::Split(const std::string& text) const {
  std::vector<std::string> tokens;
  size_t start = 0, from = 0;
  while (from <= text.size()) {
    regmatch_t m;
    // REG_STARTEND: search text[from, size) without copying; it may hold NULs.
    m.rm_so = static_cast<regoff_t>(from);
    m.rm_eo = static_cast<regoff_t>(text.size());
    if (regexec(&compiled_->re, text.data(), 1, &m, REG_STARTEND | (from > 0 ? REG_NOTBOL : 0)) != 0) break;
    const size_t at = static_cast<size_t>(m.rm_so), end = static_cast<size_t>(m.rm_eo);
    if (end == at) {  // an empty delimiter match splits nothing
      from = at + 1;
      continue;
    }
    if (at > start) tokens.push_back(text.substr(start, at - start));
    start = from = end;
  }
  if (start < text.size()) tokens.push_back(text.substr(start));
  return tokens;
}

}  // namespace tfd
