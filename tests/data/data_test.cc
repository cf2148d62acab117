// Decoding images and WAV, datasets, and clear errors for bad data.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "data/dataset.h"
#include "data/image.h"
#include "data/item_stream.h"
#include "data/preprocess/evaluate.h"
#include "data/wav.h"
#include "test_support.h"
#include "util/file_io.h"
#include "util/error.h"

namespace tfd {
namespace {

namespace fs = std::filesystem;
using testing::Fixture;

void WriteBytes(const fs::path& p, const std::vector<uint8_t>& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// A minimal uncompressed BMP (24 or 32 bits, bottom-up rows).
std::vector<uint8_t> Bmp(int w, int h, int bpp, uint8_t value) {
  int row = ((w * bpp / 8) + 3) & ~3;
  uint32_t data_size = static_cast<uint32_t>(row * h), off = 54, size = off + data_size;
  std::vector<uint8_t> b(size, 0);
  auto u32 = [&](size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); };
  auto u16 = [&](size_t at, uint16_t v) { std::memcpy(&b[at], &v, 2); };
  b[0] = 'B', b[1] = 'M';
  u32(2, size);
  u32(10, off);
  u32(14, 40);
  u32(18, static_cast<uint32_t>(w));
  u32(22, static_cast<uint32_t>(h));
  u16(26, 1);
  u16(28, static_cast<uint16_t>(bpp));
  u32(34, data_size);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w * bpp / 8; ++x) b[off + static_cast<size_t>(y * row + x)] = value;
  return b;
}

std::vector<uint8_t> Wav(uint16_t format, uint16_t channels, uint16_t bits, std::vector<int16_t> samples) {
  std::vector<uint8_t> b;
  auto put = [&](const void* p, size_t n) { b.insert(b.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n); };
  uint32_t data = static_cast<uint32_t>(samples.size() * 2), riff = 36 + data, fmt_size = 16, rate = 16000;
  uint32_t byte_rate = rate * channels * bits / 8;
  uint16_t align = static_cast<uint16_t>(channels * bits / 8);
  put("RIFF", 4), put(&riff, 4), put("WAVE", 4), put("fmt ", 4), put(&fmt_size, 4), put(&format, 2), put(&channels, 2);
  put(&rate, 4), put(&byte_rate, 4), put(&align, 2), put(&bits, 2), put("data", 4), put(&data, 4);
  put(samples.data(), data);
  return b;
}

TEST(ImageDecodeTest, FixtureFormatsAndChannelCounts) {
  TFD_REQUIRE_FIXTURES();
  Image jpg = DecodeImage(Fixture("images/burger.jpg"));
  EXPECT_EQ(jpg.width, 480);
  EXPECT_EQ(jpg.height, 325);
  EXPECT_EQ(jpg.channels, 3);
  Image png = DecodeImage(Fixture("images/burger-224.png"));
  EXPECT_EQ(png.width, 224);
  EXPECT_EQ(png.channels, 3);
  Image bmp = DecodeImage(Fixture("images/bird.bmp"));
  EXPECT_EQ(bmp.width, 512);
  EXPECT_EQ(bmp.height, 343);
  EXPECT_EQ(bmp.channels, 3);
  Image grey = DecodeImage(Fixture("images/mnist/sample0.png"));
  EXPECT_EQ(grey.width, 28);
  EXPECT_EQ(grey.channels, 1);
}

TEST(ImageDecodeTest, RgbaAndChannelConversion) {
  auto dir = testing::TempDir("image");
  WriteBytes(dir / "rgba.bmp", Bmp(3, 2, 32, 200));
  Image rgba = DecodeImage((dir / "rgba.bmp").string());
  EXPECT_EQ(rgba.channels, 4);
  EXPECT_EQ(rgba.width, 3);
  Image rgb = ConvertChannels(rgba, 3);
  EXPECT_EQ(rgb.channels, 3);
  EXPECT_EQ(rgb.pixels.size(), 18u);
  Image grey = ConvertChannels(rgb, 1);
  EXPECT_EQ(grey.pixels[0], 200);
  Image back = ConvertChannels(grey, 3);
  EXPECT_EQ(back.pixels[2], 200);
  fs::remove_all(dir);
}

TEST(ImageDecodeTest, BadFilesNameTheFile) {
  auto dir = testing::TempDir("badimage");
  WriteBytes(dir / "notes.jpg", {'h', 'e', 'l', 'l', 'o'});
  WriteBytes(dir / "empty.png", {});
  auto bmp = Bmp(8, 8, 24, 1);
  bmp.resize(30);
  WriteBytes(dir / "truncated.bmp", bmp);
  std::vector<uint8_t> jpeg_head = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
  WriteBytes(dir / "cut.jpg", jpeg_head);
  for (const char* name : {"notes.jpg", "empty.png", "truncated.bmp", "cut.jpg", "missing.png"}) {
    std::string path = (dir / name).string();
    try {
      DecodeImage(path);
      ADD_FAILURE() << name << " decoded";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  fs::remove_all(dir);
}

// stb_image would decode a scan on a Huffman table the file never defines
// from memory it never wrote; the decoder refuses such a file by name.
TEST(ImageDecodeTest, JpegWithoutHuffmanTablesIsRefused) {
  TFD_REQUIRE_FIXTURES();
  std::vector<uint8_t> jpeg = ReadFileBytes(Fixture("images/burger.jpg"));
  DecodeImageBytes(jpeg, "burger.jpg");
  // Drop every DHT segment before the first scan (the segments before SOS
  // all carry a 2-byte length after their marker).
  std::vector<uint8_t> stripped(jpeg.begin(), jpeg.begin() + 2);
  size_t i = 2, dropped = 0;
  while (i + 4 <= jpeg.size() && jpeg[i + 1] != 0xDA) {
    size_t length = static_cast<size_t>(jpeg[i + 2]) << 8 | jpeg[i + 3];
    if (jpeg[i + 1] == 0xC4) ++dropped;
    else stripped.insert(stripped.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(i),
                         jpeg.begin() + static_cast<std::ptrdiff_t>(i + 2 + length));
    i += 2 + length;
  }
  ASSERT_GT(dropped, 0u);
  stripped.insert(stripped.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(i), jpeg.end());
  try {
    DecodeImageBytes(stripped, "no-tables.jpg");
    FAIL() << "decoded a JPEG with no Huffman tables";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "no-tables.jpg: cannot decode JPEG image (a scan decodes with DC Huffman table 0, which "
                           "the file never defines)");
  }
}

TEST(WavTest, FixtureAndBadFormats) {
  TFD_REQUIRE_FIXTURES();
  Audio a = ReadWav(Fixture("audio/yes_1000ms.wav"));
  EXPECT_EQ(a.sample_rate, 16000u);
  EXPECT_EQ(a.samples.size(), 16000u);
  Audio p = ParseWav(Wav(1, 1, 16, {1, -2, 300}), "x.wav");
  EXPECT_EQ(p.samples, (std::vector<int16_t>{1, -2, 300}));
  auto expect_error = [](const std::vector<uint8_t>& b, const std::string& what) {
    try {
      ParseWav(b, "clip.wav");
      ADD_FAILURE() << "parsed";
    } catch (const Error& e) {
      std::string m = e.what();
      EXPECT_EQ(m.rfind("clip.wav: ", 0), 0u) << m;
      EXPECT_NE(m.find(what), std::string::npos) << m;
    }
  };
  // Stereo is read interleaved (audio models mix it to mono, data/audio/).
  Audio stereo = ParseWav(Wav(1, 2, 16, {1, 2, 3, 4}), "x.wav");
  EXPECT_EQ(stereo.channels, 2);
  EXPECT_EQ(stereo.frames(), 2u);
  expect_error(Wav(1, 1, 8, {1}), "8-bit");
  expect_error(Wav(3, 1, 16, {1}), "16-bit float");
  expect_error(Wav(2, 1, 16, {1}), "neither PCM nor float");
  expect_error(Wav(1, 1, 16, {}), "no samples");
  expect_error({'R', 'I', 'F', 'F'}, "not a WAV");
}

TEST(DatasetTest, FolderClassFoldersAndCsv) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("dataset");
  // Folder of files.
  Dataset flat = OpenDataset(Fixture("images"));
  EXPECT_EQ(flat.kind, DatasetKind::kClassFolders);  // images/ has the mnist class folder
  Dataset mnist = OpenDataset(Fixture("images/mnist"));
  EXPECT_EQ(mnist.kind, DatasetKind::kFiles);
  EXPECT_EQ(mnist.items.size(), 10u);
  EXPECT_FALSE(mnist.labeled());
  // Class folders.
  fs::create_directories(dir / "cls" / "cheeseburger");
  fs::create_directories(dir / "cls" / "daisy");
  fs::copy_file(Fixture("images/burger.jpg"), dir / "cls" / "cheeseburger" / "a.jpg");
  fs::copy_file(Fixture("images/sunflower.bmp"), dir / "cls" / "daisy" / "b.bmp");
  WriteBytes(dir / "cls" / "daisy" / "README.txt", {'x'});
  Dataset cls = OpenDataset((dir / "cls").string());
  EXPECT_EQ(cls.kind, DatasetKind::kClassFolders);
  ASSERT_EQ(cls.items.size(), 2u);
  EXPECT_EQ(cls.items[0].label, "cheeseburger");
  EXPECT_EQ(cls.classes, (std::vector<std::string>{"cheeseburger", "daisy"}));
  EXPECT_EQ(cls.ignored_files, 1u);
  // CSV with a header, quotes and relative paths.
  std::ofstream(dir / "set.csv") << "path,label\ncls/cheeseburger/a.jpg,cheeseburger\n\"cls/daisy/b.bmp\",\"daisy\"\n";
  Dataset csv = OpenDataset((dir / "set.csv").string());
  EXPECT_EQ(csv.kind, DatasetKind::kCsv);
  ASSERT_EQ(csv.items.size(), 2u);
  EXPECT_EQ(csv.items[1].path, (dir / "cls/daisy/b.bmp").lexically_normal().string());
  EXPECT_EQ(csv.items[1].label, "daisy");
  fs::remove_all(dir);
}

TEST(DatasetTest, EmptyFolderMissingPathAndBadCsvAreClearErrors) {
  auto dir = testing::TempDir("emptyset");
  fs::create_directories(dir / "empty");
  WriteBytes(dir / "empty" / "notes.txt", {'x'});
  auto expect = [](const std::string& path, const std::string& what) {
    try {
      OpenDataset(path);
      ADD_FAILURE() << path << " opened";
    } catch (const Error& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(path), std::string::npos) << m;
      EXPECT_NE(m.find(what), std::string::npos) << m;
    }
  };
  expect((dir / "empty").string(), "no data files");
  expect((dir / "nope").string(), "no such file");
  std::ofstream(dir / "bad.csv") << "a.jpg,cat\njust-a-path\n";
  expect((dir / "bad.csv").string(), ":2:");
  fs::remove_all(dir);
}

