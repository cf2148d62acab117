#include "format/associated_files.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <zip.h>
#include <zlib.h>

#include "util/error.h"

namespace tfd {
namespace {

bool StartsLikeZip(const uint8_t* p, size_t n) {
  static const char* kSignatures[] = {"PK\x03\x04", "PK\x05\x06"};
  for (const char* sig : kSignatures)
    if (std::memcmp(p, sig, std::min<size_t>(n, 4)) == 0) return true;
  return false;
}

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

}  // namespace

std::vector<AssociatedFile> ReadAssociatedFiles(const std::vector<uint8_t>& file_bytes, size_t trailing_start) {
  std::vector<AssociatedFile> files;
  size_t start = std::min(trailing_start, file_bytes.size());
  while (start < file_bytes.size() && file_bytes[start] == 0) ++start;  // alignment padding
  if (start == file_bytes.size() || !StartsLikeZip(file_bytes.data() + start, file_bytes.size() - start))
    return files;
  auto damaged = [&](const char* why) {
    Fail("the associated-files zip archive after the model ({} bytes at offset {}) is {} (truncated or damaged file?)",
         file_bytes.size() - start, start, why);
  };
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(file_bytes.data(), file_bytes.size(), 0, &error);
  if (source == nullptr) damaged("unreadable");
  std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  zip_error_fini(&error);
  if (!archive) {
    zip_source_free(source);
    damaged("not a readable zip archive");
  }
  zip_int64_t n = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0) damaged("missing an entry");
    // Stored or deflated data cannot expand beyond ~1032x.
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > file_bytes.size() * 1032ULL) damaged("claiming an impossible size");
    zip_file_t* f = zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0);
    if (f == nullptr) damaged("missing an entry");
    AssociatedFile af;
    af.name = st.name ? st.name : "";
    af.data.resize(static_cast<size_t>(st.size));
    zip_int64_t got = af.data.empty() ? 0 : zip_fread(f, af.data.data(), af.data.size());
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(af.data.size())) damaged("short of data");
    files.push_back(std::move(af));
  }
  return files;
}

namespace {
void Put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void Put32(std::vector<uint8_t>& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v));
  Put16(out, static_cast<uint16_t>(v >> 16));
}
}  // namespace

void AppendAssociatedFiles(const std::vector<AssociatedFile>& files, std::vector<uint8_t>& out) {
  if (files.empty()) return;
  struct Entry {
    uint32_t crc, size, offset;
    const std::string* name;
  };
  std::vector<Entry> entries;
  for (const auto& f : files) {
    Entry e{static_cast<uint32_t>(crc32(0L, f.data.data(), static_cast<uInt>(f.data.size()))),
            static_cast<uint32_t>(f.data.size()), static_cast<uint32_t>(out.size()), &f.name};
    Put32(out, 0x04034b50);  // local file header
    Put16(out, 10);          // version needed
    Put16(out, 0);           // flags
    Put16(out, 0);           // method: stored
    Put16(out, 0);           // time
    Put16(out, 0x21);        // date: 1980-01-01
    Put32(out, e.crc);
    Put32(out, e.size);
    Put32(out, e.size);
    Put16(out, static_cast<uint16_t>(f.name.size()));
    Put16(out, 0);
    out.insert(out.end(), f.name.begin(), f.name.end());
    out.insert(out.end(), f.data.begin(), f.data.end());
    entries.push_back(e);
  }
  uint32_t cd_start = static_cast<uint32_t>(out.size());
  for (const auto& e : entries) {
    Put32(out, 0x02014b50);  // central directory header
    Put16(out, 20);          // made by
    Put16(out, 10);          // needed
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, 0x21);
    Put32(out, e.crc);
    Put32(out, e.size);
    Put32(out, e.size);
    Put16(out, static_cast<uint16_t>(e.name->size()));
    Put16(out, 0);  // extra
    Put16(out, 0);  // comment
    Put16(out, 0);  // disk
    Put16(out, 0);  // internal attrs
    Put32(out, 0);  // external attrs
    Put32(out, e.offset);
    out.insert(out.end(), e.name->begin(), e.name->end());
  }
  uint32_t cd_size = static_cast<uint32_t>(out.size()) - cd_start;
  Put32(out, 0x06054b50);  // end of central directory
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, static_cast<uint16_t>(entries.size()));
  Put16(out, static_cast<uint16_t>(entries.size()));
  Put32(out, cd_size);
  Put32(out, cd_start);
  Put16(out, 0);
}

}  // namespace tfd
