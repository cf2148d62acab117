#include "format/model_reader.h"

#include <cstring>

#include <flatbuffers/flatbuffers.h>

#include "format/associated_files.h"
#include "format/metadata.h"
#include "format/model_verifier.h"
#include "format/vector_alignment.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

template <typename T>
std::vector<T> ToVector(const flatbuffers::Vector<T>* v) {
  if (v == nullptr) return {};
  return std::vector<T>(v->begin(), v->end());
}

std::vector<bool> ToBoolVector(const flatbuffers::Vector<uint8_t>* v) {
  std::vector<bool> out;
  if (v == nullptr) return out;
  out.reserve(v->size());
  for (uint8_t b : *v) out.push_back(b != 0);
  return out;
}

std::string ToString(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }

// Bytes that live after the flatbuffer (models over 2 GiB): `offset` counts
// from the start of the file and only values above 1 mean "present".
std::vector<uint8_t> ExternalBytes(const std::vector<uint8_t>& file, uint64_t offset, uint64_t size,
                                   const std::string& what) {
  if (offset > file.size() || size > file.size() - offset)
    Fail("{} points past the end of the file (offset {}, size {}, file {} bytes)", what, offset,
         size, file.size());
  return std::vector<uint8_t>(file.begin() + static_cast<std::ptrdiff_t>(offset),
                              file.begin() + static_cast<std::ptrdiff_t>(offset + size));
}

Quantization ReadQuantization(const tflite::QuantizationParameters& q) {
  Quantization out;
  out.scale = ToVector(q.scale());
  out.zero_point = ToVector(q.zero_point());
  out.min = ToVector(q.min());
  out.max = ToVector(q.max());
  out.axis = q.quantized_dimension();
  if (const auto* custom = q.details_as_CustomQuantization()) out.custom = ToVector(custom->custom());
  return out;
}

Tensor ReadTensor(const tflite::Tensor& t) {
  Tensor out;
  out.name = ToString(t.name());
  out.dtype = t.type();
  out.shape = ToVector(t.shape());
  if (t.shape_signature() != nullptr) out.shape_signature = ToVector(t.shape_signature());
  out.has_rank = t.has_rank();
  out.buffer = t.buffer();
  if (t.quantization() != nullptr) out.quantization = ReadQuantization(*t.quantization());
  out.is_variable = t.is_variable();
  if (t.sparsity() != nullptr) {
    out.sparsity.emplace();
    t.sparsity()->UnPackTo(&*out.sparsity);
  }
  if (t.variant_tensors() != nullptr) {
    for (const auto* v : *t.variant_tensors()) {
      tflite::VariantSubTypeT sub;
      if (v != nullptr) v->UnPackTo(&sub);
      out.variant_tensors.push_back(std::move(sub));
    }
  }
  return out;
}

Operator ReadOperator(const tflite::Operator& op, const std::vector<uint8_t>& file, size_t index) {
  Operator out;
  out.opcode_index = op.opcode_index();
  out.inputs = ToVector(op.inputs());
  out.outputs = ToVector(op.outputs());
  out.intermediates = ToVector(op.intermediates());
  // The verifier accepts an options type whose table is absent, and the
  // generated UnPack would read that table through a null pointer: absent
  // options are no options (the kernels' defaults, as TFLite's parser does).
  if (op.builtin_options() != nullptr) {
    out.options.type = op.builtin_options_type();
    out.options.value = tflite::BuiltinOptionsUnion::UnPack(op.builtin_options(), op.builtin_options_type(), nullptr);
  }
  if (out.options.value == nullptr) out.options.type = tflite::BuiltinOptions::NONE;
  if (op.builtin_options_2() != nullptr) {
    out.options2.type = op.builtin_options_2_type();
    out.options2.value =
        tflite::BuiltinOptions2Union::UnPack(op.builtin_options_2(), op.builtin_options_2_type(), nullptr);
  }
  if (out.options2.value == nullptr) out.options2.type = tflite::BuiltinOptions2::NONE;
  out.custom_options = ToVector(op.custom_options());
  if (op.large_custom_options_offset() > 1) {
    out.custom_options = ExternalBytes(file, op.large_custom_options_offset(), op.large_custom_options_size(),
                                       "custom options of operator " + std::to_string(index));
  }
  out.custom_options_format = op.custom_options_format();
  out.mutating_variable_inputs = ToBoolVector(op.mutating_variable_inputs());
  return out;
}

