#include "format/model_writer.h"

#include <flatbuffers/flatbuffers.h>

#include "format/associated_files.h"
#include "format/model_verifier.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

constexpr size_t kDataAlignment = 16;
// Keep well under the 2 GiB flatbuffer limit before switching to external data.
constexpr uint64_t kInlineDataLimit = (1ULL << 31) - (64ULL << 20);

template <typename T>
Offset<flatbuffers::Vector<T>> OptionalVector(FlatBufferBuilder& fbb, const std::vector<T>& v) {
  return v.empty() ? 0 : fbb.CreateVector(v);
}

Offset<flatbuffers::String> OptionalString(FlatBufferBuilder& fbb, const std::string& s) {
  return s.empty() ? 0 : fbb.CreateString(s);
}

Offset<tflite::QuantizationParameters> WriteQuantization(FlatBufferBuilder& fbb, const Quantization& q) {
  auto min = OptionalVector(fbb, q.min);
  auto max = OptionalVector(fbb, q.max);
  auto scale = OptionalVector(fbb, q.scale);
  auto zero_point = OptionalVector(fbb, q.zero_point);
  Offset<void> details = 0;
  auto details_type = tflite::QuantizationDetails::NONE;
  if (q.custom) {
    fbb.ForceVectorAlignment(q.custom->size(), 1, 16);
    auto custom = fbb.CreateVector(*q.custom);
    details = tflite::CreateCustomQuantization(fbb, custom).Union();
    details_type = tflite::QuantizationDetails::CustomQuantization;
  }
  return tflite::CreateQuantizationParameters(fbb, min, max, scale, zero_point, details_type, details, q.axis);
}

Offset<tflite::Tensor> WriteTensor(FlatBufferBuilder& fbb, const Tensor& t) {
  auto shape = fbb.CreateVector(t.shape);
  auto name = fbb.CreateString(t.name);
  Offset<tflite::QuantizationParameters> quant = t.quantization ? WriteQuantization(fbb, *t.quantization) : 0;
  Offset<tflite::SparsityParameters> sparsity = t.sparsity ? tflite::SparsityParameters::Pack(fbb, &*t.sparsity) : 0;
  Offset<flatbuffers::Vector<int32_t>> signature = t.shape_signature ? fbb.CreateVector(*t.shape_signature) : 0;
  Offset<flatbuffers::Vector<Offset<tflite::VariantSubType>>> variants = 0;
  if (!t.variant_tensors.empty()) {
    std::vector<Offset<tflite::VariantSubType>> v;
    for (const auto& sub : t.variant_tensors) v.push_back(tflite::VariantSubType::Pack(fbb, &sub));
    variants = fbb.CreateVector(v);
  }
  return tflite::CreateTensor(fbb, shape, t.dtype, t.buffer, name, quant, t.is_variable, sparsity, signature,
                              t.has_rank, variants);
}

Offset<tflite::Operator> WriteOperator(FlatBufferBuilder& fbb, const Operator& op) {
  auto inputs = fbb.CreateVector(op.inputs);
  auto outputs = fbb.CreateVector(op.outputs);
  auto options = op.options.Pack(fbb);
  auto custom = OptionalVector(fbb, op.custom_options);
  Offset<flatbuffers::Vector<uint8_t>> mutating = 0;
  if (!op.mutating_variable_inputs.empty()) {
    std::vector<uint8_t> flags(op.mutating_variable_inputs.begin(), op.mutating_variable_inputs.end());
    mutating = fbb.CreateVector(flags);
  }
  auto intermediates = OptionalVector(fbb, op.intermediates);
  auto options2 = op.options2.Pack(fbb);
  return tflite::CreateOperator(fbb, op.opcode_index, inputs, outputs, op.options.type, options, custom,
                                op.custom_options_format, mutating, intermediates, 0, 0, op.options2.type,
                                options2);
}

