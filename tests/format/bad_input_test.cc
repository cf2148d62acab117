// Broken files never crash the reader: each is refused with a tfd::Error
// (one line), or, when the damage left the model intact, read unchanged.
#include <random>

#include "format/model_reader.h"
#include "test_support.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using testing::Fixture;

void ExpectRefused(const std::vector<uint8_t>& bytes, const std::string& what) {
  try {
    ReadModel(bytes, "input");
    ADD_FAILURE() << what << ": was accepted";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << what << ": message is not one line: " << msg;
    EXPECT_FALSE(msg.empty());
  }
}

TEST(BadInput, EmptyFile) { ExpectRefused({}, "empty file"); }

TEST(BadInput, JpegImage) {
  TFD_REQUIRE_FIXTURES();
  auto bytes = ReadFileBytes(Fixture("images/burger.jpg"));
  try {
    ReadModel(bytes, "burger.jpg");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("JPEG"), std::string::npos) << e.what();
  }
}

TEST(BadInput, RandomBytes) {
  std::mt19937 rng(7);
  for (size_t size : {1u, 7u, 8u, 64u, 1000u, 100000u}) {
    std::vector<uint8_t> bytes(size);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    ExpectRefused(bytes, "random bytes");
    // Random bytes behind a valid identifier go through the verifier.
    if (size >= 8) {
      std::memcpy(bytes.data() + 4, "TFL3", 4);
      ExpectRefused(bytes, "random bytes with TFL3 identifier");
    }
  }
}

TEST(BadInput, TruncatedFixturesAreRefusedOrIntact) {
  TFD_REQUIRE_FIXTURES();
  for (const auto& path : testing::FixtureModels()) {
    SCOPED_TRACE(path);
    auto bytes = ReadFileBytes(path);
    Model original = ReadModel(bytes, path);
    std::mt19937 rng(static_cast<unsigned>(bytes.size()));
    std::vector<size_t> cuts = {0, 1, 4, 8, 12, bytes.size() / 2, bytes.size() - 1};
    for (int i = 0; i < 16; ++i) cuts.push_back(rng() % bytes.size());
    for (size_t cut : cuts) {
      std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
      try {
        Model m = ReadModel(truncated, "truncated");
        // Only trailing padding was cut: nothing of the model may be lost.
        EXPECT_TRUE(m == original) << "truncated at " << cut << " of " << bytes.size()
                                   << " was accepted but reads differently";
      } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      }
    }
  }
}

TEST(BadInput, FlippedBytesNeverCrash) {
  TFD_REQUIRE_FIXTURES();
  int refused = 0, accepted = 0;
  for (const auto& path : testing::FixtureModels()) {
    SCOPED_TRACE(path);
    auto bytes = ReadFileBytes(path);
    std::mt19937 rng(static_cast<unsigned>(bytes.size()) + 1);
    // Most of a model is weights, where a flip is harmless; bias the offsets
    // towards the flatbuffer's tables at the start and end of the file.
    for (int i = 0; i < 24; ++i) {
      size_t region = bytes.size() < 4096 ? bytes.size() : 4096;
      size_t offset = i % 3 == 0 ? rng() % bytes.size()
                      : i % 3 == 1 ? rng() % region
                                   : bytes.size() - 1 - rng() % region;
      auto flipped = bytes;
      flipped[offset] ^= static_cast<uint8_t>(1u << (rng() % 8)) | 0x80;
      try {
        ReadModel(flipped, "flipped");
        ++accepted;
      } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
        ++refused;
      }
    }
  }
  // Both outcomes occur; the point is that neither crashes (ASan/UBSan runs).
  EXPECT_GT(refused, 0);
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace tfd
