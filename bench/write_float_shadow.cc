// Writes a quantized model's float shadow (analysis/compare/float_shadow.h:
// the same graph computing in float on the dequantized weights) as a
// .tflite, for timing a float model of an architecture the fixtures hold
// only quantized (DeepLab v3): bench/run_vs_oracle.sh times it against the
// real runtime like any other file.
#include <cstdio>
#include <exception>

#include "analysis/compare/float_shadow.h"
#include "format/model_reader.h"
#include "format/model_writer.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_float_shadow QUANTIZED.tflite OUT.tflite\n");
    return 2;
  }
  try {
    const tfd::Model quantized = tfd::LoadModel(argv[1]);
    tfd::Model shadow = tfd::MakeFloatShadow(quantized);
    // The shadow keeps the metadata, which may name associated files (a
    // label file): without them the written file would not load.
    shadow.associated_files = quantized.associated_files;
    tfd::SaveModel(shadow, argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "write_float_shadow: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