// Builds the flatbuffer. With `data_offsets`, buffers are written as
// offset/size references (offset[i] for buffer i) instead of inline data.
void BuildFlatbuffer(FlatBufferBuilder& fbb, const Model& model, const std::vector<uint64_t>* data_offsets) {
  std::vector<Offset<tflite::OperatorCode>> codes;
  for (const OpCode& oc : model.op_codes) {
    auto custom = oc.IsCustom() ? fbb.CreateString(oc.custom_code) : 0;
    int32_t code = static_cast<int32_t>(oc.builtin);
    auto deprecated = static_cast<int8_t>(std::min<int32_t>(code, static_cast<int32_t>(BuiltinOp::PLACEHOLDER_FOR_GREATER_OP_CODES)));
    codes.push_back(tflite::CreateOperatorCode(fbb, deprecated, custom, oc.version, oc.builtin));
  }
  std::vector<Offset<tflite::SubGraph>> subgraphs;
  for (const Subgraph& sg : model.subgraphs) {
    std::vector<Offset<tflite::Tensor>> tensors;
    for (const Tensor& t : sg.tensors) tensors.push_back(WriteTensor(fbb, t));
    std::vector<Offset<tflite::Operator>> ops;
    for (const Operator& op : sg.operators) ops.push_back(WriteOperator(fbb, op));
    auto tv = fbb.CreateVector(tensors);
    auto in = fbb.CreateVector(sg.inputs);
    auto out = fbb.CreateVector(sg.outputs);
    auto ov = fbb.CreateVector(ops);
    auto name = OptionalString(fbb, sg.name);
    subgraphs.push_back(tflite::CreateSubGraph(fbb, tv, in, out, ov, name));
  }
  std::vector<Offset<tflite::Buffer>> buffers;
  for (size_t i = 0; i < model.buffers.size(); ++i) {
    const auto& data = model.buffers[i].data;
    if (data.empty()) {
      buffers.push_back(tflite::CreateBuffer(fbb));
    } else if (data_offsets != nullptr) {
      buffers.push_back(tflite::CreateBuffer(fbb, 0, (*data_offsets)[i], data.size()));
    } else {
      fbb.ForceVectorAlignment(data.size(), 1, kDataAlignment);
      buffers.push_back(tflite::CreateBuffer(fbb, fbb.CreateVector(data)));
    }
  }
  std::vector<Offset<tflite::Metadata>> metadata;
  for (const auto& m : model.metadata)
    metadata.push_back(tflite::CreateMetadata(fbb, fbb.CreateString(m.name), m.buffer));
  std::vector<Offset<tflite::SignatureDef>> signatures;
  for (const auto& sig : model.signatures) {
    auto maps = [&](const std::vector<SignatureTensor>& list) {
      std::vector<Offset<tflite::TensorMap>> v;
      for (const auto& m : list) v.push_back(tflite::CreateTensorMap(fbb, fbb.CreateString(m.name), m.tensor_index));
      return fbb.CreateVector(v);
    };
    auto in = maps(sig.inputs);
    auto out = maps(sig.outputs);
    signatures.push_back(tflite::CreateSignatureDef(fbb, in, out, fbb.CreateString(sig.key), sig.subgraph_index));
  }
  auto root = tflite::CreateModel(fbb, model.version, fbb.CreateVector(codes), fbb.CreateVector(subgraphs),
                                  OptionalString(fbb, model.description), fbb.CreateVector(buffers),
                                  OptionalVector(fbb, model.metadata_buffer),
                                  metadata.empty() ? 0 : fbb.CreateVector(metadata),
                                  signatures.empty() ? 0 : fbb.CreateVector(signatures));
  tflite::FinishModelBuffer(fbb, root);
}

size_t AlignUp(size_t n) { return (n + kDataAlignment - 1) / kDataAlignment * kDataAlignment; }

}  // namespace

std::vector<uint8_t> WriteModel(const Model& model, const WriteOptions& options) {
  if (auto problem = FindModelProblem(model)) Fail("cannot write an invalid model: {}", *problem);
  uint64_t data_bytes = 0;
  for (const auto& b : model.buffers) data_bytes += b.data.size();
  bool external = options.external_buffers || data_bytes > kInlineDataLimit;

  std::vector<uint8_t> out;
  if (!external) {
    FlatBufferBuilder fbb(1 << 16);
    BuildFlatbuffer(fbb, model, nullptr);
    out.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  } else {
    // Two passes: the first, with placeholder offsets (non-default, so every
    // field is present), fixes the flatbuffer's size; the second writes the
    // real offsets, which does not change that size.
    std::vector<uint64_t> offsets(model.buffers.size(), 1);
    FlatBufferBuilder sizing(1 << 16);
    sizing.ForceDefaults(true);
    BuildFlatbuffer(sizing, model, &offsets);
    size_t cursor = AlignUp(sizing.GetSize());
    for (size_t i = 0; i < model.buffers.size(); ++i) {
      if (model.buffers[i].data.empty()) continue;
      offsets[i] = cursor;
      cursor = AlignUp(cursor + model.buffers[i].data.size());
    }
    FlatBufferBuilder fbb(1 << 16);
    fbb.ForceDefaults(true);
    BuildFlatbuffer(fbb, model, &offsets);
    if (fbb.GetSize() != sizing.GetSize()) Fail("internal error: flatbuffer size changed between passes");
    out.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    for (size_t i = 0; i < model.buffers.size(); ++i) {
      if (model.buffers[i].data.empty()) continue;
      out.resize(offsets[i], 0);
      out.insert(out.end(), model.buffers[i].data.begin(), model.buffers[i].data.end());
    }
  }
  AppendAssociatedFiles(model.associated_files, out);
  return out;
}

void SaveModel(const Model& model, const std::string& path, const WriteOptions& options) {
  WriteFileBytes(path, WriteModel(model, options));
}

}  // namespace tfd
