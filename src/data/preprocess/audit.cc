#include "data/preprocess/audit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "data/preprocess/candidate_scores.h"
#include "graph/dtype.h"
#include "util/error.h"

namespace tfd {

namespace {

std::string G(double v) { return fmt::format("{:.3g}", std::abs(v) < 5e-4 ? 0.0 : v); }

Layout LayoutOf(const PreprocessSpec& s, const InputTarget& t) { return s.layout.value_or(t.layout); }

bool SameValues(const PreprocessSpec& a, const PreprocessSpec& b, const InputTarget& t) {
  // The real values the model receives, compared across the pixel range
  // (not only at the ends, which clamping can make equal).
  for (int c = 0; c < std::max(1, t.channels); ++c) {
    auto [blo, bhi] = RealRange(b, t, c);
    double tol = 0.02 * std::max(std::abs(bhi - blo), 1e-6);
    if (t.quantization && t.dtype != DType::FLOAT32) tol = std::max(tol, 1.01 * t.quantization->scale);
    for (int p = 0; p <= 256; p += 32) {
      double px = std::min(p, 255);
      if (std::abs(RealValue(a, t, c, px) - RealValue(b, t, c, px)) > tol) return false;
    }
  }
  return true;
}

bool SameGeometry(const PreprocessSpec& a, const PreprocessSpec& b) {
  return a.resize == b.resize && a.coordinates == b.coordinates && a.fit == b.fit &&
         a.crop_fraction == b.crop_fraction && (a.fit != Fit::kPad || a.pad_value == b.pad_value);
}

std::string GeometryPhrase(const PreprocessSpec& s) {
  std::string out = ResizeMethodName(s.resize) + " (" + ResizeCoordinatesName(s.coordinates) + ")";
  if (s.fit == Fit::kCenterCrop) out += ", center crop";
  if (s.fit == Fit::kPad) out += ", padded to aspect";
  if (s.crop_fraction != 1.0f) out += fmt::format(", central {:g}", s.crop_fraction);
  return out;
}

std::string SourcePhrase(const ExpectedPreprocessing& e) {
  switch (e.source) {
    case SpecSource::kMetadata: return "TFLite metadata";
    case SpecSource::kQuantization: return "its input quantization";
    case SpecSource::kReference: return "the reference model";
    default: return "a guess";
  }
}

std::optional<QuantParams> QuantOf(const PreprocessSpec& s, const InputTarget& t) {
  return s.quantize_with_input ? t.quantization : s.quantization;
}

int Differences(const PreprocessSpec& s, const ExpectedPreprocessing& e) {
  const InputTarget& t = e.target;
  int n = 0;
  if (!SameValues(s, e.spec, t)) ++n;
  if (t.channels >= 3 && s.channel_order != e.spec.channel_order) ++n;
  if (t.channels > 1 && LayoutOf(s, t) != LayoutOf(e.spec, t)) ++n;
  if (s.resize != e.spec.resize || s.coordinates != e.spec.coordinates) ++n;
  if (s.fit != e.spec.fit || s.crop_fraction != e.spec.crop_fraction) ++n;
  return n;
}

}  // namespace

std::string RankByName(RankBy r) {
  switch (r) {
    case RankBy::kAccuracy: return "top-1 accuracy";
    case RankBy::kLabelProbability: return "mean probability of the label";
    case RankBy::kAgreement: return "top-1 agreement with the reference";
    case RankBy::kSqnr: return "output SQNR against the reference";
    case RankBy::kConfidence: return "mean confidence";
  }
  return "?";
}

std::string ValuesPhrase(const PreprocessSpec& spec, const InputTarget& t) {
  auto first = RealRange(spec, t, 0);
  bool uniform = true;
  for (int c = 1; c < t.channels; ++c) {
    auto r = RealRange(spec, t, c);
    if (std::abs(r.first - first.first) > 1e-4 || std::abs(r.second - first.second) > 1e-4) uniform = false;
  }
  if (uniform) return "[" + G(first.first) + "," + G(first.second) + "]";
  return DescribeValues(spec);
}

std::vector<SpecDifference> CompareSpecs(const PreprocessSpec& d, const ExpectedPreprocessing& e) {
  std::vector<SpecDifference> out;
  const InputTarget& t = e.target;
  const PreprocessSpec& x = e.spec;
  if (!t.image_like) return out;
  // Type and quantization.
  bool int_target = t.dtype != DType::FLOAT32;
  auto dq = QuantOf(d, t);
  if (d.dtype && *d.dtype != t.dtype) {
    if (*d.dtype == DType::FLOAT32 && int_target)
      out.push_back({"dtype", fmt::format("the pipeline produces float32 values but the model's input is {}{}: the "
                                          "values would have to be quantized, and are cast instead",
                                          DTypeName(t.dtype),
                                          t.quantization ? fmt::format(" (scale {:g}, zero point {})",
                                                                       t.quantization->scale, t.quantization->zero_point)
                                                         : "")});
    else
      out.push_back({"dtype", fmt::format("the pipeline produces {} but the model's input is {}", DTypeName(*d.dtype),
                                          DTypeName(t.dtype))});
  }
  bool same_values = SameValues(d, x, t);
  if (int_target && t.quantization && !same_values) {
    if (!dq)
      out.push_back({"quantization", fmt::format("values are cast to {} without the input's quantization (scale {:g}, "
                                                 "zero point {})",
                                                 DTypeName(t.dtype), t.quantization->scale, t.quantization->zero_point)});
    else if (dq && !(*dq == *t.quantization))
      out.push_back({"quantization", fmt::format("values are quantized with scale {:g} and zero point {}; the input's "
                                                 "quantization is scale {:g}, zero point {}",
                                                 dq->scale, dq->zero_point, t.quantization->scale,
                                                 t.quantization->zero_point)});
  }
  // Values.
  if (e.source == SpecSource::kDefault) {
    out.push_back({"values", "the model does not say what values it expects (float input, no metadata, no "
                             "reference): see the data-driven ranking"});
  } else if (!same_values) {
    std::string fed = DescribeValues(d);
    std::string sentence = "inputs are scaled to " + fed;
    std::string seen = ValuesPhrase(d, t);
    if (int_target && seen != fed) sentence += " and reach the model as " + seen;
    sentence += "; the model expects " + ValuesPhrase(x, t) + " (" + SourcePhrase(e) + ")";
    if (d.mean.empty() && !x.mean.empty() && d.range == x.range) sentence += "; no mean/std normalization is applied";
    out.push_back({"values", sentence});
  }
  if (t.channels >= 3 && d.channel_order != x.channel_order)
    out.push_back({"channel_order", "channels are fed in " + ChannelOrderName(d.channel_order) +
                                        " order; the model expects " + ChannelOrderName(x.channel_order)});
  if (t.channels > 1 && LayoutOf(d, t) != t.layout)
    out.push_back({"layout", "pixels are laid out " + LayoutName(LayoutOf(d, t)) + "; the model's input " +
                                 ShapeString(t.shape) + " is " + LayoutName(t.layout)});
  if (d.size && ((*d.size)[0] != t.height || (*d.size)[1] != t.width))
    out.push_back({"size", fmt::format("images are resized to {}x{}; the model's input is {}x{}", (*d.size)[0],
                                       (*d.size)[1], t.height, t.width)});
  if (d.fit != x.fit || d.crop_fraction != x.crop_fraction) {
    auto fit = [](const PreprocessSpec& s) {
      std::string f = s.fit == Fit::kStretch ? "the whole image stretched to the input"
                      : s.fit == Fit::kCenterCrop ? "a centre crop at the input's aspect ratio"
                                                  : "the image padded to the input's aspect ratio";
      if (s.crop_fraction != 1.0f) f += fmt::format(" (central {:g} first)", s.crop_fraction);
      return f;
    };
    out.push_back({"fit", "the pipeline feeds " + fit(d) + "; the expected pipeline (TFLite Task Library) feeds " +
                              fit(x)});
  }
  if (d.resize != x.resize || d.coordinates != x.coordinates)
    out.push_back({"resize", "images are resized with " + GeometryPhrase(d) + "; the expected pipeline uses " +
                                 ResizeMethodName(x.resize) + " (" + ResizeCoordinatesName(x.coordinates) + ")"});
  return out;
}

std::vector<AuditCandidate> ValueCandidates(const ExpectedPreprocessing& e,
                                            const std::optional<PreprocessSpec>& declared) {
  const InputTarget& t = e.target;
  std::vector<AuditCandidate> out;
  auto add = [&](AuditCandidate c) {
    c.differences = Differences(c.spec, e);
    for (auto& o : out) {
      if (SameValues(o.spec, c.spec, t) && (t.channels < 3 || o.spec.channel_order == c.spec.channel_order) &&
          (t.channels < 2 || LayoutOf(o.spec, t) == LayoutOf(c.spec, t)) && SameGeometry(o.spec, c.spec) &&
          (!o.declared || !c.declared)) {
        if (c.declared && !o.declared) {
          // Keep the declared spec exactly as declared.
          c.expected = o.expected;
          c.name = o.name + " = " + c.name;
          o = c;
          return;
        }
        o.declared |= c.declared;
        o.expected |= c.expected;
        if (o.name.find(c.name) == std::string::npos && !c.name.empty()) o.name += " = " + c.name;
        return;
      }
    }
    out.push_back(std::move(c));
  };
  auto named = [&](const PreprocessSpec& s) {
    std::string n = DescribeValues(s);
    if (t.dtype != DType::FLOAT32 && !QuantOf(s, t)) n += " cast";
    if (t.channels >= 3) n += " " + ChannelOrderName(s.channel_order);
    if (t.channels > 1) n += " " + LayoutName(LayoutOf(s, t));
    return n;
  };
  {
    AuditCandidate c{"expected: " + named(e.spec), e.spec, false, true, 0};
    add(c);
  }
  if (declared) {
    AuditCandidate c{"declared: " + named(*declared), *declared, true, false, 0};
    add(c);
  }
  if (!t.image_like) return out;
  struct V {
    std::array<float, 2> range;
    std::vector<float> mean, std;
  };
  const std::vector<V> values = {{{0, 1}, {}, {}},
                                 {{-1, 1}, {}, {}},
                                 {{0, 255}, {}, {}},
                                 {{0, 1}, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}},
                                 {{0, 255}, {127.5f}, {127.5f}}};
  std::vector<ChannelOrder> orders = {ChannelOrder::kRGB};
  if (t.channels >= 3) orders.push_back(ChannelOrder::kBGR);
  std::vector<Layout> layouts = {t.layout};
  if (t.channels > 1) layouts.push_back(t.layout == Layout::kNHWC ? Layout::kNCHW : Layout::kNHWC);
  bool int_target = t.dtype != DType::FLOAT32;
  for (Layout l : layouts)
    for (ChannelOrder o : orders) {
      std::vector<PreprocessSpec> specs;
      for (const V& v : values) {
        PreprocessSpec s = e.spec;  // expected geometry
        s.range = v.range;
        s.mean = v.mean;
        s.std = v.std;
        s.channel_order = o;
        s.layout = l;
        s.quantization.reset();
        s.quantize_with_input = int_target && t.quantization.has_value();
        specs.push_back(s);
      }
      if (int_target) {  // raw pixels, cast
        PreprocessSpec s = e.spec;
        s.range = {0, 255};
        s.mean.clear();
        s.std.clear();
        s.channel_order = o;
        s.layout = l;
        s.quantization.reset();
        s.quantize_with_input = false;
        specs.push_back(s);
      }
      for (auto& s : specs) add({named(s), s, false, false, 0});
    }
  return out;
}

