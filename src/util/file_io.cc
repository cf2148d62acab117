#include "util/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <mutex>
#include <set>
#include <utility>

#include "util/error.h"
#include "util/memory_limit.h"

namespace tfd {
namespace {

// Inputs are identified by device and inode, so another spelling of the same
// path (./a, a symlink, a hard link) is still recognised.
using FileId = std::pair<uint64_t, uint64_t>;

std::mutex& InputsMutex() {
  static std::mutex m;
  return m;
}
std::set<FileId>& Inputs() {
  static std::set<FileId> inputs;
  return inputs;
}
std::atomic<bool> guard_on{false};

bool IdOf(const std::string& path, FileId& id) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  id = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  return true;
}

}  // namespace

void GuardInputFiles() { guard_on = true; }

void NoteInputFile(const std::string& path) {
  FileId id;
  if (!IdOf(path, id)) return;
  std::lock_guard<std::mutex> lock(InputsMutex());
  Inputs().insert(id);
}

bool IsInputFile(const std::string& path) {
  FileId id;
  if (!IdOf(path, id)) return false;
  std::lock_guard<std::mutex> lock(InputsMutex());
  return Inputs().count(id) > 0;
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) Fail("{}: is a directory, not a file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("{}: cannot open ({})", path, std::strerror(errno));
  NoteInputFile(path);
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) Fail("{}: cannot determine file size", path);
  CheckMemoryClaim(static_cast<uint64_t>(size), path + ": reading the file");
  in.seekg(0, std::ios::beg);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
    Fail("{}: read failed", path);
  return bytes;
}

void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  if (guard_on && IsInputFile(path)) Fail("{}: refusing to overwrite a file this command reads as an input", path);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) Fail("{}: is a directory, cannot write a file there", path);
  // Unique per process, in the destination's folder so the rename stays on
  // one file system (and is atomic).
  std::string tmp = path + ".tmp-tflite-doctor-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) Fail("{}: cannot write ({})", path, std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::remove(tmp.c_str());
      Fail("{}: write failed", path);
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    Fail("{}: cannot write ({})", path, ec.message());
  }
}

ScopedTempDir::ScopedTempDir(const std::string& prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    Fail("cannot create a temporary folder in {} ({})", base.string(), std::strerror(errno));
  path_ = pattern;
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace tfd
