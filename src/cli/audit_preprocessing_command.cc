// tflite-doctor audit-preprocessing MODEL --data DIR: is the model fed what
// it was trained on? The declared pipeline against what the model says it
// expects, then a data-driven search over candidate pipelines.
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "data/audio/audio_audit.h"
#include "data/dataset.h"
#include "data/text/text_audit.h"
#include "format/model_reader.h"
#include "data/preprocess/audit.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "util/error.h"

namespace tfd::cli {
namespace {

struct AuditArgs {
  std::string model;
  std::string data;
  std::string declared;
  std::string reference;
  std::string labels;
  bool skip_bad = false;
  bool json = false;
};

std::string Percent(double v) { return fmt::format("{:.1f}%", 100 * v); }
std::string Db(double v) { return v >= 100 ? "inf dB" : fmt::format("{:.1f} dB", v); }

nlohmann::json ResultJson(const AuditCandidateResult& r, bool labeled, bool reference) {
  nlohmann::json e{{"rank", r.rank},
                   {"name", r.candidate.name},
                   {"score", r.primary},
                   {"declared", r.candidate.declared},
                   {"expected", r.candidate.expected},
                   {"confidence", r.confidence},
                   {"spec", PreprocessSpecJson(r.candidate.spec)}};
  if (labeled) e["accuracy"] = r.accuracy, e["label_probability"] = r.label_prob;
  if (reference) e["agreement"] = r.agreement, e["sqnr_db"] = r.sqnr_db;
  e["spread"] = {r.spread.lo, r.spread.hi};
  e["lead"] = r.lead;
  e["lead_spread"] = {r.lead_spread.lo, r.lead_spread.hi};
  e["significant"] = r.significant;
  if (!r.ok) e["error"] = r.error;
  return e;
}

// The lead over the incumbent in the ranking metric, with its 95% interval.
std::string Lead(const AuditCandidateResult& r, RankBy by) {
  auto f = [&](double v) {
    if (by == RankBy::kSqnr) return fmt::format("{:+.1f}", v);
    if (by == RankBy::kAccuracy || by == RankBy::kAgreement) return fmt::format("{:+.1f}", 100 * v);
    return fmt::format("{:+.3f}", v);
  };
  return f(r.lead) + " [" + f(r.lead_spread.lo) + ", " + f(r.lead_spread.hi) + "]" + (r.significant ? "*" : " ");
}

// `class_scores` false: a dense output (boxes, a mask), which has no top-1.
void PrintTable(const std::vector<AuditCandidateResult>& rows, bool labeled, bool reference, bool class_scores,
                RankBy by, const std::string& incumbent) {
  std::string head = fmt::format("  {:>4}", "rank");
  if (labeled) head += fmt::format("  {:>6}  {:>8}", "top-1", "p(label)");
  if (reference) head += class_scores ? fmt::format("  {:>6}  {:>8}", "agree", "SQNR") : fmt::format("  {:>8}", "SQNR");
  if (!labeled && !reference) head += fmt::format("  {:>10}", "confidence");
  head += fmt::format("  {:>26}", "vs " + incumbent + " [95%]");
  std::cout << head << "  pipeline\n";
  for (const auto& r : rows) {
    std::string mark = r.candidate.declared && r.candidate.expected ? "  <- declared, expected"
                       : r.candidate.declared                      ? "  <- declared"
                       : r.candidate.expected                      ? "  <- expected"
                                                                   : "";
    std::string line = fmt::format("  {:>4}", r.rank);
    if (!r.ok) {
      std::cout << line << "  failed: " << r.candidate.name << " (" << r.error << ")" << mark << "\n";
      continue;
    }
    if (labeled) line += fmt::format("  {:>6}  {:>8.3f}", Percent(r.accuracy), r.label_prob);
    if (reference)
      line += class_scores ? fmt::format("  {:>6}  {:>8}", Percent(r.agreement), Db(r.sqnr_db))
                           : fmt::format("  {:>8}", Db(r.sqnr_db));
    if (!labeled && !reference) line += fmt::format("  {:>10.3f}", r.confidence);
    line += fmt::format("  {:>26}", Lead(r, by));
    std::cout << line << "  " << r.candidate.name << mark << "\n";
  }
}

// A text classifier: its tokenizer on the texts (CSV of text,label or .txt).
void AuditTextModel(const AuditArgs& args) {
  std::optional<DeclaredTextPipeline> declared;
  if (!args.declared.empty()) declared = ReadDeclaredTextPipeline(args.declared);
  TextDataset data = OpenTextDataset(args.data);
  ModelSession session(args.model);
  if (!args.labels.empty()) session.SetLabels(ReadLabelsFile(args.labels), args.labels);
  const TextModelSpec spec = *TextSpecFor(session.model());
  TextAudit audit = AuditText(session, spec, data, declared);
  if (args.json) {
    nlohmann::json j{{"model", args.model}, {"data", args.data}, {"texts", audit.texts},
                     {"tokenizer", spec.tokenizer.kind}, {"ranked_by", audit.ranked_by},
                     {"findings", audit.findings}, {"candidates", nlohmann::json::array()}};
    for (const auto& c : audit.ranked)
      j["candidates"].push_back({{"name", c.name}, {"lowercase", c.lowercase}, {"oov_rate", c.oov_rate},
                                 {"truncated_share", c.truncated_share}, {"confidence", c.confidence},
                                 {"accuracy", c.accuracy >= 0 ? nlohmann::json(c.accuracy) : nlohmann::json()}});
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "Model: " << args.model << "\n";
  std::cout << fmt::format("Tokenizer (metadata): {}{}, vocabulary {} ({} tokens, {}), {} ids per text\n",
                           spec.tokenizer.kind,
                           spec.tokenizer.delim_regex.empty() ? "" : " '" + spec.tokenizer.delim_regex + "'",
                           spec.vocab_file, spec.vocab.size(), spec.vocab.cased ? "cased" : "uncased", spec.length);
  std::cout << fmt::format("Data: {} ({} texts{})\n\nFindings:\n", args.data, audit.texts,
                           data.labeled() ? ", labelled" : "");
  for (const auto& f : audit.findings) std::cout << "  - " << f << "\n";
  std::cout << fmt::format("\nPipelines ranked by {}:\n", audit.ranked_by);
  for (size_t i = 0; i < audit.ranked.size(); ++i) {
    const auto& c = audit.ranked[i];
    std::cout << fmt::format("  {}. {:<18} {}  OOV {}  truncated {}  confidence {:.3f}\n", i + 1, c.name,
                             c.accuracy >= 0 ? "accuracy " + Percent(c.accuracy) : std::string(),
                             Percent(c.oov_rate), Percent(c.truncated_share), c.confidence);
  }
}

// An audio classifier: each WAV clip against what the model reads.
void AuditAudioModel(const AuditArgs& args, const AudioModelSpec& spec) {
  Dataset dataset = OpenDataset(args.data);
  nlohmann::json clips = nlohmann::json::array();
  size_t wrong_scale = 0, resampled = 0, mixed = 0, audio_items = 0;
  if (!args.json) {
    std::cout << "Model: " << args.model << "\n";
    std::cout << fmt::format("Audio input: {} Hz ({}), {} channel(s), windows of {} samples ({:.3f} s), [-1, 1] "
                             "{}\n\n",
                             spec.sample_rate, spec.sample_rate_source, spec.channels, spec.window,
                             static_cast<double>(spec.window) / spec.sample_rate, DTypeName(spec.target.dtype));
  }
  for (const auto& item : dataset.items) {
    Sample sample;
    try {
      sample = LoadSample(item.path);
    } catch (const Error& e) {
      if (!args.skip_bad) throw;
      continue;
    }
    if (!std::holds_alternative<Audio>(sample)) continue;
    ++audio_items;
    AudioClipAudit a = AuditAudioClip(std::get<Audio>(sample), spec);
    wrong_scale += a.wrong_scale;
    resampled += a.sample_rate != spec.sample_rate;
    mixed += a.channels != spec.channels;
    clips.push_back({{"file", item.path}, {"sample_rate", a.sample_rate}, {"channels", a.channels},
                     {"float", a.is_float}, {"seconds", a.seconds}, {"peak", a.peak},
                     {"wrong_scale", a.wrong_scale}, {"findings", a.findings}});
    if (args.json) continue;
    std::cout << fmt::format("{}: {} Hz, {} channel(s), {}, {:.3f} s, peak {:.4f}\n", item.path, a.sample_rate,
                             a.channels, a.is_float ? "32-bit float" : "16-bit PCM", a.seconds, a.peak);
    for (const auto& f : a.findings) std::cout << "  - " << f << "\n";
    if (a.findings.empty()) std::cout << "  - as the model expects\n";
  }
  if (audio_items == 0) Fail("{}: no WAV clip for the audio model {}", args.data, args.model);
  if (args.json) {
    std::cout << nlohmann::json{{"model", args.model}, {"sample_rate", spec.sample_rate}, {"window", spec.window},
                                {"clips", clips}, {"wrong_scale", wrong_scale}, {"resampled", resampled},
                                {"mixed", mixed}}
                     .dump(2)
              << "\n";
    return;
  }
  std::cout << fmt::format("\n{} clip(s): {} scaled wrong, {} resampled, {} mixed to mono\n", audio_items,
                           wrong_scale, resampled, mixed);
}

void Audit(const AuditArgs& args) {
  {
    const Model m = LoadModel(args.model);
    if (!DeclaredTokenizer(m).empty()) return AuditTextModel(args);
    if (auto audio = AudioSpecFor(m)) return AuditAudioModel(args, *audio);
  }
  Dataset dataset = OpenDataset(args.data);
  std::unique_ptr<ModelSession> ref;
  if (!args.reference.empty()) ref = std::make_unique<ModelSession>(args.reference);
  ModelSession model(args.model, ref ? &ref->expected() : nullptr);
  if (ref) ref->SetPartner(model.expected());
  if (!args.labels.empty()) model.SetLabels(ReadLabelsFile(args.labels), args.labels);
  AuditOptions opt;
  if (!args.declared.empty()) opt.declared = ReadPreprocessSpec(args.declared);
  opt.skip_bad = args.skip_bad;
  opt.progress = TerminalProgressBar("audit");
  AuditReport rep = AuditPreprocessing(model, ref.get(), dataset, opt);
  const auto& best = rep.ranking.at(0);

  if (args.json) {
    nlohmann::json j;
    j["model"] = args.model;
    j["data"] = {{"source", args.data}, {"kind", DatasetKindName(dataset.kind)}, {"items", rep.items},
                 {"labeled", rep.labeled}};
    if (ref) j["reference"] = args.reference;
    j["expected"] = {{"source", SpecSourceName(rep.expected.source)}, {"explanation", rep.expected.explanation},
                     {"spec", PreprocessSpecJson(rep.expected.spec)}};
    if (rep.declared) j["declared"] = {{"file", args.declared}, {"spec", PreprocessSpecJson(*rep.declared)}};
    nlohmann::json mm = nlohmann::json::array();
    for (const auto& m : rep.mismatches) mm.push_back({{"aspect", m.aspect}, {"sentence", m.sentence}});
    j["mismatches"] = mm;
    j["ranked_by"] = RankByName(rep.rank_by);
    bool labeled = rep.labeled > 0 && rep.class_scores, has_ref = ref != nullptr;
    j["class_scores"] = rep.class_scores;
    nlohmann::json ranking = nlohmann::json::array(), geometry = nlohmann::json::array();
    for (const auto& r : rep.ranking) ranking.push_back(ResultJson(r, labeled, has_ref));
    for (const auto& r : rep.geometry) geometry.push_back(ResultJson(r, labeled, has_ref));
    j["ranking"] = ranking;
    j["geometry"] = geometry;
    j["best"] = best.candidate.name;
    j["verdict"] = {{"kind", VerdictName(rep.verdict)}, {"sentence", rep.verdict_sentence}};
    j["expected_rank"] = rep.expected_rank;
    if (rep.declared) j["declared_rank"] = rep.declared_rank, j["loss"] = rep.loss, j["top1_loss"] = rep.top1_loss;
    nlohmann::json bad = nlohmann::json::array();
    for (const auto& b : rep.bad) bad.push_back({{"file", b.path}, {"error", b.error}});
    j["bad"] = bad;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "Model: " << args.model << "\n";
  std::cout << "Expected preprocessing (" << SpecSourceName(rep.expected.source) << "): " << rep.expected.explanation
            << "\n  pipeline: " << DescribeSpec(rep.expected.spec) << "\n";
  if (rep.declared) {
    std::cout << "Declared (" << args.declared << "): " << DescribeSpec(*rep.declared) << "\n";
    if (rep.mismatches.empty()) {
      std::cout << "  matches what the model expects.\n";
    } else {
      std::cout << "Mismatches:\n";
      for (const auto& m : rep.mismatches) std::cout << "  - " << m.sentence << "\n";
    }
  }
  bool labeled = rep.labeled > 0 && rep.class_scores, has_ref = ref != nullptr;
  std::cout << fmt::format("\nValue pipelines on {} items{}, ranked by {}:\n", rep.items,
                           labeled ? fmt::format(" ({} labeled)", rep.labeled) : "", RankByName(rep.rank_by));
  PrintTable(rep.ranking, labeled, has_ref, rep.class_scores, rep.rank_by, "expected");
  std::cout << "  (* a lead beyond the noise: its 95% bootstrap interval excludes 0)\n";
  if (!rep.verdict_sentence.empty()) std::cout << "\nVerdict: " << rep.verdict_sentence << "\n";
  std::cout << "\nBest: " << best.candidate.name << "\n  spec: " << PreprocessSpecJson(best.candidate.spec).dump()
            << "\n";
  if (rep.expected_rank)
    std::cout << "The expected pipeline ranks " << rep.expected_rank << " of " << rep.ranking.size() << ".\n";
  if (rep.declared) {
    const auto& d = rep.ranking.at(static_cast<size_t>(rep.declared_rank - 1));
    auto metric = [&](const AuditCandidateResult& r) {
      switch (rep.rank_by) {
        case RankBy::kAccuracy: return Percent(r.accuracy);
        case RankBy::kLabelProbability: return fmt::format("{:.3f}", r.label_prob);
        case RankBy::kAgreement: return Percent(r.agreement);
        case RankBy::kSqnr: return Db(r.sqnr_db);
        case RankBy::kConfidence: return fmt::format("{:.3f}", r.confidence);
      }
      return std::string();
    };
    std::cout << fmt::format("The declared pipeline ranks {} of {}: {} {} against {} for the best", rep.declared_rank,
                             rep.ranking.size(), RankByName(rep.rank_by), metric(d), metric(best));
    if (labeled)
      std::cout << fmt::format("; top-1 accuracy {} against {} ({:+.1f} points)", Percent(d.accuracy),
                               Percent(best.accuracy), -100 * rep.top1_loss);
    else if (has_ref && rep.class_scores)
      std::cout << fmt::format("; top-1 agreement {} against {} ({:+.1f} points)", Percent(d.agreement),
                               Percent(best.agreement), -100 * rep.top1_loss);
    std::cout << ".\n";
  }
  if (rep.geometry.size() > 1) {
    std::cout << "\nResize and crop, with the best value pipeline:\n";
    PrintTable(rep.geometry, labeled, has_ref, rep.class_scores, rep.rank_by, "best");
  }
  if (!rep.bad.empty()) {
    std::cout << fmt::format("Skipped {} items:\n", rep.bad.size());
    for (const auto& b : rep.bad) std::cout << "  " << b.path << ": " << b.error << "\n";
  }
}

void SetupAudit(CLI::App& app) {
  auto args = std::make_shared<AuditArgs>();
  auto* cmd = app.add_subcommand("audit-preprocessing",
                                 "Check a declared preprocessing against the model and search for the one that fits");
  cmd->add_option("MODEL", args->model, "the .tflite file")->required();
  cmd->add_option("--data", args->data, "a folder of files, a folder per class, or a CSV of path,label (text models: a CSV of text,label or a .txt of one text per line)")->required();
  cmd->add_option("--declared", args->declared, "the pipeline the app uses, as a JSON spec file");
  cmd->add_option("--reference", args->reference, "a reference model to rank pipelines by agreement with");
  cmd->add_option("--labels", args->labels, "labels file for MODEL's outputs (default: its metadata)");
  cmd->add_flag("--skip-bad", args->skip_bad, "go on without items that cannot be read (they are reported)");
  cmd->add_flag("--json", args->json, "print one JSON object");
  cmd->callback([args] { Audit(*args); });
}

}  // namespace

TFD_REGISTER_COMMAND(audit_preprocessing, SetupAudit);

}  // namespace tfd::cli
