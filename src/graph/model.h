#pragma once
// The in-memory model: what a .tflite file says, in plain C++ containers.
//
// Everything above the format layer (interpreter, analyses, reports) works on
// this and never on flatbuffer bytes. Operator options reuse the object types
// generated from the project's schema (schema/tflite_model.fbs) so that every
// op's options are typed without a second hand-written copy of the schema.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tflite_model_generated.h"  // generated from schema/tflite_model.fbs

namespace tfd {

using DType = tflite::TensorType;
using BuiltinOp = tflite::BuiltinOperator;

// Affine quantization parameters: real = scale * (q - zero_point), per tensor
// (one entry) or per slice along `axis`.
struct Quantization {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  std::vector<float> min;
  std::vector<float> max;
  int32_t axis = 0;
  // Opaque CustomQuantization payload; when present the affine fields are not
  // what TFLite uses.
  std::optional<std::vector<uint8_t>> custom;

  bool IsAffine() const { return !scale.empty() && !custom; }
  bool IsPerChannel() const { return scale.size() > 1; }
  bool Empty() const { return scale.empty() && zero_point.empty() && min.empty() && max.empty() && !custom; }
  bool operator==(const Quantization& o) const {
    return scale == o.scale && zero_point == o.zero_point && min == o.min && max == o.max &&
           axis == o.axis && custom == o.custom;
  }
};

struct Tensor {
  std::string name;
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  // -1 marks a dimension known only at run time; absent when the file has none.
  std::optional<std::vector<int32_t>> shape_signature;
  bool has_rank = false;
  uint32_t buffer = 0;  // 0: no constant data
  std::optional<Quantization> quantization;
  bool is_variable = false;
  std::optional<tflite::SparsityParametersT> sparsity;
  std::vector<tflite::VariantSubTypeT> variant_tensors;

  bool IsDynamic() const;
  bool operator==(const Tensor& o) const;
};

struct OpCode {
  BuiltinOp builtin = BuiltinOp::ADD;
  std::string custom_code;  // set when builtin == CUSTOM
  int32_t version = 1;

  // "CONV_2D", or "CUSTOM:<code>" for custom ops.
  std::string Name() const;
  bool IsCustom() const { return builtin == BuiltinOp::CUSTOM; }
  bool IsFlex() const { return IsCustom() && custom_code.rfind("Flex", 0) == 0; }
  bool operator==(const OpCode& o) const {
    return builtin == o.builtin && custom_code == o.custom_code && version == o.version;
  }
};

inline constexpr int32_t kOmittedInput = -1;

struct Operator {
  uint32_t opcode_index = 0;
  std::vector<int32_t> inputs;  // kOmittedInput for an absent optional input
  std::vector<int32_t> outputs;
  std::vector<int32_t> intermediates;
  tflite::BuiltinOptionsUnion options;
  tflite::BuiltinOptions2Union options2;
  std::vector<uint8_t> custom_options;
  tflite::CustomOptionsFormat custom_options_format = tflite::CustomOptionsFormat::FLEXBUFFERS;
  std::vector<bool> mutating_variable_inputs;

  bool operator==(const Operator& o) const;
};

struct Subgraph {
  std::string name;
  std::vector<Tensor> tensors;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<Operator> operators;  // execution order

  bool operator==(const Subgraph& o) const {
    return name == o.name && tensors == o.tensors && inputs == o.inputs && outputs == o.outputs &&
           operators == o.operators;
  }
};

struct Buffer {
  std::vector<uint8_t> data;
  bool operator==(const Buffer& o) const { return data == o.data; }
};

struct MetadataEntry {
  std::string name;
  uint32_t buffer = 0;
  bool operator==(const MetadataEntry& o) const { return name == o.name && buffer == o.buffer; }
};

struct SignatureTensor {
  std::string name;
  uint32_t tensor_index = 0;
  bool operator==(const SignatureTensor& o) const {
    return name == o.name && tensor_index == o.tensor_index;
  }
};

struct SignatureDef {
  std::string key;
  uint32_t subgraph_index = 0;
  std::vector<SignatureTensor> inputs;
  std::vector<SignatureTensor> outputs;
  bool operator==(const SignatureDef& o) const {
    return key == o.key && subgraph_index == o.subgraph_index && inputs == o.inputs &&
           outputs == o.outputs;
  }
};

// A file packed into the zip archive that TFLite Support appends to a model
// (labels.txt, vocabularies...).
struct AssociatedFile {
  std::string name;
  std::vector<uint8_t> data;
  bool operator==(const AssociatedFile& o) const { return name == o.name && data == o.data; }
};

struct Model {
  uint32_t version = 3;
  std::string description;
  std::vector<OpCode> op_codes;
  std::vector<Subgraph> subgraphs;  // subgraph 0 is the main graph
  std::vector<Buffer> buffers;      // buffer 0 is the empty sentinel
  std::vector<int32_t> metadata_buffer;  // legacy list of metadata buffers
  std::vector<MetadataEntry> metadata;
  std::vector<SignatureDef> signatures;
  std::vector<AssociatedFile> associated_files;

  const Subgraph& main() const { return subgraphs.at(0); }
  const OpCode& op_code(const Operator& op) const { return op_codes.at(op.opcode_index); }
  // Constant data of a tensor, or nullptr when it has none.
  const std::vector<uint8_t>* ConstantData(const Tensor& t) const;
  // Bytes of the metadata buffer with this name, or nullptr.
  const std::vector<uint8_t>* MetadataBytes(const std::string& name) const;

  bool operator==(const Model& o) const;
};

}  // namespace tfd
