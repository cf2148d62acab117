// `check`: the rule engine on real models (the acceptance cases of the issue)
// and on small models built here, one positive and one negative case per rule
// family of every target's rule file.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "analysis/compat/engine.h"
#include "analysis/compat/node_facts.h"
#include "analysis/compat/rules.h"
#include "analysis/compat/version.h"
#include "format/model_reader.h"
#include "format/model_writer.h"
#include "graph/dtype.h"
#include "test_support.h"
#include "util/error.h"

namespace tfd::compat {
namespace {

const std::string kRulesDir = std::string(TFD_SOURCE_DIR) + "/rules";

const RuleBook& Rules() {
  static const RuleBook book = LoadRuleBook(kRulesDir);
  return book;
}

TargetResult Check(const Model& m, const std::string& target) {
  auto result = CheckModel(m, Rules(), {ParseTargetSpec(target, Rules())});
  return result.targets.at(0);
}

bool Taken(const TargetResult& r, int node, int subgraph = 0) { return r.taken.at(subgraph).at(node); }

// Findings at a node, excluding informational ones.
std::vector<Finding> Problems(const TargetResult& r, int node) {
  std::vector<Finding> out;
  for (const auto& f : r.findings)
    if (f.node && *f.node == node && f.severity != Severity::kInfo) out.push_back(f);
  return out;
}

// The node passes the target's rules (it may still stay on CPU because of a
// partitioning limit, e.g. Core ML's two-node minimum for one-node models).
bool Ok(const TargetResult& r, int node) { return Problems(r, node).empty(); }

const Finding* FindKind(const TargetResult& r, const std::string& kind) {
  for (const auto& f : r.findings)
    if (f.kind == kind) return &f;
  return nullptr;
}

std::string AllReasons(const TargetResult& r) {
  std::string s;
  for (const auto& f : r.findings) s += f.reason + "\n";
  return s;
}

// ---------------------------------------------------------------------------
// A tiny model builder on the project's own IR; Build() writes and re-reads
// the model, so every model here is one the format layer accepts.

class Builder {
 public:
  Builder() {
    m_.buffers.resize(1);
    m_.subgraphs.emplace_back();
    m_.subgraphs[0].name = "main";
  }

  int T(const std::string& name, DType dtype, std::vector<int32_t> shape) {
    Tensor t;
    t.name = name;
    t.dtype = dtype;
    t.shape = std::move(shape);
    sg().tensors.push_back(std::move(t));
    return static_cast<int>(sg().tensors.size() - 1);
  }
  // A constant tensor (zero-filled, or the given int32 values).
  int C(const std::string& name, DType dtype, std::vector<int32_t> shape, std::vector<int32_t> values = {}) {
    int i = T(name, dtype, shape);
    Buffer b;
    if (!values.empty()) {
      b.data.resize(values.size() * 4);
      std::memcpy(b.data.data(), values.data(), b.data.size());
    } else {
      int64_t n = 1;
      for (int32_t d : shape) n *= d > 0 ? d : 1;
      b.data.assign(static_cast<size_t>(n * DTypeSize(dtype).value_or(1)), 0);
    }
    m_.buffers.push_back(std::move(b));
    sg().tensors[i].buffer = static_cast<uint32_t>(m_.buffers.size() - 1);
    return i;
  }
  void Quantize(int tensor, std::vector<float> scales, int axis = 0) {
    Quantization q;
    q.scale = std::move(scales);
    q.zero_point.assign(q.scale.size(), 0);
    q.axis = axis;
    sg().tensors[tensor].quantization = q;
  }
  void Signature(int tensor, std::vector<int32_t> sig) { sg().tensors[tensor].shape_signature = std::move(sig); }

  int Op(BuiltinOp op, std::vector<int32_t> in, std::vector<int32_t> out, int version = 1,
         std::function<void(Operator&)> options = nullptr, const std::string& custom = "") {
    OpCode code{op, custom, version};
    uint32_t index = 0;
    while (index < m_.op_codes.size() && !(m_.op_codes[index] == code)) ++index;
    if (index == m_.op_codes.size()) m_.op_codes.push_back(code);
    Operator o;
    o.opcode_index = index;
    o.inputs = std::move(in);
    o.outputs = std::move(out);
    if (options) options(o);
    sg().operators.push_back(std::move(o));
    return static_cast<int>(sg().operators.size() - 1);
  }
  int Custom(const std::string& code, std::vector<int32_t> in, std::vector<int32_t> out) {
    return Op(BuiltinOp::CUSTOM, std::move(in), std::move(out), 1, nullptr, code);
  }
  void Metadata(const std::string& name, const std::string& text) {
    Buffer b;
    b.data.assign(text.begin(), text.end());
    m_.buffers.push_back(std::move(b));
    m_.metadata.push_back({name, static_cast<uint32_t>(m_.buffers.size() - 1)});
  }

  Model Build() {
    Subgraph& g = sg();
    std::set<int32_t> produced, consumed;
    for (const auto& o : g.operators) {
      for (int32_t t : o.outputs) produced.insert(t);
      for (int32_t t : o.inputs) consumed.insert(t);
    }
    g.inputs.clear();
    g.outputs.clear();
    for (int32_t i = 0; i < static_cast<int32_t>(g.tensors.size()); ++i) {
      bool is_const = g.tensors[i].buffer != 0;
      if (!is_const && !produced.count(i) && consumed.count(i)) g.inputs.push_back(i);
      if (produced.count(i) && !consumed.count(i)) g.outputs.push_back(i);
    }
    return ReadModel(WriteModel(m_), "built in test");
  }

