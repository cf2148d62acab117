#include "report/doctor_html.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/doctor_report.h"

namespace tfd {
namespace {

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

const char* kStyle = R"(
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
#verdict{font-size:18px;font-weight:600;padding:12px 16px;border-radius:6px;background:#fdecea;border:1px solid #f5c2c0}
#verdict.clean{background:#e8f5e9;border-color:#b7dfb9}
.meta{color:#555;font-size:13px;margin:6px 0 0}
.cause{border:1px solid #ddd;border-left:6px solid #d9534f;border-radius:4px;padding:8px 14px;margin:10px 0}
.cause.compatibility{border-left-color:#8e44ad}.cause.quantization{border-left-color:#e67e22}.cause.preprocessing{border-left-color:#2980b9}
.cost{font-weight:600}.fix{background:#f6f8fa;padding:6px 10px;border-radius:4px;font-family:ui-monospace,monospace;font-size:13px;white-space:pre-wrap}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}.fails{color:#c0392b;font-weight:600}.runs{color:#27ae60;font-weight:600}
svg text{font-family:system-ui,sans-serif}.note{color:#555;font-size:13px}
)";

std::string CausesSection(const doctor::DoctorResult& r) {
  std::string h = "<h2>Causes, worst first</h2>\n";
  if (r.causes.empty()) h += "<p id=\"no-cause\">No cause found above the noise.</p>\n";
  for (size_t i = 0; i < r.causes.size(); ++i) {
    const auto& c = r.causes[i];
    h += fmt::format("<section class=\"cause {}\" id=\"cause-{}\" data-kind=\"{}\">\n<h3>{}. {}: {}</h3>\n", Esc(c.kind),
                     i + 1, Esc(c.kind), i + 1, Esc(c.kind), Esc(c.summary));
    h += "<p class=\"cost\">" +
         Esc(c.cost.hard_failure ? c.cost.sentence
                                 : fmt::format("Costs {:.1f} {} of {} (95% interval [{:.1f}, {:.1f}], {} items)",
                                               c.cost.points, c.cost.unit, c.cost.metric, c.cost.lo, c.cost.hi, c.cost.items)) +
         "</p>\n<ul>\n";
    for (const auto& e : c.evidence) h += "<li>" + Esc(e) + "</li>\n";
    h += "</ul>\n<div class=\"fix\">Fix: " + Esc(c.fix) + "</div>\n</section>\n";
  }
  if (!r.ruled_out.empty()) {
    h += "<h2>Ruled out</h2>\n<ul id=\"ruled-out\">\n";
    for (const auto& o : r.ruled_out)
      h += "<li data-kind=\"" + Esc(o.kind) + "\"><b>" + Esc(o.kind) + "</b>: " + Esc(o.measurement) + "</li>\n";
    h += "</ul>\n";
  }
  if (!r.undecided.empty()) {
    h += "<h2>Undecided</h2>\n<ul id=\"undecided\">\n";
    for (const auto& u : r.undecided)
      h += "<li><b>" + Esc(u.kind) + "</b>: " + Esc(u.reason) + "; give <code>" + Esc(u.give) + "</code></li>\n";
    h += "</ul>\n";
  }
  if (!r.notes.empty()) {
    h += "<h2>Notes</h2>\n<ul class=\"note\">\n";
    for (const auto& n : r.notes) h += "<li>" + Esc(n) + "</li>\n";
    h += "</ul>\n";
  }
  return h;
}

// Each layer's own error as a bar (noise-to-signal in dB: up is worse), its
// impact at the outputs as a dot; the worst suspects red and numbered.
std::string LayerChart(const std::vector<doctor::LayerError>& layers) {
  if (layers.empty()) return "";
  const double w = 1040, hgt = 300, left = 48, bottom = 40, top = 16;
  const double lo = -80, hi = 10;  // noise-to-signal range shown, dB
  const double plot_w = w - left - 10, plot_h = hgt - bottom - top;
  const double step = plot_w / static_cast<double>(layers.size());
  auto y = [&](double nsr_db) {
    const double v = std::clamp(nsr_db, lo, hi);
    return top + plot_h * (hi - v) / (hi - lo);
  };
  std::string s = fmt::format(
      "<h2>Error per layer</h2>\n<p class=\"note\">Bars: each layer's own error (run alone on the reference's inputs), "
      "as noise-to-signal in dB (-SQNR; higher is worse). Dots: that error alone carried to the outputs. Red, "
      "numbered: the worst suspects.</p>\n<svg id=\"layer-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
      "height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\">\n",
      w, hgt, w, hgt);
  for (double g = lo; g <= hi; g += 10)
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#eee\"/><text x=\"{}\" y=\"{:.1f}\" "
                     "font-size=\"10\" text-anchor=\"end\">{:.0f} dB</text>\n",
                     left, w - 10, y(g), y(g), left - 4, y(g) + 3, g);
  for (size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    const double x = left + step * static_cast<double>(i);
    const double nsr = l.own_measured ? -l.own_sqnr_db : -l.full_sqnr_db;
    const double y0 = y(lo), y1 = y(nsr);
    const bool worst = l.suspect_rank > 0;
    s += fmt::format(
        "<rect class=\"layer-bar{}\" data-layer=\"{}\" data-index=\"{}\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" "
        "height=\"{:.2f}\" fill=\"{}\"><title>{} ({}, node {}): own SQNR {}, full run {:.1f} dB{}</title></rect>\n",
        worst ? " worst" : "", Esc(l.tensor), i, x + step * 0.1, y1, std::max(step * 0.8, 0.5), std::max(y0 - y1, 0.5),
        worst ? "#d9534f" : "#7fa7d6", Esc(l.tensor), Esc(l.op), l.node,
        l.own_measured ? fmt::format("{:.1f} dB", l.own_sqnr_db) : std::string("not measured"), l.full_sqnr_db,
        l.impact_measured ? fmt::format(", alone at the outputs {:.1f} dB", l.impact_sqnr_db) : std::string());
    if (l.impact_measured)
      s += fmt::format("<circle class=\"impact-dot\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"2.5\" fill=\"#333\"/>\n",
                       x + step * 0.5, y(-l.impact_sqnr_db));
    if (worst)
      s += fmt::format("<text class=\"worst-label\" x=\"{:.2f}\" y=\"{:.2f}\" font-size=\"11\" text-anchor=\"middle\" "
                       "fill=\"#d9534f\">{}</text>\n",
                       x + step * 0.5, std::max(y1 - 4, top + 8), l.suspect_rank);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">layers in execution order ({})</text>\n",
                   left + plot_w / 2, hgt - 8, layers.size());
  s += "</svg>\n<table><tr><th>rank</th><th>tensor</th><th>op</th><th>own SQNR</th><th>at outputs</th><th>clipped</th></tr>\n";
  std::vector<const doctor::LayerError*> worst;
  for (const auto& l : layers)
    if (l.suspect_rank > 0) worst.push_back(&l);
  std::sort(worst.begin(), worst.end(), [](auto a, auto b) { return a->suspect_rank < b->suspect_rank; });
  for (const auto* l : worst)
    s += fmt::format("<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                     "<td class=\"num\">{:.2f}%</td></tr>\n",
                     l->suspect_rank, Esc(l->tensor), Esc(l->op),
                     l->own_measured ? fmt::format("{:.1f} dB", l->own_sqnr_db) : "-",
                     l->impact_measured ? fmt::format("{:.1f} dB", l->impact_sqnr_db) : "-", 100 * l->clipped_share);
  return s + "</table>\n";
}

std::string Histograms(const std::vector<doctor::RangeHistogram>& hs) {
  if (hs.empty()) return "";
  std::string s =
      "<h2>Ranges of the suspect layers</h2>\n<p class=\"note\">Float values the reference produced (bars) against the "
      "range the deployed tensor can represent (green band); values outside it are clipped.</p>\n";
  for (const auto& h : hs) {
    const double w = 500, hgt = 160, left = 10, right = 10, top = 10, bottom = 30;
    const double x0 = std::min(h.min, h.representable_min), x1 = std::max(h.max, h.representable_max);
    const double span = x1 > x0 ? x1 - x0 : 1;
    auto x = [&](double v) { return left + (w - left - right) * (v - x0) / span; };
    double peak = 1;
    for (double c : h.counts) peak = std::max(peak, c);
    s += fmt::format("<figure class=\"histogram\" data-tensor=\"{}\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
                     "height=\"{}\">\n",
                     Esc(h.tensor), w, hgt);
    s += fmt::format("<rect x=\"{:.2f}\" y=\"{}\" width=\"{:.2f}\" height=\"{}\" fill=\"#e8f5e9\"/>\n",
                     x(h.representable_min), top, std::max(x(h.representable_max) - x(h.representable_min), 1.0),
                     hgt - top - bottom);
    const double bw = (h.max - h.min) / static_cast<double>(std::max<size_t>(h.counts.size(), 1));
    for (size_t b = 0; b < h.counts.size(); ++b) {
      const double a = h.min + bw * static_cast<double>(b);
      const double bh = (hgt - top - bottom) * std::sqrt(h.counts[b] / peak);
      const bool out = a + bw < h.representable_min || a > h.representable_max;
      s += fmt::format("<rect class=\"hist-bin\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\"/>\n",
                       x(a), hgt - bottom - bh, std::max(x(a + bw) - x(a) - 0.5, 0.5), bh, out ? "#d9534f" : "#7fa7d6");
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\">{:.3g}</text><text x=\"{}\" y=\"{}\" font-size=\"10\" "
                     "text-anchor=\"end\">{:.3g}</text>\n",
                     left, hgt - 12, x0, w - right, hgt - 12, x1);
    s += fmt::format("</svg><figcaption>{}: values seen [{:.4g}, {:.4g}], representable [{:.4g}, {:.4g}], clipped {:.2f}% "
                     "(bar heights: square root of the counts)</figcaption></figure>\n",
                     Esc(h.tensor), h.min, h.max, h.representable_min, h.representable_max, 100 * h.clipped_share);
  }
  return s;
}

std::string Preprocessing(const doctor::DoctorResult& r) {
  if (r.preprocessing.empty()) return "";
  std::string s = "<h2>Preprocessing candidates, ranked</h2>\n<p class=\"note\">By " + Esc(r.preprocessing_metric) +
                  " on the data, with its 95% bootstrap interval.</p>\n<table id=\"preprocessing\"><tr><th>rank</th>"
                  "<th>pipeline</th><th>score</th><th>95%</th><th></th><th></th></tr>\n";
  double top = 0;
  for (const auto& c : r.preprocessing) top = std::max(top, c.hi);
  for (const auto& c : r.preprocessing) {
    const double bar = top > 0 && c.ok ? 160 * std::max(c.score, 0.0) / top : 0;
    s += fmt::format("<tr class=\"candidate\"><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{:.3f}</td>"
                     "<td class=\"num\">[{:.3f}, {:.3f}]</td><td><svg width=\"164\" height=\"10\"><rect width=\"{:.1f}\" "
                     "height=\"10\" fill=\"{}\"/></svg></td><td>{}</td></tr>\n",
                     c.rank, Esc(c.name), c.score, c.lo, c.hi, bar, c.declared ? "#d9534f" : "#7fa7d6",
                     !c.ok ? "failed" : c.declared && c.expected ? "declared, expected" : c.declared ? "declared"
                                                                     : c.expected ? "expected" : "");
  }
  return s + "</table>\n";
}

std::string ConfusionTable(const doctor::Confusion& c) {
  std::string s = fmt::format(
      "<h2>Reference vs deployed top-1</h2>\n<p class=\"note\">{} of {} items agree. Rows: the reference's top-1; "
      "columns: the deployed model's.</p>\n<table id=\"confusion\"><tr><th></th>",
      c.agree, c.items);
  for (const auto& k : c.classes) s += "<th>" + Esc(k) + "</th>";
  s += "</tr>\n";
  size_t peak = 1;
  for (const auto& row : c.counts)
    for (size_t v : row) peak = std::max(peak, v);
  for (size_t i = 0; i < c.classes.size(); ++i) {
    s += "<tr><th>" + Esc(c.classes[i]) + "</th>";
    for (size_t j = 0; j < c.classes.size(); ++j) {
      const size_t v = c.counts[i][j];
      const int shade = static_cast<int>(255 - 140 * static_cast<double>(v) / static_cast<double>(peak));
      s += fmt::format("<td class=\"num\" style=\"background:rgb({},{},255)\">{}</td>", shade, shade, v ? std::to_string(v) : "");
    }
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

std::string SchemesTable(const tradeoffs::TradeoffsResult& t) {
  std::string s = "<h2>Quantization schemes</h2>\n<p class=\"note\">From the float model by tflite-doctor's quantizer, "
                  "measured on the same items against it (budget: " +
                  Esc(t.budget.Describe()) + ").</p>\n<table id=\"schemes\"><tr><th>scheme</th><th>size</th>"
                  "<th>output SQNR</th><th>top-1 agreement</th><th>within budget</th></tr>\n";
  for (const auto& row : SchemeRows(t)) {
    if (row[1].empty()) {
      s += fmt::format("<tr class=\"scheme\"><td>{}</td><td colspan=\"4\">{}</td></tr>\n", Esc(row[0]), Esc(row[4]));
      continue;
    }
    s += fmt::format("<tr class=\"scheme\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
                     "class=\"num\">{}</td><td>{}</td></tr>\n",
                     Esc(row[0]), Esc(row[1]), Esc(row[2]), Esc(row[3]), Esc(row[4]));
  }
  s += "</table>\n";
  if (!t.recommendation.reason.empty()) s += "<p>" + Esc(t.recommendation.reason) + "</p>\n";
  return s;
}

std::string CheckTable(const std::vector<doctor::TargetRow>& rows) {
  if (rows.empty()) return "";
  std::string s = "<h2>Check per target</h2>\n<table id=\"check\"><tr><th>target</th><th>verdict</th><th>ops</th>"
                  "<th>partitions</th><th>errors</th><th>warnings</th></tr>\n";
  for (const auto& t : rows) {
    std::string errors, warnings;
    for (const auto& e : t.errors) errors += Esc(e) + "<br>";
    for (size_t i = 0; i < t.warnings.size() && i < 5; ++i) warnings += Esc(t.warnings[i]) + "<br>";
    if (t.warnings.size() > 5) warnings += fmt::format("and {} more", t.warnings.size() - 5);
    s += fmt::format("<tr class=\"target\" data-target=\"{}\"><td>{}</td><td class=\"{}\">{}</td><td class=\"num\">{} of {} "
                     "{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
                     Esc(t.target), Esc(t.target), t.runs ? "runs" : "fails", t.runs ? "runs" : "FAILS", t.taken_ops,
                     t.total_ops, t.kind == "delegate" ? "delegated" : "with kernels", t.partitions, errors, warnings);
  }
  return s + "</table>\n";
}

}  // namespace

std::string DoctorHtml(const doctor::DoctorResult& r) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                  "img-src data:\">\n<title>tflite-doctor: " +
                  Esc(r.deployed) + "</title>\n<style>" + kStyle + "</style></head><body>\n";
  h += "<h1>tflite-doctor doctor</h1>\n";
  h += fmt::format("<div id=\"verdict\"{}>{}</div>\n", r.causes.empty() ? " class=\"clean\"" : "", Esc(r.verdict));
  h += "<p class=\"meta\">Deployed: " + Esc(r.deployed) + "<br>Reference: " + Esc(r.reference);
  if (!r.data.empty()) h += fmt::format("<br>Data: {} ({} items)", Esc(r.data), r.items);
  h += "</p>\n";
  h += CausesSection(r);
  if (!r.outputs.empty()) {
    h += "<h2>Outputs</h2>\n<table id=\"outputs\">";
    for (const auto& f : r.outputs)
      h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>", Esc(f.name),
                       f.unit == "share" ? fmt::format("{:.1f}%", 100 * f.value) : fmt::format("{:.2f} {}", f.value, Esc(f.unit)));
    h += "</table>\n";
  }
  h += LayerChart(r.layers);
  h += Histograms(r.histograms);
  h += Preprocessing(r);
  if (r.confusion) h += ConfusionTable(*r.confusion);
  if (r.tradeoffs) h += SchemesTable(*r.tradeoffs);
  h += CheckTable(r.targets);
  if (!r.fixes_written.empty() || !r.manual_fixes.empty()) {
    h += "<h2>Fixes</h2>\n<ul id=\"fixes\">";
    for (const auto& f : r.fixes_written) h += "<li>written: <code>" + Esc(f) + "</code></li>";
    for (const auto& f : r.manual_fixes) h += "<li>to change by hand: " + Esc(f) + "</li>";
    h += "</ul>\n";
  }
  std::string times;
  for (const auto& [step, sec] : r.timings) times += fmt::format("{}{} {:.1f} s", times.empty() ? "" : ", ", step, sec);
  h += "<p class=\"note\">Time: " + Esc(times) + "</p>\n</body></html>\n";
  return h;
}

}  // namespace tfd