void CheckIdentifier(const std::vector<uint8_t>& bytes, const std::string& source) {
  if (bytes.empty()) Fail("{}: not a TFLite model (empty file)", source);
  if (bytes.size() < 8) Fail("{}: not a TFLite model (only {} bytes)", source, bytes.size());
  if (std::memcmp(bytes.data() + 4, "TFL3", 4) != 0) {
    if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
      Fail("{}: not a TFLite model (this is a JPEG image)", source);
    if (bytes.size() >= 4 && std::memcmp(bytes.data(), "\x89PNG", 4) == 0)
      Fail("{}: not a TFLite model (this is a PNG image)", source);
    Fail("{}: not a TFLite model (no TFL3 file identifier)", source);
  }
}

// Where the bytes after the model proper begin: past the flatbuffer (the
// shortest prefix that still verifies; verification only grows with size)
// and past any buffers stored outside it.
size_t TrailingStart(const std::vector<uint8_t>& bytes, size_t fb_size, const tflite::Model& fb) {
  size_t lo = 8, hi = fb_size;  // hi verifies
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    flatbuffers::Verifier v(bytes.data(), mid, 64, 100'000'000);
    if (tflite::VerifyModelBuffer(v)) hi = mid;
    else lo = mid + 1;
  }
  size_t end = hi;
  if (fb.buffers() != nullptr)
    for (const auto* b : *fb.buffers())
      if (b != nullptr && b->offset() > 1) end = std::max<size_t>(end, b->offset() + b->size());
  if (fb.subgraphs() != nullptr)
    for (const auto* sg : *fb.subgraphs())
      if (sg != nullptr && sg->operators() != nullptr)
        for (const auto* op : *sg->operators())
          if (op != nullptr && op->large_custom_options_offset() > 1)
            end = std::max<size_t>(end, op->large_custom_options_offset() + op->large_custom_options_size());
  return end;
}

// Metadata is what tells a user how to feed the model, so a damaged one, or
// a label file it names that the archive lacks (a cut-off file), is an error.
void CheckMetadata(const Model& model, const std::string& source) {
  std::optional<ModelMetadataInfo> md;
  try {
    md = ReadModelMetadata(model);
  } catch (const Error& e) {
    Fail("{}: {}", source, e.what());
  }
  if (!md) return;
  auto check = [&](const std::vector<AssociatedFileRef>& files) {
    for (const auto& f : files)
      if (!f.present)
        Fail("{}: metadata names associated file '{}' but the file's zip archive does not contain it "
             "(truncated or damaged model?)", source, f.name);
  };
  check(md->files);
  for (const auto& t : md->inputs) check(t.files);
  for (const auto& t : md->outputs) check(t.files);
}

}  // namespace

