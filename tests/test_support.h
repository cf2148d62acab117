#pragma once
// Shared helpers for tests: where the real fixtures are, and running the CLI.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace tfd::testing {

inline std::filesystem::path FixturesDir() { return TFD_FIXTURES_DIR; }

inline bool HaveFixtures() { return std::filesystem::is_directory(FixturesDir() / "models"); }

#define TFD_REQUIRE_FIXTURES()                                                                  \
  do {                                                                                          \
    if (!::tfd::testing::HaveFixtures())                                                        \
      GTEST_SKIP() << "shared fixtures not found at " << ::tfd::testing::FixturesDir()          \
                   << " (tests that need ../shared/fixtures skip where it is absent)";          \
  } while (0)

// The Edge TPU compiler's pairs (a source model beside the file the compiler
// made of it) are a later addition to the fixtures.
#define TFD_REQUIRE_EDGETPU_PAIRS()                                                                       \
  do {                                                                                                    \
    TFD_REQUIRE_FIXTURES();                                                                               \
    if (!std::filesystem::is_directory(::tfd::testing::FixturesDir() / "edgetpu"))                       \
      GTEST_SKIP() << "no Edge TPU compiler pairs at " << (::tfd::testing::FixturesDir() / "edgetpu").string(); \
  } while (0)

// CI runs every test twice, in the Release build and under AddressSanitizer
// and UBSan (scripts/test.sh), within an hour on 2 cores. A test that only
// repeats, on more data, code paths lighter tests already take under the
// sanitizers runs in the Release pass only; REASON says what it repeats.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#define TFD_RELEASE_PASS_ONLY(REASON) GTEST_SKIP() << "in the Release pass only (scripts/test.sh): " << REASON
#else
inline constexpr bool kSanitized = false;
#define TFD_RELEASE_PASS_ONLY(REASON) \
  do {                                \
  } while (0)
#endif

inline std::string Fixture(const std::string& relative) { return (FixturesDir() / relative).string(); }

inline std::vector<std::string> FilesUnder(const std::filesystem::path& root, const std::string& extension) {
  std::vector<std::string> out;
  if (!std::filesystem::is_directory(root)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == extension) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Every .tflite in the shared fixtures (models/ and golden/).
inline std::vector<std::string> FixtureModels() { return FilesUnder(FixturesDir(), ".tflite"); }

// .tflite files shipped in the roots of the MediaPipe npm packages, which the
// test command installs under tools/oracle/node_modules.
inline std::filesystem::path MediaPipeDir() {
  return std::filesystem::path(TFD_SOURCE_DIR) / "tools" / "oracle" / "node_modules" / "@mediapipe";
}
inline std::vector<std::string> MediaPipeModels() {
  std::vector<std::string> out;
  if (!std::filesystem::is_directory(MediaPipeDir())) return out;
  for (const auto& pkg : std::filesystem::directory_iterator(MediaPipeDir())) {
    if (!pkg.is_directory()) continue;
    for (const auto& e : std::filesystem::directory_iterator(pkg.path()))
      if (e.is_regular_file() && e.path().extension() == ".tflite") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::filesystem::path TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("tfd-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A file's whole content ("" when it cannot be read).
inline std::string SlurpFile(const std::filesystem::path& p) {
  std::string s;
  if (FILE* f = std::fopen(p.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
  }
  return s;
}

// Runs `tflite-doctor ARGS` through the shell; ARGS must be shell-quoted.
inline CliResult RunCli(const std::string& args) {
  auto dir = TempDir("cli");
  auto out_path = dir / "stdout", err_path = dir / "stderr";
  std::string cmd = std::string("'") + TFD_CLI_PATH + "' " + args + " >'" + out_path.string() + "' 2>'" +
                    err_path.string() + "' </dev/null";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = SlurpFile(out_path);
  r.err = SlurpFile(err_path);
  std::filesystem::remove_all(dir);
  return r;
}

// The CLI refused with one line, "tflite-doctor: error: ...", and exit code 1.
inline bool OneLineError(const CliResult& r) {
  return r.exit_code == 1 && r.err.rfind("tflite-doctor: error: ", 0) == 0 && r.err.find('\n') == r.err.size() - 1;
}

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace tfd::testing
