// The quantizer against the real TFLite runtime: every float fixture model
// quantized to int8 (float I/O, and int8 I/O), written, loaded by the oracle,
// whose outputs must equal ours under the xnnpack arithmetic profile bit for
// bit. Op versions must equal those the TFLite converter wrote for the same
// ops in the fixtures' int8 twins.
#include <algorithm>
#include <cmath>
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
#include "kernels/internal/seq_testing.h"
#include "quantize/dynamic_range.h"
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
// exactly half a step between two levels (a tie: XNNPACK, which the
// oracle's delegate runs, rounds x * (1 / scale) half to even, TFLite's
// builtin kernel x / scale away from zero; our xnnpack profile's QUANTIZE
// must round as XNNPACK does; TFLite's int16 QUANTIZE, which XNNPACK does
// not take, rounds ties away from zero), the others anywhere over the
// levels [qmin, qmax + 1] (int8 by default).
// (These inputs were once kept a quarter step off the grid, before the
// xnnpack profile had XNNPACK's QUANTIZE.)
std::vector<testing::Array> TieInputs(const Model& m, uint64_t seed, int qmin = -128, int qmax = 126) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> q(qmin, qmax);
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

namespace tfd {
namespace {

// Every float model of the fixtures, as the schemes other than int8 see
// them: `dynamic` refuses the "float" KWS model, whose convolutions and
// fully connected layer already read int8 weights (the converter's own
// dynamic-range output).
struct SchemeFixture {
  std::string path;
  bool already_hybrid = false;
  bool custom_ops = false;  // neither the oracle's runtime nor ours runs it
};
const std::vector<SchemeFixture>& AllFloatFixtures() {
  static const std::vector<SchemeFixture> f = {
      {"models/mlperf-tiny/vww_96_float.tflite"},
      {"models/mlperf-tiny/pretrainedResnet.tflite"},
      {"models/mlperf-tiny/kws_ref_model_float32.tflite", true},
      {"models/mlperf-tiny/ad01_fp32.tflite"},
      {"models/tflite-micro/hello_world_float.tflite"},
      {"models/tflite-micro/trained_lstm.tflite"},
      {"models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite"},
      {"models/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite"},
      {"models/tflite-support/dilated_conv.tflite"},
      {"models/tflite-micro/audio_preprocessor_float.tflite", false, true},
  };
  return f;
}

// Float outputs of ours (xnnpack profile) against the oracle's: each within
// `tolerance` of the largest oracle output. Returns the largest difference
// relative to that (0: bit-exact) over all cases, or -1 on a failure.
double ExpectOracleCloseToOurs(testing::OracleBatch& oracle, const std::vector<OracleCase>& cases, double tolerance,
                               std::map<std::string, double>* per_case = nullptr) {
  oracle.Run();
  double worst = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    double case_worst = 0;
    for (size_t s = 0; s < c.ids.size(); ++s) {
      if (!oracle.ok(c.ids[s])) {
        ADD_FAILURE() << oracle.error(c.ids[s]);
        case_worst = -1;
        continue;
      }
      auto ours = testing::RunOurs(c.model, c.inputs[s], Arithmetic::kXnnpack);
      const auto& theirs = oracle.outputs(c.ids[s]);
      EXPECT_EQ(ours.size(), theirs.size());
      for (size_t o = 0; o < std::min(ours.size(), theirs.size()); ++o) {
        EXPECT_TRUE(testing::FloatClose(ours[o], theirs[o], tolerance)) << "input set " << s << " output " << o;
        const auto a = ours[o].values<float>(), b = theirs[o].values<float>();
        double scale = 1e-6, diff = 0;
        for (float v : b) scale = std::max(scale, static_cast<double>(std::fabs(v)));
        for (size_t k = 0; k < std::min(a.size(), b.size()); ++k)
          diff = std::max(diff, static_cast<double>(std::fabs(a[k] - b[k])));
        if (case_worst >= 0) case_worst = std::max(case_worst, diff / scale);
      }
    }
    if (per_case) (*per_case)[c.path] = case_worst;
    worst = case_worst < 0 || worst < 0 ? -1 : std::max(worst, case_worst);
  }
  return worst;
}

// --scheme dynamic on every float fixture, at the converter's threshold and
// with every weight quantized (threshold 0, so that the small models'
// FULLY_CONNECTED and LSTM take their hybrid kernels too): each written file
// loads in the oracle and its float outputs equal ours under xnnpack within
// the float tolerance. The hybrid nodes read symmetric int8 weights, per
// output channel on CONV_2D and DEPTHWISE_CONV_2D, with the op versions
// TFLite's rules give.
TEST(QuantizeRoundTrip, DynamicMatchesOracle) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  testing::OracleBatch oracle;
  std::vector<OracleCase> cases;
  std::map<std::string, size_t> hybrid_nodes;
  for (const auto& f : AllFloatFixtures()) {
    SCOPED_TRACE(f.path);
    const Model float_model = LoadModel(testing::Fixture(f.path));
    // At the converter's threshold, with every weight, and per-tensor (one
    // scale: TFLite's symmetric hybrid convolution; depthwise repeats it).
    for (int variant = 0; variant < 3; ++variant) {
      const size_t threshold = variant == 1 ? 0 : 1024;
      const bool per_tensor = variant == 2;
      if (per_tensor && f.path.find("vww") == std::string::npos && f.path.find("Resnet") == std::string::npos) continue;
      quantize::DynamicRangeOptions options;
      options.min_weight_elements = threshold;
      options.per_channel = !per_tensor;
      if (f.already_hybrid) {
        try {
          quantize::RewriteDynamicRange(float_model, options);
          ADD_FAILURE() << "accepted";
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("already quantized: CONV_2D (node"), std::string::npos) << e.what();
          EXPECT_NE(std::string(e.what()).find("(dynamic range)"), std::string::npos) << e.what();
        }
        continue;
      }
      quantize::DynamicRangeSummary summary;
      Model q = quantize::RewriteDynamicRange(float_model, options, &summary);
      quantize::SetMinRuntimeVersion(q, quantize::RequiredRuntimeVersion(q));
      std::vector<uint8_t> bytes = WriteModel(q);
      const std::string label = f.path + (per_tensor ? " (per-tensor)" : threshold ? "" : " (every weight)");
      OracleCase c{label, ReadModel(bytes, f.path), {}, {}};
      hybrid_nodes[label] = summary.hybrid_nodes;
      // Every hybrid node: float input and output, symmetric int8 weights.
      size_t int8_weights = 0;
      const Subgraph& g = c.model.main();
      for (const auto& op : g.operators) {
        const auto b = c.model.op_code(op).builtin;
        if (op.inputs.size() < 2 || op.inputs[1] < 0) continue;
        const Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
        if (w.dtype != DType::INT8) continue;
        ++int8_weights;
        EXPECT_EQ(g.tensors[static_cast<size_t>(op.inputs[0])].dtype, DType::FLOAT32);
        EXPECT_EQ(g.tensors[static_cast<size_t>(op.outputs[0])].dtype, DType::FLOAT32);
        ASSERT_TRUE(w.quantization.has_value());
        for (int64_t zp : w.quantization->zero_point) EXPECT_EQ(zp, 0);
        for (int8_t v : testing::Array{DType::INT8, w.shape, *c.model.ConstantData(w)}.values<int8_t>())
          EXPECT_GE(v, -127);
        if (b == tflite::BuiltinOperator::CONV_2D) {
          EXPECT_EQ(w.quantization->scale.size(), per_tensor ? 1u : static_cast<size_t>(w.shape[0]));
          EXPECT_EQ(quantize::HybridOpVersion(c.model, op), per_tensor ? 2 : 5);
          EXPECT_EQ(c.model.op_code(op).version, per_tensor ? 2 : 5);
        }
        if (b == tflite::BuiltinOperator::DEPTHWISE_CONV_2D) {
          EXPECT_EQ(w.quantization->scale.size(), static_cast<size_t>(w.shape[3]));
          if (per_tensor) {
            EXPECT_TRUE(std::all_of(w.quantization->scale.begin(), w.quantization->scale.end(),
                                    [&](float x) { return x == w.quantization->scale[0]; }));
          }
          EXPECT_EQ(c.model.op_code(op).version, 6);
        }
        if (b == tflite::BuiltinOperator::FULLY_CONNECTED) {
          EXPECT_EQ(w.quantization->scale.size(), 1u);
          ASSERT_NE(op.options.AsFullyConnectedOptions(), nullptr);
          EXPECT_TRUE(op.options.AsFullyConnectedOptions()->asymmetric_quantize_inputs);
          EXPECT_EQ(c.model.op_code(op).version, quantize::HybridOpVersion(c.model, op));
        }
      }
      EXPECT_EQ(int8_weights > 0, summary.hybrid_nodes > 0);
      if (f.custom_ops) {
        // No op with a hybrid kernel (nor a runtime here or in the oracle
        // for its Signal custom ops): written with its nodes as they were.
        EXPECT_EQ(summary.hybrid_nodes, 0u);
        EXPECT_EQ(c.model.main().operators, float_model.main().operators);
        continue;
      }
      for (uint64_t seed = 1; seed <= 2; ++seed) c.inputs.push_back(UniformInputs(c.model, seed, -1.0f, 1.0f));
      AddJobs(oracle, c, bytes);
      cases.push_back(std::move(c));
    }
  }
  // The hybrid kernels' float epilogues are TFLite's to the operation
  // order: a one-ulp difference flips the next layer's on-the-fly input
  // quantization now and then, and MobileNet drifted by 2% of its top score
  // before they were.
  std::map<std::string, double> diffs;
  const double worst = ExpectOracleCloseToOurs(oracle, cases, 1e-6, &diffs);
  for (const auto& [label, d] : diffs) std::printf("dynamic %s: %zu hybrid nodes, max diff %.3g of max |output|\n", label.c_str(), hybrid_nodes[label], d);
  EXPECT_GE(worst, 0.0);
  for (const auto& [label, d] : diffs)
    if (label.find("mobilenet") != std::string::npos || label.find("vww") != std::string::npos ||
        label.find("per-tensor") != std::string::npos) {
      EXPECT_EQ(d, 0.0) << label;
    }
  // Every model with a hybrid-capable op quantized something at threshold 0.
  for (const auto& [label, n] : hybrid_nodes)
    if (label.find("every weight") != std::string::npos && label.find("audio_preprocessor") == std::string::npos) {
      EXPECT_GT(n, 0u) << label;
    }
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// Int16TieInputs: TieInputs over the int16 levels (symmetric, zero point 0).
std::vector<testing::Array> Int16TieInputs(const Model& m, uint64_t seed) { return TieInputs(m, seed, -32768, 32766); }

