// The quantizer against the real TFLite runtime: every float fixture model
// quantized to int8 (float I/O, and int8 I/O), written, loaded by the oracle,
// whose outputs must equal ours under the xnnpack arithmetic profile bit for
// bit. Op versions must equal those the TFLite converter wrote for the same
// ops in the fixtures' int8 twins.
#include <cstdio>
#include <cstring>
#include <map>
#include <random>

#include "data/dataset.h"
#include "data/preprocess/session.h"
#include "format/model_reader.h"
#include "graph/dtype.h"
#include "format/model_writer.h"
#include "kernel_test_util.h"
#include "quantize/float16.h"
#include "quantize/quantize.h"
#include "quantize/writer.h"
#include "test_support.h"
#include "util/error.h"
#include "util/file_io.h"

namespace tfd {
namespace {

using quantize::CalibrationSample;

struct FloatFixture {
  std::string path;       // relative to the fixtures
  std::string converter;  // the converter's int8 twin ("" if none)
  bool images;            // calibrate on imagenet-sample images
};

const std::vector<FloatFixture>& Fixtures() {
  static const std::vector<FloatFixture> f = {
      {"models/mlperf-tiny/vww_96_float.tflite", "models/mlperf-tiny/vww_96_int8.tflite", true},
      {"models/mlperf-tiny/pretrainedResnet.tflite", "models/mlperf-tiny/pretrainedResnet_quant.tflite", true},
      {"models/mlperf-tiny/kws_ref_model_float32.tflite", "models/mlperf-tiny/kws_ref_model.tflite", false},
      {"models/mlperf-tiny/ad01_fp32.tflite", "models/mlperf-tiny/ad01_int8.tflite", false},
      {"models/tflite-micro/hello_world_float.tflite", "models/tflite-micro/hello_world_int8.tflite", false},
      {"models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite", "", true},
  };
  return f;
}

// Random float inputs in [lo, hi] for every graph input.
std::vector<testing::Array> UniformInputs(const Model& m, uint64_t seed, float lo, float hi) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<testing::Array> out;
  for (int32_t i : m.main().inputs) {
    const Tensor& t = m.main().tensors[static_cast<size_t>(i)];
    std::vector<float> v(static_cast<size_t>(*ElementCount(t.shape)));
    for (auto& x : v) x = dist(rng);
    out.push_back(testing::Array::Of(DType::FLOAT32, t.shape, v));
  }
  return out;
}

// Calibration samples: a few real images through the model's preprocessing
// for image models, else seeded uniform inputs over [-1, 1].
std::vector<CalibrationSample> Samples(const FloatFixture& f, const Model& m, size_t n) {
  std::vector<CalibrationSample> out;
  if (f.images) {
    ModelSession session(testing::Fixture(f.path));
    Dataset ds = OpenDataset(testing::Fixture("imagenet-sample"));
    for (size_t k = 0; k < n; ++k) {
      const auto& item = ds.items[k * ds.items.size() / n];
      out.push_back({session.Prepare(LoadSample(item.path), session.expected().spec, item.path)});
    }
    return out;
  }
  for (size_t k = 0; k < n; ++k) {
    CalibrationSample s;
    for (const auto& a : UniformInputs(m, 100 + k, -1.0f, 1.0f)) s.push_back({a.dtype, a.shape, a.bytes});
    out.push_back(s);
  }
  return out;
}

// Float inputs for the QUANTIZE node each input feeds: every other value
// exactly half a step between two int8 levels (a tie: XNNPACK, which the
// oracle's delegate runs, rounds x * (1 / scale) half to even, TFLite's
// builtin kernel x / scale away from zero; our xnnpack profile's QUANTIZE
// must round as XNNPACK does), the others anywhere over the int8 range.
// (These inputs were once kept a quarter step off the grid, before the
// xnnpack profile had XNNPACK's QUANTIZE.)
std::vector<testing::Array> TieInputs(const Model& m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> q(-128, 126);
  std::uniform_real_distribution<double> frac(0.0, 1.0);
  std::vector<testing::Array> out;
  for (int32_t i : m.main().inputs) {
    const Tensor& t = m.main().tensors[static_cast<size_t>(i)];
    const Quantization* qp = nullptr;
    for (const auto& op : m.main().operators)
      if (op.inputs.size() == 1 && op.inputs[0] == i) qp = &*m.main().tensors[static_cast<size_t>(op.outputs[0])].quantization;
    EXPECT_NE(qp, nullptr) << t.name;
    if (!qp) return {};
    std::vector<float> v(static_cast<size_t>(*ElementCount(t.shape)));
    for (size_t k = 0; k < v.size(); ++k)
      v[k] = static_cast<float>(qp->scale[0] * (q(rng) - qp->zero_point[0] + (k % 2 ? 0.5 : frac(rng))));
    out.push_back(testing::Array::Of(DType::FLOAT32, t.shape, v));
  }
  return out;
}

// A written model and the inputs it runs on in the oracle and in ours.
struct OracleCase {
  std::string path;
  Model model;
  std::vector<std::vector<testing::Array>> inputs;
  std::vector<int> ids;  // the oracle batch's job per input set
};

// Queues one oracle job per input set of `c` (the model as `bytes`).
void AddJobs(testing::OracleBatch& oracle, OracleCase& c, const std::vector<uint8_t>& bytes) {
  for (const auto& in : c.inputs) c.ids.push_back(oracle.AddBytes(bytes, in));
}

// Runs the batch; each case's outputs must equal ours under the xnnpack
// profile bit for bit. Returns how many cases matched on every input set.
size_t ExpectOracleEqualsOurs(testing::OracleBatch& oracle, const std::vector<OracleCase>& cases) {
  oracle.Run();
  size_t exact = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    bool same = true;
    for (size_t s = 0; s < c.ids.size(); ++s) {
      if (!oracle.ok(c.ids[s])) {
        ADD_FAILURE() << oracle.error(c.ids[s]);
        same = false;
        continue;
      }
      auto ours = testing::RunOurs(c.model, c.inputs[s], Arithmetic::kXnnpack);
      const auto& theirs = oracle.outputs(c.ids[s]);
      EXPECT_EQ(ours.size(), theirs.size());
      for (size_t o = 0; o < std::min(ours.size(), theirs.size()); ++o) {
        const bool identical = testing::Identical(ours[o], theirs[o]);
        EXPECT_TRUE(identical) << "input set " << s << " output " << o;
        same = same && identical;
      }
      same = same && ours.size() == theirs.size();
    }
    exact += same;
  }
  return exact;
}

