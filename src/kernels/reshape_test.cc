#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "kernels/internal/seq_testing.h"
#include "test_support.h"
#include "kernels/internal/shape_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using testing::shape::Compare;
using testing::shape::OracleCase;
using testing::shape::Spec;

// RESHAPE with the new shape as a constant input, as an option, or both.
Model ReshapeModel(DType dtype, std::vector<int32_t> in, std::vector<int32_t> out, std::optional<std::vector<int32_t>> shape_input,
                   std::optional<std::vector<int32_t>> option) {
  OpModel m(BuiltinOp::RESHAPE);
  m.Input(Spec(dtype, in));
  if (shape_input) m.Const<int32_t>({DType::INT32, {static_cast<int32_t>(shape_input->size())}}, *shape_input);
  m.Output(Spec(dtype, out));
  if (option) {
    tflite::ReshapeOptionsT o;
    o.new_shape = *option;
    m.Options(o);
  }
  return m.Build();
}

TEST(Reshape, InfersMinusOneAndKeepsBytes) {
  Model m = ReshapeModel(DType::FLOAT32, {2, 3, 2}, {3, 4}, std::vector<int32_t>{-1, 4}, std::nullopt);
  std::vector<float> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {2, 3, 2}, v)});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({3, 4}));
  EXPECT_EQ(out[0].values<float>(), v);
}

