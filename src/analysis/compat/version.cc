#include "analysis/compat/version.h"

#include <algorithm>
#include <cctype>

namespace tfd::compat {

std::optional<std::vector<int>> ParseVersion(const std::string& text) {
  std::vector<int> parts;
  size_t i = 0;
  if (text.empty()) return std::nullopt;
  while (i <= text.size()) {
    size_t j = text.find('.', i);
    if (j == std::string::npos) j = text.size();
    if (j == i || j - i > 6) return std::nullopt;
    int value = 0;
    for (size_t k = i; k < j; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(text[k]))) return std::nullopt;
      value = value * 10 + (text[k] - '0');
    }
    parts.push_back(value);
    i = j + 1;
  }
  return parts;
}

int CompareVersions(const std::string& a, const std::string& b) {
  auto pa = ParseVersion(a), pb = ParseVersion(b);
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  size_t n = std::max(pa->size(), pb->size());
  for (size_t i = 0; i < n; ++i) {
    int x = i < pa->size() ? (*pa)[i] : 0;
    int y = i < pb->size() ? (*pb)[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace tfd::compat
