#include "util/memory_limit.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "util/error.h"

namespace tfd {
namespace {

constexpr uint64_t kGiB = 1ULL << 30;

uint64_t DefaultLimit() {
  if (const char* env = std::getenv("TFLITE_DOCTOR_MAX_MEMORY"))
    if (auto v = ParseByteSize(env)) return *v;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  uint64_t ram = pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 2 * kGiB;
  return std::min<uint64_t>(ram / 2, 8 * kGiB);
}

uint64_t& Limit() {
  static uint64_t limit = DefaultLimit();
  return limit;
}

}  // namespace

uint64_t MemoryLimit() { return Limit(); }
void SetMemoryLimit(uint64_t bytes) { Limit() = bytes; }

void CheckMemoryClaim(uint64_t bytes, const std::string& what) {
  if (bytes > Limit())
    Fail("{} needs {}, over the memory limit of {} (raise it with --max-memory if that is really meant)", what,
         FormatByteSize(bytes), FormatByteSize(Limit()));
}

std::optional<uint64_t> ParseByteSize(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  char* end = nullptr;
  std::string number = text.substr(0, i);
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value) || value <= 0) return std::nullopt;
  std::string unit;
  for (char c : text.substr(i))
    if (!std::isspace(static_cast<unsigned char>(c))) unit += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB") scale = 1ULL << 10;
  else if (unit == "M" || unit == "MB" || unit == "MIB") scale = 1ULL << 20;
  else if (unit == "G" || unit == "GB" || unit == "GIB") scale = 1ULL << 30;
  else if (unit == "T" || unit == "TB" || unit == "TIB") scale = 1ULL << 40;
  else return std::nullopt;
  double bytes = value * scale;
  if (bytes < 1 || bytes > 1.8e19) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

std::string FormatByteSize(uint64_t bytes) {
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  int u = -1;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  return fmt::format("{:.{}f} {}", v, v < 10 ? 1 : 0, kUnits[u]);
}

}  // namespace tfd