 private:
  Subgraph& sg() { return m_.subgraphs[0]; }
  Model m_;
};

using F = DType;

std::function<void(Operator&)> Act(tflite::ActivationFunctionType a) {
  return [a](Operator& o) {
    tflite::AddOptionsT opt;
    opt.fused_activation_function = a;
    o.options.Set(opt);
  };
}

std::function<void(Operator&)> ConvOpts(int stride = 1, int dilation = 1,
                                        tflite::ActivationFunctionType a = tflite::ActivationFunctionType::NONE) {
  return [=](Operator& o) {
    tflite::Conv2DOptionsT opt;
    opt.stride_w = opt.stride_h = stride;
    opt.dilation_w_factor = opt.dilation_h_factor = dilation;
    opt.padding = tflite::Padding::SAME;
    opt.fused_activation_function = a;
    o.options.Set(opt);
  };
}

std::function<void(Operator&)> Softmax(float beta) {
  return [beta](Operator& o) {
    tflite::SoftmaxOptionsT opt;
    opt.beta = beta;
    o.options.Set(opt);
  };
}

// One float ADD: in + const -> out, with a fused activation.
Model AddModel(DType dtype = F::FLOAT32,
               tflite::ActivationFunctionType act = tflite::ActivationFunctionType::NONE) {
  Builder b;
  int x = b.T("x", dtype, {1, 4, 4, 3});
  int c = b.C("c", dtype, {1, 4, 4, 3});
  int y = b.T("y", dtype, {1, 4, 4, 3});
  if (dtype == F::INT8 || dtype == F::UINT8) {
    for (int t : {x, c, y}) b.Quantize(t, {0.5f});
  }
  b.Op(BuiltinOp::ADD, {x, c}, {y}, dtype == F::INT8 ? 2 : 1, Act(act));
  return b.Build();
}

// CONV_2D 1x8x8x3 -> 1x8x8x4 with a 3x3 kernel; options to vary the rules.
struct ConvSpec {
  DType dtype = F::FLOAT32;
  bool const_filter = true;
  bool bias = true;
  int dilation = 1;
  int batch = 1;
  tflite::ActivationFunctionType act = tflite::ActivationFunctionType::NONE;
};

Model ConvModel(const ConvSpec& s) {
  Builder b;
  bool q = s.dtype == F::INT8 || s.dtype == F::UINT8;
  int x = b.T("x", s.dtype, {s.batch, 8, 8, 3});
  int w = s.const_filter ? b.C("w", s.dtype, {4, 3, 3, 3}) : b.T("w", s.dtype, {4, 3, 3, 3});
  int bias = s.bias ? b.C("b", q ? F::INT32 : s.dtype, {4}) : kOmittedInput;
  int y = b.T("y", s.dtype, {s.batch, 8, 8, 4});
  if (q) {
    for (int t : {x, w, y}) b.Quantize(t, {0.5f});
    b.Quantize(bias, {0.25f});
  }
  b.Op(BuiltinOp::CONV_2D, {x, w, bias}, {y}, q ? 3 : 1, ConvOpts(1, s.dilation, s.act));
  return b.Build();
}

// SOFTMAX with the given beta.
Model SoftmaxModel(float beta, DType dtype = F::FLOAT32) {
  Builder b;
  int x = b.T("x", dtype, {1, 10});
  int y = b.T("y", dtype, {1, 10});
  if (dtype == F::INT8) {
    b.Quantize(x, {0.1f});
    b.Quantize(y, {1.0f / 256});
  }
  b.Op(BuiltinOp::SOFTMAX, {x}, {y}, dtype == F::INT8 ? 2 : 1, Softmax(beta));
  return b.Build();
}

// MEAN over the given (constant or run-time) axes of a 1x4x4x3 tensor.
Model MeanModel(std::vector<int32_t> axes, bool const_axes = true, DType dtype = F::FLOAT32) {
  Builder b;
  int x = b.T("x", dtype, {1, 4, 4, 3});
  int a = const_axes ? b.C("axes", F::INT32, {static_cast<int32_t>(axes.size())}, axes)
                     : b.T("axes", F::INT32, {static_cast<int32_t>(axes.size())});
  int y = b.T("y", dtype, {1, 1, 1, 3});
  if (dtype == F::INT8) {
    b.Quantize(x, {0.5f});
    b.Quantize(y, {0.5f});
  }
  b.Op(BuiltinOp::MEAN, {x, a}, {y}, dtype == F::INT8 ? 2 : 1, [](Operator& o) {
    tflite::ReducerOptionsT opt;
    opt.keep_dims = true;
    o.options.Set(opt);
  });
  return b.Build();
}

// PAD a 1x4x4x3 tensor with a constant [4, 2] paddings tensor.
Model PadModel(std::vector<int32_t> paddings, DType dtype = F::FLOAT32) {
  Builder b;
  int x = b.T("x", dtype, {1, 4, 4, 3});
  int p = b.C("paddings", F::INT32, {4, 2}, paddings);
  int y = b.T("y", dtype, {1, 6, 6, 3});
  if (dtype == F::INT8) {
    b.Quantize(x, {0.5f});
    b.Quantize(y, {0.5f});
  }
  b.Op(BuiltinOp::PAD, {x, p}, {y}, dtype == F::INT8 ? 2 : 1);
  return b.Build();
}

// A chain of single-input ops on a float 1x4x4x3 tensor: each entry is an
// op (unary ops only) and the op version; unsupported ops split partitions.
Model Chain(const std::vector<BuiltinOp>& ops, DType dtype = F::FLOAT32) {
  Builder b;
  int cur = b.T("t0", dtype, {1, 4, 4, 3});
  if (dtype == F::INT8) b.Quantize(cur, {0.5f});
  for (size_t i = 0; i < ops.size(); ++i) {
    int next = b.T("t" + std::to_string(i + 1), dtype, {1, 4, 4, 3});
    if (dtype == F::INT8) b.Quantize(next, {0.5f});
    b.Op(ops[i], {cur}, {next});
    cur = next;
  }
  return b.Build();
}

// ===========================================================================
// Versions and the minimum runtime version.

TEST(Version, CompareAndParse) {
  EXPECT_EQ(CompareVersions("1.14.0", "1.5.0"), 1);
  EXPECT_EQ(CompareVersions("1.5.0", "1.14.0"), -1);
  EXPECT_EQ(CompareVersions("2.3", "2.3.0"), 0);
  EXPECT_EQ(CompareVersions("1.13.1", "1.13.0"), 1);
  EXPECT_EQ(CompareVersions("2.14.4", "2.14.0"), 1);
  EXPECT_TRUE(VersionLess("garbage", "0.0.1"));
  EXPECT_FALSE(ParseVersion("1..2"));
  EXPECT_FALSE(ParseVersion("1.2."));
  EXPECT_FALSE(ParseVersion("v1.2"));
  EXPECT_EQ(ParseVersion("2.15.0").value(), std::vector<int>({2, 15, 0}));
}

struct MrvCase {
  const char* file;
  const char* computed;
  const char* declared;  // nullptr: no entry
};

// Expected values worked out by hand from TFLite's table
// (tensorflow/compiler/mlir/lite/tools/versioning/runtime_version.cc) and the
// op versions listed in ../shared/fixtures/README.md; an error in the
// transcription of any of these ops shows up here.
const MrvCase kMrvCases[] = {
    {"models/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite", "1.14.0", "1.14.0"},
    {"models/coral/keras_lstm_mnist_ptq.tflite", "1.14.0", "1.14.0"},
    {"models/coral/mobilenet_v2_1.0_224_quant.tflite", "1.5.0", "1.5.0"},
    {"models/mlperf-tiny/ad01_fp32.tflite", "1.5.0", "1.5.0"},
    {"models/mlperf-tiny/ad01_int8.tflite", "1.14.0", "1.5.0"},
    {"models/mlperf-tiny/kws_ref_model.tflite", "1.14.0", "1.5.0"},
    {"models/mlperf-tiny/kws_ref_model_float32.tflite", "1.14.0", "1.5.0"},
    {"models/mlperf-tiny/pretrainedResnet.tflite", "1.5.0", "1.5.0"},
    {"models/mlperf-tiny/pretrainedResnet_quant.tflite", "1.14.0", "1.5.0"},
    {"models/mlperf-tiny/vww_96_float.tflite", "1.5.0", "1.5.0"},
    {"models/mlperf-tiny/vww_96_int8.tflite", "1.14.0", "1.5.0"},
    {"models/tflite-micro/audio_preprocessor_float.tflite", "2.7.0", "2.7.0"},
    {"models/tflite-micro/audio_preprocessor_int8.tflite", "2.8.0", "2.8.0"},
    {"models/tflite-micro/hello_world_float.tflite", "1.5.0", "1.5.0"},
    {"models/tflite-micro/hello_world_int8.tflite", "1.14.0", "1.14.0"},
    {"models/tflite-micro/keyword_scrambled.tflite", "2.2.0", nullptr},
    {"models/tflite-micro/keyword_scrambled_8bit.tflite", "2.2.0", nullptr},
    {"models/tflite-micro/micro_speech_quantized.tflite", "1.14.0", "1.5.0"},
    {"models/tflite-micro/person_detect.tflite", "1.14.0", nullptr},
    {"models/tflite-micro/simple_add_model.tflite", "1.14.0", "1.14.0"},
    {"models/tflite-micro/trained_lstm.tflite", "1.13.1", "1.13.1"},
    {"models/tflite-micro/trained_lstm_int8.tflite", "1.14.0", "1.14.0"},
    {"models/tflite-support/dilated_conv.tflite", "1.13.0", "1.13.0"},
    {"models/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite", "1.6.0", nullptr},
    {"models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite", "1.6.0", nullptr},
    {"models/tflite-support/mobilenet_v1_0.25_224_quant.tflite", "1.5.0", nullptr},
    {"models/tflite-support/mobilenet_v1_0.25_224_quant_without_subgraph_metadata.tflite", "1.5.0", nullptr},
    {"models/tflite-support/test_model_nl_classifier_with_associated_label.tflite", "1.14.0", nullptr},
    {"models/tflite-support/whitespace_tokenizer_flex_delegate.tflite", "1.14.0", "1.14.0"},
};

TEST(MinRuntimeVersion, FixturesMatchTfliteTable) {
  TFD_REQUIRE_FIXTURES();
  const TargetRules& tfl = *Rules().Find("tflite");
  int stale = 0;
  for (const auto& c : kMrvCases) {
    SCOPED_TRACE(c.file);
    Model m = LoadModel(testing::Fixture(c.file));
    MinRuntimeVersion v = ComputeMinRuntimeVersion(m, tfl);
    EXPECT_EQ(v.computed, c.computed);
    if (c.declared) {
      ASSERT_TRUE(v.declared.has_value());
      EXPECT_EQ(*v.declared, c.declared);
    } else {
      EXPECT_FALSE(v.declared.has_value());
    }
    bool expect_stale = c.declared && CompareVersions(c.declared, c.computed) < 0;
    EXPECT_EQ(v.stale(), expect_stale);
    stale += expect_stale;
    // check reports the computed version, never the model's entry.
    TargetResult r = Check(m, "tflite");
    ASSERT_TRUE(r.min_runtime_version.has_value());
    EXPECT_EQ(*r.min_runtime_version, c.computed);
    EXPECT_EQ(FindKind(r, "metadata") != nullptr, expect_stale) << AllReasons(r);
  }
  EXPECT_EQ(stale, 6);  // ad01_int8, kws x2, pretrainedResnet_quant, vww_96_int8, micro_speech
}

TEST(MinRuntimeVersion, MediaPipeModels) {
  auto models = testing::MediaPipeModels();
  if (models.empty()) GTEST_SKIP() << "MediaPipe npm packages not installed at " << testing::MediaPipeDir();
  const std::map<std::string, std::string> expected = {
      {"face_detection_full_range.tflite", "1.14.0"},  {"face_detection_full_range_sparse.tflite", "2.2.0"},
      {"face_detection_short_range.tflite", "1.14.0"}, {"hand_landmark_full.tflite", "1.14.0"},
      {"hand_landmark_lite.tflite", "1.14.0"},         {"object_detection_3d_camera.tflite", "1.14.0"},
      {"pose_landmark_full.tflite", "2.2.0"},          {"pose_landmark_heavy.tflite", "2.2.0"},
      {"selfie_segmentation.tflite", "1.15.0"},        {"selfie_segmentation_landscape.tflite", "1.15.0"}};
  for (const auto& path : models) {
    auto it = expected.find(std::filesystem::path(path).filename().string());
    if (it == expected.end()) continue;
    SCOPED_TRACE(path);
    MinRuntimeVersion v = ComputeMinRuntimeVersion(LoadModel(path), *Rules().Find("tflite"));
    EXPECT_EQ(v.computed, it->second);
    EXPECT_FALSE(v.stale());
  }
}

TEST(MinRuntimeVersion, StaleEntryIsReportedWithTheOpVersionsThatProveIt) {
  TFD_REQUIRE_FIXTURES();
  TargetResult r = Check(LoadModel(testing::Fixture("models/mlperf-tiny/vww_96_int8.tflite")), "tflite");
  const Finding* f = FindKind(r, "metadata");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_FALSE(f->node.has_value());
  EXPECT_NE(f->reason.find("says 1.5.0"), std::string::npos) << f->reason;
  EXPECT_NE(f->reason.find("1.14.0"), std::string::npos);
  for (const char* proof : {"CONV_2D v3", "DEPTHWISE_CONV_2D v3", "FULLY_CONNECTED v4", "SOFTMAX v2",
                            "AVERAGE_POOL_2D v2"})
    EXPECT_NE(f->reason.find(proof), std::string::npos) << proof << " in " << f->reason;
  EXPECT_EQ(f->reason.find("RESHAPE"), std::string::npos) << "RESHAPE v1 (1.5.0) proves nothing";
  EXPECT_EQ(*r.min_runtime_version, "1.14.0");
  EXPECT_TRUE(r.runs);
}

TEST(MinRuntimeVersion, EntryIsNeverTrustedOverTheOps) {
  // A synthetic model whose entry is stale (negative: an entry matching the
  // ops gives no finding).
  for (const char* entry : {"1.5.0", "1.14.0"}) {
    Builder b;
    int x = b.T("x", F::INT8, {1, 4});
    int w = b.C("w", F::INT8, {2, 4});
    int y = b.T("y", F::INT8, {1, 2});
    for (int t : {x, w, y}) b.Quantize(t, {0.5f});
    b.Op(BuiltinOp::FULLY_CONNECTED, {x, w, kOmittedInput}, {y}, 4);
    b.Metadata("min_runtime_version", entry);
    TargetResult r = Check(b.Build(), "tflite");
    EXPECT_EQ(*r.min_runtime_version, "1.14.0");
    EXPECT_EQ(*r.declared_min_runtime_version, entry);
    EXPECT_EQ(FindKind(r, "metadata") != nullptr, std::string(entry) == "1.5.0") << entry;
  }
}

// ===========================================================================
// Acceptance cases on real models.

TEST(Acceptance, FlexTokenizerLoadsNeitherOnStockTfliteNorOnTflm) {
  TFD_REQUIRE_FIXTURES();
  Model m = LoadModel(testing::Fixture("models/tflite-support/whitespace_tokenizer_flex_delegate.tflite"));
  TargetResult tfl = Check(m, "tflite");
  EXPECT_FALSE(tfl.runs);
  std::set<std::string> flex;
  for (const auto& f : tfl.findings)
    if (f.kind == "flex") {
      EXPECT_EQ(f.severity, Severity::kError);
      EXPECT_NE(f.reason.find("Select TF ops"), std::string::npos);
      flex.insert(f.op);
    }
  EXPECT_EQ(flex, (std::set<std::string>{"CUSTOM:FlexCumsum", "CUSTOM:FlexMul", "CUSTOM:FlexRaggedRange",
                                          "CUSTOM:FlexStridedSlice", "CUSTOM:FlexSub",
                                          "CUSTOM:FlexUnicodeDecodeWithOffsets", "CUSTOM:FlexUnicodeEncode",
                                          "CUSTOM:FlexWhitespaceTokenizeWithOffsets"}));
  // The size cost of the select-ops runtime is part of the reason; FlexMul's
  // fix names its builtin twin.
  bool size = false, builtin = false;
  for (const auto& f : tfl.findings) {
    if (f.op == "CUSTOM:FlexRaggedRange") size |= f.reason.find("bytes") != std::string::npos;
    if (f.op == "CUSTOM:FlexMul") builtin |= f.fix.find("builtin MUL") != std::string::npos;
  }
  EXPECT_TRUE(size);
  EXPECT_TRUE(builtin);
  TargetResult micro = Check(m, "tflm");
  EXPECT_FALSE(micro.runs);
  EXPECT_NE(AllReasons(micro).find("string"), std::string::npos) << "string tensors are flagged too";
  // Every delegate still needs the interpreter to run the Flex nodes.
  for (const char* d : {"xnnpack", "gpu", "nnapi", "coreml", "edgetpu"}) EXPECT_FALSE(Check(m, d).runs) << d;
}

TEST(Acceptance, AudioPreprocessorsLoadOnTflmOnly) {
  TFD_REQUIRE_FIXTURES();
  for (const char* file : {"models/tflite-micro/audio_preprocessor_float.tflite",
                           "models/tflite-micro/audio_preprocessor_int8.tflite"}) {
    SCOPED_TRACE(file);
    Model m = LoadModel(testing::Fixture(file));
    TargetResult micro = Check(m, "tflm");
    EXPECT_TRUE(micro.runs) << AllReasons(micro);
    TargetResult tfl = Check(m, "tflite");
    EXPECT_FALSE(tfl.runs);
    const Finding* f = FindKind(tfl, "custom_op");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->op.rfind("CUSTOM:Signal", 0), 0u);
    EXPECT_NE(f->fix.find("TFLite Micro"), std::string::npos);
    for (const char* d : {"xnnpack", "gpu", "nnapi", "coreml", "edgetpu"}) EXPECT_FALSE(Check(m, d).runs) << d;
  }
}

TEST(Acceptance, SelfieSegmentationNeedsARegisteredCustomOpOnTfliteAndIsJudgedPerDelegate) {
  auto models = testing::MediaPipeModels();
  std::string path;
  for (const auto& p : models)
    if (std::filesystem::path(p).filename() == "selfie_segmentation.tflite") path = p;
  if (path.empty()) GTEST_SKIP() << "MediaPipe selfie_segmentation not installed at " << testing::MediaPipeDir();
  Model m = LoadModel(path);
  TargetResult tfl = Check(m, "tflite");
  EXPECT_FALSE(tfl.runs);
  const Finding* f = FindKind(tfl, "custom_op");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->op, "CUSTOM:Convolution2DTransposeBias");
  EXPECT_NE(f->reason.find("MediaPipe"), std::string::npos);
  EXPECT_NE(f->fix.find("register"), std::string::npos);
  int node = *f->node;
  // GPU and XNNPACK implement the op: they take the node and the model loads.
  for (const char* d : {"gpu", "xnnpack"}) {
    TargetResult r = Check(m, d);
    EXPECT_TRUE(Taken(r, node)) << d << ": " << AllReasons(r);
    EXPECT_TRUE(r.runs) << d;
  }
  // Core ML, NNAPI and the Edge TPU do not: the node falls back to a CPU that
  // has no kernel for it.
  for (const char* d : {"coreml", "nnapi", "edgetpu"}) {
    TargetResult r = Check(m, d);
    EXPECT_FALSE(Taken(r, node)) << d;
    EXPECT_FALSE(r.runs) << d;
    bool error_at_node = false;
    for (const auto& x : Problems(r, node)) error_at_node |= x.severity == Severity::kError;
    EXPECT_TRUE(error_at_node) << d;
  }
}