std::map<std::string, int> OpVersions(const Model& m) {
  std::map<std::string, int> v;
  for (const auto& op : m.main().operators) v[m.op_code(op).Name()] = m.op_code(op).version;
  return v;
}

void RoundTrip(quantize::IoType io, bool per_channel, const std::string& method = "minmax", bool bias_correction = false) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  testing::OracleBatch oracle;
  std::vector<OracleCase> cases;
  for (const auto& f : Fixtures()) {
    SCOPED_TRACE(f.path);
    const Model float_model = LoadModel(testing::Fixture(f.path));
    quantize::RewriteOptions options;
    options.io = io;
    options.spec.per_channel = per_channel;
    options.method = quantize::ParseRangeMethod(method);
    options.bias_correction = bias_correction;
    quantize::RewriteSummary summary;
    Model q = quantize::QuantizeModel(float_model, Samples(f, float_model, 4), options, &summary);
    quantize::SetMinRuntimeVersion(q, quantize::RequiredRuntimeVersion(q));
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{f.path, ReadModel(bytes, f.path), {}, {}};
    EXPECT_GT(summary.weight_tensors, 0u);
    // Every activation is int8 now; the graph edges are what --io asks.
    const Subgraph& g = c.model.main();
    for (const auto& op : g.operators)
      for (int32_t t : op.outputs) {
        const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
        const bool edge = std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
        if (!edge) { EXPECT_EQ(tensor.dtype, DType::INT8) << tensor.name; }
      }
    for (int32_t t : g.inputs)
      EXPECT_EQ(g.tensors[static_cast<size_t>(t)].dtype,
                io == quantize::IoType::kFloat32 ? DType::FLOAT32 : io == quantize::IoType::kInt8 ? DType::INT8 : DType::UINT8);
    // Op versions as the converter wrote them for the same ops.
    if (!f.converter.empty() && per_channel) {
      auto theirs = OpVersions(LoadModel(testing::Fixture(f.converter)));
      for (const auto& [name, version] : OpVersions(c.model))
        if (theirs.count(name)) { EXPECT_EQ(version, theirs[name]) << name; }
    }
    // Inputs: seeded uniform values over the input's range (float or integer).
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::vector<testing::Array> in = io == quantize::IoType::kFloat32 ? TieInputs(c.model, seed)
                                                                        : testing::RandomInputs(c.model, seed);
      c.inputs.push_back(std::move(in));
    }
    AddJobs(oracle, c, bytes);
    cases.push_back(std::move(c));
  }
  EXPECT_EQ(ExpectOracleEqualsOurs(oracle, cases), cases.size());
}

