#pragma once
// Lines of a text file held in memory (labels, vocabularies): split at '\n',
// a trailing '\r' dropped (files written on Windows), no empty last line.
#include <cstdint>
#include <string>
#include <vector>

namespace tfd {

inline std::vector<std::string> SplitLines(const std::vector<uint8_t>& bytes) {
  std::vector<std::string> lines;
  std::string cur;
  for (uint8_t c : bytes) {
    if (c == '\n') {
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(c));
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

}  // namespace tfd
