#include "data/text/text_dataset.h"

#include <algorithm>
#include <filesystem>

#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

// CSV fields of one line; false when a quote is left open.
bool SplitCsv(const std::string& line, std::vector<std::string>& fields) {
  fields.assign(1, "");
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return !quoted;
}

std::string Ext(const std::string& path) {
  std::string e = std::filesystem::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}

}  // namespace

bool IsTextDatasetPath(const std::string& path) {
  std::string e = Ext(path);
  return e == ".csv" || e == ".txt" || e == ".tsv";
}

TextDataset OpenTextDataset(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) Fail("{}: no such text file (a text model reads a CSV of text,label or a .txt of one text per line)", path);
  auto bytes = ReadFileBytes(path);
  std::string content(bytes.begin(), bytes.end());
  TextDataset d;
  d.source = path;
  std::vector<std::string> lines = Lines(content);
  const bool csv = Ext(path) == ".csv";
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    if (line.empty()) continue;
    TextItem item;
    if (csv) {
      std::vector<std::string> f;
      if (!SplitCsv(line, f)) Fail("{}:{}: unclosed quote", path, n + 1);
      if (f.size() < 2) Fail("{}:{}: expected text,label", path, n + 1);
      // The label is the last field; an unquoted text may hold commas.
      item.label = f.back();
      f.pop_back();
      for (size_t i = 0; i < f.size(); ++i) item.text += (i ? "," : "") + f[i];
      if (d.items.empty() && n == 0 && item.text == "text" && item.label == "label") continue;
    } else {
      item.text = line;
    }
    if (!item.label.empty() && std::find(d.classes.begin(), d.classes.end(), item.label) == d.classes.end())
      d.classes.push_back(item.label);
    d.items.push_back(std::move(item));
  }
  if (d.items.empty()) Fail("{}: holds no text", path);
  return d;
}

}  // namespace tfd
