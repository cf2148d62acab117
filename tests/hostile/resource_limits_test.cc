// Inputs that claim more than a machine has end in one line and exit 1,
// quickly and in little memory; never an out-of-memory kill or a hang.
// Each case runs the real CLI in a child process and measures the child's
// peak memory and time.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "hostile/hostile_models.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;
using testing::TempDir;

// AddressSanitizer's shadow memory and slower code: the same runs, looser
// bounds (the bounds the issue sets, 1 GiB, are for the Release build).
constexpr double kSlowdown = testing::kSanitized ? 4.0 : 1.0;
constexpr long kPeakLimitKb = testing::kSanitized ? 3L << 20 : 1L << 20;

struct Measured {
  int exit_code = -1;
  std::string err;
  double seconds = 0;
  long peak_kb = 0;
};

// Runs tflite-doctor with `args` (no shell), killing it after `timeout_s`.
Measured RunMeasured(const std::vector<std::string>& args, double timeout_s = 60) {
  auto dir = TempDir("hostile-run");
  std::string err_path = (dir / "stderr").string();
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(TFD_CLI_PATH));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(TFD_CLI_PATH, argv.data());
    _exit(127);
  }
  Measured m;
  int status = 0;
  struct rusage usage {};
  while (true) {
    pid_t r = wait4(pid, &status, WNOHANG, &usage);
    if (r == pid) break;
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > timeout_s) {
      kill(pid, SIGKILL);
      wait4(pid, &status, 0, &usage);
      break;
    }
    usleep(2000);
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.peak_kb = usage.ru_maxrss;
  std::ifstream in(err_path);
  m.err.assign(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove_all(dir);
  return m;
}

std::string WriteTemp(const std::string& name, const std::vector<uint8_t>& bytes) {
  auto path = (TempDir("hostile") / name).string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  return path;
}

// One line on stderr naming the problem, exit 1, inside the bounds.
void ExpectRefusedInBounds(const Measured& m, const std::string& expected_words, double max_seconds = 10) {
  EXPECT_EQ(m.exit_code, 1) << m.err;
  ASSERT_FALSE(m.err.empty());
  EXPECT_EQ(m.err.find('\n'), m.err.size() - 1) << "not one line: " << m.err;
  EXPECT_NE(m.err.find(expected_words), std::string::npos) << m.err;
  EXPECT_LT(m.seconds, max_seconds * kSlowdown);
  EXPECT_LT(m.peak_kb, kPeakLimitKb) << "peak memory " << m.peak_kb << " KiB";
}

TEST(ResourceLimits, TensorOfTwoToTheFortyElements) {
  std::string model = WriteTemp("huge_tensor.tflite", testing::AddModel({1 << 20, 1 << 20}));
  auto out = TempDir("hostile-out").string();
  Measured m = RunMeasured({"run", model, "--seed", "1", "--output-dir", out});
  ExpectRefusedInBounds(m, "over the memory limit");
  EXPECT_NE(m.err.find("'a'"), std::string::npos) << "names the tensor: " << m.err;
  // Reading and checking the model allocate nothing of that size.
  for (const char* cmd : {"inspect", "check"}) {
    Measured ok = RunMeasured({cmd, model});
    EXPECT_EQ(ok.exit_code, 0) << cmd << ": " << ok.err;
    EXPECT_LT(ok.peak_kb, kPeakLimitKb) << cmd;
  }
}

TEST(ResourceLimits, ManyTensorsAliveAtOnceAddUp) {
  // 40 inputs of 512 MiB each: none alone reaches the limit, together they
  // claim 20 GiB (40 GiB with the joined output), more than this machine has.
  std::string model = WriteTemp("many_tensors.tflite", testing::ConcatModel(40, {1 << 17, 1 << 10}));
  auto out = TempDir("hostile-out").string();
  Measured m = RunMeasured({"--max-memory", "4G", "run", model, "--seed", "1", "--output-dir", out});
  ExpectRefusedInBounds(m, "over the memory limit of 4.0 GiB");
}

