// Datasets streamed item by item: the API a calibration uses, and memory
// that does not grow with the number of items.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "data/item_stream.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/expected.h"
#include "data/preprocess/session.h"
#include "format/model_reader.h"
#include "test_support.h"
#include "util/thread_pool.h"

namespace tfd {
namespace {

namespace fs = std::filesystem;
using testing::Fixture;

const char* kFloat = "models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite";

TEST(InputStreamTest, GivesEachItemAsTheModelsInputBytesAndBadItemsWithTheirError) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("input-stream");
  {
    std::ofstream csv(dir / "data.csv");
    csv << "path,label\n"
        << Fixture("images/burger.jpg") << ",cheeseburger\n"
        << (dir / "missing.jpg").string() << ",cheeseburger\n"
        << Fixture("images/mnist/sample3.png") << ",3\n";
  }
  Dataset d = OpenDataset((dir / "data.csv").string());
  Model model = LoadModel(Fixture(kFloat));
  ExpectedPreprocessing e = ExpectedFor(model);
  std::vector<InputItem> seen;
  ForEachInput(d, e.target, e.spec, [&](const InputItem& item) { seen.push_back(item); });
  ASSERT_EQ(seen.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(seen[i].index, i);
    EXPECT_EQ(seen[i].entry, &d.items[i]);
  }
  // The same bytes as preprocessing the decoded image directly.
  ASSERT_TRUE(seen[0].ok()) << seen[0].error;
  TensorData direct = PreprocessImage(DecodeImage(Fixture("images/burger.jpg")), e.spec, e.target);
  EXPECT_EQ(seen[0].input.shape, (std::vector<int32_t>{1, 224, 224, 3}));
  EXPECT_EQ(seen[0].input.bytes, direct.bytes);
  EXPECT_FALSE(seen[1].ok());
  EXPECT_TRUE(seen[1].input.bytes.empty());
  EXPECT_EQ(seen[1].error.find((dir / "missing.jpg").string()), std::string::npos) << seen[1].error;
  ASSERT_TRUE(seen[2].ok()) << seen[2].error;  // grey, replicated to RGB
  EXPECT_EQ(seen[2].input.bytes.size(), direct.bytes.size());

