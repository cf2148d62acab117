#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "kernels/internal/seq_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::TensorSpec;
using Act = tflite::ActivationFunctionType;

struct SvdfConfig {
  DType dtype = DType::FLOAT32;
  DType state_dtype = DType::FLOAT32;  // int16 or int8 for quantized
  int batch = 1, input_size = 5, num_filters = 6, memory = 4, rank = 1;
  bool bias = true;
  Act act = Act::NONE;
  int steps = 1;  // SVDF nodes chained on one shared state, one per step
  bool hybrid = false, asymmetric = false;  // float input with int8 weights
  uint64_t seed = 1;
  int64_t input_zp = -3, output_zp = -128, state_zp = 0;
  std::string label;
};

// `steps` SVDF nodes sharing weights and one state variable: node t reads
// graph input t and writes graph output t, so one run covers several steps.
Model BuildSvdf(const SvdfConfig& c) {
  std::mt19937_64 rng(c.seed);
  const bool q = c.dtype == DType::INT8;
  const int units = c.num_filters / c.rank;
  OpModel m(BuiltinOp::SVDF);
  const int input = m.Input({c.dtype, {c.batch, c.input_size}, q ? 0.05f : 0.0f, c.input_zp});
  int feature, time, bias = -1;
  const size_t nf = static_cast<size_t>(c.num_filters);
  if (q) {
    feature = m.Const<int8_t>({DType::INT8, {c.num_filters, c.input_size}, 0.01f, 0},
                              testing::seq::RandomValues<int8_t>(rng, nf * static_cast<size_t>(c.input_size), -127, 127));
    if (c.state_dtype == DType::INT16) {
      // Kept small enough for the int32 accumulators.
      time = m.Const<int16_t>({DType::INT16, {c.num_filters, c.memory}, 0.0001f, 0},
                              testing::seq::RandomValues<int16_t>(rng, nf * static_cast<size_t>(c.memory), -2000, 2000));
    } else {
      time = m.Const<int8_t>({DType::INT8, {c.num_filters, c.memory}, 0.015f, 0},
                             testing::seq::RandomValues<int8_t>(rng, nf * static_cast<size_t>(c.memory), -127, 127));
    }
    if (c.bias)
      bias = m.Const<int32_t>({DType::INT32, {units}, 5e-8f, 0},
                              testing::seq::RandomValues<int32_t>(rng, static_cast<size_t>(units), -2000000, 2000000));
  } else if (c.hybrid) {
    feature = m.Const<int8_t>({DType::INT8, {c.num_filters, c.input_size}, 0.01f, 0},
                              testing::seq::RandomValues<int8_t>(rng, nf * static_cast<size_t>(c.input_size), -127, 127));
    time = m.Const<int8_t>({DType::INT8, {c.num_filters, c.memory}, 0.008f, 0},
                           testing::seq::RandomValues<int8_t>(rng, nf * static_cast<size_t>(c.memory), -127, 127));
    if (c.bias)
      bias = m.Const<float>({DType::FLOAT32, {units}}, testing::seq::RandomValues<float>(rng, static_cast<size_t>(units), -1, 1));
  } else {
    feature = m.Const<float>({DType::FLOAT32, {c.num_filters, c.input_size}},
                             testing::seq::RandomValues<float>(rng, nf * static_cast<size_t>(c.input_size), -1, 1));
    time = m.Const<float>({DType::FLOAT32, {c.num_filters, c.memory}},
                          testing::seq::RandomValues<float>(rng, nf * static_cast<size_t>(c.memory), -1, 1));
    if (c.bias)
      bias = m.Const<float>({DType::FLOAT32, {units}}, testing::seq::RandomValues<float>(rng, static_cast<size_t>(units), -1, 1));
  }
  if (!c.bias) m.Omitted();
  const float state_scale = c.state_dtype == DType::INT16 ? 0.0005f : 0.05f;
  const int state = m.Input({q ? c.state_dtype : DType::FLOAT32, {c.batch, c.memory * c.num_filters},
                             q ? state_scale : 0.0f, c.state_zp});
  const int output = m.Output({c.dtype, {c.batch, units}, q ? 0.04f : 0.0f, c.output_zp});
  tflite::SVDFOptionsT o;
  o.rank = c.rank;
  o.fused_activation_function = c.act;
  o.asymmetric_quantize_inputs = c.asymmetric;
  m.Options(o);
  Model model = m.Build();
  testing::seq::MakeVariable(model, state);
  // Further steps: more nodes on the same tensors except input and output.
  auto& g = model.subgraphs[0];
  const Operator first = g.operators[0];
  for (int step = 1; step < c.steps; ++step) {
    Operator op = first;
    Tensor in = g.tensors[static_cast<size_t>(input)];
    in.name += "_" + std::to_string(step);
    g.tensors.push_back(in);
    op.inputs[0] = static_cast<int32_t>(g.tensors.size() - 1);
    g.inputs.push_back(op.inputs[0]);
    Tensor out = g.tensors[static_cast<size_t>(output)];
    out.name += "_" + std::to_string(step);
    g.tensors.push_back(out);
    op.outputs[0] = static_cast<int32_t>(g.tensors.size() - 1);
    g.outputs.push_back(op.outputs[0]);
    g.operators.push_back(op);
  }
  (void)feature;
  (void)time;
  (void)bias;
  return model;
}

