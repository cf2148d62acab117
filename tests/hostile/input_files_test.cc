// No command modifies or truncates a file it reads, whatever its output
// options say, and a write killed mid-way leaves nothing under the final name.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "test_support.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::Quote;
using testing::RunCli;
using testing::TempDir;

namespace fs = std::filesystem;

struct Snapshot {
  std::vector<uint8_t> bytes;
  fs::file_time_type mtime;
};

std::map<std::string, Snapshot> SnapshotTree(const fs::path& root) {
  std::map<std::string, Snapshot> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[e.path().string()] = {ReadFileBytes(e.path().string()), fs::last_write_time(e.path())};
  return out;
}

void ExpectUnchanged(const std::map<std::string, Snapshot>& before, const std::string& after_what) {
  for (const auto& [path, snap] : before) {
    ASSERT_TRUE(fs::exists(path)) << path << " vanished after " << after_what;
    EXPECT_TRUE(ReadFileBytes(path) == snap.bytes) << path << " changed after " << after_what;
    EXPECT_TRUE(fs::last_write_time(path) == snap.mtime) << path << " was rewritten after " << after_what;
  }
}

TEST(InputFiles, NoCommandChangesItsInputs) {
  TFD_REQUIRE_FIXTURES();
  // Copies, so a bug cannot damage the shared fixtures themselves.
  fs::path dir = TempDir("inputs-untouched");
  fs::path in = dir / "in", out = dir / "out";
  fs::create_directories(in / "images");
  fs::create_directories(out);
  for (const char* m : {"models/mlperf-tiny/vww_96_int8.tflite", "models/mlperf-tiny/vww_96_float.tflite"})
    fs::copy_file(Fixture(m), in / fs::path(m).filename());
  for (const char* img : {"images/cat.jpg", "images/dogs.jpg", "images/burger-224.png"})
    fs::copy_file(Fixture(img), in / "images" / fs::path(img).filename());
  std::string q8 = Quote((in / "vww_96_int8.tflite").string()), f32 = Quote((in / "vww_96_float.tflite").string());
  std::string images = Quote((in / "images").string()), o = Quote(out.string());
  auto before = SnapshotTree(in);

  const std::vector<std::string> commands = {
      "inspect " + q8,
      "check " + q8 + " --target xnnpack",
      "run " + q8 + " --seed 3 --output-dir " + o,
      "classify " + q8 + " " + Quote((in / "images" / "cat.jpg").string()),
      "eval " + q8 + " --data " + images + " --reference " + f32,
      "compare " + q8 + " " + f32 + " --data " + images + " --csv " + Quote((out / "layers.csv").string()),
      "audit-preprocessing " + q8 + " --data " + images,
      "quantize " + f32 + " -o " + Quote((out / "q.tflite").string()) + " --calibration " + images,
  };
  for (const auto& c : commands) {
    auto r = RunCli(c);
    EXPECT_EQ(r.exit_code, 0) << c << "\n" << r.err;
    ExpectUnchanged(before, c);
  }
  // Outputs aimed at the inputs themselves are refused, in one line.
  const std::vector<std::string> aimed_at_inputs = {
      "compare " + q8 + " " + f32 + " --csv " + f32,
      "quantize " + f32 + " -o " + f32,
  };
  for (const auto& c : aimed_at_inputs) {
    auto r = RunCli(c);
    EXPECT_EQ(r.exit_code, 1) << c << "\n" << r.err;
    ExpectUnchanged(before, c);
  }
  fs::remove_all(dir);
}

TEST(InputFiles, RunRefusesToOverwriteTheNpyItReads) {
  TFD_REQUIRE_FIXTURES();
  fs::path dir = TempDir("npy-in-out");
  std::string model = Quote(Fixture("models/mlperf-tiny/ad01_int8.tflite"));
  auto r = RunCli("run " + model + " --seed 1 --output-dir " + Quote(dir.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // AD01 maps 640 values to 640: its output can be fed back as its input.
  std::string npy = (dir / "output_0.npy").string();
  auto before = ReadFileBytes(npy);
  auto again = RunCli("run " + model + " --input " + Quote(npy) + " --output-dir " + Quote(dir.string()));
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos) << again.err;
  EXPECT_EQ(std::count(again.err.begin(), again.err.end(), '\n'), 1) << again.err;
  EXPECT_TRUE(ReadFileBytes(npy) == before);
  fs::remove_all(dir);
}

TEST(InputFiles, AKilledWriteLeavesNoPartialFile) {
  fs::path dir = TempDir("killed-write");
  std::string path = (dir / "result.bin").string();
  // 64 MiB takes long enough to write that most kills land mid-way.
  std::vector<uint8_t> payload(64u << 20);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 2654435761u >> 24);
  std::vector<uint8_t> old_content = {'o', 'l', 'd'};
  std::mt19937 rng(11);
  int killed_mid_way = 0;
  for (int trial = 0; trial < 12; ++trial) {
    bool had_old = trial % 2 == 1;
    fs::remove(path);
    if (had_old) std::ofstream(path, std::ios::binary).write("old", 3);
    pid_t pid = fork();
    if (pid == 0) {
      WriteFileBytes(path, payload);
      _exit(0);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 40000));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++killed_mid_way;
    // Either the old state or the whole new file: never a prefix.
    if (fs::exists(path)) {
      auto got = ReadFileBytes(path);
      EXPECT_TRUE(got == payload || (had_old && got == old_content)) << "trial " << trial << ": " << got.size() << " bytes";
    } else {
      EXPECT_FALSE(had_old) << "trial " << trial << ": the old file is gone";
    }
  }
  EXPECT_GT(killed_mid_way, 0) << "no kill landed before the write finished: the test proved nothing";
  fs::remove_all(dir);
}

// Intermediate files go to a folder of their own: a fresh name each time
// (not the process id another run, or a planted link, could hold), private
// to the user, gone with its contents when the work is done.
TEST(TempFolders, FreshPrivateAndRemoved) {
  fs::path first, second;
  {
    const ScopedTempDir a("tfd-test-scoped"), b("tfd-test-scoped");
    first = a.path();
    second = b.path();
    EXPECT_NE(first, second);
    EXPECT_TRUE(fs::is_directory(first));
    EXPECT_EQ(fs::status(first).permissions() & fs::perms::all, fs::perms::owner_all);
    fs::create_directories(first / "sub");
    std::ofstream(first / "sub" / "model.tflite") << "bytes";
  }
  EXPECT_FALSE(fs::exists(first));
  EXPECT_FALSE(fs::exists(second));
}

}  // namespace
}  // namespace tfd
