#include "data/npy.h"

#include <cstring>
#include <limits>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "graph/dtype.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

struct DescrEntry {
  const char* descr;
  DType dtype;
};
const DescrEntry kDescrs[] = {
    {"<f4", DType::FLOAT32}, {"<f2", DType::FLOAT16}, {"<f8", DType::FLOAT64}, {"|i1", DType::INT8},
    {"|u1", DType::UINT8},   {"<i2", DType::INT16},   {"<u2", DType::UINT16},  {"<i4", DType::INT32},
    {"<u4", DType::UINT32},  {"<i8", DType::INT64},   {"<u8", DType::UINT64},  {"|b1", DType::BOOL},
    {"<c8", DType::COMPLEX64},
};

}  // namespace

NpyArray ParseNpy(const std::vector<uint8_t>& bytes, const std::string& source) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    Fail("{}: not a .npy file (no NUMPY magic)", source);
  uint8_t major = bytes[6];
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = bytes[8] | (bytes[9] << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) Fail("{}: truncated .npy header", source);
    header_len = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (static_cast<size_t>(bytes[11]) << 24);
    header_start = 12;
  } else {
    Fail("{}: unsupported .npy version {}", source, major);
  }
  if (header_start + header_len > bytes.size()) Fail("{}: truncated .npy header", source);
  std::string header(bytes.begin() + static_cast<std::ptrdiff_t>(header_start),
                     bytes.begin() + static_cast<std::ptrdiff_t>(header_start + header_len));
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr'\\s*:\\s*'([^']*)'")))
    Fail("{}: .npy header has no descr", source);
  std::string descr = m[1];
  if (descr.size() == 3 && descr[0] == '=') descr[0] = '<';
  if (descr == "<i1" || descr == "<u1" || descr == "<b1") descr[0] = '|';
  NpyArray out;
  bool known = false;
  for (const auto& d : kDescrs)
    if (descr == d.descr) {
      out.dtype = d.dtype;
      known = true;
    }
  if (!known) Fail("{}: unsupported .npy dtype '{}' (big-endian or non-numeric?)", source, descr);
  if (std::regex_search(header, m, std::regex("'fortran_order'\\s*:\\s*True")))
    Fail("{}: Fortran-ordered .npy arrays are not supported (save with C order)", source);
  if (!std::regex_search(header, m, std::regex("'shape'\\s*:\\s*\\(([^)]*)\\)")))
    Fail("{}: .npy header has no shape", source);
  std::string dims = m[1];
  std::regex number("[0-9]+");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number); it != std::sregex_iterator(); ++it) {
    long long d = std::stoll(it->str());
    if (d > std::numeric_limits<int32_t>::max()) Fail("{}: dimension {} too large", source, d);
    out.shape.push_back(static_cast<int32_t>(d));
  }
  auto count = ElementCount(out.shape);
  size_t elem = *DTypeSize(out.dtype);
  size_t data_start = header_start + header_len;
  if (!count || static_cast<uint64_t>(*count) * elem != bytes.size() - data_start)
    Fail("{}: .npy data has {} bytes but shape {} of {} needs {}", source, bytes.size() - data_start,
         ShapeString(out.shape), DTypeName(out.dtype), count ? *count * static_cast<int64_t>(elem) : -1);
  out.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(data_start), bytes.end());
  return out;
}

NpyArray ReadNpy(const std::string& path) { return ParseNpy(ReadFileBytes(path), path); }

std::vector<uint8_t> EncodeNpy(DType dtype, const std::vector<int32_t>& shape, const void* data, size_t bytes) {
  const char* descr = nullptr;
  for (const auto& d : kDescrs)
    if (d.dtype == dtype) descr = d.descr;
  if (descr == nullptr) Fail("cannot write {} tensors as .npy", DTypeName(dtype));
  std::string dims = fmt::format("{}", fmt::join(shape, ", "));
  if (shape.size() == 1) dims += ",";
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, dims);
  // Pad so the data starts on a 64-byte boundary, header ending in '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<uint8_t>(header.size() & 0xff),
                              static_cast<uint8_t>(header.size() >> 8)};
  out.insert(out.end(), header.begin(), header.end());
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + bytes);
  return out;
}

void WriteNpy(const std::string& path, DType dtype, const std::vector<int32_t>& shape, const void* data, size_t bytes) {
  WriteFileBytes(path, EncodeNpy(dtype, shape, data, bytes));
}

}  // namespace tfd
