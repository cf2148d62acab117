#include "data/text/text_input.h"

#include <cstring>

#include "data/text/regex_tokenizer.h"
#include "graph/dtype.h"
#include "data/text/wordpiece_tokenizer.h"
#include "util/error.h"

namespace tfd {
namespace {

struct Found {
  TokenizerInfo tokenizer;
  std::string where;
};

std::optional<Found> FindTokenizer(const ModelMetadataInfo& md) {
  for (const auto& in : md.inputs)
    if (in.tokenizer) return Found{*in.tokenizer, "input tensor '" + in.name + "'"};
  if (md.subgraph_tokenizer) return Found{*md.subgraph_tokenizer, "subgraph input process units"};
  return std::nullopt;
}

const AssociatedFile* FileNamed(const Model& model, const std::string& name) {
  for (const auto& f : model.associated_files)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace

std::string AsciiLower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string DeclaredTokenizer(const Model& model) {
  auto md = ReadModelMetadata(model);
  if (!md) return "";
  auto found = FindTokenizer(*md);
  return found ? found->tokenizer.kind : "";
}

std::optional<TextModelSpec> TextSpecFor(const Model& model) {
  auto md = ReadModelMetadata(model);
  if (!md) return std::nullopt;
  auto found = FindTokenizer(*md);
  if (!found) return std::nullopt;
  TextModelSpec spec;
  spec.tokenizer = found->tokenizer;
  spec.where = found->where;
  const std::string& kind = spec.tokenizer.kind;
  if (kind == "SentencePieceTokenizer")
    Fail("the model's metadata declares a SentencePieceTokenizer ({}); tokenizing with SentencePiece is not "
         "implemented",
         spec.tokenizer.sentencepiece_models.empty() ? "no model file named"
                                                     : "model file " + spec.tokenizer.sentencepiece_models[0].name);
  const Subgraph& g = model.main();
  if (kind == "BertTokenizer" && g.inputs.size() != 1)
    Fail("the model is a BERT classifier ({} inputs: ids, mask, segment ids); its BertTokenizer is read, but running "
         "multi-input text models is not implemented",
         g.inputs.size());
  if (g.inputs.size() != 1) Fail("text model with {} inputs: only one-input text classifiers are supported", g.inputs.size());
  const Tensor& input = g.tensors[static_cast<size_t>(g.inputs[0])];
  if (input.dtype != DType::INT32)
    Fail("text input '{}' is {}, not the int32 ids a {} feeds", input.name, DTypeName(input.dtype), kind);
  auto count = ElementCount(input.shape);
  if (!count || *count <= 0 || input.shape.empty())
    Fail("text input '{}' has no static length ({})", input.name, ShapeString(input.shape));
  spec.target = TargetFromTensor(input);
  spec.length = static_cast<size_t>(*count);
  if (spec.tokenizer.vocab_files.empty()) Fail("the model's {} names no vocabulary file", kind);
  spec.vocab_file = spec.tokenizer.vocab_files[0].name;
  const AssociatedFile* file = FileNamed(model, spec.vocab_file);
  if (!file) Fail("the model's {} vocabulary '{}' is not among its associated files", kind, spec.vocab_file);
  spec.vocab = ParseVocabulary(file->data, spec.vocab_file);
  auto special = [&](const char* token, std::string& name) -> std::optional<int32_t> {
    auto id = spec.vocab.Find(token);
    if (id) name = token;
    return id;
  };
  if (kind == "RegexTokenizer") {
    RegexTokenizer check(spec.tokenizer.delim_regex);  // a bad pattern fails here, named
    spec.start_id = special("<START>", spec.start_token);
    spec.pad_id = special("<PAD>", spec.pad_token).value_or(0);
    spec.unknown_id = special("<UNKNOWN>", spec.unknown_token).value_or(0);
  } else {
    spec.start_id = special("[CLS]", spec.start_token);
    spec.end_id = special("[SEP]", spec.end_token);
    spec.pad_id = special("[PAD]", spec.pad_token).value_or(0);
    spec.unknown_id = special("[UNK]", spec.unknown_token).value_or(0);
  }
  return spec;
}

EncodedText EncodeText(const TextModelSpec& spec, const std::string& text, bool lowercase) {
  const std::string input = lowercase ? AsciiLower(text) : text;
  EncodedText out;
  if (spec.tokenizer.kind == "RegexTokenizer") {
    out.tokens = RegexTokenizer(spec.tokenizer.delim_regex).Split(input);
  } else {
    out.tokens = WordPieceTokenizer(spec.vocab).Tokenize(input);
  }
  out.ids.assign(spec.length, spec.pad_id);
  size_t pos = 0;
  if (spec.start_id && pos < spec.length) out.ids[pos++] = *spec.start_id;
  const size_t room = spec.end_id && spec.length > 0 ? spec.length - 1 : spec.length;
  for (const std::string& token : out.tokens) {
    if (pos >= room) break;
    auto id = spec.vocab.Find(token);
    if (!id || (spec.tokenizer.kind == "BertTokenizer" && token == "[UNK]")) {
      ++out.unknown;
      if (spec.vocab.Find(AsciiLower(token))) ++out.unknown_known_lowercased;
    }
    out.ids[pos++] = id.value_or(spec.unknown_id);
    ++out.kept;
  }
  if (spec.end_id && pos < spec.length) out.ids[pos++] = *spec.end_id;
  return out;
}

TensorData TextTensor(const TextModelSpec& spec, const EncodedText& encoded) {
  TensorData t{DType::INT32, spec.target.shape, std::vector<uint8_t>(encoded.ids.size() * 4)};
  std::memcpy(t.bytes.data(), encoded.ids.data(), t.bytes.size());
  return t;
}

}  // namespace tfd
