#include "data/detection/labelled_boxes.h"

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

std::string FileName(const std::string& path) { return std::filesystem::path(path).filename().string(); }

LabelledBoxes ReadCoco(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object() || !j.contains("images") || !j.contains("annotations") || !j.contains("categories"))
    Fail("{}: a COCO-style file needs \"images\", \"annotations\" and \"categories\"", path);
  std::map<int64_t, std::string> files, names;
  try {
    for (const auto& im : j.at("images")) files[im.at("id").get<int64_t>()] = FileName(im.at("file_name").get<std::string>());
    for (const auto& c : j.at("categories")) names[c.at("id").get<int64_t>()] = c.at("name").get<std::string>();
    LabelledBoxes out;
    for (const auto& a : j.at("annotations")) {
      const int64_t image = a.at("image_id").get<int64_t>(), category = a.at("category_id").get<int64_t>();
      const auto& b = a.at("bbox");
      if (!b.is_array() || b.size() != 4) Fail("{}: annotation of image {} has a bbox that is not [x, y, width, height]", path, image);
      if (!files.count(image)) Fail("{}: annotation names image_id {}, which \"images\" lacks", path, image);
      if (!names.count(category)) Fail("{}: annotation names category_id {}, which \"categories\" lacks", path, category);
      const float x = b[0].get<float>(), y = b[1].get<float>(), w = b[2].get<float>(), h = b[3].get<float>();
      out.by_file[files[image]].push_back({names[category], {x, y, x + w, y + h}});
      out.boxes++;
    }
    for (const auto& [id, file] : files) out.by_file[file];  // images without objects count too
    return out;
  } catch (const nlohmann::json::exception& e) {
    Fail("{}: malformed COCO-style entry: {}", path, e.what());
  }
}

LabelledBoxes ReadCsv(const std::string& text, const std::string& path) {
  LabelledBoxes out;
  std::stringstream ss(text);
  std::string line;
  size_t number = 0;
  while (std::getline(ss, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<std::string> fields;
    std::stringstream ls(line);
    std::string f;
    while (std::getline(ls, f, ',')) fields.push_back(f);
    if (number == 1 && !fields.empty() && fields[0] == "path") continue;
    if (fields.size() != 6) Fail("{} line {}: expected path,label,x,y,width,height, got {} fields", path, number, fields.size());
    float v[4];
    for (int i = 0; i < 4; ++i) {
      try {
        v[i] = std::stof(fields[static_cast<size_t>(i) + 2]);
      } catch (const std::exception&) {
        Fail("{} line {}: '{}' is not a number", path, number, fields[static_cast<size_t>(i) + 2]);
      }
    }
    out.by_file[FileName(fields[0])].push_back({fields[1], {v[0], v[1], v[0] + v[2], v[1] + v[3]}});
    out.boxes++;
  }
  if (out.by_file.empty()) Fail("{}: no labelled boxes", path);
  return out;
}

}  // namespace

LabelledBoxes ReadLabelledBoxes(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  std::string text(bytes.begin(), bytes.end());
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      Fail("{}: not valid JSON: {}", path, e.what());
    }
    return ReadCoco(j, path);
  }
  return ReadCsv(text, path);
}

}  // namespace tfd
