// TFLite_Detection_PostProcess (custom op): SSD box decoding against anchors
// and non-maximum suppression, as TFLite's detection_postprocess.cc.
//
// Inputs: box encodings [1, boxes, >=4] (y, x, h, w), class scores
// [1, boxes, classes (+1 background)], anchors [boxes, 4]; float32, or uint8 /
// int8 dequantized with their own parameters (anchors of the box encodings'
// type). Outputs (float32): boxes [1, N, 4] (ymin, xmin, ymax, xmax),
// classes [1, N], scores [1, N], count [1], N = max_detections *
// max_classes_per_detection. Regular NMS (per class) or fast NMS (class
// agnostic, top classes per box). Options come from a flexbuffer map.
//
// Slots TFLite leaves unwritten (past the detections) are zero here. Score
// ties come out in TFLite's order: a class's top scores by libc++'s
// partial_sort (the runtime's standard library), regular NMS's per-class
// picks merged ahead of equal scores already kept.
#include <flatbuffers/flexbuffers.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "interpreter/kernel_registry.h"

namespace tfd {
namespace {

struct Options {
  int max_detections = 0;
  int max_classes_per_detection = 0;
  int detections_per_class = 100;
  bool use_regular_nms = false;
  float score_threshold = 0.0f;
  float iou_threshold = 0.0f;
  int num_classes = 0;
  float y_scale = 0, x_scale = 0, h_scale = 0, w_scale = 0;
};

struct PostProcessState : KernelState {
  Options options;
  int num_boxes = 0;
  int box_coords = 4;               // length of one box encoding
  int num_classes_with_background = 0;
  int label_offset = 0;
};

struct BoxCorners {
  float ymin, xmin, ymax, xmax;
};

Options ParseOptions(const KernelContext& ctx) {
  const auto& bytes = ctx.op->custom_options;
  if (bytes.empty()) ctx.Fail("custom options (a flexbuffer map) are missing");
  if (!flexbuffers::VerifyBuffer(bytes.data(), bytes.size())) ctx.Fail("custom options are not a valid flexbuffer");
  const auto root = flexbuffers::GetRoot(bytes.data(), bytes.size());
  if (!root.IsMap()) ctx.Fail("custom options are not a flexbuffer map");
  const auto m = root.AsMap();
  Options o;
  // Missing keys read as 0, as in TFLite; two have defaults.
  o.max_detections = m["max_detections"].AsInt32();
  o.max_classes_per_detection = m["max_classes_per_detection"].AsInt32();
  if (!m["detections_per_class"].IsNull()) o.detections_per_class = m["detections_per_class"].AsInt32();
  if (!m["use_regular_nms"].IsNull()) o.use_regular_nms = m["use_regular_nms"].AsBool();
  o.score_threshold = m["nms_score_threshold"].AsFloat();
  o.iou_threshold = m["nms_iou_threshold"].AsFloat();
  o.num_classes = m["num_classes"].AsInt32();
  o.y_scale = m["y_scale"].AsFloat();
  o.x_scale = m["x_scale"].AsFloat();
  o.h_scale = m["h_scale"].AsFloat();
  o.w_scale = m["w_scale"].AsFloat();
  return o;
}

bool Dequantizable(DType t) { return t == DType::FLOAT32 || t == DType::UINT8 || t == DType::INT8; }

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(3, 3, 4);
  auto s = std::make_unique<PostProcessState>();
  s->options = ParseOptions(ctx);
  const Options& o = s->options;
  const RuntimeTensor& boxes = ctx.input(0);
  const RuntimeTensor& scores = ctx.input(1);
  const RuntimeTensor& anchors = ctx.input(2);
  if (boxes.rank() != 3 || scores.rank() != 3 || anchors.rank() != 2)
    ctx.Fail("expects box encodings and scores of rank 3 and anchors of rank 2 (got {}, {}, {})", ShapeString(boxes.shape),
             ShapeString(scores.shape), ShapeString(anchors.shape));
  if (boxes.dim(0) != 1 || scores.dim(0) != 1) ctx.Fail("only batch 1 is supported (as TFLite)");
  s->num_boxes = boxes.dim(1);
  s->box_coords = boxes.dim(2);
  if (s->box_coords < 4) ctx.Fail("box encodings need at least 4 values per box, have {}", s->box_coords);
  if (scores.dim(1) != s->num_boxes) ctx.Fail("{} boxes but scores for {}", s->num_boxes, scores.dim(1));
  if (anchors.dim(0) < s->num_boxes || anchors.dim(1) != 4)
    ctx.Fail("anchors have shape {}, expected [{}, 4]", ShapeString(anchors.shape), s->num_boxes);
  s->num_classes_with_background = scores.dim(2);
  s->label_offset = s->num_classes_with_background - o.num_classes;
  if (o.num_classes <= 0 || s->label_offset < 0 || s->label_offset > 1)
    ctx.Fail("num_classes {} does not fit class scores of width {}", o.num_classes, s->num_classes_with_background);
  if (o.max_detections < 0) ctx.Fail("max_detections must not be negative, is {}", o.max_detections);
  if (o.max_classes_per_detection <= 0) ctx.Fail("max_classes_per_detection must be positive, is {}", o.max_classes_per_detection);
  if (o.use_regular_nms && o.detections_per_class <= 0)
    ctx.Fail("detections_per_class must be positive, is {}", o.detections_per_class);
  if (!(o.iou_threshold > 0.0f && o.iou_threshold <= 1.0f))
    ctx.Fail("nms_iou_threshold must be in (0, 1], is {}", o.iou_threshold);
  if (!Dequantizable(boxes.dtype) || !Dequantizable(scores.dtype))
    ctx.Fail("box encodings and scores must be float32, uint8 or int8 (got {}, {})", DTypeName(boxes.dtype),
             DTypeName(scores.dtype));
  if (anchors.dtype != boxes.dtype)
    ctx.Fail("anchors ({}) must have the box encodings' type ({})", DTypeName(anchors.dtype), DTypeName(boxes.dtype));
  for (const RuntimeTensor* t : {&boxes, &scores, &anchors})
    if (t->dtype != DType::FLOAT32 && !t->quant()) ctx.Fail("quantized inputs need quantization parameters");
  for (size_t i = 0; i < 4; ++i)
    if (ctx.output(i).dtype != DType::FLOAT32) ctx.Fail("output {} must be float32, is {}", i, DTypeName(ctx.output(i).dtype));
  const int n = o.max_detections * o.max_classes_per_detection;
  ctx.ResizeOutput(0, {1, n, 4});
  ctx.ResizeOutput(1, {1, n});
  ctx.ResizeOutput(2, {1, n});
  ctx.ResizeOutput(3, {1});
  ctx.state = std::move(s);
}

// Element i of a float or quantized tensor, dequantized as TFLite does.
float ValueAt(const RuntimeTensor& t, int64_t i) {
  switch (t.dtype) {
    case DType::UINT8: return (static_cast<float>(t.As<uint8_t>()[i]) - static_cast<float>(t.zero_point())) * t.scale();
    case DType::INT8: return (static_cast<float>(t.As<int8_t>()[i]) - static_cast<float>(t.zero_point())) * t.scale();
    default: return t.As<float>()[i];
  }
}

std::vector<BoxCorners> DecodeBoxes(const KernelContext& ctx, const PostProcessState& s) {
  const RuntimeTensor& boxes = ctx.input(0);
  const RuntimeTensor& anchors = ctx.input(2);
  const Options& o = s.options;
  std::vector<BoxCorners> out(static_cast<size_t>(s.num_boxes));
  for (int i = 0; i < s.num_boxes; ++i) {
    const int64_t b = int64_t{i} * s.box_coords, a = int64_t{i} * 4;
    const double y = ValueAt(boxes, b), x = ValueAt(boxes, b + 1), h = ValueAt(boxes, b + 2), w = ValueAt(boxes, b + 3);
    const double ay = ValueAt(anchors, a), ax = ValueAt(anchors, a + 1), ah = ValueAt(anchors, a + 2),
                 aw = ValueAt(anchors, a + 3);
    // Double arithmetic rounded to float, as the reference.
    const float ycenter = static_cast<float>(y / double{o.y_scale} * ah + ay);
    const float xcenter = static_cast<float>(x / double{o.x_scale} * aw + ax);
    const float half_h = static_cast<float>(0.5 * std::exp(h / double{o.h_scale}) * ah);
    const float half_w = static_cast<float>(0.5 * std::exp(w / double{o.w_scale}) * aw);
    out[static_cast<size_t>(i)] = {ycenter - half_h, xcenter - half_w, ycenter + half_h, xcenter + half_w};
    const auto& box = out[static_cast<size_t>(i)];
    if (box.ymin > box.ymax || box.xmin > box.xmax)
      ctx.Fail("decoded box {} is inverted ({}, {}, {}, {}); the anchors have a negative size", i, box.ymin, box.xmin,
               box.ymax, box.xmax);
  }
  return out;
}

float IntersectionOverUnion(const BoxCorners& a, const BoxCorners& b) {
  const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const float area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float ymin = std::max<float>(a.ymin, b.ymin), xmin = std::max<float>(a.xmin, b.xmin);
  const float ymax = std::min<float>(a.ymax, b.ymax), xmax = std::min<float>(a.xmax, b.xmax);
  const float intersection = std::max<float>(ymax - ymin, 0.0f) * std::max<float>(xmax - xmin, 0.0f);
  return intersection / (area_a + area_b - intersection);
}

// ---- libc++'s partial_sort, so that ties come out in TFLite's order ----

template <typename Less>
void SiftDown(int* first, Less less, std::ptrdiff_t len, int* start) {
  std::ptrdiff_t child = start - first;
  if (len < 2 || (len - 2) / 2 < child) return;
  child = 2 * child + 1;
  int* child_i = first + child;
  if (child + 1 < len && less(*child_i, *(child_i + 1))) {
    ++child_i;
    ++child;
  }
  if (less(*child_i, *start)) return;
  const int top = *start;
  do {
    *start = *child_i;
    start = child_i;
    if ((len - 2) / 2 < child) break;
    child = 2 * child + 1;
    child_i = first + child;
    if (child + 1 < len && less(*child_i, *(child_i + 1))) {
      ++child_i;
      ++child;
    }
  } while (!less(*child_i, top));
  *start = top;
}

template <typename Less>
int* FloydSiftDown(int* first, Less less, std::ptrdiff_t len) {
  int* hole = first;
  int* child_i = first;
  std::ptrdiff_t child = 0;
  while (true) {
    child_i += child + 1;
    child = 2 * child + 1;
    if (child + 1 < len && less(*child_i, *(child_i + 1))) {
      ++child_i;
      ++child;
    }
    *hole = *child_i;
    hole = child_i;
    if (child > (len - 2) / 2) return hole;
  }
}

template <typename Less>
void SiftUp(int* first, int* last, Less less, std::ptrdiff_t len) {
  if (len <= 1) return;
  len = (len - 2) / 2;
  int* ptr = first + len;
  if (less(*ptr, *--last)) {
    const int t = *last;
    do {
      *last = *ptr;
      last = ptr;
      if (len == 0) break;
      len = (len - 1) / 2;
      ptr = first + len;
    } while (less(*ptr, t));
    *last = t;
  }
}

template <typename Less>
void PopHeap(int* first, int* last, Less less, std::ptrdiff_t len) {
  if (len <= 1) return;
  const int top = *first;
  int* hole = FloydSiftDown(first, less, len);
  --last;
  if (hole == last) {
    *hole = top;
  } else {
    *hole = *last;
    ++hole;
    *last = top;
    SiftUp(first, hole, less, hole - first);
  }
}

template <typename Less>
void PartialSort(int* first, int* middle, int* last, Less less) {
  if (first == middle) return;
  const std::ptrdiff_t len = middle - first;
  if (len > 1)
    for (std::ptrdiff_t start = (len - 2) / 2; start >= 0; --start) SiftDown(first, less, len, first + start);
  for (int* i = middle; i != last; ++i)
    if (less(*i, *first)) {
      std::swap(*i, *first);
      SiftDown(first, less, len, first);
    }
  for (std::ptrdiff_t n = len; n > 1; --n, --middle) PopHeap(first, middle, less, n);
}

// Indices of the `num_to_sort` largest values first (TFLite's
// DecreasingPartialArgSort; a single one is the first maximum).
void DecreasingPartialArgSort(const float* values, int num_values, int num_to_sort, int* indices) {
  if (num_to_sort == 1) {
    int best = 0;
    for (int i = 1; i < num_values; ++i)
      if (values[i] > values[best]) best = i;
    indices[0] = best;
    return;
  }
  std::iota(indices, indices + num_values, 0);
  PartialSort(indices, indices + num_to_sort, indices + num_values,
              [values](int i, int j) { return values[i] > values[j]; });
}

// Greedy NMS over one score per box; returns the kept box indices, best first.
std::vector<int> NonMaxSuppressionSingleClass(const std::vector<BoxCorners>& boxes, const std::vector<float>& scores,
                                              const Options& o, int max_detections) {
  std::vector<int> keep_indices;
  std::vector<float> keep_scores;
  for (size_t i = 0; i < scores.size(); ++i)
    if (scores[i] >= o.score_threshold) {
      keep_scores.push_back(scores[i]);
      keep_indices.push_back(static_cast<int>(i));
    }
  const int kept = static_cast<int>(keep_scores.size());
  std::vector<int> order(static_cast<size_t>(kept));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int i, int j) { return keep_scores[static_cast<size_t>(i)] > keep_scores[static_cast<size_t>(j)]; });
  const size_t output_size = static_cast<size_t>(std::min(kept, max_detections));
  std::vector<int> selected;
  std::vector<bool> active(static_cast<size_t>(kept), true);
  int num_active = kept;
  for (int i = 0; i < kept; ++i) {
    if (num_active == 0 || selected.size() >= output_size) break;
    if (!active[static_cast<size_t>(i)]) continue;
    const int box_i = keep_indices[static_cast<size_t>(order[static_cast<size_t>(i)])];
    selected.push_back(box_i);
    active[static_cast<size_t>(i)] = false;
    --num_active;
    for (int j = i + 1; j < kept; ++j) {
      if (!active[static_cast<size_t>(j)]) continue;
      const int box_j = keep_indices[static_cast<size_t>(order[static_cast<size_t>(j)])];
      if (IntersectionOverUnion(boxes[static_cast<size_t>(box_i)], boxes[static_cast<size_t>(box_j)]) > o.iou_threshold) {
        active[static_cast<size_t>(j)] = false;
        --num_active;
      }
    }
  }
  return selected;
}

