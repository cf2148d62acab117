// TFLite metadata and its associated files: the metadata flatbuffer (model
// and tensor descriptions, normalization, process units), the min runtime
// version string, the converter's metadata, and the zip archive of labels
// and vocabularies appended to the model. The first byte picks which.
#include "format/associated_files.h"
#include "format/metadata.h"
#include "fuzz_target.h"
#include "graph/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 4;
  return tfd::fuzz::Guard(data + 1, size - 1, [which](const std::vector<uint8_t>& bytes) {
    if (which == 3) {
      (void)tfd::ReadAssociatedFiles(bytes, 0);
      return;
    }
    static const char* kNames[] = {"TFLITE_METADATA", "min_runtime_version", "CONVERSION_METADATA"};
    tfd::Model model;
    model.buffers.resize(2);
    model.buffers[1].data = bytes;
    model.metadata.push_back({kNames[which], 1});
    if (which == 0) (void)tfd::ReadModelMetadata(model);
    if (which == 1) (void)tfd::ReadMinRuntimeVersion(model);
    if (which == 2) (void)tfd::ReadConversionMetadata(model);
  });
}
