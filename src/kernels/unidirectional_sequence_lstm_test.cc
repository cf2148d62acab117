#include <cmath>

#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "kernels/internal/seq_fixedpoint.h"
#include "kernels/internal/seq_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using Act = tflite::ActivationFunctionType;

struct LstmConfig {
  DType dtype = DType::FLOAT32;
  int batch = 1, time = 3, n_input = 3, n_cell = 4, n_output = 4;
  bool cifg = false, peephole = false, projection = false, projection_bias = false, layer_norm = false;
  bool time_major = false;
  float cell_clip = 0.0f, proj_clip = 0.0f;
  Act act = Act::TANH;
  uint64_t seed = 1;
  // int8 quantization.
  int64_t input_zp = 3, output_zp = -5, hidden_zp = -5;
  int cell_scale_log2 = -11;
  bool hybrid = false, asymmetric = false;  // float input/states, int8 weights
  std::string label;
};

template <typename T>
int ConstRandom(OpModel& m, std::mt19937_64& rng, TensorSpec spec, T lo, T hi) {
  size_t n = 1;
  for (int32_t d : spec.shape) n *= static_cast<size_t>(d);
  return m.Const<T>(spec, testing::seq::RandomValues<T>(rng, n, lo, hi));
}

// A full 24-input LSTM; optional parts omitted as the config says.
Model BuildLstm(const LstmConfig& c) {
  std::mt19937_64 rng(c.seed);
  OpModel m(BuiltinOp::UNIDIRECTIONAL_SEQUENCE_LSTM);
  const bool q = c.dtype == DType::INT8;
  const bool h = c.hybrid;  // int8 weights, everything else float
  std::vector<int32_t> in_shape =
      c.time_major ? std::vector<int32_t>{c.time, c.batch, c.n_input} : std::vector<int32_t>{c.batch, c.time, c.n_input};
  const float in_scale = 0.0075f, w_scale = 0.015f, r_scale = 0.012f, out_scale = 0.0078f;
  const float hidden_scale = c.projection ? 0.0069f : out_scale;
  m.Input({c.dtype, in_shape, q ? in_scale : 0.0f, c.input_zp});
  auto matrix = [&](int rows, int cols, float scale) {
    if (q || h) return ConstRandom<int8_t>(m, rng, {DType::INT8, {rows, cols}, scale, 0}, -127, 127);
    return ConstRandom<float>(m, rng, {DType::FLOAT32, {rows, cols}}, -0.5f, 0.5f);
  };
  auto vector16 = [&](int n, float scale, int16_t lo, int16_t hi, float flo, float fhi) {
    if (q) return ConstRandom<int16_t>(m, rng, {DType::INT16, {n}, scale, 0}, lo, hi);
    if (h && hi < 2000) return ConstRandom<int8_t>(m, rng, {DType::INT8, {n}, fhi / 127, 0}, -127, 127);  // peephole
    return ConstRandom<float>(m, rng, {DType::FLOAT32, {n}}, flo, fhi);
  };
  auto bias = [&](int n, float scale) {
    if (q) {
      const int32_t range = c.layer_norm ? 20000000 : 3000;
      return ConstRandom<int32_t>(m, rng, {DType::INT32, {n}, scale, 0}, -range, range);
    }
    return ConstRandom<float>(m, rng, {DType::FLOAT32, {n}}, -0.5f, 0.5f);
  };
  // Input and recurrent weights for the input, forget, cell, output gates.
  if (c.cifg) m.Omitted(); else matrix(c.n_cell, c.n_input, w_scale);
  for (int g = 0; g < 3; ++g) matrix(c.n_cell, c.n_input, w_scale * (1.0f + 0.1f * g));
  if (c.cifg) m.Omitted(); else matrix(c.n_cell, c.n_output, r_scale);
  for (int g = 0; g < 3; ++g) matrix(c.n_cell, c.n_output, r_scale * (1.0f + 0.1f * g));
  // Peepholes.
  const float peep_scale = 0.0003f;
  if (c.peephole && !c.cifg) vector16(c.n_cell, peep_scale, -1500, 1500, -0.5f, 0.5f); else m.Omitted();
  for (int g = 0; g < 2; ++g) {
    if (c.peephole) vector16(c.n_cell, peep_scale, -1500, 1500, -0.5f, 0.5f); else m.Omitted();
  }
  // Gate biases.
  const float ln_scale = 3e-5f;
  const float bias_scale = c.layer_norm ? ln_scale / 1024 : w_scale * in_scale;
  if (c.cifg) m.Omitted(); else bias(c.n_cell, bias_scale);
  for (int g = 0; g < 3; ++g) bias(c.n_cell, bias_scale);
  // Projection.
  if (c.projection) {
    matrix(c.n_output, c.n_cell, 0.02f);
    if (c.projection_bias) bias(c.n_output, 0.02f * hidden_scale); else m.Omitted();
  } else {
    m.Omitted();
    m.Omitted();
  }
  // States.
  const int output_state = m.Input({c.dtype, {c.batch, c.n_output}, q ? out_scale : 0.0f, c.output_zp});
  const int cell_state =
      m.Input({q ? DType::INT16 : DType::FLOAT32, {c.batch, c.n_cell}, q ? std::ldexp(1.0f, c.cell_scale_log2) : 0.0f, 0});
  // Layer norm coefficients.
  for (int g = 0; g < 4; ++g) {
    if (c.layer_norm && !(g == 0 && c.cifg)) vector16(c.n_cell, ln_scale, 10000, 30000, 0.5f, 1.5f); else m.Omitted();
  }
  m.Output({c.dtype, {in_shape[0], in_shape[1], c.n_output}, q ? out_scale : 0.0f, c.output_zp});
  if (q) {
    const float gate_scales[4] = {0.0007f, 0.0006f, 0.0008f, 0.0005f};
    for (int i = 0; i < 4; ++i) {
      if (c.layer_norm) m.Intermediate({DType::INT16, {0}, gate_scales[i], 0});
      else m.Intermediate({DType::FLOAT32, {0}});
    }
    m.Intermediate({DType::INT8, {0}, hidden_scale, c.hidden_zp});
  }
  tflite::UnidirectionalSequenceLSTMOptionsT o;
  o.fused_activation_function = c.act;
  o.cell_clip = c.cell_clip;
  o.proj_clip = c.proj_clip;
  o.time_major = c.time_major;
  o.asymmetric_quantize_inputs = c.asymmetric;
  m.Options(o);
  Model model = m.Build();
  testing::seq::MakeVariable(model, output_state);
  testing::seq::MakeVariable(model, cell_state);
  return model;
}