TEST(ResourceLimits, MaxMemoryOptionBoundsARealModel) {
  TFD_REQUIRE_FIXTURES();
  auto out = TempDir("hostile-out").string();
  std::string model = Fixture("models/coral/mobilenet_v2_1.0_224_quant.tflite");
  Measured refused = RunMeasured({"run", model, "--seed", "1", "--output-dir", out, "--max-memory", "1M"});
  ExpectRefusedInBounds(refused, "over the memory limit of 1.0 MiB");
  Measured ok = RunMeasured({"run", model, "--seed", "1", "--output-dir", out, "--max-memory", "64M"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  Measured bad = RunMeasured({"run", model, "--seed", "1", "--output-dir", out, "--max-memory", "lots"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("not a size"), std::string::npos) << bad.err;
}

TEST(ResourceLimits, SubgraphThatCallsItself) {
  for (bool direct : {true, false}) {
    std::string model = WriteTemp(direct ? "self_call.tflite" : "mutual_call.tflite", testing::RecursiveWhileModel(direct));
    for (const char* cmd : {"inspect", "check"}) {
      Measured m = RunMeasured({cmd, model});
      ExpectRefusedInBounds(m, direct ? "calls its own subgraph" : "which is already calling it");
    }
    auto out = TempDir("hostile-out").string();
    ExpectRefusedInBounds(RunMeasured({"run", model, "--seed", "1", "--output-dir", out}), "would never end");
  }
}

TEST(ResourceLimits, BufferOffsetPastTheFileEnd) {
  std::string model = WriteTemp("past_end.tflite", testing::BufferPastEndModel());
  for (const char* cmd : {"inspect", "check"}) ExpectRefusedInBounds(RunMeasured({cmd, model}), "past the end of the file");
}

TEST(ResourceLimits, HundredThousandNodeGraphIsABoundedRun) {
  std::string model = WriteTemp("chain.tflite", testing::ChainModel(100000));
  auto out = TempDir("hostile-out").string();
  for (std::vector<std::string> args : {std::vector<std::string>{"inspect", model}, {"check", model},
                                        {"run", model, "--seed", "1", "--output-dir", out}}) {
    Measured m = RunMeasured(args);
    EXPECT_EQ(m.exit_code, 0) << args[0] << ": " << m.err;
    EXPECT_LT(m.seconds, 10 * kSlowdown) << args[0];
    EXPECT_LT(m.peak_kb, kPeakLimitKb) << args[0];
  }
}

uint32_t Crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

void PutBe32(std::vector<uint8_t>& v, uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<uint8_t>(x >> s));
}

void PutChunk(std::vector<uint8_t>& png, const char* type, const std::vector<uint8_t>& data) {
  PutBe32(png, static_cast<uint32_t>(data.size()));
  std::vector<uint8_t> body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  png.insert(png.end(), body.begin(), body.end());
  PutBe32(png, Crc32(body.data(), body.size()));
}

// A PNG whose header claims width x height RGB pixels, followed by a scrap
// of compressed data: what a decoder allocates is decided by the header.
std::vector<uint8_t> PngClaiming(uint32_t width, uint32_t height) {
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  PutBe32(ihdr, width);
  PutBe32(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});
  PutChunk(png, "IHDR", ihdr);
  PutChunk(png, "IDAT", {0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
  PutChunk(png, "IEND", {});
  return png;
}

TEST(ResourceLimits, DecompressionBombImage) {
  TFD_REQUIRE_FIXTURES();
  std::string model = Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite");
  // 15,000 x 15,000 (675 MB decoded): under stb's own 1 GiB refusal, over our cap.
  std::string image = WriteTemp("bomb.png", PngClaiming(15000, 15000));
  ExpectRefusedInBounds(RunMeasured({"classify", model, image}), "15000x15000 image (225 megapixels) is over the 200-megapixel limit");
  // 100,000 x 100,000 (30 GB): stb refuses it from the header.
  image = WriteTemp("bigger_bomb.png", PngClaiming(100000, 100000));
  ExpectRefusedInBounds(RunMeasured({"classify", model, image}), "too large");
  // The same limits hold where images stream from a dataset.
  auto dataset = TempDir("hostile-dataset");
  std::filesystem::copy_file(Fixture("images/cat.jpg"), dataset / "a_cat.jpg");
  std::filesystem::copy_file(WriteTemp("b_bomb.png", PngClaiming(15000, 15000)), dataset / "b_bomb.png");
  ExpectRefusedInBounds(RunMeasured({"eval", model, "--data", dataset.string()}), "megapixel limit");
  std::filesystem::remove_all(dataset);
}

}  // namespace
}  // namespace tfd
