#include "data/preprocess/label_match.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace tfd {

namespace {

std::string Trimmed(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Trimmed, '_' as ' ', case kept (the case-insensitive form is derived).
std::string Spaced(const std::string& s) {
  std::string out = s;
  std::replace(out.begin(), out.end(), '_', ' ');
  return Trimmed(out);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The comma-separated names of a label, then the whole label; empty names
// dropped.
std::vector<std::string> Names(const std::string& label) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = label.find(',', start);
    std::string part = Spaced(label.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::string whole = Spaced(label);
  if (out.size() != 1 && !whole.empty()) out.push_back(whole);
  return out;
}

}  // namespace

int LabelIndex(const std::string& label, const std::vector<std::string>& labels) {
  const std::string whole = Spaced(label);
  if (whole.empty()) return -1;
  const std::string whole_lower = Lower(whole);
  const std::vector<std::string> wanted = Names(label);
  std::vector<std::string> wanted_lower;
  for (const auto& n : wanted) wanted_lower.push_back(Lower(n));

  // (whole-label rank, dataset name, model name, case differs, index): lowest wins.
  using Key = std::tuple<int, size_t, size_t, int, size_t>;
  bool found = false;
  Key best{};
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string other = Spaced(labels[i]);
    int whole_rank = other == whole ? 0 : Lower(other) == whole_lower ? 1 : 2;
    const std::vector<std::string> names = Names(labels[i]);
    for (size_t a = 0; a < wanted.size(); ++a)
      for (size_t b = 0; b < names.size(); ++b) {
        if (Lower(names[b]) != wanted_lower[a]) continue;
        Key key{whole_rank, a, b, names[b] == wanted[a] ? 0 : 1, i};
        if (!found || key < best) best = key, found = true;
      }
  }
  if (found) return static_cast<int>(std::get<4>(best));
  if (std::all_of(whole.begin(), whole.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
      whole.size() < 9) {
    int v = std::stoi(whole);
    if (labels.empty() || static_cast<size_t>(v) < labels.size()) return v;
  }
  return -1;
}

int LabelMapper::Index(const std::string& label) {
  auto it = cache_.find(label);
  if (it != cache_.end()) return it->second;
  int index = LabelIndex(label, *labels_);
  cache_.emplace(label, index);
  return index;
}

bool TooManyUnmapped(size_t unmapped_labels, size_t unmapped_items, size_t labelled_items) {
  if (unmapped_labels > kFewUnmappedLabels) return true;
  return labelled_items > 0 && unmapped_items * 20 >= labelled_items && unmapped_items > 0;
}

}  // namespace tfd