float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

TEST(UnidirectionalSequenceLstm, FloatHandComputedSingleCell) {
  // One input, one cell, no options: weights all 0.5 except the ones below,
  // biases 0. Two time steps from zero state.
  OpModel m(BuiltinOp::UNIDIRECTIONAL_SEQUENCE_LSTM);
  m.Input({DType::FLOAT32, {1, 2, 1}});
  const float wi = 0.5f, wf = -0.25f, wc = 1.0f, wo = 0.75f;
  const float ri = 0.1f, rf = 0.2f, rc = -0.3f, ro = 0.4f;
  for (float w : {wi, wf, wc, wo}) m.Const<float>({DType::FLOAT32, {1, 1}}, {w});
  for (float r : {ri, rf, rc, ro}) m.Const<float>({DType::FLOAT32, {1, 1}}, {r});
  for (int i = 0; i < 3; ++i) m.Omitted();
  for (int i = 0; i < 4; ++i) m.Const<float>({DType::FLOAT32, {1}}, {0.0f});
  m.Omitted();
  m.Omitted();
  const int h_index = m.Input({DType::FLOAT32, {1, 1}});
  const int c_index = m.Input({DType::FLOAT32, {1, 1}});
  for (int i = 0; i < 4; ++i) m.Omitted();
  m.Output({DType::FLOAT32, {1, 2, 1}});
  tflite::UnidirectionalSequenceLSTMOptionsT o;
  o.fused_activation_function = Act::TANH;
  m.Options(o);
  Model model = m.Build();
  testing::seq::MakeVariable(model, h_index);
  testing::seq::MakeVariable(model, c_index);
  const float xs[2] = {1.0f, -2.0f};
  float h = 0, c = 0, expected[2];
  for (int t = 0; t < 2; ++t) {
    const float x = xs[t];
    const float i = Sigmoid(wi * x + ri * h), f = Sigmoid(wf * x + rf * h);
    const float g = std::tanh(wc * x + rc * h), o_gate = Sigmoid(wo * x + ro * h);
    c = f * c + i * g;
    h = o_gate * std::tanh(c);
    expected[t] = h;
  }
  auto out = testing::RunOurs(model, {Array::Of<float>(DType::FLOAT32, {1, 2, 1}, {xs[0], xs[1]})});
  auto got = out[0].values<float>();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NEAR(got[0], expected[0], 1e-6);
  EXPECT_NEAR(got[1], expected[1], 1e-6);
  // The same recurrence evaluated in double precision.
  EXPECT_NEAR(got[0], 0.29984041, 1e-6);
  EXPECT_NEAR(got[1], 0.00705642, 1e-6);
}