TEST(Acceptance, PersonDetectIsRefusedByTfliteButRunsOnTflm) {
  TFD_REQUIRE_FIXTURES();
  Model m = LoadModel(testing::Fixture("models/tflite-micro/person_detect.tflite"));
  TargetResult tfl = Check(m, "tflite");
  EXPECT_FALSE(tfl.runs);
  const Finding* f = FindKind(tfl, "quantization");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->reason.find("quantized_dimension 3"), std::string::npos) << f->reason;
  EXPECT_TRUE(Check(m, "tflm").runs);
  EXPECT_FALSE(Check(m, "xnnpack").runs) << "the runtime refuses it before any delegate";
}

TEST(Acceptance, EdgeTpuRejectsFloatAndAcceptsFullInteger) {
  TFD_REQUIRE_FIXTURES();
  TargetResult flt = Check(LoadModel(testing::Fixture("models/mlperf-tiny/vww_96_float.tflite")), "edgetpu");
  EXPECT_FALSE(flt.runs);
  EXPECT_EQ(flt.delegated_ops, 0);
  ASSERT_NE(FindKind(flt, "full_integer"), nullptr);
  EXPECT_EQ(FindKind(flt, "full_integer")->severity, Severity::kError);
  ASSERT_TRUE(flt.first_unsupported_node.has_value());
  EXPECT_EQ(*flt.first_unsupported_node, 0);

  for (const char* file : {"models/mlperf-tiny/vww_96_int8.tflite", "models/coral/mobilenet_v2_1.0_224_quant.tflite",
                           "models/mlperf-tiny/kws_ref_model.tflite"}) {
    SCOPED_TRACE(file);
    TargetResult q = Check(LoadModel(testing::Fixture(file)), "edgetpu");
    EXPECT_TRUE(q.runs) << AllReasons(q);
    EXPECT_EQ(q.delegated_ops, q.total_ops) << AllReasons(q);
    EXPECT_EQ(q.partitions, 1);
    EXPECT_FALSE(q.first_unsupported_node.has_value());
  }
}

TEST(Acceptance, EdgeTpuNamesTheOpThatSplitsTheGraph) {
  TFD_REQUIRE_FIXTURES();
  // deeplab's image-pooling branch upscales 1x1 -> 33x33, which the compiler
  // leaves on the CPU, and everything after it with it (ARG_MAX too).
  Model m = LoadModel(testing::Fixture("models/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite"));
  TargetResult r = Check(m, "edgetpu");
  EXPECT_TRUE(r.runs);
  ASSERT_TRUE(r.first_unsupported_node.has_value());
  const Finding* split = FindKind(r, "partition");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->node, r.first_unsupported_node);
  EXPECT_NE(split->reason.find(split->op), std::string::npos);
  EXPECT_LT(r.delegated_ops, r.total_ops);
  EXPECT_GT(r.delegated_ops, 0);
}

TEST(Acceptance, EveryModelChecksOnEveryTarget) {
  std::vector<std::string> models = testing::FixtureModels();
  for (const auto& p : testing::MediaPipeModels()) models.push_back(p);
  if (models.empty()) GTEST_SKIP() << "no fixtures";
  std::vector<TargetSpec> all;
  for (const auto& n : Rules().order) all.push_back({n, ""});
  for (const auto& path : models) {
    SCOPED_TRACE(path);
    CheckResult res = CheckModel(LoadModel(path), Rules(), all);
    ASSERT_EQ(res.targets.size(), all.size());
    for (const auto& t : res.targets) {
      EXPECT_LE(t.delegated_ops, t.total_ops);
      EXPECT_LE(t.delegated_macs, t.total_macs);
      for (const auto& f : t.findings) {
        EXPECT_FALSE(f.reason.empty());
        EXPECT_FALSE(f.source.empty()) << t.target << " " << f.reason;
        EXPECT_EQ(f.reason.find('{'), std::string::npos) << "unfilled placeholder: " << f.reason;
        EXPECT_EQ(f.fix.find('{'), std::string::npos) << "unfilled placeholder: " << f.fix;
      }
    }
  }
}

