#pragma once
// Model metadata: the TFLite Support "TFLITE_METADATA" flatbuffer (names,
// normalization, image properties, label files), "min_runtime_version" and
// "CONVERSION_METADATA", read into plain structs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd {

struct AssociatedFileRef {
  std::string name;
  std::string description;
  std::string type;  // "TENSOR_AXIS_LABELS", "VOCABULARY"...
  std::string locale;
  bool present = false;  // found in the model's zip archive
};

// A tokenizer process unit (input tensor's or subgraph's): how text becomes
// the ids a text model reads.
struct TokenizerInfo {
  std::string kind;          // "RegexTokenizer", "BertTokenizer", "SentencePieceTokenizer"
  std::string delim_regex;   // RegexTokenizer: the delimiter pattern
  std::vector<AssociatedFileRef> vocab_files;
  std::vector<AssociatedFileRef> sentencepiece_models;  // SentencePieceTokenizer
};

struct TensorMetadataInfo {
  std::string name;
  std::string description;
  std::string content;      // "image", "feature", "bounding_box", "audio" or ""
  std::string color_space;  // images: "RGB", "GRAYSCALE", "UNKNOWN"
  std::optional<std::pair<uint32_t, uint32_t>> image_size;  // width, height
  std::optional<std::pair<int32_t, int32_t>> value_range;   // Content.range
  std::vector<float> mean;  // NormalizationOptions; empty when absent
  std::vector<float> std;
  std::vector<float> stats_min;
  std::vector<float> stats_max;
  std::optional<uint32_t> sample_rate;  // audio
  std::optional<uint32_t> channels;
  std::vector<AssociatedFileRef> files;
  std::vector<std::string> labels;  // first TENSOR_AXIS_LABELS file, one per line
  std::string labels_file;
  std::optional<TokenizerInfo> tokenizer;  // from this tensor's process units
};

struct ModelMetadataInfo {
  std::string name;
  std::string description;
  std::string version;
  std::string author;
  std::string license;
  std::string min_parser_version;
  std::vector<TensorMetadataInfo> inputs;   // of subgraph 0, in input order
  std::vector<TensorMetadataInfo> outputs;
  std::vector<AssociatedFileRef> files;     // model- and subgraph-level files
  // The subgraph's input process units' tokenizer (where BERT models put it).
  std::optional<TokenizerInfo> subgraph_tokenizer;
};

struct ConversionInfo {
  std::string tensorflow_version;
  uint32_t api_version = 0;
  std::string model_type;
  std::vector<std::string> optimizations;  // "PTQ_FULL_INTEGER"...
  bool allow_custom_ops = false;
  bool enable_select_tf_ops = false;
  bool force_select_tf_ops = false;
};

// nullopt when the model has no TFLITE_METADATA; tfd::Error when it has one
// that is not a valid metadata flatbuffer.
std::optional<ModelMetadataInfo> ReadModelMetadata(const Model& model);

// The model's own "min_runtime_version" entry (e.g. "1.14.0"), if any.
std::optional<std::string> ReadMinRuntimeVersion(const Model& model);

std::optional<ConversionInfo> ReadConversionMetadata(const Model& model);

}  // namespace tfd