  // Pull style: the same items in the same order.
  InputStream pull(d, e.target, e.spec);
  EXPECT_EQ(pull.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    std::optional<InputItem> item = pull.Next();
    ASSERT_TRUE(item);
    EXPECT_EQ(item->ok(), seen[i].ok());
    EXPECT_EQ(item->input.bytes, seen[i].input.bytes);
  }
  EXPECT_FALSE(pull.Next());
  fs::remove_all(dir);
}

// Peak resident memory of `tflite-doctor ARGS` run as a child, in KB.
long ChildPeakRssKb(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    // Under AddressSanitizer freed blocks wait in a quarantine (256 MB by
    // default) before reuse, which would look like growth: keep it small.
    std::string asan = "quarantine_size_mb=4";
    if (const char* old = std::getenv("ASAN_OPTIONS")) asan = std::string(old) + ":" + asan;
    ::setenv("ASAN_OPTIONS", asan.c_str(), 1);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv;
    std::string cli = TFD_CLI_PATH;
    argv.push_back(cli.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(cli.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  if (::wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return usage.ru_maxrss;
}

TEST(StreamingMemoryTest, EvalPeakMemoryDoesNotGrowWithTheNumberOfItems) {
  // 30 ImageNet photos, then the same 30 listed four times: holding decoded
  // items cost about 0.5 MB per photo (45 MB more for the 90 extra items);
  // streamed, the peak is one item and the model's tensors either way.
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("stream-memory");
  Dataset sample = OpenDataset(Fixture("imagenet-sample/labels.csv"));
  auto write = [&](const std::string& name, int repeats) {
    std::ofstream csv(dir / name);
    csv << "path,label\n";
    for (int r = 0; r < repeats; ++r)
      for (size_t i = 0; i < 30; ++i) csv << sample.items[i].path << ",\"" << sample.items[i].label << "\"\n";
    return (dir / name).string();
  };
  std::string small = write("30.csv", 1), large = write("120.csv", 4);
  long small_kb = ChildPeakRssKb({"eval", Fixture(kFloat), "--data", small});
  long large_kb = ChildPeakRssKb({"eval", Fixture(kFloat), "--data", large});
  ASSERT_GT(small_kb, 0) << "eval failed";
  ASSERT_GT(large_kb, 0) << "eval failed";
  EXPECT_LT(large_kb - small_kb, 8 * 1024) << "30 items: " << small_kb << " KB, 120 items: " << large_kb << " KB";
  fs::remove_all(dir);
}

// eval spreads items over threads (each with its own interpreters) and
// folds them in dataset order: every figure is the same with 1 and 3
// threads, on 24 photos plus a file that is not an image (--skip-bad), for
// a uint8 model against its float reference.
TEST(ParallelEvalTest, EveryFigureIsTheSameWithAnyThreadCount) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("parallel-eval");
  Dataset sample = OpenDataset(Fixture("imagenet-sample/labels.csv"));
  {
    std::ofstream bad(dir / "not_an_image.jpg");
    bad << "not a JPEG";
    std::ofstream csv(dir / "data.csv");
    csv << "path,label\n";
    for (size_t i = 0; i < 24; ++i) {
      csv << sample.items[i * 20].path << ",\"" << sample.items[i * 20].label << "\"\n";
      if (i == 9) csv << (dir / "not_an_image.jpg").string() << ",tench\n";
    }
  }
  Dataset data = OpenDataset((dir / "data.csv").string());
  auto run = [&](int threads) {
    SetIntraOpThreads(threads);
    ModelSession model(Fixture("models/tflite-support/mobilenet_v1_0.25_224_quant.tflite"));
    ModelSession reference(Fixture(kFloat));
    EvalOptions options;
    options.spec = model.expected().spec;
    options.skip_bad = true;
    EvalResult r = Evaluate(model, &reference, data, options);
    SetIntraOpThreads(1);
    return r;
  };
  const EvalResult one = run(1), three = run(3);
  ASSERT_EQ(one.items.size(), 24u);
  ASSERT_EQ(one.bad.size(), 1u);
  ASSERT_EQ(three.items.size(), one.items.size());
  for (size_t i = 0; i < one.items.size(); ++i) {
    const EvalItem &a = one.items[i], &b = three.items[i];
    EXPECT_EQ(a.index, b.index) << i;
    EXPECT_EQ(a.top5(), b.top5()) << i;
    EXPECT_EQ(a.top1_score, b.top1_score) << i;
    EXPECT_EQ(a.true_prob, b.true_prob) << i;
    EXPECT_EQ(a.ref_top1, b.ref_top1) << i;
    EXPECT_EQ(a.sqnr_db, b.sqnr_db) << i;
  }
  EXPECT_EQ(three.bad.size(), 1u);
  EXPECT_EQ(three.bad[0].path, one.bad[0].path);
  EXPECT_EQ(three.labeled, one.labeled);
  EXPECT_EQ(three.top1, one.top1);
  EXPECT_EQ(three.top5, one.top5);
  EXPECT_EQ(three.mean_true_prob, one.mean_true_prob);
  EXPECT_EQ(three.mean_confidence, one.mean_confidence);
  EXPECT_EQ(three.confusion, one.confusion);
  EXPECT_EQ(three.agreement, one.agreement);
  EXPECT_EQ(three.sqnr_db, one.sqnr_db);
  EXPECT_EQ(three.mean_sqnr_db, one.mean_sqnr_db);
  EXPECT_EQ(three.min_sqnr_db, one.min_sqnr_db);
  // Real figures, not empty ones: most photos classified as labelled.
  EXPECT_GT(one.top5, 0.5);
  EXPECT_GT(one.sqnr_db, 5.0);
  fs::remove_all(dir);
}

TEST(CompareDataTest, ItemsAreReadWhenComparedAndOnlyAsManyAsAskedFor) {
  // compare --data decodes items one at a time: the readable ones are found
  // first (compare needs their number), then decoded again when compared.
  // With --samples K only the first K readable items are ever read, so a
  // broken file after them does not stop the run.
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("compare-stream");
  fs::create_directories(dir / "data");
  fs::copy_file(Fixture("images/burger.jpg"), dir / "data" / "a.jpg");
  fs::copy_file(Fixture("images/cat.jpg"), dir / "data" / "b.jpg");
  std::ofstream(dir / "data" / "z.png") << "not a png";
  const std::string base = "compare --self " + testing::Quote(Fixture("models/tflite-support/mobilenet_v1_0.25_224_quant.tflite")) +
                           " --data " + testing::Quote((dir / "data").string()) + " --impact-samples 0 --json";
  testing::CliResult r = testing::RunCli(base);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("1 of 3 items could not be used"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("z.png"), std::string::npos) << r.err;
  r = testing::RunCli(base + " --skip-bad");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["data"]["items"], 3);
  EXPECT_EQ(j["data"]["compared"], 2);
  EXPECT_EQ(j["data"]["skipped"], 1);
  r = testing::RunCli(base + " --samples 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto k = nlohmann::json::parse(r.out);
  EXPECT_EQ(k["data"]["compared"], 2);
  EXPECT_EQ(k["data"]["skipped"], 0);
  // The same two items, so the same figures as with --skip-bad.
  EXPECT_EQ(k["outputs"], j["outputs"]);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tfd
