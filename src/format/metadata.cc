#include "format/metadata.h"

#include <algorithm>

#include <flatbuffers/flatbuffers.h>

#include "conversion_metadata_generated.h"
#include "tflite_metadata_generated.h"
#include "util/error.h"
#include "util/text_lines.h"

namespace tfd {
namespace {

namespace md = tflite_metadata;

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

template <typename T>
std::vector<T> Vec(const flatbuffers::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>();
}

const AssociatedFile* FindFile(const Model& model, const std::string& name) {
  for (const auto& f : model.associated_files)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<AssociatedFileRef> ReadFiles(const Model& model,
                                         const flatbuffers::Vector<flatbuffers::Offset<md::AssociatedFile>>* files) {
  std::vector<AssociatedFileRef> out;
  if (!files) return out;
  for (const auto* f : *files) {
    if (!f) continue;
    AssociatedFileRef ref;
    ref.name = Str(f->name());
    ref.description = Str(f->description());
    ref.type = md::EnumNameAssociatedFileType(f->type());
    ref.locale = Str(f->locale());
    ref.present = FindFile(model, ref.name) != nullptr;
    out.push_back(std::move(ref));
  }
  return out;
}

// The tokenizer among `units`, if any.
std::optional<TokenizerInfo> ReadTokenizer(const Model& model,
                                           const flatbuffers::Vector<flatbuffers::Offset<md::ProcessUnit>>* units) {
  if (!units) return std::nullopt;
  for (const auto* unit : *units) {
    if (!unit) continue;
    TokenizerInfo t;
    if (const auto* regex = unit->options_as_RegexTokenizerOptions()) {
      t.kind = "RegexTokenizer";
      t.delim_regex = Str(regex->delim_regex_pattern());
      t.vocab_files = ReadFiles(model, regex->vocab_file());
    } else if (const auto* bert = unit->options_as_BertTokenizerOptions()) {
      t.kind = "BertTokenizer";
      t.vocab_files = ReadFiles(model, bert->vocab_file());
    } else if (const auto* sp = unit->options_as_SentencePieceTokenizerOptions()) {
      t.kind = "SentencePieceTokenizer";
      t.sentencepiece_models = ReadFiles(model, sp->sentencePiece_model());
      t.vocab_files = ReadFiles(model, sp->vocab_file());
    } else {
      continue;
    }
    return t;
  }
  return std::nullopt;
}

TensorMetadataInfo ReadTensorMetadata(const Model& model, const md::TensorMetadata& t) {
  TensorMetadataInfo info;
  info.name = Str(t.name());
  info.description = Str(t.description());
  if (const auto* content = t.content()) {
    switch (content->content_properties_type()) {
      case md::ContentProperties::FeatureProperties: info.content = "feature"; break;
      case md::ContentProperties::ImageProperties: {
        info.content = "image";
        // The union's type can be set with its table missing (a damaged or
        // hand-made file): then there is nothing more to read.
        const auto* img = content->content_properties_as_ImageProperties();
        if (!img) break;
        info.color_space = md::EnumNameColorSpaceType(img->color_space());
        if (img->default_size()) info.image_size = {img->default_size()->width(), img->default_size()->height()};
        break;
      }
      case md::ContentProperties::BoundingBoxProperties: info.content = "bounding_box"; break;
      case md::ContentProperties::AudioProperties: {
        info.content = "audio";
        const auto* audio = content->content_properties_as_AudioProperties();
        if (!audio) break;
        info.sample_rate = audio->sample_rate();
        info.channels = audio->channels();
        break;
      }
      default: break;
    }
    if (content->range()) info.value_range = {content->range()->min(), content->range()->max()};
  }
  if (t.process_units()) {
    for (const auto* unit : *t.process_units()) {
      if (!unit) continue;
      if (const auto* norm = unit->options_as_NormalizationOptions()) {
        info.mean = Vec(norm->mean());
        info.std = Vec(norm->std());
      }
    }
  }
  info.tokenizer = ReadTokenizer(model, t.process_units());
  if (t.stats()) {
    info.stats_min = Vec(t.stats()->min());
    info.stats_max = Vec(t.stats()->max());
  }
  info.files = ReadFiles(model, t.associated_files());
  for (const auto& f : info.files) {
    if (f.type != "TENSOR_AXIS_LABELS" || !f.present) continue;
    info.labels = SplitLines(FindFile(model, f.name)->data);
    info.labels_file = f.name;
    break;
  }
  return info;
}

// Metadata buffers are fixed-size C strings padded with NULs.
std::string TrimNul(const std::vector<uint8_t>& bytes) {
  auto end = std::find(bytes.begin(), bytes.end(), 0);
  return std::string(bytes.begin(), end);
}

}  // namespace

std::optional<ModelMetadataInfo> ReadModelMetadata(const Model& model) {
  const auto* bytes = model.MetadataBytes("TFLITE_METADATA");
  if (!bytes) return std::nullopt;
  flatbuffers::Verifier verifier(bytes->data(), bytes->size());
  if (!verifier.VerifyBuffer<md::ModelMetadata>(nullptr))
    Fail("TFLITE_METADATA is not a valid metadata flatbuffer");
  const auto* m = flatbuffers::GetRoot<md::ModelMetadata>(bytes->data());
  ModelMetadataInfo info;
  info.name = Str(m->name());
  info.description = Str(m->description());
  info.version = Str(m->version());
  info.author = Str(m->author());
  info.license = Str(m->license());
  info.min_parser_version = Str(m->min_parser_version());
  info.files = ReadFiles(model, m->associated_files());
  if (m->subgraph_metadata() && m->subgraph_metadata()->size() > 0) {
    const auto* sg = m->subgraph_metadata()->Get(0);
    if (sg) {
      if (sg->input_tensor_metadata())
        for (const auto* t : *sg->input_tensor_metadata())
          if (t) info.inputs.push_back(ReadTensorMetadata(model, *t));
      if (sg->output_tensor_metadata())
        for (const auto* t : *sg->output_tensor_metadata())
          if (t) info.outputs.push_back(ReadTensorMetadata(model, *t));
      info.subgraph_tokenizer = ReadTokenizer(model, sg->input_process_units());
      auto sg_files = ReadFiles(model, sg->associated_files());
      info.files.insert(info.files.end(), sg_files.begin(), sg_files.end());
    }
  }
  return info;
}

std::optional<std::string> ReadMinRuntimeVersion(const Model& model) {
  const auto* bytes = model.MetadataBytes("min_runtime_version");
  if (!bytes) return std::nullopt;
  std::string v = TrimNul(*bytes);
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<ConversionInfo> ReadConversionMetadata(const Model& model) {
  const auto* bytes = model.MetadataBytes("CONVERSION_METADATA");
  if (!bytes) return std::nullopt;
  flatbuffers::Verifier verifier(bytes->data(), bytes->size());
  if (!verifier.VerifyBuffer<tflite_conversion::ConversionMetadata>(nullptr)) return std::nullopt;
  const auto* c = flatbuffers::GetRoot<tflite_conversion::ConversionMetadata>(bytes->data());
  ConversionInfo info;
  if (const auto* env = c->environment()) {
    info.tensorflow_version = Str(env->tensorflow_version());
    info.api_version = env->api_version();
    info.model_type = tflite_conversion::EnumNameModelType(env->model_type());
  }
  if (const auto* opt = c->options()) {
    if (opt->model_optimization_modes())
      for (auto mode : *opt->model_optimization_modes()) {
        const char* name = tflite_conversion::EnumNameModelOptimizationMode(mode);
        info.optimizations.push_back(name && *name ? name : std::to_string(static_cast<int32_t>(mode)));
      }
    info.allow_custom_ops = opt->allow_custom_ops();
    info.enable_select_tf_ops = opt->enable_select_tf_ops();
    info.force_select_tf_ops = opt->force_select_tf_ops();
  }
  return info;
}

}  // namespace tfd
