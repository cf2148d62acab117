#include "data/detection/detector_outputs.h"

#include <algorithm>

#include "format/metadata.h"
#include "util/error.h"

namespace tfd {
namespace {

const Tensor& OutputTensor(const Model& m, size_t i) {
  const Subgraph& g = m.main();
  return g.tensors[static_cast<size_t>(g.outputs[i])];
}

// Element count of a shape without its leading 1s; -1 for dynamic dims.
int64_t Elements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) {
    if (d < 0) return -1;
    n *= d;
  }
  return n;
}

bool IsBoxes(const std::vector<int32_t>& s) { return s.size() == 3 && s[0] == 1 && s[2] == 4 && s[1] > 0; }
bool IsPerDetection(const std::vector<int32_t>& s, int n) { return s.size() == 2 && s[0] == 1 && s[1] == n; }
bool IsCount(const std::vector<int32_t>& s) { return Elements(s) == 1; }

// The shapes must be a detector's whichever way the outputs were found;
// TFLite_Detection_PostProcess leaves its output shapes to run time (the
// file stores them empty), and unknown shapes pass.
bool ShapesFit(const Model& m, const DetectorOutputs& d) {
  const auto& b = OutputTensor(m, d.boxes).shape;
  const auto& c = OutputTensor(m, d.classes).shape;
  const auto& s = OutputTensor(m, d.scores).shape;
  const auto& n = OutputTensor(m, d.count).shape;
  if (b.empty() && c.empty() && s.empty() && n.empty()) return true;
  if (!IsBoxes(b)) return false;
  return IsPerDetection(c, b[1]) && IsPerDetection(s, b[1]) && IsCount(n);
}

std::optional<DetectorOutputs> ByMetadataNames(const std::vector<OutputTaskMetadata>& md) {
  DetectorOutputs d;
  int found = 0;
  for (size_t i = 0; i < md.size(); ++i) {
    const std::string& n = md[i].name;
    if (n == "location") d.boxes = i, ++found;
    else if (n == "category") d.classes = i, ++found;
    else if (n == "score") d.scores = i, ++found;
    else if (n == "number of detections") d.count = i, ++found;
  }
  if (found != 4) return std::nullopt;
  d.found_by = "metadata";
  return d;
}

std::optional<DetectorOutputs> ByPostProcessNode(const Model& m) {
  const Subgraph& g = m.main();
  for (const Operator& op : g.operators) {
    const OpCode& code = m.op_code(op);
    if (code.custom_code != "TFLite_Detection_PostProcess" || op.outputs.size() != 4) continue;
    // Its outputs are boxes, classes, scores, count, in that order.
    std::array<size_t, 4> pos{};
    for (size_t k = 0; k < 4; ++k) {
      auto it = std::find(g.outputs.begin(), g.outputs.end(), op.outputs[k]);
      if (it == g.outputs.end()) return std::nullopt;
      pos[k] = static_cast<size_t>(it - g.outputs.begin());
    }
    DetectorOutputs d;
    d.boxes = pos[0], d.classes = pos[1], d.scores = pos[2], d.count = pos[3];
    d.found_by = "TFLite_Detection_PostProcess";
    return d;
  }
  return std::nullopt;
}

std::optional<DetectorOutputs> ByShapes(const Model& m) {
  std::vector<size_t> boxes, per, count;
  for (size_t i = 0; i < 4; ++i) {
    const auto& s = OutputTensor(m, i).shape;
    if (IsBoxes(s)) boxes.push_back(i);
    else if (s.size() == 2 && s[0] == 1 && s[1] > 1) per.push_back(i);
    else if (IsCount(s)) count.push_back(i);
  }
  if (boxes.size() != 1 || per.size() != 2 || count.size() != 1) return std::nullopt;
  DetectorOutputs d;
  d.boxes = boxes[0], d.count = count[0];
  // SSD exports boxes, classes, scores, count; EfficientDet-Lite exports
  // scores, boxes, count, classes.
  bool ssd_order = boxes[0] == 0;
  d.classes = ssd_order ? per[0] : per[1];
  d.scores = ssd_order ? per[1] : per[0];
  d.found_by = "output shapes";
  return d;
}

std::vector<std::string> SplitLabelLines(const std::vector<uint8_t>& data) {
  std::vector<std::string> lines;
  std::string line;
  for (uint8_t c : data) {
    if (c != '\n') {
      line.push_back(static_cast<char>(c));
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    line.clear();
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace

std::optional<DetectorOutputs> FindDetectorOutputs(const Model& model) {
  if (model.subgraphs.empty() || model.main().outputs.size() != 4) return std::nullopt;
  std::vector<OutputTaskMetadata> md = ReadOutputTaskMetadata(model);
  std::optional<DetectorOutputs> d = ByMetadataNames(md);
  if (!d) d = ByPostProcessNode(model);
  if (!d) d = ByShapes(model);
  if (!d || !ShapesFit(model, *d)) return std::nullopt;
  const auto& box_shape = OutputTensor(model, d->boxes).shape;
  d->max_detections = box_shape.size() == 3 ? box_shape[1] : 0;
  if (d->boxes < md.size() && md[d->boxes].box) d->box = *md[d->boxes].box;
  if (d->scores < md.size()) {
    d->calibration = md[d->scores].calibration;
    d->score_threshold = md[d->scores].score_threshold;
  }
  if (auto info = ReadModelMetadata(model); info && d->classes < info->outputs.size()) {
    const TensorMetadataInfo& classes = info->outputs[d->classes];
    d->labels = classes.labels;
    d->labels_file = classes.labels_file;
    // A detector's class output holds class values, so Model Maker labels
    // it with a TENSOR_VALUE_LABELS file (line i names value i).
    for (const AssociatedFileRef& f : classes.files) {
      if (!d->labels.empty()) break;
      if (f.type != "TENSOR_VALUE_LABELS" || !f.present) continue;
      for (const AssociatedFile& file : model.associated_files)
        if (file.name == f.name) d->labels = SplitLabelLines(file.data);
      d->labels_file = f.name;
    }
  }
  return d;
}

}  // namespace tfd