// Checks the int16x8 form of a written model: every activation int16 with
// zero point 0, weights int8 symmetric, biases int64.
void ExpectInt16x8Form(const Model& m) {
  const Subgraph& g = m.main();
  size_t int16 = 0, biases = 0;
  for (const auto& op : g.operators) {
    const auto b = m.op_code(op).builtin;
    for (int32_t t : op.outputs) {
      const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
      if (tensor.dtype != DType::INT16) continue;
      ++int16;
      ASSERT_TRUE(tensor.quantization.has_value()) << tensor.name;
      EXPECT_EQ(tensor.quantization->zero_point.at(0), 0) << tensor.name;
    }
    if ((b == tflite::BuiltinOperator::CONV_2D || b == tflite::BuiltinOperator::DEPTHWISE_CONV_2D ||
         b == tflite::BuiltinOperator::FULLY_CONNECTED) &&
        g.tensors[static_cast<size_t>(op.inputs[0])].dtype == DType::INT16) {
      EXPECT_EQ(g.tensors[static_cast<size_t>(op.inputs[1])].dtype, DType::INT8);
      if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
        EXPECT_EQ(g.tensors[static_cast<size_t>(op.inputs[2])].dtype, DType::INT64);
        ++biases;
      }
    }
  }
  EXPECT_GT(int16, 0u);
}