TEST(Acceptance, OracleLoadabilityAgreesWithTheTfliteVerdict) {
  // tools/oracle/LOADABILITY.md: the real runtime loads 24 of the 29 fixture
  // models; the 5 it refuses are exactly those check says do not load.
  TFD_REQUIRE_FIXTURES();
  const std::set<std::string> refused = {
      "audio_preprocessor_float.tflite", "audio_preprocessor_int8.tflite", "person_detect.tflite",
      "test_model_nl_classifier_with_associated_label.tflite", "whitespace_tokenizer_flex_delegate.tflite"};
  for (const auto& path : testing::FilesUnder(testing::FixturesDir() / "models", ".tflite")) {
    SCOPED_TRACE(path);
    TargetResult r = Check(LoadModel(path), "tflite");
    EXPECT_EQ(r.runs, !refused.count(std::filesystem::path(path).filename().string())) << AllReasons(r);
  }
}

// ===========================================================================
// Rule families, per target: one positive and one negative case each.

// --- op lists (listed op taken / unlisted op left out) ---
TEST(Families, OpListEveryTarget) {
  Model add = AddModel();
  Model topk_like = Chain({BuiltinOp::ZEROS_LIKE});  // not on xnnpack/gpu/nnapi/coreml/edgetpu
  for (const char* t : {"xnnpack", "gpu", "nnapi", "coreml"}) {
    EXPECT_TRUE(Ok(Check(add, t), 0)) << t;
    TargetResult r = Check(topk_like, t);
    EXPECT_FALSE(Ok(r, 0)) << t;
    ASSERT_FALSE(Problems(r, 0).empty()) << t;
    EXPECT_EQ(Problems(r, 0)[0].severity, Severity::kWarning) << t << ": the CPU can run it";
    EXPECT_TRUE(r.runs) << t;
  }
  EXPECT_TRUE(Ok(Check(AddModel(F::INT8), "edgetpu"), 0));
  EXPECT_FALSE(Ok(Check(Chain({BuiltinOp::ZEROS_LIKE}, F::INT8), "edgetpu"), 0));
  // Runtimes: TFLM has ZEROS_LIKE but not e.g. TOPK_V2; tflite has both.
  EXPECT_TRUE(Check(topk_like, "tflm").runs);
  Builder b;
  int x = b.T("x", F::FLOAT32, {1, 8});
  int k = b.C("k", F::INT32, {}, {2});
  int v = b.T("v", F::FLOAT32, {1, 2});
  int i = b.T("i", F::INT32, {1, 2});
  b.Op(BuiltinOp::TOPK_V2, {x, k}, {v, i});
  Model topk = b.Build();
  EXPECT_FALSE(Check(topk, "tflm").runs);
  EXPECT_TRUE(Check(topk, "tflite").runs);
}

// --- custom ops ---
TEST(Families, CustomOps) {
  auto custom = [](const std::string& code) {
    Builder b;
    int x = b.T("x", F::FLOAT32, {1, 4});
    int y = b.T("y", F::FLOAT32, {1, 4});
    b.Custom(code, {x}, {y});
    return b.Build();
  };
  // tflite: registered by the stock resolver vs. needing the app's resolver.
  EXPECT_TRUE(Check(custom("TFLite_Detection_PostProcess"), "tflite").runs);
  TargetResult mine = Check(custom("MyCustomOp"), "tflite");
  EXPECT_FALSE(mine.runs);
  EXPECT_NE(mine.findings.at(0).fix.find("AddCustom(\"MyCustomOp\""), std::string::npos);
  // tflm: Signal ops registered vs. a custom op it does not know.
  EXPECT_TRUE(Check(custom("SignalWindow"), "tflm").runs);
  EXPECT_FALSE(Check(custom("MyCustomOp"), "tflm").runs);
  EXPECT_FALSE(Check(custom("SignalWindow"), "tflite").runs);
  // Flex: a builtin equivalent is named when there is one.
  TargetResult fmul = Check(custom("FlexMul"), "tflite");
  EXPECT_FALSE(fmul.runs);
  EXPECT_EQ(fmul.findings.at(0).kind, "flex");
  EXPECT_NE(fmul.findings.at(0).fix.find("builtin MUL"), std::string::npos);
  TargetResult fragged = Check(custom("FlexRaggedRange"), "tflite");
  EXPECT_NE(fragged.findings.at(0).fix.find("no builtin equivalent"), std::string::npos);
}

// --- dtypes: op-level and target-level ---
TEST(Families, Dtypes) {
  // XNNPACK: float ADD taken; int64 ADD not (target lacks int64).
  EXPECT_TRUE(Ok(Check(AddModel(F::FLOAT32), "xnnpack"), 0));
  TargetResult x64 = Check(AddModel(F::INT64), "xnnpack");
  EXPECT_FALSE(Ok(x64, 0));
  EXPECT_NE(Problems(x64, 0).at(0).reason.find("int64"), std::string::npos);
  EXPECT_NE(Problems(x64, 0).at(0).fix.find("int32"), std::string::npos);
  // XNNPACK op-level: SOFTMAX float only.
  EXPECT_TRUE(Ok(Check(SoftmaxModel(1.0f), "xnnpack"), 0));
  EXPECT_FALSE(Ok(Check(SoftmaxModel(1.0f, F::INT8), "xnnpack"), 0));
  // GPU: float and int8 (quantized support) yes, int64 no.
  EXPECT_TRUE(Ok(Check(AddModel(F::INT8), "gpu"), 0));
  EXPECT_FALSE(Ok(Check(AddModel(F::INT64), "gpu"), 0));
  // Core ML: float only.
  EXPECT_TRUE(Ok(Check(ConvModel({}), "coreml"), 0));
  EXPECT_FALSE(Ok(Check(ConvModel({F::INT8}), "coreml"), 0));
  // NNAPI: int64 has no operand type.
  EXPECT_TRUE(Ok(Check(AddModel(F::UINT8), "nnapi"), 0));
  EXPECT_FALSE(Ok(Check(AddModel(F::INT64), "nnapi"), 0));
  // Edge TPU: 8-bit only (float is the full-integer family below).
  EXPECT_TRUE(Ok(Check(AddModel(F::UINT8), "edgetpu"), 0));
  EXPECT_FALSE(Ok(Check(AddModel(F::INT64), "edgetpu"), 0));
  // TFLM: int8 conv runs, uint8 conv does not (kernels removed), float64 never.
  EXPECT_TRUE(Check(ConvModel({F::INT8}), "tflm").runs);
  TargetResult u8 = Check(ConvModel({F::UINT8}), "tflm");
  EXPECT_FALSE(u8.runs);
  EXPECT_NE(u8.findings.at(0).fix.find("int8"), std::string::npos);
  EXPECT_FALSE(Check(AddModel(F::FLOAT64), "tflm").runs);
  // tflite accepts all of these.
  EXPECT_TRUE(Check(ConvModel({F::UINT8}), "tflite").runs);
}

// --- constant inputs and mandatory inputs ---
TEST(Families, ConstAndRequiredInputs) {
  for (const char* t : {"xnnpack", "nnapi", "coreml"}) {
    EXPECT_TRUE(Ok(Check(ConvModel({}), t), 0)) << t;
    ConvSpec dyn;
    dyn.const_filter = false;
    TargetResult r = Check(ConvModel(dyn), t);
    EXPECT_FALSE(Ok(r, 0)) << t;
    EXPECT_NE(Problems(r, 0).at(0).reason.find("constant"), std::string::npos) << t;
  }
  ConvSpec dyn8;
  dyn8.dtype = F::INT8;
  EXPECT_TRUE(Ok(Check(ConvModel(dyn8), "edgetpu"), 0));
  dyn8.const_filter = false;
  EXPECT_FALSE(Ok(Check(ConvModel(dyn8), "edgetpu"), 0));
  // XNNPACK: CONV_2D without bias is refused.
  ConvSpec nobias;
  nobias.bias = false;
  EXPECT_FALSE(Ok(Check(ConvModel(nobias), "xnnpack"), 0));
  EXPECT_TRUE(Ok(Check(ConvModel(nobias), "gpu"), 0));
}

// --- fused activations ---
TEST(Families, FusedActivation) {
  using A = tflite::ActivationFunctionType;
  EXPECT_TRUE(Ok(Check(AddModel(F::FLOAT32, A::RELU6), "xnnpack"), 0));
  TargetResult tanh = Check(AddModel(F::FLOAT32, A::TANH), "xnnpack");
  EXPECT_FALSE(Ok(tanh, 0));
  EXPECT_NE(Problems(tanh, 0).at(0).reason.find("TANH"), std::string::npos);
  EXPECT_TRUE(Ok(Check(AddModel(F::FLOAT32, A::TANH), "gpu"), 0));
  EXPECT_FALSE(Ok(Check(AddModel(F::FLOAT32, A::SIGN_BIT), "gpu"), 0));
  EXPECT_TRUE(Ok(Check(AddModel(F::FLOAT32, A::RELU), "nnapi"), 0));
  EXPECT_FALSE(Ok(Check(AddModel(F::FLOAT32, A::TANH), "nnapi"), 0));
  EXPECT_TRUE(Ok(Check(AddModel(F::FLOAT32, A::RELU), "coreml"), 0));
  EXPECT_FALSE(Ok(Check(AddModel(F::FLOAT32, A::SIGN_BIT), "coreml"), 0));
  // Edge TPU: pooling takes no fused activation.
  auto pool = [](A act) {
    Builder b;
    int x = b.T("x", F::INT8, {1, 4, 4, 3});
    int y = b.T("y", F::INT8, {1, 2, 2, 3});
    b.Quantize(x, {0.5f});
    b.Quantize(y, {0.5f});
    b.Op(BuiltinOp::MAX_POOL_2D, {x}, {y}, 2, [act](Operator& o) {
      tflite::Pool2DOptionsT p;
      p.filter_width = p.filter_height = 2;
      p.stride_w = p.stride_h = 2;
      p.fused_activation_function = act;
      o.options.Set(p);
    });
    return b.Build();
  };
  EXPECT_TRUE(Ok(Check(pool(A::NONE), "edgetpu"), 0));
  EXPECT_FALSE(Ok(Check(pool(A::RELU), "edgetpu"), 0));
}

