#pragma once
// Golden data beside the TFLite Micro integration-test models:
// NAME_input<i>_<dtype>.csv and NAME_golden_<dtype>.csv, one line of values.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/dtype.h"
#include "kernel_test_util.h"

namespace tfd::testing {

inline std::vector<int64_t> ReadCsvValues(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<int64_t> values;
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    values.push_back(std::stoll(item));
  }
  return values;
}

inline Array ArrayFromValues(DType dtype, const std::vector<int32_t>& shape, const std::vector<int64_t>& values) {
  switch (dtype) {
    case DType::INT16: return Array::Of<int16_t>(dtype, shape, std::vector<int16_t>(values.begin(), values.end()));
    case DType::INT32: return Array::Of<int32_t>(dtype, shape, std::vector<int32_t>(values.begin(), values.end()));
    case DType::INT8: return Array::Of<int8_t>(dtype, shape, std::vector<int8_t>(values.begin(), values.end()));
    case DType::UINT8: return Array::Of<uint8_t>(dtype, shape, std::vector<uint8_t>(values.begin(), values.end()));
    default: throw std::runtime_error("golden CSV for unsupported dtype " + DTypeName(dtype));
  }
}

inline bool HasGoldenData(const std::filesystem::path& model_path) {
  auto stem = model_path.stem().string();
  for (const auto& e : std::filesystem::directory_iterator(model_path.parent_path()))
    if (e.path().filename().string().rfind(stem + "_golden_", 0) == 0) return true;
  return false;
}

// The recorded inputs of a golden model, shaped like its graph inputs.
inline std::vector<Array> GoldenInputs(const std::filesystem::path& model_path, const Model& model) {
  std::vector<Array> out;
  const auto& g = model.main();
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const Tensor& t = g.tensors[static_cast<size_t>(g.inputs[i])];
    auto csv = model_path.parent_path() /
               (model_path.stem().string() + "_input" + std::to_string(i) + "_" + DTypeName(t.dtype) + ".csv");
    auto values = ReadCsvValues(csv);
    if (static_cast<int64_t>(values.size()) != *ElementCount(t.shape))
      throw std::runtime_error(csv.string() + ": wrong number of values for the input's shape");
    out.push_back(ArrayFromValues(t.dtype, t.shape, values));
  }
  return out;
}

// The recorded output (first graph output) of a golden model.
inline Array GoldenOutput(const std::filesystem::path& model_path, const Model& model, const std::vector<int32_t>& shape) {
  const auto& g = model.main();
  const Tensor& t = g.tensors[static_cast<size_t>(g.outputs.at(0))];
  auto csv = model_path.parent_path() / (model_path.stem().string() + "_golden_" + DTypeName(t.dtype) + ".csv");
  return ArrayFromValues(t.dtype, shape, ReadCsvValues(csv));
}

}  // namespace tfd::testing