// --scheme int16x8 on every float fixture: written, loaded by the oracle,
// whose outputs equal ours under xnnpack bit for bit (XNNPACK takes no int16
// node: TFLite's own int16 kernels run). A model with an op TFLite has no
// int16 kernel for is refused in one line naming the op and node, and
// quantizes with that op kept float.
TEST(QuantizeRoundTrip, Int16x8MatchesOracleBitExact) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  testing::OracleBatch oracle;
  std::vector<OracleCase> cases;
  std::vector<FloatFixture> fixtures = Fixtures();
  fixtures.push_back({"models/tflite-support/mobilenet_v1_0.25_224_1_default_1.tflite", "", false});
  // VWW once more with per-tensor weights (the int16 kernels' one-scale path).
  fixtures.push_back(fixtures[0]);
  for (size_t k = 0; k < fixtures.size(); ++k) {
    const FloatFixture& f = fixtures[k];
    SCOPED_TRACE(f.path);
    const Model float_model = LoadModel(testing::Fixture(f.path));
    quantize::RewriteOptions options;
    options.int16x8 = true;
    options.bias_correction = true;
    options.spec.per_channel = k + 1 != fixtures.size();
    quantize::RewriteSummary summary;
    Model q = quantize::QuantizeModel(float_model, Samples(f, float_model, 4), options, &summary);
    quantize::SetMinRuntimeVersion(q, quantize::RequiredRuntimeVersion(q));
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{f.path, ReadModel(bytes, f.path), {}, {}};
    ExpectInt16x8Form(c.model);
    for (uint64_t seed = 1; seed <= 2; ++seed) c.inputs.push_back(Int16TieInputs(c.model, seed));
    AddJobs(oracle, c, bytes);
    cases.push_back(std::move(c));
  }
  // Refused by name, then kept float: the LSTM and the dilated convolution's
  // shape arithmetic (SHAPE, PACK...; int8 refuses those too).
  struct Refused {
    std::string path, op;
  };
  for (const Refused& r : {Refused{"models/tflite-micro/trained_lstm.tflite", "UNIDIRECTIONAL_SEQUENCE_LSTM"}}) {
    SCOPED_TRACE(r.path);
    const Model f = LoadModel(testing::Fixture(r.path));
    std::vector<CalibrationSample> samples;
    for (uint64_t k = 0; k < 3; ++k) {
      CalibrationSample s;
      for (const auto& a : UniformInputs(f, 30 + k, 0.0f, 1.0f)) s.push_back({a.dtype, a.shape, a.bytes});
      samples.push_back(s);
    }
    quantize::RewriteOptions options;
    options.int16x8 = true;
    try {
      quantize::QuantizeModel(f, samples, options);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(r.op + " (node "), std::string::npos) << msg;
      EXPECT_NE(msg.find("cannot be quantized to int16x8"), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
    options.keep_float = {r.op};
    quantize::RewriteSummary summary;
    Model q = quantize::QuantizeModel(f, samples, options, &summary);
    EXPECT_EQ(summary.float_nodes, 1u);
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{r.path + " (keep-float " + r.op + ")", ReadModel(bytes, r.path), {}, {}};
    ExpectInt16x8Form(c.model);
    c.inputs.push_back(UniformInputs(f, 5, 0.0f, 1.0f));
    AddJobs(oracle, c, bytes);
    cases.push_back(std::move(c));
  }
  // The float fixtures int16x8 cannot take at all, refused naming the first
  // op it has no spec for, with its node.
  for (const Refused& r : {Refused{"models/tflite-support/dilated_conv.tflite", "SHAPE (node 0"},
                           Refused{"models/tflite-micro/audio_preprocessor_float.tflite", "CUSTOM:SignalWindow (node 0"}}) {
    SCOPED_TRACE(r.path);
    const Model f = LoadModel(testing::Fixture(r.path));
    try {
      quantize::RequireQuantizableFloatModel(f, {}, /*int16x8=*/true);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(r.op), std::string::npos) << msg;
      EXPECT_NE(msg.find("cannot be quantized to int16x8"), std::string::npos) << msg;
    }
  }
  EXPECT_EQ(ExpectOracleEqualsOurs(oracle, cases), cases.size());
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