TEST(Reshape, OptionShapeAndLegacyScalar) {
  Model m = ReshapeModel(DType::INT8, {1, 1}, {}, std::nullopt, std::vector<int32_t>{0});
  auto out = testing::RunOurs(m, {Array::Of<int8_t>(DType::INT8, {1, 1}, {-7})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>{});
  EXPECT_EQ(out[0].values<int8_t>(), std::vector<int8_t>({-7}));
  Model m2 = ReshapeModel(DType::INT32, {6}, {3, 2}, std::nullopt, std::vector<int32_t>{3, -1});
  auto out2 = testing::RunOurs(m2, {Array::Of<int32_t>(DType::INT32, {6}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(out2[0].shape, std::vector<int32_t>({3, 2}));
}

TEST(Reshape, EmptyTensorWithMinusOne) {
  Model m = ReshapeModel(DType::FLOAT32, {0, 4}, {0, 2, 2}, std::vector<int32_t>{-1, 2, 2}, std::nullopt);
  auto out = testing::RunOurs(m, {Array::Of<float>(DType::FLOAT32, {0, 4}, {})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({0, 2, 2}));
  Model m2 = ReshapeModel(DType::FLOAT32, {0, 4}, {4, 0}, std::vector<int32_t>{4, -1}, std::nullopt);
  EXPECT_EQ(testing::RunOurs(m2, {Array::Of<float>(DType::FLOAT32, {0, 4}, {})})[0].shape, std::vector<int32_t>({4, 0}));
}

TEST(Reshape, Int64AndBoolByHand) {
  Model m = ReshapeModel(DType::INT64, {4}, {2, 2}, std::vector<int32_t>{2, 2}, std::nullopt);
  auto out = testing::RunOurs(m, {Array::Of<int64_t>(DType::INT64, {4}, {1LL << 40, -2, 3, -(1LL << 50)})});
  EXPECT_EQ(out[0].values<int64_t>(), std::vector<int64_t>({1LL << 40, -2, 3, -(1LL << 50)}));
  Model b = ReshapeModel(DType::BOOL, {2, 2}, {4}, std::vector<int32_t>{-1}, std::nullopt);
  EXPECT_EQ(testing::RunOurs(b, {Array::Of<uint8_t>(DType::BOOL, {2, 2}, {1, 0, 0, 1})})[0].values<uint8_t>(),
            std::vector<uint8_t>({1, 0, 0, 1}));
}

TEST(Reshape, ShapeComputedAtRunTime) {
  // The shape is a graph input: the output is sized while running.
  OpModel m(BuiltinOp::RESHAPE);
  m.Input({DType::FLOAT32, {2, 6}});
  m.Input({DType::INT32, {3}});
  m.Output({DType::FLOAT32, {3, 2, 2}});
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  auto out = testing::RunOurs(m.Build(), {Array::Of<float>(DType::FLOAT32, {2, 6}, v), Array::Of<int32_t>(DType::INT32, {3}, {2, -1, 3})});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({2, 2, 3}));
  EXPECT_EQ(out[0].values<float>(), v);
}

TEST(Reshape, RejectsBadShapes) {
  Model count = ReshapeModel(DType::FLOAT32, {2, 3}, {4}, std::vector<int32_t>{4}, std::nullopt);
  EXPECT_THROW(testing::RunOurs(count, testing::RandomInputs(count, 1)), Error);
  Model two = ReshapeModel(DType::FLOAT32, {2, 3}, {6}, std::vector<int32_t>{-1, -1}, std::nullopt);
  EXPECT_THROW(testing::RunOurs(two, testing::RandomInputs(two, 1)), Error);
  Model none = ReshapeModel(DType::FLOAT32, {2, 3}, {6}, std::nullopt, std::nullopt);
  EXPECT_THROW(testing::RunOurs(none, testing::RandomInputs(none, 1)), Error);
  Model neg = ReshapeModel(DType::FLOAT32, {2, 3}, {6}, std::vector<int32_t>{-2, -3}, std::nullopt);
  EXPECT_THROW(testing::RunOurs(neg, testing::RandomInputs(neg, 1)), Error);
}

TEST(Reshape, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  std::vector<OracleCase> cases;
  for (DType t : {DType::FLOAT32, DType::INT8, DType::UINT8, DType::INT16, DType::INT32, DType::BOOL}) {
    cases.push_back({"tensor shape " + DTypeName(t), ReshapeModel(t, {2, 3, 4}, {4, 6}, std::vector<int32_t>{4, -1}, std::nullopt)});
  }
  cases.push_back({"option shape", ReshapeModel(DType::FLOAT32, {1, 8}, {2, 2, 2}, std::nullopt, std::vector<int32_t>{2, 2, 2})});
  cases.push_back({"both, tensor wins", ReshapeModel(DType::INT8, {6}, {3, 2}, std::vector<int32_t>{3, 2}, std::vector<int32_t>{2, 3})});
  // (A [0]-shaped constant shape tensor - reshape to a scalar - has no bytes,
  // which our interpreter reads as "no data"; the option form covers scalars.)
  cases.push_back({"to scalar", ReshapeModel(DType::FLOAT32, {1, 1, 1}, {}, std::nullopt, std::vector<int32_t>{})});
  cases.push_back({"from scalar", ReshapeModel(DType::INT32, {}, {1, 1}, std::vector<int32_t>{1, -1}, std::nullopt)});
  cases.push_back({"rank 6", ReshapeModel(DType::UINT8, {24}, {1, 2, 1, 3, 2, 2}, std::vector<int32_t>{1, 2, 1, 3, 2, -1}, std::nullopt)});
  {
    OpModel m(BuiltinOp::RESHAPE);
    m.Input({DType::FLOAT32, {3, 4}});
    m.Input({DType::INT32, {2}});
    m.Output({DType::FLOAT32, {2, 6}});
    Model model = m.Build();
    cases.push_back({"run-time shape", model, {testing::RandomInputs(model, 5)[0], Array::Of<int32_t>(DType::INT32, {2}, {-1, 6})}});
  }
  testing::shape::ExpectMatchesOracle(cases);
}

// complex64 through RESHAPE, as in YAMNet (tflite-support
// yamnet_wavin_quantized_mel_relu6): its RFFT2D -> RESHAPE -> COMPLEX_ABS
// nodes cut out of the model, against the runtime (which cannot expose a
// complex64 tensor, hence COMPLEX_ABS after it).
TEST(Reshape, Complex64AsInYamnetMatchesTfliteRuntime) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  const Model yamnet = LoadModel(testing::Fixture("models/tflite-support/yamnet_wavin_quantized_mel_relu6.tflite"));
  const Subgraph& g = yamnet.main();
  std::vector<size_t> nodes;
  for (size_t n = 0; n < g.operators.size() && nodes.empty(); ++n) {
    const Operator& op = g.operators[n];
    if (yamnet.op_code(op).builtin == BuiltinOp::RESHAPE &&
        g.tensors[static_cast<size_t>(op.inputs[0])].dtype == DType::COMPLEX64)
      nodes = {n - 1, n, n + 1};
  }
  ASSERT_EQ(nodes.size(), 3u) << "no complex64 RESHAPE in YAMNet";
  ASSERT_EQ(yamnet.op_code(g.operators[nodes[0]]).builtin, BuiltinOp::RFFT2D);
  ASSERT_EQ(yamnet.op_code(g.operators[nodes[2]]).builtin, BuiltinOp::COMPLEX_ABS);
  const Model cut = testing::seq::ExtractNodes(yamnet, nodes);
  testing::OracleBatch oracle;
  std::vector<std::vector<Array>> inputs;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    inputs.push_back(testing::RandomInputs(cut, seed));
    oracle.Add(cut, inputs.back());
  }
  oracle.Run();
  for (size_t k = 0; k < inputs.size(); ++k) {
    ASSERT_TRUE(oracle.ok(static_cast<int>(k))) << oracle.error(static_cast<int>(k));
    const auto ours = testing::RunOurs(cut, inputs[k]);
    EXPECT_TRUE(testing::FloatClose(ours.at(0), oracle.outputs(static_cast<int>(k))[0], 1e-6));
  }
}

// ---- The xnnpack arithmetic profile ----

// 8-bit RESHAPE against the oracle (the delegate leaves it to TFLite).
TEST(Reshape, XnnpackProfileMatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  const DType I8 = DType::INT8, U8 = DType::UINT8;
  std::vector<testing::xnnpack::Case> cases;
  for (DType t : {I8, U8}) {
    OpModel m(BuiltinOp::RESHAPE);
    m.Input({t, {1, 8, 8, 12}, 0.05f, t == I8 ? -7 : 130});
    m.Const<int32_t>({DType::INT32, {2}}, {1, 768});
    m.Output({t, {1, 768}, 0.05f, t == I8 ? -7 : 130});
    cases.push_back(testing::xnnpack::RandomCase(std::string(DTypeName(t)), m.Build()));
  }
  const auto tally = testing::xnnpack::ExpectProfileMatchesOracle(cases);
  EXPECT_EQ(tally.declined, 2);
}

}  // namespace
}  // namespace tfd