TEST(Svdf, FloatHandComputedTwoSteps) {
  // 1 input, 2 filters (rank 2 -> 1 unit), memory 2. Feature weights
  // [1, -2], time weights [[0.5, 1], [2, 3]], bias 0.25.
  OpModel m(BuiltinOp::SVDF);
  m.Input({DType::FLOAT32, {1, 1}});
  m.Const<float>({DType::FLOAT32, {2, 1}}, {1.0f, -2.0f});
  m.Const<float>({DType::FLOAT32, {2, 2}}, {0.5f, 1.0f, 2.0f, 3.0f});
  m.Const<float>({DType::FLOAT32, {1}}, {0.25f});
  const int state = m.Input({DType::FLOAT32, {1, 4}});
  m.Output({DType::FLOAT32, {1, 1}});
  tflite::SVDFOptionsT o;
  o.rank = 2;
  m.Options(o);
  Model model = m.Build();
  testing::seq::MakeVariable(model, state);
  // Step 1, x = 2: activations [2, -4]; memory rows [0, 2], [0, -4]:
  // 1*2 + 3*(-4) + 0.25 = -9.75. Step 2, x = -1: rows [2, -1], [-4, 2]:
  // 0.5*2 + 1*(-1) + 2*(-4) + 3*2 + 0.25 = -1.75.
  auto runs = testing::seq::RunOursRepeatedly(model, {{Array::Of<float>(DType::FLOAT32, {1, 1}, {2.0f})},
                                                     {Array::Of<float>(DType::FLOAT32, {1, 1}, {-1.0f})}});
  EXPECT_EQ(runs[0][0].values<float>(), std::vector<float>({-9.75f}));
  EXPECT_EQ(runs[1][0].values<float>(), std::vector<float>({-1.75f}));
}

TEST(Svdf, Int8StateHandComputed) {
  // TFLite Micro's int8-state variant: input scale 0.5 zp 1, feature weight
  // scale 0.25, state scale 0.125 zp -2, time weights scale 0.5, output scale 1 zp 3.
  OpModel m(BuiltinOp::SVDF);
  m.Input({DType::INT8, {1, 1}, 0.5f, 1});
  m.Const<int8_t>({DType::INT8, {1, 1}, 0.25f, 0}, {4});
  m.Const<int8_t>({DType::INT8, {1, 2}, 0.5f, 0}, {2, 6});
  m.Omitted();
  const int state = m.Input({DType::INT8, {1, 2}, 0.125f, -2});
  m.Output({DType::INT8, {1, 1}, 1.0f, 3});
  tflite::SVDFOptionsT o;
  o.rank = 1;
  o.fused_activation_function = Act::RELU;
  m.Options(o);
  Model model = m.Build();
  testing::seq::MakeVariable(model, state);
  // x = 5 -> real 2; activation 2 * 1.0 = 2 -> state q = 2/0.125 - 2 = 14.
  // Output: (6 * (14 + 2)) * 0.125 * 0.5 = 6 real -> q = 9. Step 2, x = 3 ->
  // real 1 -> state q 6; memory [14, 6]: (2*16 + 6*8) * 0.0625 = 5 -> q 8.
  auto runs = testing::seq::RunOursRepeatedly(model, {{Array::Of<int8_t>(DType::INT8, {1, 1}, {5})},
                                                     {Array::Of<int8_t>(DType::INT8, {1, 1}, {3})}});
  EXPECT_EQ(runs[0][0].values<int8_t>(), std::vector<int8_t>({9}));
  EXPECT_EQ(runs[1][0].values<int8_t>(), std::vector<int8_t>({8}));
}