// --scheme dynamic on the ops no fixture holds in float: SVDF (with its
// variable state), BATCH_MATMUL with a constant right-hand side, and
// FULLY_CONNECTED with keep_num_dims and without a bias. Each is written
// hybrid (asymmetric_quantize_inputs, TFLite's version), loaded by the oracle
// and equals ours under xnnpack.
TEST(QuantizeRoundTrip, DynamicSvdfBatchMatMulFullyConnectedMatchOracle) {
  TFD_REQUIRE_ORACLE();
  std::mt19937_64 rng(12);
  auto floats = [&](size_t n) { return testing::seq::RandomValues<float>(rng, n, -1.0f, 1.0f); };
  struct Built {
    std::string name;
    Model model;
    int version;
  };
  std::vector<Built> built;
  {
    testing::OpModel m(BuiltinOp::SVDF);
    m.Input({DType::FLOAT32, {2, 64}});
    m.Const<float>({DType::FLOAT32, {32, 64}}, floats(32 * 64));
    m.Const<float>({DType::FLOAT32, {32, 10}}, floats(32 * 10));
    m.Const<float>({DType::FLOAT32, {16}}, floats(16));
    const int state = m.Input({DType::FLOAT32, {2, 10 * 32}});
    m.Output({DType::FLOAT32, {2, 16}});
    tflite::SVDFOptionsT o;
    o.rank = 2;
    o.fused_activation_function = tflite::ActivationFunctionType::RELU;
    m.Options(o);
    Model model = m.Build();
    testing::seq::MakeVariable(model, state);
    built.push_back({"SVDF", model, 4});
  }
  {
    testing::OpModel m(BuiltinOp::BATCH_MATMUL);
    m.Input({DType::FLOAT32, {2, 3, 64}});
    m.Const<float>({DType::FLOAT32, {64, 24}}, floats(64 * 24));
    m.Output({DType::FLOAT32, {2, 3, 24}});
    m.Options(tflite::BatchMatMulOptionsT{});
    built.push_back({"BATCH_MATMUL", m.Build(), 4});
  }
  {
    testing::OpModel m(BuiltinOp::FULLY_CONNECTED);
    m.Input({DType::FLOAT32, {2, 3, 64}});
    m.Const<float>({DType::FLOAT32, {20, 64}}, floats(20 * 64));
    m.Const<float>({DType::FLOAT32, {20}}, floats(20));
    m.Output({DType::FLOAT32, {2, 3, 20}});
    tflite::FullyConnectedOptionsT o;
    o.keep_num_dims = true;
    m.Options(o);
    built.push_back({"FULLY_CONNECTED keep_num_dims", m.Build(), 5});
  }
  {
    testing::OpModel m(BuiltinOp::FULLY_CONNECTED);
    m.Input({DType::FLOAT32, {4, 64}});
    m.Const<float>({DType::FLOAT32, {20, 64}}, floats(20 * 64));
    m.Output({DType::FLOAT32, {4, 20}});
    m.Options(tflite::FullyConnectedOptionsT{});
    built.push_back({"FULLY_CONNECTED no bias", m.Build(), 6});
  }
  testing::OracleBatch oracle;
  std::vector<OracleCase> cases;
  for (const auto& b : built) {
    SCOPED_TRACE(b.name);
    quantize::DynamicRangeSummary summary;
    Model q = quantize::RewriteDynamicRange(b.model, {}, &summary);
    EXPECT_EQ(summary.hybrid_nodes, 1u);
    const Operator& op = q.main().operators[0];
    EXPECT_EQ(q.op_code(op).version, b.version);
    for (size_t slot = 1; slot < op.inputs.size(); ++slot) {
      const Tensor& t = q.main().tensors[static_cast<size_t>(op.inputs[slot])];
      if (t.is_variable || t.shape.size() < 2) continue;
      EXPECT_EQ(t.dtype, DType::INT8) << t.name;
    }
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{b.name, ReadModel(bytes, b.name), {}, {}};
    for (uint64_t seed = 1; seed <= 3; ++seed) c.inputs.push_back(UniformInputs(c.model, seed, -2.0f, 2.0f));
    AddJobs(oracle, c, bytes);
    cases.push_back(std::move(c));
  }
  std::map<std::string, double> diffs;
  EXPECT_GE(ExpectOracleCloseToOurs(oracle, cases, 1e-6, &diffs), 0.0);
  for (const auto& [label, d] : diffs) std::printf("dynamic %s: max diff %.3g of max |output|\n", label.c_str(), d);
}

}  // namespace
}  // namespace tfd