// --- option constraints ---
TEST(Families, Options) {
  for (const char* t : {"xnnpack", "gpu"}) {
    EXPECT_TRUE(Ok(Check(SoftmaxModel(1.0f), t), 0)) << t;
    TargetResult r = Check(SoftmaxModel(2.0f), t);
    EXPECT_FALSE(Ok(r, 0)) << t;
    EXPECT_NE(Problems(r, 0).at(0).reason.find("beta"), std::string::npos) << t;
  }
  // GPU: STRIDED_SLICE without / with shrink_axis_mask.
  auto slice = [](int shrink) {
    Builder b;
    int x = b.T("x", F::FLOAT32, {1, 4, 4, 3});
    int begin = b.C("begin", F::INT32, {4}, {0, 0, 0, 0});
    int end = b.C("end", F::INT32, {4}, {1, 2, 4, 3});
    int strides = b.C("strides", F::INT32, {4}, {1, 1, 1, 1});
    int y = b.T("y", F::FLOAT32, {1, 2, 4, 3});
    b.Op(BuiltinOp::STRIDED_SLICE, {x, begin, end, strides}, {y}, 1, [shrink](Operator& o) {
      tflite::StridedSliceOptionsT s;
      s.shrink_axis_mask = shrink;
      o.options.Set(s);
    });
    return b.Build();
  };
  EXPECT_TRUE(Ok(Check(slice(0), "gpu"), 0));
  EXPECT_FALSE(Ok(Check(slice(1), "gpu"), 0));
  // XNNPACK: 1x1 pooling with stride 2 (a `when` rule) vs stride 1.
  auto pool = [](int stride) {
    Builder b;
    int x = b.T("x", F::FLOAT32, {1, 4, 4, 3});
    int y = b.T("y", F::FLOAT32, {1, 4 / stride, 4 / stride, 3});
    b.Op(BuiltinOp::AVERAGE_POOL_2D, {x}, {y}, 1, [stride](Operator& o) {
      tflite::Pool2DOptionsT p;
      p.filter_width = p.filter_height = 1;
      p.stride_w = p.stride_h = stride;
      o.options.Set(p);
    });
    return b.Build();
  };
  EXPECT_TRUE(Ok(Check(pool(1), "xnnpack"), 0));
  EXPECT_FALSE(Ok(Check(pool(2), "xnnpack"), 0));
  // Core ML: concatenation along channels only.
  auto concat = [](int axis) {
    Builder b;
    int a = b.T("a", F::FLOAT32, {1, 4, 4, 3});
    int c = b.T("c", F::FLOAT32, {1, 4, 4, 3});
    int y = b.T("y", F::FLOAT32, axis == 3 ? std::vector<int32_t>{1, 4, 4, 6} : std::vector<int32_t>{1, 8, 4, 3});
    b.Op(BuiltinOp::CONCATENATION, {a, c}, {y}, 1, [axis](Operator& o) {
      tflite::ConcatenationOptionsT opt;
      opt.axis = axis;
      o.options.Set(opt);
    });
    return b.Build();
  };
  EXPECT_TRUE(Ok(Check(concat(3), "coreml"), 0));
  EXPECT_FALSE(Ok(Check(concat(1), "coreml"), 0));
  // Core ML: RESHAPE is listed as unsupported (supported: false).
  Builder rb;
  int x = rb.T("x", F::FLOAT32, {1, 4, 4, 3});
  int s = rb.C("shape", F::INT32, {2}, {1, 48});
  int y = rb.T("y", F::FLOAT32, {1, 48});
  rb.Op(BuiltinOp::RESHAPE, {x, s}, {y});
  Model reshape = rb.Build();
  EXPECT_FALSE(Ok(Check(reshape, "coreml"), 0));
  EXPECT_TRUE(Ok(Check(reshape, "xnnpack"), 0));
  // Edge TPU: FULLY_CONNECTED weights format.
  auto fc = [](tflite::FullyConnectedOptionsWeightsFormat format) {
    Builder b;
    int x = b.T("x", F::INT8, {1, 16});
    int w = b.C("w", F::INT8, {4, 16});
    int y = b.T("y", F::INT8, {1, 4});
    for (int t : {x, w, y}) b.Quantize(t, {0.5f});
    b.Op(BuiltinOp::FULLY_CONNECTED, {x, w, kOmittedInput}, {y}, 4, [format](Operator& o) {
      tflite::FullyConnectedOptionsT opt;
      opt.weights_format = format;
      o.options.Set(opt);
    });
    return b.Build();
  };
  EXPECT_TRUE(Ok(Check(fc(tflite::FullyConnectedOptionsWeightsFormat::DEFAULT), "edgetpu"), 0));
  EXPECT_FALSE(Ok(Check(fc(tflite::FullyConnectedOptionsWeightsFormat::SHUFFLED4x16INT8), "edgetpu"), 0));
}

// --- constant axes / paddings (dims) ---
TEST(Families, Dims) {
  EXPECT_TRUE(Ok(Check(MeanModel({1, 2}), "xnnpack"), 0));
  EXPECT_FALSE(Ok(Check(MeanModel({1, 2}, /*const_axes=*/false), "xnnpack"), 0));
  EXPECT_TRUE(Ok(Check(MeanModel({1, 2}), "gpu"), 0));
  EXPECT_FALSE(Ok(Check(MeanModel({1, 2}, false), "gpu"), 0));
  EXPECT_TRUE(Ok(Check(MeanModel({1, 2}, true, F::INT8), "edgetpu"), 0));
  TargetResult ch = Check(MeanModel({3}, true, F::INT8), "edgetpu");
  EXPECT_FALSE(Ok(ch, 0));
  EXPECT_NE(Problems(ch, 0).at(0).reason.find("dimension 3"), std::string::npos);
  EXPECT_TRUE(Ok(Check(MeanModel({-3, -2}, true, F::INT8), "edgetpu"), 0)) << "negative axes normalized";
  // Padding only H/W (Edge TPU, Core ML) vs padding channels.
  std::vector<int32_t> hw = {0, 0, 1, 1, 1, 1, 0, 0}, channels = {0, 0, 1, 1, 1, 1, 1, 1};
  EXPECT_TRUE(Ok(Check(PadModel(hw, F::INT8), "edgetpu"), 0));
  EXPECT_FALSE(Ok(Check(PadModel(channels, F::INT8), "edgetpu"), 0));
  EXPECT_TRUE(Ok(Check(PadModel(hw), "coreml"), 0));
  EXPECT_FALSE(Ok(Check(PadModel(channels), "coreml"), 0));
  EXPECT_TRUE(Ok(Check(PadModel(channels), "xnnpack"), 0));
}

// --- op versions and API levels ---
TEST(Families, Versions) {
  // tflite@RELEASE: FULLY_CONNECTED v4 needs 1.14.0.
  Builder b;
  int x = b.T("x", F::INT8, {1, 4});
  int w = b.C("w", F::INT8, {2, 4});
  int y = b.T("y", F::INT8, {1, 2});
  for (int t : {x, w, y}) b.Quantize(t, {0.5f});
  b.Op(BuiltinOp::FULLY_CONNECTED, {x, w, kOmittedInput}, {y}, 4);
  Model fc4 = b.Build();
  EXPECT_TRUE(Check(fc4, "tflite@1.14.0").runs);
  TargetResult old = Check(fc4, "tflite@1.13.1");
  EXPECT_FALSE(old.runs);
  ASSERT_EQ(old.findings.at(0).kind, "version");
  EXPECT_NE(old.findings.at(0).reason.find("needs TFLite 1.14.0"), std::string::npos);
  EXPECT_NE(old.findings.at(0).fix.find("<= 2"), std::string::npos) << old.findings.at(0).fix;
  // A version newer than any release.
  Builder nb;
  int a = nb.T("a", F::FLOAT32, {1, 4});
  int c = nb.T("c", F::FLOAT32, {1, 4});
  nb.Op(BuiltinOp::RELU, {a}, {c}, 99);
  EXPECT_FALSE(Check(nb.Build(), "tflite").runs);
  // XNNPACK: FULLY_CONNECTED v8 (sparse) is excluded.
  auto fcv = [](int version) {
    Builder bb;
    int i = bb.T("x", F::FLOAT32, {1, 4});
    int ww = bb.C("w", F::FLOAT32, {2, 4});
    int o = bb.T("y", F::FLOAT32, {1, 2});
    bb.Op(BuiltinOp::FULLY_CONNECTED, {i, ww, kOmittedInput}, {o}, version);
    return bb.Build();
  };
  EXPECT_TRUE(Ok(Check(fcv(1), "xnnpack"), 0));
  EXPECT_FALSE(Ok(Check(fcv(8), "xnnpack"), 0));
  // NNAPI: SUB needs API 28; int8 tensors need API 30; dilation needs 29.
  Builder sb;
  int s0 = sb.T("s0", F::FLOAT32, {1, 4});
  int s1 = sb.C("s1", F::FLOAT32, {1, 4});
  int s2 = sb.T("s2", F::FLOAT32, {1, 4});
  sb.Op(BuiltinOp::SUB, {s0, s1}, {s2});
  Model subm = sb.Build();
  EXPECT_FALSE(Ok(Check(subm, "nnapi@27"), 0));
  EXPECT_TRUE(Ok(Check(subm, "nnapi@28"), 0));
  EXPECT_FALSE(Ok(Check(AddModel(F::INT8), "nnapi@29"), 0));
  EXPECT_TRUE(Ok(Check(AddModel(F::INT8), "nnapi@30"), 0));
  ConvSpec dil;
  dil.dilation = 2;
  EXPECT_FALSE(Ok(Check(ConvModel(dil), "nnapi@28"), 0));
  EXPECT_TRUE(Ok(Check(ConvModel(dil), "nnapi@29"), 0));
}