TEST(UnidirectionalSequenceLstm, FixedPointActivationsTrackTheRealFunctions) {
  // Q3.12 in, Q0.15 out: within a few steps of the real sigmoid/tanh
  // (bit-exactness with TFLite is checked against the runtime below).
  for (int raw = -32768; raw <= 32767; raw += 7) {
    const double x = raw / 4096.0;
    const int16_t s = seq_fixed::Logistic(static_cast<int16_t>(raw), 3);
    const int16_t t = seq_fixed::Tanh(static_cast<int16_t>(raw), 3);
    EXPECT_NEAR(s / 32768.0, 1.0 / (1.0 + std::exp(-x)), 12.0 / 32768) << raw;
    EXPECT_NEAR(t / 32768.0, std::tanh(x), 12.0 / 32768) << raw;
  }
  EXPECT_EQ(seq_fixed::Logistic(0, 3), 16384);
  EXPECT_EQ(seq_fixed::Tanh(0, 4), 0);
  // Tanh of a Q4.11 cell state (cell scale 2^-11).
  EXPECT_NEAR(seq_fixed::Tanh(2048, 4) / 32768.0, std::tanh(1.0), 12.0 / 32768);
  int32_t multiplier;
  int shift;
  seq_fixed::InvSqrtQuantizedMultiplierExp(1 << 20, -1, &multiplier, &shift);
  EXPECT_NEAR(multiplier * std::ldexp(1.0, shift - 31), 1.0 / 1024, 1e-7);
}

TEST(UnidirectionalSequenceLstm, StateCarriesOverBetweenRuns) {
  for (int kind = 0; kind < 3; ++kind) {
    const DType dtype = kind == 1 ? DType::INT8 : DType::FLOAT32;
    LstmConfig c;
    c.dtype = dtype;
    c.hybrid = kind == 2;
    c.batch = 2;
    c.time = 4;
    c.peephole = true;
    Model whole = BuildLstm(c);
    c.time = 2;
    Model half = BuildLstm(c);  // same seed: same weights
    auto input = testing::RandomInputs(whole, 7)[0];
    auto expected = testing::RunOurs(whole, {input})[0];
    auto runs = testing::seq::RunOursRepeatedly(
        half, {{testing::seq::SliceDim(input, 1, 0, 2)}, {testing::seq::SliceDim(input, 1, 2, 4)}});
    EXPECT_EQ(runs[0][0].bytes, testing::seq::SliceDim(expected, 1, 0, 2).bytes) << DTypeName(dtype);
    EXPECT_EQ(runs[1][0].bytes, testing::seq::SliceDim(expected, 1, 2, 4).bytes) << DTypeName(dtype);
  }
}

TEST(UnidirectionalSequenceLstm, RejectsBadModels) {
  LstmConfig c;
  {
    Model m = BuildLstm(c);
    m.subgraphs[0].operators[0].inputs.resize(19);
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    Model m = BuildLstm(c);
    // Recurrent-to-forget weights with the wrong column count.
    auto& t = m.subgraphs[0].tensors[static_cast<size_t>(m.subgraphs[0].operators[0].inputs[6])];
    t.shape = {c.n_cell, c.n_output + 1};
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    Model m = BuildLstm(c);
    // The cell state no longer a variable.
    m.subgraphs[0].tensors[static_cast<size_t>(m.subgraphs[0].operators[0].inputs[19])].is_variable = false;
    m.subgraphs[0].inputs.push_back(m.subgraphs[0].operators[0].inputs[19]);
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    // CIFG with an input gate bias.
    LstmConfig cifg = c;
    cifg.cifg = true;
    Model m = BuildLstm(cifg);
    Model with_bias = BuildLstm(c);
    auto& op = m.subgraphs[0].operators[0];
    const auto& source = with_bias.subgraphs[0];
    Tensor bias = source.tensors[static_cast<size_t>(source.operators[0].inputs[12])];
    bias.buffer = static_cast<uint32_t>(m.buffers.size());
    m.buffers.push_back({*with_bias.ConstantData(source.tensors[static_cast<size_t>(source.operators[0].inputs[12])])});
    m.subgraphs[0].tensors.push_back(bias);
    op.inputs[12] = static_cast<int32_t>(m.subgraphs[0].tensors.size() - 1);
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    // int8 input with float weights.
    Model m = BuildLstm(c);
    auto& g = m.subgraphs[0];
    auto& input = g.tensors[static_cast<size_t>(g.operators[0].inputs[0])];
    input.dtype = DType::INT8;
    input.quantization = Quantization{{0.01f}, {0}, {}, {}, 0, std::nullopt};
    try {
      testing::RunOurs(m, testing::RandomInputs(m, 1));
      ADD_FAILURE() << "int8 input with float weights accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("unsupported combination"), std::string::npos) << e.what();
    }
  }
}

