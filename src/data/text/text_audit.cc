#include "data/text/text_audit.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "data/preprocess/label_match.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {

DeclaredTextPipeline ReadDeclaredTextPipeline(const std::string& path) {
  auto bytes = ReadFileBytes(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const std::exception& e) {
    Fail("{}: not JSON ({})", path, e.what());
  }
  if (!j.is_object()) Fail("{}: a text pipeline is a JSON object", path);
  DeclaredTextPipeline d;
  try {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "tokenizer") d.tokenizer = it.value().get<std::string>();
      else if (it.key() == "lowercase") d.lowercase = it.value().get<bool>();
      else if (it.key() == "max_length") d.max_length = it.value().get<size_t>();
      else if (it.key() == "delim_regex") d.delim_regex = it.value().get<std::string>();
      else Fail("{}: unknown key '{}' (tokenizer, lowercase, max_length, delim_regex)", path, it.key());
    }
  } catch (const nlohmann::json::exception& e) {
    Fail("{}: {}", path, e.what());
  }
  return d;
}

namespace {

TextCandidate Measure(ModelSession& session, const TextModelSpec& spec, const TextDataset& data, bool lowercase) {
  TextCandidate c;
  c.name = lowercase ? "text lower-cased" : "text as given";
  c.lowercase = lowercase;
  LabelMapper labels(session.labels());
  size_t correct = 0;
  double confidence = 0;
  for (const TextItem& item : data.items) {
    EncodedText e = EncodeText(spec, item.text, lowercase);
    c.tokens += e.kept;
    c.unknown += e.unknown;
    c.unknown_known_lowercased += e.unknown_known_lowercased;
    c.truncated += e.truncated() ? 1 : 0;
    std::vector<float> p = session.Probabilities(session.Run(TextTensor(spec, e)));
    int top = TopK(p, 1).at(0);
    confidence += p[static_cast<size_t>(top)];
    if (item.label.empty()) continue;
    int want = labels.Index(item.label);
    if (want < 0) continue;
    ++c.labeled;
    correct += top == want ? 1 : 0;
  }
  c.oov_rate = c.tokens ? static_cast<double>(c.unknown) / static_cast<double>(c.tokens) : 0;
  c.truncated_share = static_cast<double>(c.truncated) / static_cast<double>(data.items.size());
  c.confidence = confidence / static_cast<double>(data.items.size());
  if (c.labeled) c.accuracy = static_cast<double>(correct) / static_cast<double>(c.labeled);
  return c;
}

std::string Pct(double v) { return fmt::format("{:.1f}%", 100 * v); }

}  // namespace

TextAudit AuditText(ModelSession& session, const TextModelSpec& spec, const TextDataset& data,
                    const std::optional<DeclaredTextPipeline>& declared) {
  TextAudit a;
  a.texts = data.items.size();
  a.ranked = {Measure(session, spec, data, false), Measure(session, spec, data, true)};
  a.ranked_by = a.ranked[0].accuracy >= 0 ? "accuracy" : "confidence";
  // Stable: on a tie the metadata's pipeline (text as given) stays first.
  std::stable_sort(a.ranked.begin(), a.ranked.end(),
                   [](const TextCandidate& x, const TextCandidate& y) {
                     if (x.score() != y.score()) return x.score() > y.score();
                     return x.confidence > y.confidence;  // equal accuracy: the more confident first
                   });
  const TextCandidate& given = a.ranked[0].lowercase ? a.ranked[1] : a.ranked[0];
  if (given.unknown_known_lowercased > 0)
    a.findings.push_back(fmt::format(
        "case mismatch: {} of {} unknown words ({} of all words) are in the {} vocabulary once lower-cased; the "
        "model's tokenizer does not lower-case, so the app must",
        given.unknown_known_lowercased, given.unknown, Pct(static_cast<double>(given.unknown_known_lowercased) /
                                                          static_cast<double>(std::max<size_t>(given.tokens, 1))),
        spec.vocab.cased ? "cased" : "uncased"));
  a.findings.push_back(fmt::format("out-of-vocabulary: {} of {} words ({}) become {}", given.unknown, given.tokens,
                                   Pct(given.oov_rate), spec.unknown_token.empty() ? "id 0" : spec.unknown_token));
  a.findings.push_back(fmt::format("truncation: {} of {} texts ({}) have more words than the {} ids the input holds",
                                   given.truncated, a.texts, Pct(given.truncated_share), spec.length));
  if (declared) {
    if (!declared->tokenizer.empty() && declared->tokenizer != spec.tokenizer.kind)
      a.findings.push_back(fmt::format("declared tokenizer {} differs from the metadata's {}", declared->tokenizer,
                                       spec.tokenizer.kind));
    if (!declared->delim_regex.empty() && spec.tokenizer.kind == "RegexTokenizer" &&
        declared->delim_regex != spec.tokenizer.delim_regex)
      a.findings.push_back(fmt::format("declared delimiter pattern '{}' differs from the metadata's '{}'",
                                       declared->delim_regex, spec.tokenizer.delim_regex));
    if (declared->max_length && *declared->max_length != spec.length)
      a.findings.push_back(fmt::format("declared maximum length {} differs from the model input's {}",
                                       *declared->max_length, spec.length));
    if (declared->lowercase && *declared->lowercase != a.ranked[0].lowercase)
      a.findings.push_back(fmt::format("declared lowercase={} but the best pipeline on this data is '{}'",
                                       *declared->lowercase ? "true" : "false", a.ranked[0].name));
  }
  return a;
}

}  // namespace tfd