Model ReadModel(const std::vector<uint8_t>& bytes, const std::string& source) {
  CheckIdentifier(bytes, source);
  // The flatbuffer itself is always below 2 GiB; larger files carry their
  // weights after it, which the verifier must not be asked to cover.
  size_t fb_size = std::min<size_t>(bytes.size(), FLATBUFFERS_MAX_BUFFER_SIZE - 1);
  flatbuffers::Verifier verifier(bytes.data(), fb_size, /*max_depth=*/64, /*max_tables=*/100'000'000);
  if (!tflite::VerifyModelBuffer(verifier))
    Fail("{}: corrupt or truncated TFLite model (flatbuffer verification failed)", source);
  const tflite::Model* fb = tflite::GetModel(bytes.data());
  if (auto at = FindMisalignedVector(bytes.data(), reinterpret_cast<const uint8_t*>(fb), tflite::ModelTypeTable()))
    Fail("{}: corrupt TFLite model (a vector of 8-byte numbers at byte {} is not 8-byte aligned)", source, *at);

  Model model;
  try {
    model.version = fb->version();
    model.description = ToString(fb->description());
    if (fb->operator_codes() != nullptr) {
      for (const auto* code : *fb->operator_codes()) {
        OpCode oc;
        if (code != nullptr) {
          // Newer writers fill `builtin_code`; old ones only the byte-sized
          // deprecated field. The larger of the two is the real code.
          int32_t builtin = std::max<int32_t>(static_cast<int32_t>(code->builtin_code()),
                                              static_cast<int32_t>(code->deprecated_builtin_code()));
          oc.builtin = static_cast<BuiltinOp>(builtin);
          oc.custom_code = ToString(code->custom_code());
          oc.version = code->version();
        }
        model.op_codes.push_back(std::move(oc));
      }
    }
    if (fb->buffers() != nullptr) {
      size_t index = 0;
      for (const auto* b : *fb->buffers()) {
        Buffer buf;
        if (b != nullptr) {
          if (b->offset() > 1) {
            buf.data = ExternalBytes(bytes, b->offset(), b->size(), "buffer " + std::to_string(index));
          } else {
            buf.data = ToVector(b->data());
          }
        }
        model.buffers.push_back(std::move(buf));
        ++index;
      }
    }
    if (fb->subgraphs() != nullptr) {
      for (const auto* sg : *fb->subgraphs()) {
        Subgraph out;
        if (sg != nullptr) {
          out.name = ToString(sg->name());
          if (sg->tensors() != nullptr)
            for (const auto* t : *sg->tensors()) out.tensors.push_back(t ? ReadTensor(*t) : Tensor{});
          out.inputs = ToVector(sg->inputs());
          out.outputs = ToVector(sg->outputs());
          if (sg->operators() != nullptr) {
            size_t index = 0;
            for (const auto* op : *sg->operators())
              out.operators.push_back(op ? ReadOperator(*op, bytes, index++) : Operator{});
          }
        }
        model.subgraphs.push_back(std::move(out));
      }
    }
    model.metadata_buffer = ToVector(fb->metadata_buffer());
    if (fb->metadata() != nullptr) {
      for (const auto* m : *fb->metadata())
        if (m != nullptr) model.metadata.push_back({ToString(m->name()), m->buffer()});
    }
    if (fb->signature_defs() != nullptr) {
      for (const auto* s : *fb->signature_defs()) {
        if (s == nullptr) continue;
        SignatureDef sig;
        sig.key = ToString(s->signature_key());
        sig.subgraph_index = s->subgraph_index();
        auto read_maps = [](const flatbuffers::Vector<flatbuffers::Offset<tflite::TensorMap>>* maps) {
          std::vector<SignatureTensor> out;
          if (maps != nullptr)
            for (const auto* m : *maps)
              if (m != nullptr) out.push_back({ToString(m->name()), m->tensor_index()});
          return out;
        };
        sig.inputs = read_maps(s->inputs());
        sig.outputs = read_maps(s->outputs());
        model.signatures.push_back(std::move(sig));
      }
    }
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
  try {
    model.associated_files = ReadAssociatedFiles(bytes, TrailingStart(bytes, fb_size, *fb));
  } catch (const Error& e) {
    Fail("{}: {}", source, e.what());
  }
  if (auto problem = FindModelProblem(model)) Fail("{}: invalid model: {}", source, *problem);
  CheckMetadata(model, source);
  return model;
}

Model LoadModel(const std::string& path) { return ReadModel(ReadFileBytes(path), path); }

}  // namespace tfd