std::vector<AuditCandidate> GeometryCandidates(const AuditCandidate& base, const ExpectedPreprocessing& e) {
  std::vector<AuditCandidate> out;
  if (!e.target.image_like) return out;
  struct Geo {
    ResizeMethod m;
    ResizeCoordinates c;
    Fit fit;
    float crop;
  };
  const Geo geos[] = {{ResizeMethod::kBilinear, ResizeCoordinates::kHalfPixel, Fit::kStretch, 1.0f},
                      {ResizeMethod::kBilinear, ResizeCoordinates::kAlignCorners, Fit::kStretch, 1.0f},
                      {ResizeMethod::kBilinear, ResizeCoordinates::kAsymmetric, Fit::kStretch, 1.0f},
                      {ResizeMethod::kBilinear, ResizeCoordinates::kPil, Fit::kStretch, 1.0f},
                      {ResizeMethod::kNearest, ResizeCoordinates::kHalfPixel, Fit::kStretch, 1.0f},
                      {ResizeMethod::kNearest, ResizeCoordinates::kAsymmetric, Fit::kStretch, 1.0f},
                      {ResizeMethod::kArea, ResizeCoordinates::kHalfPixel, Fit::kStretch, 1.0f},
                      {ResizeMethod::kBilinear, ResizeCoordinates::kHalfPixel, Fit::kCenterCrop, 1.0f},
                      {ResizeMethod::kBilinear, ResizeCoordinates::kHalfPixel, Fit::kCenterCrop, 0.875f}};
  for (const Geo& g : geos) {
    AuditCandidate c = base;
    c.declared = c.expected = false;
    c.spec.resize = g.m;
    c.spec.coordinates = g.c;
    c.spec.fit = g.fit;
    c.spec.crop_fraction = g.crop;
    if (SameGeometry(c.spec, base.spec)) continue;
    std::string name = base.name;
    for (const char* prefix : {"expected: ", "declared: "})
      if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
    size_t eq = name.find(" = ");
    if (eq != std::string::npos) name = name.substr(0, eq);
    c.name = name + ", " + GeometryPhrase(c.spec);
    c.differences = Differences(c.spec, e);
    out.push_back(std::move(c));
  }
  return out;
}