struct Outputs {
  BoxCorners* boxes;
  float* classes;
  float* scores;
  float* count;
};

void RegularNms(const KernelContext& ctx, const PostProcessState& s, const std::vector<BoxCorners>& boxes,
                const float* scores, const Outputs& out) {
  const Options& o = s.options;
  const int num_boxes = s.num_boxes, width = s.num_classes_with_background, max_detections = o.max_detections;
  const int per_class = std::min(o.detections_per_class, max_detections);
  if (per_class <= 0) ctx.Fail("regular NMS needs max_detections and detections_per_class above 0");
  struct Candidate {
    int index;  // box * width + class column
    float score;
  };
  std::vector<float> class_scores(static_cast<size_t>(num_boxes));
  std::vector<Candidate> best, merged;
  for (int c = 0; c < o.num_classes; ++c) {
    for (int b = 0; b < num_boxes; ++b) class_scores[static_cast<size_t>(b)] = scores[b * width + c + s.label_offset];
    const auto selected = NonMaxSuppressionSingleClass(boxes, class_scores, o, per_class);
    if (selected.empty()) continue;
    // Merge with the best so far, both sorted by score. The reference merges
    // with a >= comparison, which puts this class's picks before equal scores
    // already kept.
    merged.clear();
    size_t i = 0, j = 0;
    while (i < best.size() || j < selected.size()) {
      const bool take_new =
          j < selected.size() &&
          (i == best.size() || class_scores[static_cast<size_t>(selected[j])] >= best[i].score);
      if (take_new) {
        merged.push_back({selected[j] * width + c + s.label_offset, class_scores[static_cast<size_t>(selected[j])]});
        ++j;
      } else {
        merged.push_back(best[i++]);
      }
    }
    if (static_cast<int>(merged.size()) > max_detections) merged.resize(static_cast<size_t>(max_detections));
    best.swap(merged);
  }
  for (size_t i = 0; i < best.size(); ++i) {
    const int anchor = best[i].index / width;
    out.boxes[i] = boxes[static_cast<size_t>(anchor)];
    out.classes[i] = static_cast<float>(best[i].index - anchor * width - s.label_offset);
    out.scores[i] = best[i].score;
  }
  *out.count = static_cast<float>(best.size());
}