std::vector<LstmConfig> OracleConfigs() {
  std::vector<LstmConfig> out;
  for (DType dtype : {DType::FLOAT32, DType::INT8}) {
    auto add = [&](LstmConfig c, const std::string& label) {
      c.dtype = dtype;
      c.label = std::string(DTypeName(dtype)) + " " + label;
      out.push_back(c);
    };
    LstmConfig base;
    add(base, "basic");
    LstmConfig c = base;
    c.batch = 2, c.time = 5, c.n_input = 6, c.n_cell = 8, c.n_output = 8;
    add(c, "batch 2");
    c.time_major = true;
    add(c, "time major");
    c = base;
    c.cifg = true;
    add(c, "cifg");
    c = base;
    c.peephole = true;
    c.batch = 2;
    add(c, "peephole");
    c.cifg = true;
    add(c, "cifg peephole");
    c = base;
    c.projection = true, c.n_output = 3, c.batch = 2;
    add(c, "projection");
    c.projection_bias = true;
    c.proj_clip = 0.05f;
    c.hidden_zp = 4;
    add(c, "projection bias clip");
    // int8: TFLite applies the peephole to the first n_output cells only.
    c.peephole = true;
    c.time_major = true;
    add(c, "projection peephole time major");
    c = base;
    c.cell_clip = 0.3f;
    c.time = 6;
    add(c, "cell clip");
    c = base;
    c.layer_norm = true;
    c.batch = 2;
    add(c, "layer norm");
    c.cifg = true;
    c.peephole = true;
    add(c, "layer norm cifg peephole");
    c = base;
    c.batch = 3, c.time = 4, c.n_cell = 5, c.n_output = 5;
    c.cell_scale_log2 = -12;
    c.input_zp = -128;
    c.output_zp = 0, c.hidden_zp = 0;
    add(c, "cell 2^-12 zero points");
    if (dtype == DType::FLOAT32) {
      c = base;
      c.act = Act::RELU;
      add(c, "relu");
    }
  }
  // Hybrid: float activations, int8 weights.
  auto hybrid = [&](LstmConfig c, bool asymmetric, const std::string& label) {
    c.hybrid = true;
    c.asymmetric = asymmetric;
    c.label = std::string(asymmetric ? "hybrid asymmetric " : "hybrid ") + label;
    out.push_back(c);
  };
  for (bool asymmetric : {false, true}) {
    LstmConfig c;
    hybrid(c, asymmetric, "basic");
    c.batch = 2, c.time = 4, c.n_input = 5, c.n_cell = 6, c.n_output = 6;
    hybrid(c, asymmetric, "batch 2");
    c.time_major = true, c.peephole = true;
    hybrid(c, asymmetric, "time major peephole");
    c = LstmConfig();
    c.cifg = true, c.projection = true, c.projection_bias = true, c.n_output = 3, c.cell_clip = 0.4f, c.proj_clip = 0.3f;
    hybrid(c, asymmetric, "cifg projection clips");
    c = LstmConfig();
    c.layer_norm = true, c.batch = 2;
    hybrid(c, asymmetric, "layer norm");
  }
  return out;
}

TEST(UnidirectionalSequenceLstm, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<testing::seq::OracleRun> runs;
  for (const auto& c : OracleConfigs()) {
    Model model = BuildLstm(c);
    runs.push_back({c.label, model, testing::RandomInputs(model, c.seed + 10)});
  }
  testing::seq::ExpectMatchesOracle(runs);
}

// The LSTM nodes of real models, cut out and run on random inputs.
TEST(UnidirectionalSequenceLstm, RealModelNodesMatchTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  if (!testing::seq::FixturesAvailable()) GTEST_SKIP() << "fixtures not found at " << TFD_FIXTURES_DIR;
  const std::string root = std::string(TFD_FIXTURES_DIR) + "/models/";
  struct Source {
    std::string file;
    size_t node;
  };
  const std::vector<Source> sources = {{"tflite-micro/trained_lstm.tflite", 0},
                                       {"tflite-micro/trained_lstm_int8.tflite", 0},
                                       {"coral/keras_lstm_mnist_ptq.tflite", 1}};
  std::vector<testing::seq::OracleRun> runs;
  for (const auto& s : sources) {
    Model model = testing::seq::ExtractNode(LoadModel(root + s.file), s.node);
    for (uint64_t seed : {1, 2}) runs.push_back({s.file, model, testing::RandomInputs(model, seed)});
  }
  testing::seq::ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
