#include "data/dataset.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>

#include "util/error.h"
#include "util/file_io.h"
#include "util/text_lines.h"

namespace tfd {

namespace fs = std::filesystem;

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Ext(const std::string& path) { return Lower(fs::path(path).extension().string()); }

bool Hidden(const fs::path& p) {
  std::string n = p.filename().string();
  return !n.empty() && n[0] == '.';
}

// Data files directly in `dir`, sorted; counts the others.
std::vector<std::string> DataFilesIn(const fs::path& dir, size_t* ignored) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (Hidden(e.path())) continue;
    if (!e.is_regular_file()) continue;
    if (IsDataPath(e.path().string()))
      out.push_back(e.path().string());
    else if (ignored)
      ++*ignored;
  }
  if (ec) Fail("{}: cannot list folder ({})", dir.string(), ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

void AddClass(Dataset& d, const std::string& label) {
  if (!label.empty() && std::find(d.classes.begin(), d.classes.end(), label) == d.classes.end())
    d.classes.push_back(label);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

// One CSV line into fields (double quotes, "" escapes).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  for (auto& f : out) f = Trim(f);
  return out;
}

Dataset OpenCsv(const std::string& path) {
  auto bytes = ReadFileBytes(path);
  std::string text(bytes.begin(), bytes.end());
  Dataset d;
  d.kind = DatasetKind::kCsv;
  d.source = path;
  fs::path base = fs::path(path).parent_path();
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++line_no;
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    auto f = SplitCsv(line);
    if (line_no == 1 && Lower(f[0]) == "path") continue;  // header
    if (f.size() < 2 || f[0].empty())
      Fail("{}:{}: expected 'path,label', got '{}'", path, line_no, Trim(line));
    fs::path p = f[0];
    if (p.is_relative()) p = base / p;
    d.items.push_back({p.lexically_normal().string(), f[1]});
    AddClass(d, f[1]);
  }
  if (d.items.empty()) Fail("{}: the CSV lists no files", path);
  return d;
}

}  // namespace

std::string DatasetKindName(DatasetKind k) {
  switch (k) {
    case DatasetKind::kFiles: return "folder";
    case DatasetKind::kClassFolders: return "class folders";
    case DatasetKind::kCsv: return "csv";
  }
  return "?";
}

bool IsDataPath(const std::string& path) {
  std::string e = Ext(path);
  return IsImagePath(path) || e == ".npy" || e == ".wav";
}

Dataset OpenDataset(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) Fail("{}: no such file or folder", path);
  if (fs::is_regular_file(path, ec)) {
    if (Ext(path) == ".csv") return OpenCsv(path);
    if (IsDataPath(path)) return DatasetFromFiles({path});
    Fail("{}: a dataset is a folder, a folder of class folders, or a .csv of path,label", path);
  }
  if (!fs::is_directory(path, ec)) Fail("{}: not a file or folder", path);
  Dataset d;
  d.source = path;
  std::vector<fs::path> subdirs;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_directory() && !Hidden(e.path())) subdirs.push_back(e.path());
  std::sort(subdirs.begin(), subdirs.end());
  for (const auto& sub : subdirs) {
    size_t ignored = 0;
    auto files = DataFilesIn(sub, &ignored);
    if (files.empty()) continue;
    d.ignored_files += ignored;
    std::string label = sub.filename().string();
    for (auto& f : files) d.items.push_back({f, label});
    AddClass(d, label);
  }
  if (!d.items.empty()) {
    d.kind = DatasetKind::kClassFolders;
    // Loose files beside the class folders are kept, unlabeled.
    for (auto& f : DataFilesIn(path, &d.ignored_files)) d.items.push_back({f, ""});
    return d;
  }
  d.kind = DatasetKind::kFiles;
  for (auto& f : DataFilesIn(path, &d.ignored_files)) d.items.push_back({f, ""});
  if (d.items.empty())
    Fail("{}: no data files (.jpg .jpeg .png .bmp .npy .wav) in the folder or its class subfolders{}", path,
         d.ignored_files ? " (" + std::to_string(d.ignored_files) + " other files ignored)" : "");
  return d;
}

Dataset DatasetFromFiles(const std::vector<std::string>& files) {
  Dataset d;
  d.kind = DatasetKind::kFiles;
  d.source = files.size() == 1 ? files[0] : "command line";
  for (const auto& f : files) d.items.push_back({f, ""});
  return d;
}

Sample LoadSample(const std::string& path) {
  std::string e = Ext(path);
  if (e == ".npy") return ReadNpy(path);
  if (e == ".wav") return ReadWav(path);
  if (IsImagePath(path)) return DecodeImage(path);
  // Unknown extension: sniff the content.
  auto bytes = ReadFileBytes(path);
  if (bytes.size() >= 6 && bytes[0] == 0x93 && bytes[1] == 'N' && bytes[2] == 'U') return ParseNpy(bytes, path);
  if (bytes.size() >= 4 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F' && bytes[3] == 'F')
    return ParseWav(bytes, path);
  return DecodeImageBytes(bytes, path);
}

namespace {

// A class map as TF Hub publishes one beside a model (YAMNet's
// "index,mid,display_name"): a header naming an `index` and a
// `display_name` column, then one row per class in any order.
std::optional<std::vector<std::string>> ReadClassMap(const std::string& path,
                                                     const std::vector<std::string>& lines) {
  auto header = SplitCsv(lines[0]);
  int index_col = -1, name_col = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    auto h = Lower(header[i]);
    if (h == "index") index_col = static_cast<int>(i);
    if (h == "display_name") name_col = static_cast<int>(i);
  }
  if (index_col < 0 || name_col < 0) return std::nullopt;
  // More classes than this is a corrupt index, not a label set.
  constexpr long kMaxClasses = 1000000;
  std::map<long, std::string> by_index;
  for (size_t n = 1; n < lines.size(); ++n) {
    if (Trim(lines[n]).empty()) continue;
    auto f = SplitCsv(lines[n]);
    size_t need = static_cast<size_t>(std::max(index_col, name_col)) + 1;
    if (f.size() < need) Fail("{}:{}: class map row has {} fields, the header {}", path, n + 1, f.size(), header.size());
    const std::string& idx = f[static_cast<size_t>(index_col)];
    char* end = nullptr;
    long i = std::strtol(idx.c_str(), &end, 10);
    if (idx.empty() || *end != '\0' || i < 0 || i >= kMaxClasses)
      Fail("{}:{}: class map index '{}' is not a class index", path, n + 1, idx);
    if (!by_index.emplace(i, f[static_cast<size_t>(name_col)]).second)
      Fail("{}:{}: class map index {} appears twice", path, n + 1, i);
  }
  if (by_index.empty()) Fail("{}: the class map has a header but no classes", path);
  std::vector<std::string> out(static_cast<size_t>(by_index.rbegin()->first) + 1);
  for (size_t i = 0; i < out.size(); ++i) {
    auto it = by_index.find(static_cast<long>(i));
    if (it == by_index.end()) Fail("{}: the class map has no row for index {}", path, i);
    out[i] = it->second;
  }
  return out;
}

}  // namespace

std::vector<std::string> ReadLabelsFile(const std::string& path) {
  auto out = SplitLines(ReadFileBytes(path));
  while (!out.empty() && Trim(out.back()).empty()) out.pop_back();
  if (out.empty()) Fail("{}: the labels file is empty", path);
  if (auto class_map = ReadClassMap(path, out)) return *class_map;
  return out;
}

}  // namespace tfd