std::string VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kExpectedBest: return "expected_best";
    case Verdict::kInconclusive: return "inconclusive";
    case Verdict::kExpectedBeaten: return "expected_beaten";
    case Verdict::kNoExpectation: return "no_expectation";
  }
  return "?";
}

namespace {

AuditCandidateResult Result(const AuditCandidate& c, CandidateScores&& s, RankBy rank_by) {
  AuditCandidateResult r;
  r.candidate = c;
  r.ok = s.ok;
  r.error = s.error;
  r.items = s.items;
  r.accuracy = s.accuracy, r.label_prob = s.label_prob, r.confidence = s.confidence;
  r.agreement = s.agreement, r.sqnr_db = s.sqnr_db;
  if (s.labeled) r.accuracy /= s.labeled, r.label_prob /= s.labeled;
  if (s.items) r.confidence /= s.items, r.agreement /= s.items, r.sqnr_db /= s.items;
  switch (rank_by) {
    case RankBy::kAccuracy: r.primary = r.accuracy, r.secondary = r.label_prob, r.boot = std::move(s.boot_accuracy); break;
    case RankBy::kLabelProbability:
      r.primary = r.label_prob, r.secondary = r.accuracy, r.boot = std::move(s.boot_label_prob);
      break;
    case RankBy::kAgreement: r.primary = r.agreement, r.secondary = r.sqnr_db, r.boot = std::move(s.boot_agreement); break;
    case RankBy::kSqnr: r.primary = r.sqnr_db, r.secondary = r.agreement, r.boot = std::move(s.boot_sqnr_db); break;
    case RankBy::kConfidence: r.primary = r.confidence, r.boot = std::move(s.boot_confidence); break;
  }
  r.spread = r.boot.Spread();
  return r;
}

// Each result's lead over `incumbent` and its spread.
void Leads(std::vector<AuditCandidateResult>& results, const AuditCandidateResult& incumbent) {
  for (auto& r : results) {
    r.lead = r.primary - incumbent.primary;
    r.lead_spread = r.boot.DifferenceSpread(incumbent.boot);
    r.significant = r.ok && incumbent.ok && (r.lead_spread.lo > 0 || r.lead_spread.hi < 0);
  }
}

// Sorted by `better`, except that what does not beat the incumbent
// significantly ranks after it.
template <typename Better>
void RankAgainst(std::vector<AuditCandidateResult>& results, size_t incumbent, const Better& better) {
  const AuditCandidateResult inc = results[incumbent];
  Leads(results, inc);
  std::vector<AuditCandidateResult> above, rest;
  for (size_t i = 0; i < results.size(); ++i) {
    if (i == incumbent) continue;
    auto& r = results[i];
    (r.ok && inc.ok && r.significant && r.lead > 0 ? above : rest).push_back(std::move(r));
  }
  std::stable_sort(above.begin(), above.end(), better);
  std::stable_sort(rest.begin(), rest.end(), better);
  results.clear();
  for (auto& r : above) results.push_back(std::move(r));
  results.push_back(inc);
  for (auto& r : rest) results.push_back(std::move(r));
}

std::string Figure(double v, RankBy by) {
  if (by == RankBy::kSqnr) return fmt::format("{:.1f} dB", v);
  if (by == RankBy::kAccuracy || by == RankBy::kAgreement) return fmt::format("{:.1f} points", 100 * v);
  return fmt::format("{:.3f}", v);
}

std::string IntervalPhrase(const Interval& i, RankBy by) {
  return fmt::format("95% interval {} to {}", Figure(i.lo, by), Figure(i.hi, by));
}

}  // namespace