TEST(DatasetTest, BadItemsAreCountedAndStopTheRunUnlessSkipped) {
  TFD_REQUIRE_FIXTURES();
  auto dir = testing::TempDir("baditems");
  fs::copy_file(Fixture("images/burger.jpg"), dir / "good.jpg");
  WriteBytes(dir / "broken.png", {'n', 'o', 'p', 'e'});
  Dataset d = OpenDataset(dir.string());
  // Streamed: the bad item comes back with its error, the good one decoded.
  ItemStream stream(d);
  std::vector<BadItem> bad;
  size_t good = 0, seen = 0;
  while (std::optional<StreamItem> item = stream.Next()) {
    EXPECT_EQ(item->index, seen++);
    if (item->ok()) {
      ++good;
      EXPECT_GT(std::get<Image>(item->sample).width, 0);
    } else {
      bad.push_back({item->entry->path, item->error});
    }
  }
  struct {
    size_t total;
    std::vector<BadItem> bad;
  } data{seen, bad};
  EXPECT_EQ(data.total, 2u);
  EXPECT_EQ(good, 1u);
  ASSERT_EQ(data.bad.size(), 1u);
  EXPECT_EQ(data.bad[0].path, (dir / "broken.png").string());
  EXPECT_NE(data.bad[0].error.find("not a JPEG, PNG or BMP"), std::string::npos) << data.bad[0].error;
  try {
    RequireNoBad(data.bad, data.total, false);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("1 of 2 items"), std::string::npos) << m;
    EXPECT_NE(m.find("broken.png"), std::string::npos) << m;
    EXPECT_NE(m.find("--skip-bad"), std::string::npos) << m;
  }
  EXPECT_NO_THROW(RequireNoBad(data.bad, data.total, true));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tfd
