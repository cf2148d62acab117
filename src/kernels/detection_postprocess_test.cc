#include <flatbuffers/flexbuffers.h>

#include <algorithm>

#include "kernel_test_util.h"
#include "kernels/internal/seq_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;

struct PostConfig {
  int max_detections = 3;
  int max_classes_per_detection = 1;
  int detections_per_class = 100;
  bool regular = false;
  float score_threshold = 0.25f;
  float iou_threshold = 0.5f;
  int num_classes = 2;
  bool background = true;
  DType dtype = DType::FLOAT32;
  int num_boxes = 3;
  float score_scale = 1.0f / 255;  // quantized scores
  std::string label;
  bool write_detections_per_class = true;
};

std::vector<uint8_t> CustomOptions(const PostConfig& c) {
  flexbuffers::Builder fbb;
  fbb.Map([&]() {
    fbb.Int("max_detections", c.max_detections);
    fbb.Int("max_classes_per_detection", c.max_classes_per_detection);
    if (c.write_detections_per_class) fbb.Int("detections_per_class", c.detections_per_class);
    fbb.Bool("use_regular_nms", c.regular);
    fbb.Float("nms_score_threshold", c.score_threshold);
    fbb.Float("nms_iou_threshold", c.iou_threshold);
    fbb.Int("num_classes", c.num_classes);
    fbb.Float("y_scale", 10.0f);
    fbb.Float("x_scale", 10.0f);
    fbb.Float("h_scale", 5.0f);
    fbb.Float("w_scale", 5.0f);
  });
  fbb.Finish();
  return fbb.GetBuffer();
}

// Anchors are constants (as in real SSD models); boxes and scores inputs.
Model PostModel(const PostConfig& c, const std::vector<float>& anchors) {
  OpModel m("TFLite_Detection_PostProcess");
  const bool q = c.dtype != DType::FLOAT32;
  const int64_t zp = c.dtype == DType::INT8 ? -128 : 0;
  const int width = c.num_classes + (c.background ? 1 : 0);
  m.Input({c.dtype, {1, c.num_boxes, 4}, q ? 0.02f : 0.0f, q ? zp + 128 : 0});
  m.Input({c.dtype, {1, c.num_boxes, width}, q ? c.score_scale : 0.0f, zp});
  if (q) {
    // Anchors quantized with scale 1/256: value q / 256 (+ zero point).
    std::vector<uint8_t> bytes;
    for (float a : anchors) {
      const int v = static_cast<int>(std::lround(a * 256)) + static_cast<int>(zp);
      bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>(std::min(255 + static_cast<int>(zp), v))));
    }
    m.ConstBytes({c.dtype, {c.num_boxes, 4}, 1.0f / 256, zp}, bytes);
  } else {
    m.Const<float>({DType::FLOAT32, {c.num_boxes, 4}}, anchors);
  }
  const int n = c.max_detections * c.max_classes_per_detection;
  m.Output({DType::FLOAT32, {1, n, 4}});
  m.Output({DType::FLOAT32, {1, n}});
  m.Output({DType::FLOAT32, {1, n}});
  m.Output({DType::FLOAT32, {1}});
  m.CustomOptions(CustomOptions(c));
  return m.Build();
}

// Three anchors [y, x, h, w]: two overlapping unit squares (IoU 0.82) and a
// far one.
const std::vector<float> kAnchors = {0.5f, 0.5f, 1, 1, 0.6f, 0.5f, 1, 1, 3, 3, 1, 1};
// Scores [background, class 0, class 1] per box.
const std::vector<float> kScores = {0, 0.9f, 0.2f, 0, 0.8f, 0.85f, 0, 0.1f, 0.3f};

TEST(DetectionPostProcess, FastNmsHandComputed) {
  PostConfig c;
  Model m = PostModel(c, kAnchors);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 3, 4}, std::vector<float>(12, 0.0f)),
                                  Array::Of<float>(DType::FLOAT32, {1, 3, 3}, kScores)});
  // Box maxima 0.9 (class 0), 0.85 (class 1), 0.3 (class 1); box 1 overlaps
  // box 0 and goes.
  EXPECT_EQ(out[3].values<float>(), std::vector<float>({2}));
  EXPECT_EQ(out[1].values<float>(), std::vector<float>({0, 1, 0}));
  EXPECT_EQ(out[2].values<float>(), std::vector<float>({0.9f, 0.3f, 0}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0, 0, 1, 1, 2.5f, 2.5f, 3.5f, 3.5f, 0, 0, 0, 0}));
}

