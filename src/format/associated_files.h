#pragma once
// Associated files (labels, vocabularies) that TFLite Support stores as a zip
// archive appended to the model. Zip offsets in such files count from the
// start of the whole model file.
#include <cstdint>
#include <vector>

#include "graph/model.h"

namespace tfd {

// Reads the associated files from whatever follows the model's flatbuffer
// (and its external buffers) in the file: `trailing_start` is where that
// begins. No trailing bytes, or only padding, means no files. Trailing bytes
// that start like a zip archive but cannot be read as one (a cut-off or
// damaged file) are a tfd::Error; anything else is left alone, as TFLite does.
std::vector<AssociatedFile> ReadAssociatedFiles(const std::vector<uint8_t>& file_bytes, size_t trailing_start);

// Appends a zip archive (stored, uncompressed entries) to `out`, with offsets
// counted from the start of `out` as TFLite Support expects.
void AppendAssociatedFiles(const std::vector<AssociatedFile>& files, std::vector<uint8_t>& out);

}  // namespace tfd