void FastNms(const PostProcessState& s, const std::vector<BoxCorners>& boxes, const float* scores, const Outputs& out) {
  const Options& o = s.options;
  const int num_boxes = s.num_boxes, width = s.num_classes_with_background;
  const int per_anchor = std::min(o.max_classes_per_detection, o.num_classes);
  std::vector<float> max_scores(static_cast<size_t>(num_boxes));
  std::vector<int> class_order(static_cast<size_t>(num_boxes) * static_cast<size_t>(o.num_classes));
  for (int b = 0; b < num_boxes; ++b) {
    const float* box_scores = scores + b * width + s.label_offset;
    int* order = class_order.data() + static_cast<size_t>(b) * static_cast<size_t>(o.num_classes);
    DecreasingPartialArgSort(box_scores, o.num_classes, per_anchor, order);
    max_scores[static_cast<size_t>(b)] = box_scores[order[0]];
  }
  const auto selected = NonMaxSuppressionSingleClass(boxes, max_scores, o, o.max_detections);
  int n = 0;
  for (int b : selected) {
    const float* box_scores = scores + b * width + s.label_offset;
    const int* order = class_order.data() + static_cast<size_t>(b) * static_cast<size_t>(o.num_classes);
    for (int c = 0; c < per_anchor; ++c) {
      const int slot = o.max_classes_per_detection * n + c;
      out.boxes[slot] = boxes[static_cast<size_t>(b)];
      out.classes[slot] = static_cast<float>(order[c]);
      out.scores[slot] = box_scores[order[c]];
    }
    ++n;
  }
  *out.count = static_cast<float>(n);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<PostProcessState>();
  const auto boxes = DecodeBoxes(ctx, s);
  const RuntimeTensor& score_tensor = ctx.input(1);
  std::vector<float> dequantized;
  const float* scores = nullptr;
  if (score_tensor.dtype == DType::FLOAT32) {
    scores = score_tensor.As<float>();
  } else {
    dequantized.resize(static_cast<size_t>(score_tensor.NumElements()));
    for (size_t i = 0; i < dequantized.size(); ++i) dequantized[i] = ValueAt(score_tensor, static_cast<int64_t>(i));
    scores = dequantized.data();
  }
  for (size_t i = 0; i < 4; ++i) std::fill_n(ctx.output(i).As<float>(), ctx.output(i).NumElements(), 0.0f);
  Outputs out{reinterpret_cast<BoxCorners*>(ctx.output(0).As<float>()), ctx.output(1).As<float>(), ctx.output(2).As<float>(),
              ctx.output(3).As<float>()};
  if (s.options.use_regular_nms) {
    RegularNms(ctx, s, boxes, scores, out);
  } else {
    FastNms(s, boxes, scores, out);
  }
}

}  // namespace

TFD_REGISTER_CUSTOM_KERNEL("TFLite_Detection_PostProcess", DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_CUSTOM_KERNEL("TFLite_Detection_PostProcess", DType::UINT8, Prepare, Eval);
TFD_REGISTER_CUSTOM_KERNEL("TFLite_Detection_PostProcess", DType::INT8, Prepare, Eval);

}  // namespace tfd