// --- partitions and MACs ---
TEST(Families, PartitionsAndMacs) {
  // ADD-like unary chain: RELU, ZEROS_LIKE (unsupported on the delegates), RELU, RELU.
  Model m = Chain({BuiltinOp::RELU, BuiltinOp::ZEROS_LIKE, BuiltinOp::RELU, BuiltinOp::RELU});
  // XNNPACK takes every run: two partitions.
  TargetResult x = Check(m, "xnnpack");
  EXPECT_EQ(x.partitions, 2);
  EXPECT_EQ(x.delegated_ops, 3);
  // GPU keeps the largest partition only; the dropped one is reported.
  TargetResult g = Check(m, "gpu");
  EXPECT_EQ(g.partitions, 1);
  EXPECT_EQ(g.delegated_ops, 2);
  EXPECT_FALSE(Taken(g, 0));
  EXPECT_TRUE(Taken(g, 2));
  ASSERT_NE(FindKind(g, "partition"), nullptr);
  EXPECT_NE(FindKind(g, "partition")->reason.find("max_delegated_partitions"), std::string::npos);
  // Core ML skips one-node partitions (min_nodes_per_partition 2).
  TargetResult c = Check(m, "coreml");
  EXPECT_EQ(c.partitions, 1);
  EXPECT_FALSE(Taken(c, 0));
  // Fully supported chain: one partition everywhere.
  EXPECT_EQ(Check(Chain({BuiltinOp::RELU, BuiltinOp::RELU}), "gpu").partitions, 1);
  // NNAPI keeps at most 3 partitions.
  Model many = Chain({BuiltinOp::RELU, BuiltinOp::ZEROS_LIKE, BuiltinOp::RELU, BuiltinOp::ZEROS_LIKE,
                      BuiltinOp::RELU, BuiltinOp::ZEROS_LIKE, BuiltinOp::RELU, BuiltinOp::ZEROS_LIKE, BuiltinOp::RELU});
  EXPECT_EQ(Check(many, "nnapi").partitions, 3);
  EXPECT_EQ(Check(many, "xnnpack").partitions, 5);

  // MACs: 1x8x8x4 output, 3x3x3 kernel = 6912; the float conv is fully on GPU.
  Model conv = ConvModel({});
  EXPECT_EQ(EstimateMacs(conv, conv.main(), conv.main().operators[0]), 8 * 8 * 4 * 27);
  TargetResult gc = Check(conv, "gpu");
  EXPECT_EQ(gc.total_macs, 6912);
  EXPECT_EQ(gc.delegated_macs, 6912);
  ConvSpec dyn;
  dyn.const_filter = false;
  TargetResult xc = Check(ConvModel(dyn), "xnnpack");
  EXPECT_EQ(xc.delegated_macs, 0);
  EXPECT_EQ(xc.total_macs, 6912);
}

// --- Edge TPU specifics: full integer, prefix split, nontrivial dims ---
TEST(Families, EdgeTpu) {
  // Float conv: not full integer -> does not load.
  TargetResult f = Check(ConvModel({}), "edgetpu");
  EXPECT_FALSE(f.runs);
  EXPECT_NE(FindKind(f, "full_integer"), nullptr);
  ConvSpec q;
  q.dtype = F::INT8;
  TargetResult i = Check(ConvModel(q), "edgetpu");
  EXPECT_TRUE(i.runs);
  EXPECT_EQ(FindKind(i, "full_integer"), nullptr);
  // Batch 2 -> 4 dimensions larger than 1.
  q.batch = 2;
  TargetResult b2 = Check(ConvModel(q), "edgetpu");
  EXPECT_FALSE(Taken(b2, 0));
  EXPECT_NE(Problems(b2, 0).at(0).reason.find("innermost"), std::string::npos);
  // Split: int8 RELU, ZEROS_LIKE, RELU -> only node 0 mapped, node 2 on CPU
  // although supported.
  TargetResult s = Check(Chain({BuiltinOp::RELU, BuiltinOp::ZEROS_LIKE, BuiltinOp::RELU}, F::INT8), "edgetpu");
  EXPECT_EQ(s.first_unsupported_node.value_or(-1), 1);
  EXPECT_TRUE(Taken(s, 0));
  EXPECT_FALSE(Taken(s, 2));
  const Finding* split = FindKind(s, "partition");
  ASSERT_NE(split, nullptr);
  EXPECT_NE(split->reason.find("ZEROS_LIKE"), std::string::npos);
  EXPECT_NE(split->reason.find("1 that"), std::string::npos) << split->reason;
  // A float->int8 QUANTIZE at the input runs on CPU without splitting the graph.
  Builder b;
  int x = b.T("x", F::FLOAT32, {1, 4, 4, 3});
  int xq = b.T("xq", F::INT8, {1, 4, 4, 3});
  int y = b.T("y", F::INT8, {1, 4, 4, 3});
  b.Quantize(xq, {0.5f});
  b.Quantize(y, {0.5f});
  b.Op(BuiltinOp::QUANTIZE, {x}, {xq});
  b.Op(BuiltinOp::RELU, {xq}, {y});
  TargetResult lead = Check(b.Build(), "edgetpu");
  EXPECT_TRUE(lead.runs) << AllReasons(lead);
  EXPECT_FALSE(Taken(lead, 0));
  EXPECT_TRUE(Taken(lead, 1));
  EXPECT_FALSE(lead.first_unsupported_node.has_value());
}

// --- Edge TPU, as the compiler's files show it (tests/analysis/edgetpu_pairs_test.cc
// holds the rules against the compiled fixtures; these are the general cases) ---

// An int8 RESIZE_BILINEAR from HxW to (f*H)x(f*W).
Model ResizeModel(int from, int to) {
  Builder b;
  int x = b.T("x", F::INT8, {1, from, from, 8});
  int size = b.C("size", F::INT32, {2}, {to, to});
  int y = b.T("y", F::INT8, {1, to, to, 8});
  b.Quantize(x, {0.5f});
  b.Quantize(y, {0.5f});
  b.Op(BuiltinOp::RESIZE_BILINEAR, {x, size}, {y});
  return b.Build();
}

TEST(Families, EdgeTpuLeavesLargeUpscalesOnTheCpu) {
  EXPECT_TRUE(Taken(Check(ResizeModel(16, 32), "edgetpu"), 0));   // x2
  EXPECT_TRUE(Taken(Check(ResizeModel(2, 32), "edgetpu"), 0));    // x16
  TargetResult big = Check(ResizeModel(1, 33), "edgetpu");         // x33, DeepLab's image pooling
  EXPECT_FALSE(Taken(big, 0));
  EXPECT_TRUE(big.runs) << AllReasons(big);
  ASSERT_FALSE(Problems(big, 0).empty());
  EXPECT_NE(Problems(big, 0).at(0).reason.find("1x1 -> 33x33 (x33)"), std::string::npos) << AllReasons(big);
  // Other targets have no such limit.
  EXPECT_TRUE(Ok(Check(ResizeModel(1, 33), "tflite"), 0));
}

// Coral's documented per-op limits on tensor sizes and constant inputs.
TEST(Families, EdgeTpuSoftmaxFullyConnectedAndStridedSliceLimits) {
  auto softmax = [](std::vector<int32_t> shape) {
    Builder b;
    int x = b.T("x", F::INT8, shape);
    int y = b.T("y", F::INT8, shape);
    b.Quantize(x, {0.5f});
    b.Quantize(y, {1.0f / 256});
    b.Op(BuiltinOp::SOFTMAX, {x}, {y});
    return b.Build();
  };
  EXPECT_TRUE(Taken(Check(softmax({1, 1001}), "edgetpu"), 0));
  TargetResult big = Check(softmax({1, 20000}), "edgetpu");
  EXPECT_FALSE(Taken(big, 0));
  EXPECT_NE(AllReasons(big).find("20000 elements"), std::string::npos) << AllReasons(big);
  TargetResult seg = Check(softmax({1, 8, 8, 21}), "edgetpu");  // per-pixel softmax of a segmenter
  EXPECT_FALSE(Taken(seg, 0));
  EXPECT_NE(AllReasons(seg).find("1-D input"), std::string::npos) << AllReasons(seg);
  EXPECT_TRUE(Ok(Check(softmax({1, 8, 8, 21}), "tflite"), 0));

  auto fc = [](int batch) {
    Builder b;
    int x = b.T("x", F::INT8, {batch, 16});
    int w = b.C("w", F::INT8, {10, 16});
    int bias = b.C("bias", F::INT32, {10});
    int y = b.T("y", F::INT8, {batch, 10});
    b.Quantize(x, {0.5f});
    b.Quantize(w, {0.5f});
    b.Quantize(bias, {0.25f});
    b.Quantize(y, {0.5f});
    b.Op(BuiltinOp::FULLY_CONNECTED, {x, w, bias}, {y}, 4);
    return b.Build();
  };
  EXPECT_TRUE(Taken(Check(fc(1), "edgetpu"), 0));
  TargetResult rows = Check(fc(4), "edgetpu");
  EXPECT_FALSE(Taken(rows, 0));
  EXPECT_NE(AllReasons(rows).find("one-dimensional output"), std::string::npos) << AllReasons(rows);

  auto slice = [](int stride) {
    Builder b;
    int x = b.T("x", F::INT8, {1, 8, 8, 4});
    int begin = b.C("begin", F::INT32, {4}, {0, 0, 0, 0});
    int end = b.C("end", F::INT32, {4}, {1, 8, 8, 4});
    int strides = b.C("strides", F::INT32, {4}, {1, stride, stride, 1});
    int y = b.T("y", F::INT8, {1, 8 / stride, 8 / stride, 4});
    b.Quantize(x, {0.5f});
    b.Quantize(y, {0.5f});
    b.Op(BuiltinOp::STRIDED_SLICE, {x, begin, end, strides}, {y});
    return b.Build();
  };
  EXPECT_TRUE(Taken(Check(slice(1), "edgetpu"), 0));
  TargetResult strided = Check(slice(2), "edgetpu");
  EXPECT_FALSE(Taken(strided, 0));
  EXPECT_NE(AllReasons(strided).find("stride 2"), std::string::npos) << AllReasons(strided);
}