TEST(Svdf, StateCarriesOverBetweenRuns) {
  for (DType dtype : {DType::FLOAT32, DType::INT8}) {
    SvdfConfig c;
    c.dtype = dtype;
    c.state_dtype = dtype == DType::INT8 ? DType::INT16 : DType::FLOAT32;
    c.act = Act::RELU;
    c.batch = 2;
    c.steps = 3;
    Model chained = BuildSvdf(c);
    c.steps = 1;
    Model single = BuildSvdf(c);
    auto inputs = testing::RandomInputs(chained, 3);
    auto expected = testing::RunOurs(chained, inputs);
    auto runs = testing::seq::RunOursRepeatedly(single, {{inputs[0]}, {inputs[1]}, {inputs[2]}});
    for (int t = 0; t < 3; ++t) EXPECT_EQ(runs[static_cast<size_t>(t)][0].bytes, expected[static_cast<size_t>(t)].bytes);
  }
}

TEST(Svdf, RejectsBadModels) {
  SvdfConfig c;
  {
    SvdfConfig bad = c;
    bad.rank = 4;  // 6 filters
    Model m = BuildSvdf(bad);
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    Model m = BuildSvdf(c);
    auto& state = m.subgraphs[0].tensors[static_cast<size_t>(m.subgraphs[0].operators[0].inputs[4])];
    state.shape = {1, 23};
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
  {
    SvdfConfig q = c;
    q.dtype = DType::INT8;
    q.state_dtype = DType::INT16;
    q.act = Act::RELU6;
    Model m = BuildSvdf(q);
    EXPECT_THROW(testing::RunOurs(m, testing::RandomInputs(m, 1)), Error);
  }
}

std::vector<SvdfConfig> OracleConfigs() {
  std::vector<SvdfConfig> out;
  auto add = [&](SvdfConfig c, const std::string& label) {
    c.label = label;
    out.push_back(c);
  };
  SvdfConfig f;
  f.steps = 3;
  add(f, "float rank 1");
  f.rank = 2, f.act = Act::RELU, f.batch = 2;
  add(f, "float rank 2 relu batch 2");
  f.rank = 3, f.bias = false, f.act = Act::RELU6, f.memory = 6, f.steps = 7;
  add(f, "float rank 3 no bias relu6 memory wraps");
  SvdfConfig q;
  q.dtype = DType::INT8, q.state_dtype = DType::INT16, q.act = Act::RELU, q.steps = 3;
  add(q, "int8 rank 1");
  q.rank = 2, q.batch = 2, q.input_zp = 7, q.output_zp = -20;
  add(q, "int8 rank 2 batch 2");
  q.bias = false, q.memory = 3, q.steps = 5, q.num_filters = 9, q.rank = 3;
  add(q, "int8 rank 3 no bias memory wraps");
  SvdfConfig h;
  h.hybrid = true, h.steps = 3, h.act = Act::RELU;
  add(h, "hybrid rank 1");
  h.rank = 2, h.batch = 2, h.asymmetric = true;
  add(h, "hybrid asymmetric rank 2 batch 2");
  h.bias = false, h.act = Act::NONE, h.memory = 2, h.steps = 4;
  add(h, "hybrid asymmetric no bias memory wraps");
  return out;
}

TEST(Svdf, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  // One output per step.
  std::vector<testing::seq::OracleRun> runs;
  for (const auto& c : OracleConfigs()) {
    Model model = BuildSvdf(c);
    runs.push_back({c.label, model, testing::RandomInputs(model, c.seed + 3)});
  }
  testing::seq::ExpectMatchesOracle(runs);
}

// The first SVDF node of the TFLite Micro keyword model (int16 state).
TEST(Svdf, RealModelNodeMatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  if (!testing::seq::FixturesAvailable()) GTEST_SKIP() << "fixtures not found at " << TFD_FIXTURES_DIR;
  Model source = LoadModel(std::string(TFD_FIXTURES_DIR) + "/models/tflite-micro/keyword_scrambled.tflite");
  std::vector<testing::seq::OracleRun> runs;
  for (size_t node : {1, 3}) {
    Model model = testing::seq::ExtractNode(source, node);
    runs.push_back({"node " + std::to_string(node), model, testing::RandomInputs(model, node)});
  }
  testing::seq::ExpectMatchesOracle(runs);
}

}  // namespace
}  // namespace tfd
