#pragma once
// Text datasets: a CSV of text,label (an optional "text,label" header; a
// field in double quotes may hold commas and "" for a quote) or a .txt file
// with one text per line, unlabelled.
#include <string>
#include <vector>

namespace tfd {

struct TextItem {
  std::string text;
  std::string label;  // "" when unlabelled
};

struct TextDataset {
  std::string source;
  std::vector<TextItem> items;
  std::vector<std::string> classes;  // distinct labels, first-seen order
  bool labeled() const { return !classes.empty(); }
};

// tfd::Error naming the file when it cannot be read, holds no text, or
// naming the CSV line that is malformed.
TextDataset OpenTextDataset(const std::string& path);

// Whether `path` names a file OpenTextDataset reads (.csv, .txt, .tsv).
bool IsTextDatasetPath(const std::string& path);

}  // namespace tfd