TEST(Families, EdgeTpuTakesConvolutionsDilatedAlikeInXAndY) {
  auto conv = [](int dw, int dh) {
    Builder b;
    int x = b.T("x", F::INT8, {1, 8, 8, 3});
    int w = b.C("w", F::INT8, {4, 3, 3, 3});
    int bias = b.C("b", F::INT32, {4});
    int y = b.T("y", F::INT8, {1, 8, 8, 4});
    for (int t : {x, w, y}) b.Quantize(t, {0.5f});
    b.Quantize(bias, {0.25f});
    b.Op(BuiltinOp::CONV_2D, {x, w, bias}, {y}, 3, [=](Operator& o) {
      tflite::Conv2DOptionsT opt;
      opt.stride_w = opt.stride_h = 1;
      opt.dilation_w_factor = dw;
      opt.dilation_h_factor = dh;
      opt.padding = tflite::Padding::SAME;
      o.options.Set(opt);
    });
    return b.Build();
  };
  EXPECT_TRUE(Taken(Check(conv(2, 2), "edgetpu"), 0));
  TargetResult uneven = Check(conv(2, 1), "edgetpu");
  EXPECT_FALSE(Taken(uneven, 0));
  EXPECT_NE(AllReasons(uneven).find("dilates x by 2 and y by 1"), std::string::npos) << AllReasons(uneven);
}

TEST(Families, EdgeTpuTakesAConstantInConcatenationOnlyAsZeroPadding) {
  // x [1,4,4,3] concatenated with others on the channel axis; `zeros`: the
  // constant holds zeros; `nonzero`: a constant with data; `third`: a third input.
  auto concat = [](bool constant, bool zeros, bool third) {
    Builder b;
    int x = b.T("x", F::INT8, {1, 4, 4, 3});
    int c = !constant ? b.T("c", F::INT8, {1, 4, 4, 1})
            : zeros   ? b.C("c", F::INT8, {1, 4, 4, 1})
                      : b.C("c", F::INT8, {1, 4, 4, 1}, {1, 1, 1, 1});  // 16 bytes, some not zero
    std::vector<int32_t> in = {x, c};
    if (third) in.push_back(b.T("d", F::INT8, {1, 4, 4, 1}));
    int y = b.T("y", F::INT8, {1, 4, 4, third ? 5 : 4});
    for (int t : in) b.Quantize(t, {0.5f});
    b.Quantize(y, {0.5f});
    b.Op(BuiltinOp::CONCATENATION, in, {y}, 1, [](Operator& o) {
      tflite::ConcatenationOptionsT opt;
      opt.axis = 3;
      o.options.Set(opt);
    });
    return b.Build();
  };
  EXPECT_TRUE(Taken(Check(concat(false, false, true), "edgetpu"), 0));  // run-time inputs only
  EXPECT_TRUE(Taken(Check(concat(true, true, false), "edgetpu"), 0));   // zero padding
  TargetResult data = Check(concat(true, false, false), "edgetpu");
  EXPECT_FALSE(Taken(data, 0));
  EXPECT_NE(AllReasons(data).find("only as zero padding"), std::string::npos) << AllReasons(data);
  EXPECT_FALSE(Taken(Check(concat(true, true, true), "edgetpu"), 0));   // zeros, but 3 inputs
  EXPECT_TRUE(Ok(Check(concat(true, false, false), "tflite"), 0));
}

TEST(Families, EdgeTpuMapsTheQuantizedFrontOfAModelWithAFloatTail) {
  // int8 RELU, DEQUANTIZE, float LOGISTIC: the compiler maps the RELU and
  // leaves the float tail on the CPU; the model compiles.
  Builder b;
  int x = b.T("x", F::INT8, {1, 4, 4, 3});
  int y = b.T("y", F::INT8, {1, 4, 4, 3});
  int yf = b.T("yf", F::FLOAT32, {1, 4, 4, 3});
  int z = b.T("z", F::FLOAT32, {1, 4, 4, 3});
  b.Quantize(x, {0.5f});
  b.Quantize(y, {0.5f});
  b.Op(BuiltinOp::RELU, {x}, {y});
  b.Op(BuiltinOp::DEQUANTIZE, {y}, {yf});
  b.Op(BuiltinOp::LOGISTIC, {yf}, {z});
  TargetResult r = Check(b.Build(), "edgetpu");
  EXPECT_TRUE(r.runs) << AllReasons(r);
  EXPECT_TRUE(Taken(r, 0));
  EXPECT_FALSE(Taken(r, 1));
  EXPECT_FALSE(Taken(r, 2));
  EXPECT_EQ(r.first_unsupported_node.value_or(-1), 1);
  // Node 2 is float: a warning that it runs on CPU, not a refused model.
  ASSERT_FALSE(Problems(r, 2).empty()) << AllReasons(r);
  EXPECT_EQ(Problems(r, 2).at(0).kind, "full_integer");
  EXPECT_EQ(Problems(r, 2).at(0).severity, Severity::kWarning);
  EXPECT_EQ(r.delegated_ops, 1);
}

TEST(Families, EdgeTpuLeavesACustomOpToTheAppsKernel) {
  // int8 RELU then a custom op: mapped front, custom op on the CPU with a
  // warning (the app registers it beside edgetpu-custom-op); on the stock
  // TFLite runtime the same custom op is an error.
  Builder b;
  int x = b.T("x", F::INT8, {1, 4, 4, 3});
  int y = b.T("y", F::INT8, {1, 4, 4, 3});
  int z = b.T("z", F::INT8, {1, 4, 4, 3});
  b.Quantize(x, {0.5f});
  b.Quantize(y, {0.5f});
  b.Quantize(z, {0.5f});
  b.Op(BuiltinOp::RELU, {x}, {y});
  b.Custom("MyDecoder", {y}, {z});
  Model m = b.Build();
  TargetResult r = Check(m, "edgetpu");
  EXPECT_TRUE(r.runs) << AllReasons(r);
  EXPECT_TRUE(Taken(r, 0));
  EXPECT_FALSE(Taken(r, 1));
  ASSERT_FALSE(Problems(r, 1).empty());
  EXPECT_EQ(Problems(r, 1).at(0).severity, Severity::kWarning);
  EXPECT_NE(Problems(r, 1).at(0).fix.find("register MyDecoder"), std::string::npos) << AllReasons(r);
  EXPECT_FALSE(Check(m, "tflite").runs);
  EXPECT_FALSE(Check(m, "gpu").runs);  // targets without the rule keep the error
}

// --- dynamic shapes, flagged on every target ---
TEST(Families, DynamicShapes) {
  Builder b;
  int x = b.T("x", F::FLOAT32, {1, 4});
  int y = b.T("y", F::FLOAT32, {1, 4});
  b.Signature(x, {-1, 4});
  b.Signature(y, {-1, 4});
  b.Op(BuiltinOp::RELU, {x}, {y});
  Model dyn = b.Build();
  Model fixed = Chain({BuiltinOp::RELU});
  for (const auto& name : Rules().order) {
    TargetResult d = Check(dyn, name);
    const Finding* f = FindKind(d, "dynamic_shape");
    ASSERT_NE(f, nullptr) << name;
    EXPECT_NE(f->reason.find("'x' [-1, 4]"), std::string::npos) << name << ": " << f->reason;
    EXPECT_EQ(FindKind(Check(fixed, name), "dynamic_shape"), nullptr) << name;
  }
  EXPECT_EQ(FindKind(Check(dyn, "gpu"), "dynamic_shape")->severity, Severity::kWarning);
  EXPECT_EQ(FindKind(Check(dyn, "tflite"), "dynamic_shape")->severity, Severity::kInfo);
  // A RESHAPE to a shape computed at run time makes its output (and what is
  // computed from it) dynamically sized: delegates needing static shapes
  // leave those nodes, TFLM cannot plan them; a constant target is fine.
  for (bool computed : {true, false}) {
    Builder u;
    int ux = u.T("x", F::FLOAT32, {1, 4});
    int shape = computed ? u.T("shape", F::INT32, {2}) : u.C("shape", F::INT32, {2}, {2, 2});
    int uy = u.T("y", F::FLOAT32, {2, 2});
    int uz = u.T("z", F::FLOAT32, {2, 2});
    u.Op(BuiltinOp::RESHAPE, {ux, shape}, {uy});
    u.Op(BuiltinOp::RELU, {uy}, {uz});
    Model m = u.Build();
    TargetResult x = Check(m, "xnnpack");
    EXPECT_EQ(Ok(x, 1), !computed) << AllReasons(x);
    EXPECT_EQ(FindKind(x, "dynamic_shape") != nullptr, computed);
    EXPECT_EQ(Check(m, "tflm").runs, !computed);
    EXPECT_TRUE(Check(m, "tflite").runs);
  }
}

// --- numerics, flagged once per rule ---
TEST(Families, Numerics) {
  Model logistic = Chain({BuiltinOp::LOGISTIC, BuiltinOp::LOGISTIC});
  Model neg = Chain({BuiltinOp::NEG});
  for (const char* t : {"tflite", "xnnpack", "gpu", "tflm"}) {
    int count = 0;  // findings from common.json's approximation rule
    for (const auto& f : Check(logistic, t).findings)
      if (f.kind == "numerics" && f.reason.find("uses approximations") != std::string::npos) {
        ++count;
        EXPECT_EQ(f.severity, Severity::kInfo);
        EXPECT_EQ(f.op, "LOGISTIC");
        EXPECT_EQ(f.node.value_or(-1), 0);
        EXPECT_NE(f.reason.find("2 nodes"), std::string::npos) << f.reason;
      }
    EXPECT_EQ(count, 1) << t;
  }
  // NEG is exact everywhere: only the GPU's any-op fp16 note applies.
  EXPECT_EQ(FindKind(Check(neg, "tflite"), "numerics"), nullptr);
  EXPECT_NE(FindKind(Check(neg, "gpu"), "numerics"), nullptr);
}

