#pragma once
// Datasets: a folder of files, a folder per class, or a CSV of path,label;
// and the items in them (images, .npy arrays, WAV audio) loaded one by one.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "data/image.h"
#include "data/npy.h"
#include "data/wav.h"

namespace tfd {

enum class DatasetKind { kFiles, kClassFolders, kCsv };

struct DatasetItem {
  std::string path;
  std::string label;  // "" when unlabeled
};

struct Dataset {
  DatasetKind kind = DatasetKind::kFiles;
  std::string source;
  std::vector<DatasetItem> items;     // sorted by path within each class
  std::vector<std::string> classes;   // distinct labels in first-seen order
  size_t ignored_files = 0;           // files skipped for their extension
  bool labeled() const { return !classes.empty(); }
};

std::string DatasetKindName(DatasetKind k);  // "folder", "class folders", "csv"

// A data file this layer can load (.jpg .jpeg .png .bmp .npy .wav).
bool IsDataPath(const std::string& path);

// DIR: class folders when it has subfolders holding data files (their names
// are the labels), else its own data files, unlabeled. FILE.csv: rows of
// path,label (an optional "path,label" header; paths relative to the CSV).
// tfd::Error naming the folder or file when it is missing or holds no data,
// or naming the CSV line that is malformed.
Dataset OpenDataset(const std::string& path);

// Loose files given on the command line, unlabeled.
Dataset DatasetFromFiles(const std::vector<std::string>& files);

using Sample = std::variant<Image, NpyArray, Audio>;
// Decodes one file by its extension; tfd::Error naming it on failure.
Sample LoadSample(const std::string& path);

// A labels file: one label per line (index = line number), trailing blank
// lines dropped, "\r" stripped; or a class map CSV whose header names an
// `index` and a `display_name` column (YAMNet's index,mid,display_name),
// quoted fields allowed, every index from 0 to the largest present.
std::vector<std::string> ReadLabelsFile(const std::string& path);

}  // namespace tfd
