// Broken files never crash the reader: each is refused with a tfd::Error
// (one line), or, when the damage left the model intact, read unchanged.
#include <cstring>
#include <random>

#include "format/model_reader.h"
#include "tflite_model_generated.h"
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

// A model whose one tensor has zero points {1, 0} (int64), then the offset to
// that vector moved 4 bytes on: the verifier still accepts it (a 1-element
// vector whose length is the low half of the first zero point), but its
// element now starts 4 bytes off an 8-byte boundary.
TEST(BadInput, MisalignedInt64VectorIsRefused) {
  tflite::ModelT m;
  m.version = 3;
  m.buffers.push_back(std::make_unique<tflite::BufferT>());
  auto sg = std::make_unique<tflite::SubGraphT>();
  auto t = std::make_unique<tflite::TensorT>();
  t->shape = {2};
  t->type = tflite::TensorType::INT8;
  t->quantization = std::make_unique<tflite::QuantizationParametersT>();
  t->quantization->scale = {0.5f, 0.25f};
  t->quantization->zero_point = {1, 0};
  sg->tensors.push_back(std::move(t));
  m.subgraphs.push_back(std::move(sg));
  flatbuffers::FlatBufferBuilder fbb;
  tflite::FinishModelBuffer(fbb, tflite::Model::Pack(fbb, &m));
  std::vector<uint8_t> bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  ReadModel(bytes, "aligned");  // the untouched model reads

  const auto* q = tflite::GetModel(bytes.data())->subgraphs()->Get(0)->tensors()->Get(0)->quantization();
  const uint8_t* field = reinterpret_cast<const flatbuffers::Table*>(q)->GetAddressOf(
      tflite::QuantizationParameters::VT_ZERO_POINT);
  ASSERT_NE(field, nullptr);
  const size_t at = static_cast<size_t>(field - bytes.data());
  uint32_t offset;
  std::memcpy(&offset, &bytes[at], 4);
  offset += 4;
  std::memcpy(&bytes[at], &offset, 4);
  try {
    ReadModel(bytes, "shifted.tflite");
    FAIL() << "a misaligned int64 vector was read";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), fmt::format("shifted.tflite: corrupt TFLite model (a vector of 8-byte numbers at byte {} "
                                       "is not 8-byte aligned)", at + offset + 4).c_str());
  }
}

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