// --- each target's own numerics rules: they fire on the ops they name ---
TEST(Families, TargetNumericsRules) {
  for (const auto& name : Rules().order) {
    const TargetRules& t = *Rules().Find(name);
    DType dt = name == "edgetpu" ? F::INT8 : F::FLOAT32;
    for (const auto& rule : t.numerics) {
      bool any = std::find(rule.ops.begin(), rule.ops.end(), "*") != rule.ops.end();
      ConvSpec spec;
      spec.dtype = dt;
      Model hit = any ? Chain({BuiltinOp::RELU, BuiltinOp::RELU}, dt) : ConvModel(spec);
      // An op the rule does not name (or, for "*", one the delegate does not take).
      Model miss = Chain({any ? BuiltinOp::ZEROS_LIKE : BuiltinOp::NEG}, dt);
      if (!any) {
        ASSERT_NE(std::find(rule.ops.begin(), rule.ops.end(), "CONV_2D"), rule.ops.end()) << name;
      }
      auto fired = [&](const Model& m) {
        for (const auto& f : Check(m, name).findings)
          if (f.kind == "numerics" && f.source == rule.advice.source) return true;
        return false;
      };
      EXPECT_TRUE(fired(hit)) << name;
      EXPECT_FALSE(fired(miss)) << name;
    }
  }
}

// --- constant weights behind DEQUANTIZE (float16 models) are folded ---
TEST(Families, Float16WeightsBehindDequantize) {
  Builder b;
  int x = b.T("x", F::FLOAT32, {1, 8, 8, 3});
  int w16 = b.C("w16", F::FLOAT16, {4, 3, 3, 3});
  int w = b.T("w", F::FLOAT32, {4, 3, 3, 3});
  int b16 = b.C("b16", F::FLOAT16, {4});
  int bias = b.T("bias", F::FLOAT32, {4});
  int y = b.T("y", F::FLOAT32, {1, 8, 8, 4});
  b.Op(BuiltinOp::DEQUANTIZE, {w16}, {w}, 2);
  b.Op(BuiltinOp::DEQUANTIZE, {b16}, {bias}, 2);
  b.Op(BuiltinOp::CONV_2D, {x, w, bias}, {y}, 1, ConvOpts());
  Model m = b.Build();
  for (const char* t : {"xnnpack", "gpu", "coreml"}) {
    TargetResult r = Check(m, t);
    EXPECT_EQ(r.delegated_ops, 3) << t << ": " << AllReasons(r);
    EXPECT_EQ(r.partitions, 1) << t;
  }
  // TFLite Micro has no float16 kernels.
  EXPECT_FALSE(Check(m, "tflm").runs);
  EXPECT_TRUE(Check(m, "tflite").runs);
}

// --- dtypes the stock runtime has in only a few kernels ---
TEST(Families, LimitedDtypesOnTflite) {
  TargetResult f64 = Check(AddModel(F::FLOAT64), "tflite");
  EXPECT_TRUE(f64.runs);
  const Finding* f = FindKind(f64, "dtype");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->reason.find("float64"), std::string::npos);
  EXPECT_EQ(FindKind(Check(AddModel(F::FLOAT32), "tflite"), "dtype"), nullptr);
}

// --- quantization parameters the TFLite runtime refuses ---
TEST(Families, QuantizedDimension) {
  for (int axis : {0, 3}) {
    ConvSpec s;
    s.dtype = F::INT8;
    Model m = ConvModel(s);
    // Per-channel bias with the given quantized_dimension.
    Tensor& bias = m.subgraphs[0].tensors[2];
    bias.quantization->scale = {0.1f, 0.1f, 0.1f, 0.1f};
    bias.quantization->zero_point = {0, 0, 0, 0};
    bias.quantization->axis = axis;
    TargetResult r = Check(m, "tflite");
    EXPECT_EQ(r.runs, axis == 0) << axis;
    EXPECT_EQ(FindKind(r, "quantization") != nullptr, axis != 0);
    EXPECT_TRUE(Check(m, "tflm").runs) << "TFLite Micro does not check quantized_dimension";
  }
}

// ===========================================================================
// Rule files: loading, errors, and the target syntax.

std::filesystem::path CopyRules(const std::string& name) {
  auto dir = testing::TempDir(name);
  for (const auto& e : std::filesystem::directory_iterator(kRulesDir))
    if (e.path().extension() == ".json")
      std::filesystem::copy_file(e.path(), dir / e.path().filename(),
                                 std::filesystem::copy_options::overwrite_existing);
  return dir;
}

void Write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string LoadError(const std::filesystem::path& dir) {
  try {
    LoadRuleBook(dir.string());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RuleFiles, EveryFileLoadsAndEveryRuleCitesASource) {
  const RuleBook& book = Rules();
  EXPECT_EQ(book.order, (std::vector<std::string>{"tflite", "xnnpack", "gpu", "nnapi", "coreml", "edgetpu", "tflm"}));
  for (const auto& [name, t] : book.targets) {
    EXPECT_FALSE(t.source.empty()) << name;
    for (const auto& [key, op] : t.ops) {
      EXPECT_FALSE(op.advice.source.empty()) << name << " " << key;
      for (const auto& o : op.options) EXPECT_FALSE(o.advice.source.empty()) << name << " " << key;
    }
    for (const auto& n : t.numerics) EXPECT_FALSE(n.advice.source.empty()) << name;
  }
  EXPECT_GT(book.Find("tflite")->op_versions.size(), 150u);
  EXPECT_EQ(book.Find("tflite")->LatestVersion(), "2.23.0");
}

TEST(RuleFiles, MalformedFileIsAOneLineErrorNamingTheFile) {
  auto dir = CopyRules("rules-bad-json");
  Write(dir / "gpu.json", "{ \"schema\": \"tflite-doctor-rules/1\", \n\"target\": ");
  std::string err = LoadError(dir);
  EXPECT_NE(err.find("gpu.json"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  std::filesystem::remove_all(dir);
}

TEST(RuleFiles, VocabularyErrorsNameTheFileAndTheRule) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"CONV2D": {}}})", "unknown operator 'CONV2D'"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"ADD": {"dtypes": ["float33"]}}})", "unknown dtype 'float33'"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"ADD": {"colour": 1}}})", "unknown field 'colour'"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "ops": {"ADD": {}}})", "no 'source'"},
      {R"({"schema": "other", "target": "x"})", "'schema'"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "source": "s"})", "fallback"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"SOFTMAX": {"options": [{"field": "beta"}]}}})", "needs one of"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"CONV_2D": {"options": [{"field": "dilation_w_factor", "eq_field": 2}]}}})",
       "'eq_field' must be a string"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"SOFTMAX": {"max_elements": {"value": 1.5}}}})", "integer 'value'"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"SOFTMAX": {"max_nontrivial_dims": {"value": 1, "tensor": "weights"}}}})",
       "'tensor' must be input or output"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "ops": {"RESIZE_BILINEAR": {"max_upscale": 16}}})", "'max_upscale' must be an object"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "basis": {"kind": "guess", "text": "t"}})", "basis: kind must be"},
      {R"({"schema": "tflite-doctor-rules/1", "target": "x", "kind": "delegate", "fallback": "tflite",
           "source": "s", "compiled_op": {"reason": "r"}})", "compiled_op: 'name'"},
  };
  for (const auto& c : cases) {
    try {
      ParseTargetRules(c.text, "rules/x.json");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const Error& e) {
      std::string what = e.what();
      EXPECT_EQ(what.rfind("rules/x.json: ", 0), 0u) << what;
      EXPECT_NE(what.find(c.expect), std::string::npos) << what;
    }
  }
}

TEST(RuleFiles, MissingDirectoryAndEnvironmentOverride) {
  std::string err = LoadError("/nonexistent/tfd-rules");
  EXPECT_NE(err.find("/nonexistent/tfd-rules"), std::string::npos);
  EXPECT_EQ(ResolveRulesDir("/explicit"), "/explicit");
  ::setenv("TFLITE_DOCTOR_RULES", "/from/env", 1);
  EXPECT_EQ(ResolveRulesDir(), "/from/env");
  EXPECT_EQ(ResolveRulesDir("/explicit"), "/explicit");
  ::unsetenv("TFLITE_DOCTOR_RULES");
  EXPECT_EQ(ResolveRulesDir(), kRulesDir);
}

TEST(RuleFiles, ANewTargetIsJustAFile) {
  auto dir = CopyRules("rules-new-target");
  Write(dir / "mini.json", R"({"schema": "tflite-doctor-rules/1", "target": "mini", "title": "Mini NPU",
    "kind": "delegate", "fallback": "tflite", "source": "test", "ops": {"RELU": {"dtypes": ["float32"]}}})");
  RuleBook book = LoadRuleBook(dir.string());
  EXPECT_EQ(book.order.back(), "mini");
  auto res = CheckModel(Chain({BuiltinOp::RELU, BuiltinOp::NEG}), book, {ParseTargetSpec("mini", book)});
  EXPECT_EQ(res.targets[0].delegated_ops, 1);
  std::filesystem::remove_all(dir);
}

TEST(TargetSpec, ParsesAndRejects) {
  EXPECT_EQ(ParseTargetSpec("tflite@2.4.0", Rules()).version, "2.4.0");
  EXPECT_EQ(ParseTargetSpec("nnapi@29", Rules()).Label(), "nnapi@29");
  EXPECT_THROW(ParseTargetSpec("tpu", Rules()), Error);
  EXPECT_THROW(ParseTargetSpec("gpu@2", Rules()), Error);
  EXPECT_THROW(ParseTargetSpec("tflite@latest", Rules()), Error);
  try {
    ParseTargetSpec("tpu", Rules());
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("known: tflite, xnnpack"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tfd::compat