TEST(DetectionPostProcess, RegularNmsHandComputed) {
  PostConfig c;
  c.regular = true;
  Model m = PostModel(c, kAnchors);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 3, 4}, std::vector<float>(12, 0.0f)),
                                  Array::Of<float>(DType::FLOAT32, {1, 3, 3}, kScores)});
  // Class 0 keeps box 0 (box 1 suppressed); class 1 keeps boxes 1 and 2.
  EXPECT_EQ(out[3].values<float>(), std::vector<float>({3}));
  EXPECT_EQ(out[1].values<float>(), std::vector<float>({0, 1, 1}));
  EXPECT_EQ(out[2].values<float>(), std::vector<float>({0.9f, 0.85f, 0.3f}));
  const float y1 = 0.6f;
  EXPECT_EQ(out[0].values<float>(),
            std::vector<float>({0, 0, 1, 1, y1 - 0.5f, 0, y1 + 0.5f, 1, 2.5f, 2.5f, 3.5f, 3.5f}));
}

TEST(DetectionPostProcess, DecodesWithScales) {
  // One box: encoding (y, x, h, w) = (1, -2, 5 ln 2, 0) on anchor center
  // (0.5, 0.5) size (0.2, 0.4): center (0.52, 0.42), size (0.4, 0.4).
  PostConfig c;
  c.num_boxes = 1;
  c.num_classes = 1;
  c.background = false;
  c.max_detections = 1;
  Model m = PostModel(c, {0.5f, 0.5f, 0.2f, 0.4f});
  const float log2 = 5 * std::log(2.0f);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {1, 1, 4}, {1, -2, log2, 0}),
                                  Array::Of<float>(DType::FLOAT32, {1, 1, 1}, {0.7f})});
  const auto box = out[0].values<float>();
  EXPECT_NEAR(box[0], 0.32f, 1e-6);
  EXPECT_NEAR(box[1], 0.22f, 1e-6);
  EXPECT_NEAR(box[2], 0.72f, 1e-6);
  EXPECT_NEAR(box[3], 0.62f, 1e-6);
  EXPECT_EQ(out[1].values<float>(), std::vector<float>({0}));
  EXPECT_EQ(out[2].values<float>(), std::vector<float>({0.7f}));
}

TEST(DetectionPostProcess, QuantizedMatchesFloat) {
  // uint8 and int8 versions of the same values give the float result.
  for (DType dtype : {DType::UINT8, DType::INT8}) {
    for (bool regular : {false, true}) {
      PostConfig f;
      f.regular = regular;
      f.num_boxes = 3;
      PostConfig q = f;
      q.dtype = dtype;
      q.score_scale = 0.05f;
      const int shift = dtype == DType::INT8 ? -128 : 0;
      // Scores multiples of 0.05, anchors multiples of 1/256.
      const std::vector<int> score_q = {0, 18, 4, 0, 16, 17, 0, 2, 6};
      const std::vector<float> anchors = {0.5f, 0.5f, 0.75f, 0.5f, 0.625f, 0.5f, 0.5f, 0.75f, 0.25f, 0.75f, 0.25f, 0.25f};
      std::vector<float> scores;
      std::vector<uint8_t> score_bytes;
      for (int v : score_q) {
        scores.push_back(v * 0.05f);
        score_bytes.push_back(static_cast<uint8_t>(v + shift));
      }
      // Box encodings: q * 0.02 around 128.
      const std::vector<int> box_q = {128, 128, 128, 128, 140, 120, 118, 131, 100, 150, 128, 128};
      std::vector<float> box_f;
      std::vector<uint8_t> box_bytes;
      for (int v : box_q) {
        box_f.push_back((v - 128) * 0.02f);
        box_bytes.push_back(static_cast<uint8_t>(v - 128 + (dtype == DType::INT8 ? 0 : 128)));
      }
      auto expected = testing::RunOurs(PostModel(f, anchors), {Array::Of<float>(DType::FLOAT32, {1, 3, 4}, box_f),
                                                               Array::Of<float>(DType::FLOAT32, {1, 3, 3}, scores)});
      auto got = testing::RunOurs(PostModel(q, anchors),
                                  {Array{dtype, {1, 3, 4}, box_bytes}, Array{dtype, {1, 3, 3}, score_bytes}});
      for (size_t o = 0; o < 4; ++o) EXPECT_TRUE(testing::FloatClose(got[o], expected[o], 1e-6)) << DTypeName(dtype) << o;
    }
  }
}

