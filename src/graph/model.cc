#include "graph/model.h"

namespace tfd {

bool Tensor::IsDynamic() const {
  if (shape_signature) {
    for (int32_t d : *shape_signature)
      if (d < 0) return true;
  }
  return false;
}

bool Tensor::operator==(const Tensor& o) const {
  return name == o.name && dtype == o.dtype && shape == o.shape &&
         shape_signature == o.shape_signature && has_rank == o.has_rank && buffer == o.buffer &&
         quantization == o.quantization && is_variable == o.is_variable &&
         sparsity == o.sparsity && variant_tensors == o.variant_tensors;
}

std::string OpCode::Name() const {
  if (IsCustom()) return "CUSTOM:" + custom_code;
  const char* name = tflite::EnumNameBuiltinOperator(builtin);
  if (name == nullptr || *name == '\0') return "BUILTIN_" + std::to_string(static_cast<int>(builtin));
  return name;
}

bool Operator::operator==(const Operator& o) const {
  return opcode_index == o.opcode_index && inputs == o.inputs && outputs == o.outputs &&
         intermediates == o.intermediates && options == o.options && options2 == o.options2 &&
         custom_options == o.custom_options && custom_options_format == o.custom_options_format &&
         mutating_variable_inputs == o.mutating_variable_inputs;
}

const std::vector<uint8_t>* Model::ConstantData(const Tensor& t) const {
  if (t.buffer == 0 || t.buffer >= buffers.size()) return nullptr;
  const auto& data = buffers[t.buffer].data;
  return data.empty() ? nullptr : &data;
}

const std::vector<uint8_t>* Model::MetadataBytes(const std::string& name) const {
  for (const auto& m : metadata) {
    if (m.name == name && m.buffer < buffers.size()) return &buffers[m.buffer].data;
  }
  return nullptr;
}

bool Model::operator==(const Model& o) const {
  return version == o.version && description == o.description && op_codes == o.op_codes &&
         subgraphs == o.subgraphs && buffers == o.buffers && metadata_buffer == o.metadata_buffer &&
         metadata == o.metadata && signatures == o.signatures &&
         associated_files == o.associated_files;
}

}  // namespace tfd
