// Nodes whose inputs are all constant run once, at Prepare (float16 weights'
// DEQUANTIZE, as TFLite does it; any node of a constant-only prefix): the
// values are those of running them on every Invoke, tensor for tensor, on a
// hand-built model (a DEQUANTIZE read by several nodes, a chain of constant
// nodes, a DEQUANTIZE of a graph input that must run every time) and on
// every fixture and MediaPipe model, and their float16 rewrites.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "kernel_test_util.h"
#include "kernels/internal/act_half.h"
#include "quantize/float16.h"
#include "test_support.h"
#include "util/error.h"
#include "whole_range_inputs.h"

namespace tfd {
namespace {

using Tensors = std::map<std::pair<int, int>, std::vector<uint8_t>>;

int AddTensor(Model& m, const std::string& name, DType dtype, std::vector<int32_t> shape,
              const std::vector<uint8_t>* data = nullptr, float scale = 0.0f, int64_t zero_point = 0) {
  Subgraph& g = m.subgraphs[0];
  Tensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  if (scale > 0) {
    Quantization q;
    q.scale = {scale};
    q.zero_point = {zero_point};
    t.quantization = q;
  }
  if (data != nullptr) {
    m.buffers.push_back(Buffer{*data});
    t.buffer = static_cast<uint32_t>(m.buffers.size() - 1);
  }
  g.tensors.push_back(t);
  return static_cast<int>(g.tensors.size() - 1);
}

uint32_t AddOpCode(Model& m, BuiltinOp op) {
  OpCode c;
  c.builtin = op;
  m.op_codes.push_back(c);
  return static_cast<uint32_t>(m.op_codes.size() - 1);
}

void AddNode(Model& m, uint32_t opcode, std::vector<int32_t> in, std::vector<int32_t> out) {
  Operator op;
  op.opcode_index = opcode;
  op.inputs = std::move(in);
  op.outputs = std::move(out);
  if (m.op_codes[opcode].builtin == BuiltinOp::ADD) op.options.Set(tflite::AddOptionsT());
  if (m.op_codes[opcode].builtin == BuiltinOp::MUL) op.options.Set(tflite::MulOptionsT());
  m.subgraphs[0].operators.push_back(std::move(op));
}

const std::vector<float> kWeights = {1.5f, -2.25f, 0.0f, 65504.0f, -0.0009765625f, 3.0f};

// Nodes, in order:
//   0 w = DEQUANTIZE(w16)          constant: folded
//   1 a = ADD(x, w)                reads w
//   2 b = MUL(x, w)                reads w too
//   3 c = ADD(w, bias)             constants only (a folded node's output): folded
//   4 d = MUL(x, c)
//   5 q = DEQUANTIZE(xq)           xq is a graph input: runs every time
Model FoldingModel() {
  Model m;
  m.buffers.push_back(Buffer{});
  m.subgraphs.emplace_back();
  std::vector<uint8_t> halves(kWeights.size() * 2), bias(kWeights.size() * 4);
  for (size_t i = 0; i < kWeights.size(); ++i) {
    const uint16_t h = act::FloatToHalf(kWeights[i]);
    std::memcpy(&halves[i * 2], &h, 2);
    const float b = 0.5f * static_cast<float>(i);
    std::memcpy(&bias[i * 4], &b, 4);
  }
  const std::vector<int32_t> shape = {2, 3};
  const int w16 = AddTensor(m, "w16", DType::FLOAT16, shape, &halves);
  const int w = AddTensor(m, "w", DType::FLOAT32, shape);
  const int x = AddTensor(m, "x", DType::FLOAT32, shape);
  const int a = AddTensor(m, "a", DType::FLOAT32, shape);
  const int b = AddTensor(m, "b", DType::FLOAT32, shape);
  const int bias_t = AddTensor(m, "bias", DType::FLOAT32, shape, &bias);
  const int c = AddTensor(m, "c", DType::FLOAT32, shape);
  const int d = AddTensor(m, "d", DType::FLOAT32, shape);
  const int xq = AddTensor(m, "xq", DType::INT8, shape, nullptr, 0.25f, 3);
  const int q = AddTensor(m, "q", DType::FLOAT32, shape);
  const uint32_t deq = AddOpCode(m, BuiltinOp::DEQUANTIZE);
  const uint32_t add = AddOpCode(m, BuiltinOp::ADD);
  const uint32_t mul = AddOpCode(m, BuiltinOp::MUL);
  AddNode(m, deq, {w16}, {w});
  AddNode(m, add, {x, w}, {a});
  AddNode(m, mul, {x, w}, {b});
  AddNode(m, add, {w, bias_t}, {c});
  AddNode(m, mul, {x, c}, {d});
  AddNode(m, deq, {xq}, {q});
  m.subgraphs[0].inputs = {x, xq};
  m.subgraphs[0].outputs = {a, b, d, q};
  return m;
}

std::vector<float> Floats(const RuntimeTensor& t) {
  const float* p = t.As<float>();
  return std::vector<float>(p, p + t.NumElements());
}

TEST(ConstantFolding, DequantizeOfConstantRunsOnceAndFeedsEveryReader) {
  const Model m = FoldingModel();
  for (Arithmetic arithmetic : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
    SCOPED_TRACE(ArithmeticName(arithmetic));
    InterpreterOptions options;
    options.arithmetic = arithmetic;
    Interpreter interp(m, options);
    interp.AllocateTensors();
    // The constant prefix (nodes 0 and 3) ran at Prepare; its outputs are
    // constants to the nodes after it.
    const std::vector<bool> want_folded = {true, false, false, true, false, false};
    for (int n = 0; n < 6; ++n) EXPECT_EQ(interp.node_folded(n), want_folded[static_cast<size_t>(n)]) << "node " << n;
    EXPECT_TRUE(interp.tensor(0, 1).is_constant());
    EXPECT_TRUE(interp.tensor(0, 6).is_constant());
    EXPECT_FALSE(interp.tensor(0, 9).is_constant());
    int observed_w = 0;
    interp.SetObserver([&](int, int node, int tensor, const RuntimeTensor& t) {
      if (node == 0 && tensor == 1) {
        ++observed_w;
        EXPECT_EQ(Floats(t), kWeights);
      }
    });
    // Two runs with different inputs: the folded values serve both, the
    // graph input's DEQUANTIZE follows its input.
    for (int run = 0; run < 2; ++run) {
      std::vector<float> x(6);
      std::vector<int8_t> xq(6);
      for (int i = 0; i < 6; ++i) {
        x[i] = static_cast<float>((run + 1) * (i - 2));
        xq[i] = static_cast<int8_t>(run == 0 ? -128 + 50 * i : 127 - 7 * i);
      }
      interp.SetInput(0, DType::FLOAT32, {2, 3}, x.data(), 24);
      interp.SetInput(1, DType::INT8, {2, 3}, xq.data(), 6);
      interp.Invoke();
      for (int i = 0; i < 6; ++i) {
        const float c = kWeights[i] + 0.5f * static_cast<float>(i);
        EXPECT_EQ(Floats(interp.output(0))[i], x[i] + kWeights[i]) << i;
        EXPECT_EQ(Floats(interp.output(1))[i], x[i] * kWeights[i]) << i;
        EXPECT_EQ(Floats(interp.output(2))[i], x[i] * c) << i;
        EXPECT_EQ(Floats(interp.output(3))[i], 0.25f * static_cast<float>(xq[i] - 3)) << i;
      }
    }
    EXPECT_EQ(observed_w, 2);  // the observer still sees the folded output on every run
  }
}

TEST(ConstantFolding, OffWhenAskedOrWhenEveryTensorIsKept) {
  const Model m = FoldingModel();
  InterpreterOptions off;
  off.fold_constants = false;
  InterpreterOptions keep;
  keep.keep_all_tensors = true;
  for (const InterpreterOptions& options : {off, keep}) {
    Interpreter interp(m, options);
    interp.AllocateTensors();
    for (int n = 0; n < 6; ++n) EXPECT_FALSE(interp.node_folded(n)) << "node " << n;
    EXPECT_FALSE(interp.tensor(0, 1).is_constant());
  }
}

Tensors RunAll(const Model& m, Arithmetic arithmetic, bool fold, const std::vector<testing::Array>& inputs,
               int* folded) {
  InterpreterOptions options;
  options.arithmetic = arithmetic;
  options.fold_constants = fold;
  Interpreter interp(m, options);
  Tensors out;
  interp.SetObserver([&](int sg, int, int t, const RuntimeTensor& rt) { out[{sg, t}].assign(rt.data, rt.data + rt.bytes); });
  for (size_t i = 0; i < inputs.size(); ++i)
    interp.SetInput(i, inputs[i].dtype, inputs[i].shape, inputs[i].bytes.data(), inputs[i].bytes.size());
  interp.Invoke();
  // A second run (the inputs set again: the arena reuses their memory; the
  // variables, e.g. an LSTM's state, back to their start): folded outputs
  // are not recomputed, every other tensor is.
  Tensors second;
  interp.SetObserver([&](int sg, int, int t, const RuntimeTensor& rt) { second[{sg, t}].assign(rt.data, rt.data + rt.bytes); });
  for (size_t i = 0; i < inputs.size(); ++i)
    interp.SetInput(i, inputs[i].dtype, inputs[i].shape, inputs[i].bytes.data(), inputs[i].bytes.size());
  interp.ResetVariables();
  interp.Invoke();
  for (const auto& [key, bytes] : out) {
    auto it = second.find(key);
    EXPECT_TRUE(it != second.end() && it->second == bytes)
        << "fold " << fold << ": tensor " << key.second << " of subgraph " << key.first << " differs on a second run";
  }
  if (folded != nullptr)
    for (size_t n = 0; n < m.main().operators.size(); ++n) *folded += interp.node_folded(static_cast<int>(n));
  return out;
}

TEST(ConstantFolding, EveryFixtureModelEveryTensorEqualToUnfolded) {
  TFD_REQUIRE_FIXTURES();
  std::vector<std::string> paths = testing::FixtureModels();
  for (const auto& p : testing::MediaPipeModels())
    if (std::filesystem::file_size(p) < 3u * 1024 * 1024) paths.push_back(p);
  std::set<size_t> seen;
  int compared = 0, folded_nodes = 0, float16_models = 0;
  for (const auto& path : paths) {
    if (!seen.insert(std::hash<std::string>{}(testing::SlurpFile(path))).second) continue;
    SCOPED_TRACE(path);
    Model loaded;
    try {
      loaded = LoadModel(path);
    } catch (const Error&) {
      continue;
    }
    std::vector<Model> variants;
    variants.push_back(std::move(loaded));
    // A float model's float16 rewrite: every weight behind a DEQUANTIZE.
    try {
      quantize::Float16Summary summary;
      Model f16 = quantize::RewriteFloat16(variants[0], &summary);
      if (summary.tensors > 0) variants.push_back(std::move(f16)), ++float16_models;
    } catch (const Error&) {
    }
    for (const Model& m : variants) {
      std::vector<testing::InputSet> sets;
      try {
        sets = testing::WholeRangeInputs(m, 1);
      } catch (const Error&) {
        continue;
      }
      for (Arithmetic a : {Arithmetic::kReference, Arithmetic::kXnnpack}) {
        Tensors want;
        try {
          want = RunAll(m, a, /*fold=*/false, sets.at(0).arrays, nullptr);
        } catch (const Error&) {
          break;  // a model we cannot run: not this test's business
        }
        const Tensors got = RunAll(m, a, /*fold=*/true, sets.at(0).arrays, &folded_nodes);
        ASSERT_EQ(want.size(), got.size()) << ArithmeticName(a);
        int differing = 0;
        for (const auto& [key, bytes] : want) {
          auto it = got.find(key);
          if ((it == got.end() || it->second != bytes) && ++differing <= 3)
            ADD_FAILURE() << ArithmeticName(a) << ": subgraph " << key.first << " tensor " << key.second << " differs";
        }
        EXPECT_EQ(differing, 0) << ArithmeticName(a);
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 300);
  EXPECT_GE(float16_models, 5);
  EXPECT_GT(folded_nodes, 1000);
  std::printf("runs compared: %d, float16 rewrites: %d, folded nodes: %d\n", compared, float16_models, folded_nodes);
}

}  // namespace
}  // namespace tfd
