#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tfd {

// Whole-file read; throws tfd::Error naming the path when it cannot, or when
// the file is larger than the memory limit (util/memory_limit.h). Every file
// read this way is remembered as an input of this process.
std::vector<uint8_t> ReadFileBytes(const std::string& path);

// Writes via a temporary file in the same folder renamed into place, so a
// failed or killed write never leaves a partial file under `path`. With the
// input guard on, refuses a path that names a file this process read as an
// input: a command never overwrites what it was given.
void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes);

// Turns the input guard on for the rest of the process. The CLI does, as
// each run is one command; a library user that reads a file and then means
// to replace it (a test writing fixtures, an editor) leaves it off.
void GuardInputFiles();

// Whether `path` is (the same file as) one this process read as an input.
bool IsInputFile(const std::string& path);
// Remember `path` as an input without reading it through ReadFileBytes (a
// dataset folder's files that are read later, or by a library).
void NoteInputFile(const std::string& path);

// A new folder under the system's temporary directory with a name no other
// process holds and only this user may enter (mkdtemp), removed with all it
// holds when this goes out of scope: intermediate files (a scheme's model
// before it is measured) cannot collide with another run's or be planted.
class ScopedTempDir {
 public:
  explicit ScopedTempDir(const std::string& prefix);
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tfd