AuditReport AuditPreprocessing(ModelSession& model, ModelSession* reference, const Dataset& dataset,
                               const AuditOptions& options) {
  AuditReport rep;
  rep.expected = model.expected();
  rep.declared = options.declared;
  if (options.declared) rep.mismatches = CompareSpecs(*options.declared, rep.expected);

  std::vector<AuditCandidate> cands = ValueCandidates(rep.expected, options.declared);
  std::vector<PreprocessSpec> specs;
  for (const auto& c : cands) specs.push_back(c.spec);
  ScoringOptions so;
  so.skip_bad = options.skip_bad;
  so.progress = options.progress;
  ScoringPass pass = ScoreCandidates(model, reference, dataset, specs, so);
  rep.bad = pass.unreadable;
  rep.bad.insert(rep.bad.end(), pass.reference_failed.begin(), pass.reference_failed.end());
  if (pass.decoded == 0) Fail("{}: no usable items", dataset.source);
  rep.labeled = pass.labeled;
  rep.class_scores = model.output_is_class_scores();
  if (!rep.class_scores && reference)
    rep.rank_by = RankBy::kSqnr;
  else if (rep.labeled)
    rep.rank_by = rep.labeled >= kMinItemsForTop1 ? RankBy::kAccuracy : RankBy::kLabelProbability;
  else if (reference)
    rep.rank_by = pass.usable >= kMinItemsForTop1 ? RankBy::kAgreement : RankBy::kSqnr;
  else
    rep.rank_by = RankBy::kConfidence;

  auto better = [&](const AuditCandidateResult& a, const AuditCandidateResult& b) {
    if (a.ok != b.ok) return a.ok;
    // Differences below the metric's resolution on this data are ties, so
    // that float noise never beats the model's own expectation.
    double res = rep.rank_by == RankBy::kSqnr ? 0.1 : 1e-3;
    double pa = std::round(a.primary / res), pb = std::round(b.primary / res);
    if (pa != pb) return pa > pb;
    double sres = rep.rank_by == RankBy::kAgreement ? 0.5 : 1e-3;
    double qa = std::round(a.secondary / sres), qb = std::round(b.secondary / sres);
    if (qa != qb) return qa > qb;
    if (a.candidate.differences != b.candidate.differences) return a.candidate.differences < b.candidate.differences;
    return a.candidate.name < b.candidate.name;
  };
  std::vector<AuditCandidateResult> results;
  for (size_t i = 0; i < cands.size(); ++i) results.push_back(Result(cands[i], std::move(pass.scores[i]), rep.rank_by));
  std::sort(results.begin(), results.end(), better);

  // The expected pipeline is kept first unless the data shows, beyond its
  // noise, that another does better.
  const bool prior = rep.expected.values_known();
  size_t expected_at = results.size();
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].candidate.expected && expected_at == results.size()) expected_at = i;
  const std::string what = rep.expected.source == SpecSource::kMetadata ? "the metadata's pipeline"
                                                                         : "the expected pipeline (" + SourcePhrase(rep.expected) + ")";
  if (expected_at < results.size() && results[expected_at].ok) {
    const AuditCandidateResult top_by_score = results[0];
    RankAgainst(results, expected_at, better);
    if (!prior) {
      // Nothing to keep: the ranking is by score alone.
      std::sort(results.begin(), results.end(), better);
      rep.verdict = Verdict::kNoExpectation;
    } else if (!results[0].candidate.expected) {
      rep.verdict = Verdict::kExpectedBeaten;
      rep.verdict_sentence = fmt::format("'{}' beats {} by {} of {} ({} over {} items): the data contradicts {}",
                                         results[0].candidate.name, what, Figure(results[0].lead, rep.rank_by),
                                         RankByName(rep.rank_by), IntervalPhrase(results[0].lead_spread, rep.rank_by),
                                         pass.usable, what);
    } else if (!top_by_score.candidate.expected) {
      rep.verdict = Verdict::kInconclusive;
      const AuditCandidateResult* leader = nullptr;
      for (const auto& r : results)
        if (r.candidate.name == top_by_score.candidate.name) leader = &r;
      rep.verdict_sentence = fmt::format(
          "inconclusive, keep {}: '{}' leads it by {} of {}, within the noise ({} over {} items)", what,
          leader->candidate.name, Figure(leader->lead, rep.rank_by), RankByName(rep.rank_by),
          IntervalPhrase(leader->lead_spread, rep.rank_by), pass.usable);
    } else {
      rep.verdict = Verdict::kExpectedBest;
      if (results.size() > 1 && results[1].ok) {
        const auto& second = results[1];
        rep.verdict_sentence = fmt::format(
            "{} scores best; the runner-up '{}' trails it by {} of {} ({} over {} items): {}", what,
            second.candidate.name, Figure(-second.lead, rep.rank_by), RankByName(rep.rank_by),
            IntervalPhrase({-second.lead_spread.hi, -second.lead_spread.lo}, rep.rank_by), pass.usable,
            second.significant ? "a significant margin" : "within the noise");
      } else {
        rep.verdict_sentence = what + " scores best";
      }
    }
  } else {
    rep.verdict = Verdict::kNoExpectation;
  }
  if (rep.verdict == Verdict::kNoExpectation && results.size() > 1 && results[0].ok && results[1].ok) {
    Interval d = results[0].boot.DifferenceSpread(results[1].boot);
    bool significant = d.lo > 0;
    const bool failed = prior && expected_at < results.size();  // the expected pipeline could not run
    rep.verdict_sentence = fmt::format(
        "{}; '{}' leads '{}' by {} of {} ({} over {} items): {}",
        failed ? "the expected pipeline could not run on these items" : "the model does not say what it expects",
        results[0].candidate.name, results[1].candidate.name, Figure(results[0].primary - results[1].primary, rep.rank_by),
        RankByName(rep.rank_by), IntervalPhrase(d, rep.rank_by), pass.usable,
        significant ? "a significant margin" : "within the noise, inconclusive");
  }
  for (size_t i = 0; i < results.size(); ++i) {
    results[i].rank = static_cast<int>(i + 1);
    if (results[i].candidate.declared && !rep.declared_rank) rep.declared_rank = results[i].rank;
    if (results[i].candidate.expected && !rep.expected_rank) rep.expected_rank = results[i].rank;
  }
  rep.items = pass.decoded;
  if (rep.declared_rank) {
    const auto& d = results[static_cast<size_t>(rep.declared_rank - 1)];
    rep.loss = results[0].primary - d.primary;
    rep.top1_loss = !rep.class_scores ? 0
                    : rep.labeled     ? results[0].accuracy - d.accuracy
                    : reference       ? results[0].agreement - d.agreement
                                      : 0;
  }
  // Geometry variants around the first value pipeline, in a second pass
  // over the items (the first had to finish to know which pipeline that is).
  if (!results.empty() && results[0].ok) {
    std::vector<AuditCandidate> geometry = GeometryCandidates(results[0].candidate, rep.expected);
    std::vector<PreprocessSpec> gspecs;
    for (const auto& c : geometry) gspecs.push_back(c.spec);
    ScoringOptions go;
    go.skip_bad = true;  // bad items were dealt with in the first pass
    go.left_out = &pass.left_out;
    go.progress = options.progress;
    ScoringPass gpass = ScoreCandidates(model, reference, dataset, gspecs, go);
    rep.geometry.push_back(results[0]);
    for (size_t i = 0; i < geometry.size(); ++i)
      rep.geometry.push_back(Result(geometry[i], std::move(gpass.scores[i]), rep.rank_by));
    std::stable_sort(rep.geometry.begin(), rep.geometry.end(), better);
    size_t base = 0;
    for (size_t i = 0; i < rep.geometry.size(); ++i)
      if (rep.geometry[i].candidate.name == results[0].candidate.name) base = i;
    RankAgainst(rep.geometry, base, better);
    for (size_t i = 0; i < rep.geometry.size(); ++i) rep.geometry[i].rank = static_cast<int>(i + 1);
  }
  rep.ranking = std::move(results);
  return rep;
}

}  // namespace tfd