namespace tfd {
namespace {

enum class MediaPipeScheme { kInt8, kInt16x8, kDynamic };

// The MediaPipe float models quantized by one scheme.
struct MediaPipeRun {
  std::vector<OracleCase> cases;               // written, queued in the oracle
  std::map<std::string, std::string> refused;  // path -> the one-line refusal
  std::map<std::string, size_t> hybrid_nodes;  // dynamic: per written model
  size_t resize_models = 0;  // models with a RESIZE_BILINEAR (int8: XNNPACK's 11-bit arithmetic)
  size_t custom_models = 0;  // written with a custom op the oracle's runtime lacks: run by us only
};

// Each of `models` through `scheme` (int8 and int16x8 calibrated on two
// seeded uniform inputs over [0, 1]: a round-trip test, not a quality one;
// models with other than one input skipped there), queued in `oracle` on
// one input set: for int8 every other value on a tie of its QUANTIZE, for
// int16x8 the same over the int16 range, for dynamic uniform over [0, 1].
// A model refused must be refused in one line naming the node and holding
// one of `refusals` (none expected: any refusal fails).
MediaPipeRun QuantizeMediaPipeModels(testing::OracleBatch& oracle, const std::vector<std::string>& models,
                                     MediaPipeScheme scheme, const std::vector<std::string>& refusals) {
  MediaPipeRun run;
  for (const auto& path : models) {
    SCOPED_TRACE(path);
    const Model f = LoadModel(path);
    if (scheme != MediaPipeScheme::kDynamic && f.main().inputs.size() != 1) continue;
    bool resize = false;
    for (const auto& op : f.main().operators) resize |= f.op_code(op).builtin == tflite::BuiltinOperator::RESIZE_BILINEAR;
    run.resize_models += resize;
    Model q;
    try {
      if (scheme == MediaPipeScheme::kDynamic) {
        quantize::DynamicRangeSummary summary;
        q = quantize::RewriteDynamicRange(f, {}, &summary);
        EXPECT_GT(summary.hybrid_nodes, 0u);
        run.hybrid_nodes[path] = summary.hybrid_nodes;
      } else {
        std::vector<CalibrationSample> samples;
        for (uint64_t k = 0; k < 2; ++k) {
          CalibrationSample s;
          for (const auto& a : UniformInputs(f, 50 + k, 0.0f, 1.0f)) s.push_back({a.dtype, a.shape, a.bytes});
          samples.push_back(s);
        }
        quantize::RewriteOptions options;
        options.int16x8 = scheme == MediaPipeScheme::kInt16x8;
        q = quantize::QuantizeModel(f, samples, options);
      }
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(" (node "), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
      EXPECT_TRUE(std::any_of(refusals.begin(), refusals.end(),
                              [&](const std::string& r) { return msg.find(r) != std::string::npos; }))
          << msg;
      run.refused[path] = msg;
      continue;
    }
    std::vector<uint8_t> bytes = WriteModel(q);
    OracleCase c{path, ReadModel(bytes, path), {}, {}};
    switch (scheme) {
      case MediaPipeScheme::kInt8:
        c.inputs.push_back(TieInputs(c.model, 7));
        break;
      case MediaPipeScheme::kInt16x8:
        ExpectInt16x8Form(c.model);
        c.inputs.push_back(Int16TieInputs(c.model, 7));
        break;
      case MediaPipeScheme::kDynamic:
        c.inputs.push_back(UniformInputs(f, 7, 0.0f, 1.0f));
        break;
    }
    // The oracle's runtime lacks MediaPipe's custom ops (selfie_segmentation's
    // Convolution2DTransposeBias): such a file is written and run by us only.
    bool custom = false;
    for (const auto& code : c.model.op_codes) custom |= code.IsCustom();
    if (custom) {
      ++run.custom_models;
      EXPECT_EQ(testing::RunOurs(c.model, c.inputs[0], Arithmetic::kXnnpack).size(), c.model.main().outputs.size());
      continue;
    }
    AddJobs(oracle, c, bytes);
    run.cases.push_back(std::move(c));
  }
  return run;
}

// The MediaPipe float models (float16 weights behind DEQUANTIZE, HARD_SWISH,
// RESIZE_BILINEAR, several outputs) quantized to int8 must run bit-exact in
// the oracle and ours; those with an op int8 has no spec for here (DENSIFY,
// the Convolution2DTransposeBias custom op) are refused by name. Models with
// an int8 RESIZE_BILINEAR (face_detection_full_range, pose_landmark_*) are
// counted: the delegate takes those resizes and our xnnpack profile computes
// them with XNNPACK's 11-bit arithmetic.
TEST(QuantizeRoundTrip, MediaPipeModelsMatchOracleBitExact) {
  TFD_REQUIRE_ORACLE();
  const auto models = testing::MediaPipeModels();
  if (models.empty()) GTEST_SKIP() << "MediaPipe npm packages not installed under " << testing::MediaPipeDir();
  testing::OracleBatch oracle;
  const MediaPipeRun run = QuantizeMediaPipeModels(oracle, models, MediaPipeScheme::kInt8,
                                                   {"DENSIFY (node", "CUSTOM:Convolution2DTransposeBias (node"});
  const size_t exact = ExpectOracleEqualsOurs(oracle, run.cases);
  EXPECT_GE(exact, 7u);
  std::printf("%zu of %zu models bit-exact (%zu with RESIZE_BILINEAR), %zu refused\n", exact, models.size(),
              run.resize_models, run.refused.size());
  EXPECT_GE(run.resize_models, 1u);
  EXPECT_EQ(run.custom_models, 0u);
  EXPECT_EQ(exact + run.refused.size(), models.size());
  EXPECT_LE(run.refused.size(), 3u);
}

// --scheme dynamic on the MediaPipe float models (float16 weights behind
// DEQUANTIZE, read through it): none refused, each loads in the oracle,
// whose outputs equal ours under xnnpack (bit for bit when last measured;
// asserted within 1e-6 of the largest output). The oracle's delegate leaves
// every hybrid node to TFLite's own kernels and takes the float ones
// between them.
TEST(QuantizeRoundTrip, DynamicMediaPipeModelsMatchOracle) {
  TFD_REQUIRE_ORACLE();
  const auto models = testing::MediaPipeModels();
  if (models.empty()) GTEST_SKIP() << "MediaPipe npm packages not installed under " << testing::MediaPipeDir();
  testing::OracleBatch oracle;
  const MediaPipeRun run = QuantizeMediaPipeModels(oracle, models, MediaPipeScheme::kDynamic, {});
  std::printf("%zu MediaPipe models through the oracle, %zu with custom ops run by us only\n", run.cases.size(),
              run.custom_models);
  EXPECT_LE(run.custom_models, 2u);
  std::map<std::string, double> diffs;
  const double worst = ExpectOracleCloseToOurs(oracle, run.cases, 1e-6, &diffs);
  for (const auto& [label, d] : diffs)
    std::printf("dynamic %s: %zu hybrid nodes, max diff %.3g of max |output|\n", label.c_str(), run.hybrid_nodes.at(label), d);
  EXPECT_GE(worst, 0.0);
}

// --scheme int16x8 on the MediaPipe float models: each is written and runs
// bit-exact in the oracle and ours, or is refused in one line naming an op
// TFLite has no int16 kernel for (HARD_SWISH, PRELU...) and its node.
TEST(QuantizeRoundTrip, Int16x8MediaPipeModelsMatchOracleOrAreRefusedByName) {
  TFD_REQUIRE_ORACLE();
  const auto models = testing::MediaPipeModels();
  if (models.empty()) GTEST_SKIP() << "MediaPipe npm packages not installed under " << testing::MediaPipeDir();
  testing::OracleBatch oracle;
  const MediaPipeRun run = QuantizeMediaPipeModels(oracle, models, MediaPipeScheme::kInt16x8,
                                                   {"cannot be quantized to int16x8", "cannot be quantized to int8"});
  const size_t exact = ExpectOracleEqualsOurs(oracle, run.cases);
  std::printf("int16x8: %zu of %zu MediaPipe models bit-exact, %zu refused\n", exact, run.cases.size(), run.refused.size());
  for (const auto& [path, msg] : run.refused) std::printf("  refused %s: %s\n", path.c_str(), msg.c_str());
  EXPECT_EQ(run.custom_models, 0u);
  EXPECT_EQ(exact, run.cases.size());
}

}  // namespace
}  // namespace tfd