TEST(QuantizeRoundTrip, FloatIoMatchesOracleBitExact) { RoundTrip(quantize::IoType::kFloat32, true); }
TEST(QuantizeRoundTrip, Int8IoMatchesOracleBitExact) { RoundTrip(quantize::IoType::kInt8, true); }
TEST(QuantizeRoundTrip, MseBiasCorrectedMatchesOracleBitExact) { RoundTrip(quantize::IoType::kFloat32, true, "mse", true); }
TEST(QuantizeRoundTrip, Uint8IoPerTensorMatchesOracleBitExact) { RoundTrip(quantize::IoType::kUint8, false); }

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// --scheme float16: the converter's form (float16 constants, DEQUANTIZE v3,
// float arithmetic). The oracle's outputs equal ours under xnnpack bit for
// bit (XNNPACK's float SOFTMAX and AVERAGE_POOL_2D included), and every
// weight is its float16 rounding.
TEST(QuantizeRoundTrip, Float16MatchesOracle) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  testing::OracleBatch oracle;
  std::vector<OracleCase> cases;
  for (const auto& f : Fixtures()) {
    SCOPED_TRACE(f.path);
    const Model float_model = LoadModel(testing::Fixture(f.path));
    if (f.path.find("kws") != std::string::npos) continue;  // its weights are int8 already (hybrid)
    quantize::Float16Summary summary;
    Model q = quantize::RewriteFloat16(float_model, &summary);
    EXPECT_GT(summary.tensors, 0u);
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{f.path, ReadModel(bytes, f.path), {}, {}};
    for (const auto& op : c.model.main().operators)
      if (c.model.op_code(op).builtin == tflite::BuiltinOperator::DEQUANTIZE) { EXPECT_EQ(c.model.op_code(op).version, 3); }
    for (uint64_t seed = 1; seed <= 2; ++seed) c.inputs.push_back(UniformInputs(c.model, seed, -1.0f, 1.0f));
    AddJobs(oracle, c, bytes);
    cases.push_back(std::move(c));
  }
  EXPECT_EQ(ExpectOracleEqualsOurs(oracle, cases), cases.size());
  // The already-quantized and the hybrid model are refused by name.
  for (const char* p : {"models/mlperf-tiny/vww_96_int8.tflite", "models/mlperf-tiny/kws_ref_model_float32.tflite"}) {
    try {
      quantize::RewriteFloat16(LoadModel(testing::Fixture(p)));
      ADD_FAILURE() << p << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("already"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// The MediaPipe float models (float16 weights behind DEQUANTIZE, HARD_SWISH,
// RESIZE_BILINEAR, several outputs): each is quantized (calibrated on seeded
// uniform inputs over [0, 1]: a round-trip test, not a quality one) and must
// run bit-exact in the oracle and ours; those with an op int8 has no spec for
// here (DENSIFY, the Convolution2DTransposeBias custom op) are refused by name.
TEST(QuantizeRoundTrip, MediaPipeModelsMatchOracleBitExact) {
  TFD_REQUIRE_ORACLE();
  const auto models = testing::MediaPipeModels();
  if (models.empty()) GTEST_SKIP() << "MediaPipe npm packages not installed under " << testing::MediaPipeDir();
  testing::OracleBatch oracle;
  std::vector<OracleCase> cases;
  size_t refused = 0, resize_models = 0;
  for (const auto& path : models) {
    SCOPED_TRACE(path);
    const Model f = LoadModel(path);
    if (f.main().inputs.size() != 1) continue;
    // Models with an int8 RESIZE_BILINEAR (face_detection_full_range,
    // pose_landmark_*) are counted: the delegate takes those resizes and our
    // xnnpack profile computes them with XNNPACK's 11-bit arithmetic.
    bool resize = false;
    for (const auto& op : f.main().operators) resize |= f.op_code(op).builtin == tflite::BuiltinOperator::RESIZE_BILINEAR;
    resize_models += resize;
    Model q;
    try {
      std::vector<CalibrationSample> samples;
      for (uint64_t k = 0; k < 2; ++k) {
        CalibrationSample s;
        for (const auto& a : UniformInputs(f, 50 + k, 0.0f, 1.0f)) s.push_back({a.dtype, a.shape, a.bytes});
        samples.push_back(s);
      }
      q = quantize::QuantizeModel(f, samples, quantize::RewriteOptions{});
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_TRUE(msg.find("DENSIFY (node") != std::string::npos ||
                  msg.find("CUSTOM:Convolution2DTransposeBias (node") != std::string::npos)
          << msg;
      ++refused;
      continue;
    }
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{path, ReadModel(bytes, path), {}, {}};
    c.inputs.push_back(TieInputs(c.model, 7));
    AddJobs(oracle, c, bytes);
    cases.push_back(std::move(c));
  }
  const size_t exact = ExpectOracleEqualsOurs(oracle, cases);
  EXPECT_GE(exact, 7u);
  std::printf("%zu of %zu models bit-exact (%zu with RESIZE_BILINEAR), %zu refused\n", exact, models.size(), resize_models, refused);
  EXPECT_GE(resize_models, 1u);
  EXPECT_EQ(exact + refused, models.size());
  EXPECT_LE(refused, 3u);
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// --keep-float: chosen nodes stay float between DEQUANTIZE and QUANTIZE; an
// op int8 has no spec for here (the LSTM) can be kept float. The oracle runs
// every result; outputs equal ours under xnnpack bit for bit (the kept float
// SOFTMAX runs XNNPACK's arithmetic).
TEST(QuantizeRoundTrip, KeepFloatMatchesOracle) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  struct Keep {
    std::string path;
    std::vector<std::string> keep;  // "#N": the output tensor name of node N
    size_t float_nodes;
  };
  const std::vector<Keep> keeps = {
      {"models/tflite-micro/trained_lstm.tflite", {"UNIDIRECTIONAL_SEQUENCE_LSTM"}, 1},
      {"models/mlperf-tiny/vww_96_float.tflite", {"SOFTMAX"}, 1},
      {"models/mlperf-tiny/pretrainedResnet.tflite", {"#3", "SOFTMAX"}, 2},
      {"models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite", {"SOFTMAX", "#0"}, 2},
      // By node index: nodes 1 and 2 (the first depthwise and pointwise convolutions).
      {"models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite", {"1", "2"}, 2},
  };
  testing::OracleBatch oracle;
  std::vector<OracleCase> cases;
  for (const auto& k : keeps) {
    SCOPED_TRACE(k.path);
    const Model f = LoadModel(testing::Fixture(k.path));
    quantize::RewriteOptions options;
    for (const auto& name : k.keep)
      options.keep_float.push_back(name[0] == '#' ? f.main().tensors[static_cast<size_t>(
                                                        f.main().operators[std::stoul(name.substr(1))].outputs[0])].name
                                                  : name);
    std::vector<CalibrationSample> samples;
    for (uint64_t s = 0; s < 3; ++s) {
      CalibrationSample cs;
      for (const auto& a : UniformInputs(f, 20 + s, 0.0f, 1.0f)) cs.push_back({a.dtype, a.shape, a.bytes});
      samples.push_back(cs);
    }
    quantize::RewriteSummary summary;
    Model q = quantize::QuantizeModel(f, samples, options, &summary);
    EXPECT_EQ(summary.float_nodes, k.float_nodes);
    EXPECT_GT(summary.float_boundary_nodes, 0u);
    // The kept ops still compute in float.
    size_t float_ops = 0;
    for (const auto& op : q.main().operators)
      if (q.main().tensors[static_cast<size_t>(op.outputs[0])].dtype == DType::FLOAT32 &&
          q.op_code(op).builtin != tflite::BuiltinOperator::DEQUANTIZE)
        ++float_ops;
    EXPECT_EQ(float_ops, k.float_nodes);
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{k.path, ReadModel(bytes, k.path), {UniformInputs(f, 9, 0.0f, 1.0f)}, {}};
    AddJobs(oracle, c, bytes);
    cases.push_back(std::move(c));
  }
  EXPECT_EQ(ExpectOracleEqualsOurs(oracle, cases), cases.size());
  // A name that matches nothing is an error naming it.
  try {
    quantize::RequireQuantizableFloatModel(LoadModel(testing::Fixture(keeps[1].path)), {"NO_SUCH_OP"});
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'NO_SUCH_OP'"), std::string::npos) << e.what();
  }
  // A node index past the last node is one too.
  try {
    quantize::RequireQuantizableFloatModel(LoadModel(testing::Fixture(keeps[1].path)), {"999"});
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--keep-float 999: the model has"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tfd