TEST(DetectionPostProcess, RejectsBadConfigurations) {
  auto run = [](const PostConfig& c, const std::vector<float>& anchors) {
    Model m = PostModel(c, anchors);
    testing::RunOurs(m, testing::RandomInputs(m, 1));
  };
  PostConfig c;
  {
    PostConfig bad = c;
    bad.iou_threshold = 0.0f;
    EXPECT_THROW(run(bad, kAnchors), Error);
  }
  {
    // Options for 5 classes on scores with 3 columns.
    Model m = PostModel(c, kAnchors);
    PostConfig bad = c;
    bad.num_classes = 5;
    m.subgraphs[0].operators[0].custom_options = CustomOptions(bad);
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    // A negative anchor height inverts the decoded box.
    std::vector<float> anchors = kAnchors;
    anchors[2] = -1;
    EXPECT_THROW(run(c, anchors), Error);
  }
  {
    Model m = PostModel(c, kAnchors);
    m.subgraphs[0].operators[0].custom_options = {1, 2, 3};
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    Model m = PostModel(c, kAnchors);
    m.subgraphs[0].operators[0].custom_options.clear();
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
}

// Random anchors of positive size in the unit square.
std::vector<float> RandomAnchors(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> center(0.1f, 0.9f), size(0.05f, 0.5f);
  std::vector<float> a;
  for (int i = 0; i < n; ++i) {
    a.push_back(center(rng));
    a.push_back(center(rng));
    a.push_back(size(rng));
    a.push_back(size(rng));
  }
  return a;
}

// Compares the slots TFLite writes: the count, then per detection the first
// min(max_classes_per_detection, num_classes) entries (fast) or one (regular).
void ExpectSameDetections(const PostConfig& c, const std::vector<Array>& ours, const std::vector<Array>& theirs) {
  ASSERT_EQ(theirs.size(), 4u);
  const float count = ours[3].values<float>()[0];
  ASSERT_EQ(count, theirs[3].values<float>()[0]);
  const int per = c.regular ? 1 : std::min(c.max_classes_per_detection, c.num_classes);
  const int stride = c.regular ? 1 : c.max_classes_per_detection;
  const auto ob = ours[0].values<float>(), tb = theirs[0].values<float>();
  const auto oc = ours[1].values<float>(), tc = theirs[1].values<float>();
  const auto os = ours[2].values<float>(), ts = theirs[2].values<float>();
  for (int d = 0; d < static_cast<int>(count); ++d)
    for (int k = 0; k < per; ++k) {
      const size_t slot = static_cast<size_t>(d * stride + k);
      EXPECT_EQ(oc[slot], tc[slot]) << "class of slot " << slot;
      EXPECT_EQ(os[slot], ts[slot]) << "score of slot " << slot;
      for (size_t j = 0; j < 4; ++j) EXPECT_NEAR(ob[slot * 4 + j], tb[slot * 4 + j], 1e-6) << "box of slot " << slot;
    }
}

TEST(DetectionPostProcess, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<PostConfig> configs;
  auto add = [&](PostConfig c, const std::string& label) {
    c.label = label;
    configs.push_back(c);
  };
  for (DType dtype : {DType::FLOAT32, DType::UINT8}) {
    PostConfig c;
    c.dtype = dtype;
    c.num_boxes = 40;
    c.num_classes = 4;
    c.max_detections = 10;
    c.score_threshold = dtype == DType::FLOAT32 ? 0.0f : 0.3f;
    c.iou_threshold = 0.4f;
    const std::string t = DTypeName(dtype);
    add(c, t + " fast");
    c.max_classes_per_detection = 3;
    add(c, t + " fast 3 classes");
    c.max_classes_per_detection = 6;  // more than the classes
    add(c, t + " fast 6 classes");
    c.max_classes_per_detection = 1;
    c.regular = true;
    add(c, t + " regular");
    c.detections_per_class = 2;
    c.background = false;
    add(c, t + " regular 2 per class no background");
    c.write_detections_per_class = false;
    c.max_detections = 30;
    add(c, t + " regular default per class");
    // Coarse scores: many ties.
    c.score_scale = 0.1f;
    c.max_detections = 20;
    c.write_detections_per_class = true;
    c.detections_per_class = 10;
    add(c, t + " regular ties");
    c.regular = false;
    c.max_classes_per_detection = 3;
    add(c, t + " fast ties");
  }
  testing::OracleBatch oracle;
  std::vector<std::pair<Model, std::vector<Array>>> runs;
  uint64_t seed = 1;
  for (auto& c : configs) {
    Model model = PostModel(c, RandomAnchors(c.num_boxes, seed));
    auto inputs = testing::RandomInputs(model, seed++);
    if (c.dtype == DType::UINT8 && c.score_scale >= 0.1f) {
      // Scores 0..10 in steps of 0.1.
      for (auto& b : inputs[1].bytes) b = static_cast<uint8_t>(b % 11);
    }
    oracle.Add(model, inputs);
    runs.push_back({model, inputs});
  }
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE(configs[i].label);
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    auto ours = testing::RunOurs(runs[i].first, runs[i].second);
    EXPECT_GT(ours[3].values<float>()[0], 0) << "no detections: the case tests nothing";
    ExpectSameDetections(configs[i], ours, oracle.outputs(static_cast<int>(i)));
  }
}

}  // namespace
}  // namespace tfd
