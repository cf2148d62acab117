// A model as the TF2 converter writes it after full-integer post-training
// quantization with uint8 input and output (QUANTIZE at both ends), built here
// with the project's writer and held against the real runtime in the xnnpack
// arithmetic profile: a MobileNet-v2-like chain of inverted residual blocks
// (1x1 expand, 3x3 depthwise, 1x1 project, ADD), MEAN as the global pool,
// FULLY_CONNECTED, SOFTMAX.
//
// The float model gets random weights; activation ranges are calibrated by
// running it (our float kernels) on random inputs; then, as TFLite's
// quantizer does: int8 activations with asymmetric ranges that include 0,
// per-channel symmetric int8 convolution weights, per-tensor FULLY_CONNECTED
// weights, int32 biases at input scale times weight scale, SOFTMAX output
// 1/256 with zero point -128, uint8 input/output of the same scale as the
// int8 tensors next to them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "interpreter/interpreter.h"
#include "interpreter/kernel_registry.h"
#include "kernel_test_util.h"
#include "xnnpack_test_util.h"

namespace tfd {
namespace {

using testing::Array;
using A = tflite::ActivationFunctionType;

// Appends tensors and operators to one subgraph.
class Graph {
 public:
  Graph() {
    model_.buffers.resize(1);
    model_.subgraphs.emplace_back();
  }
  int Tensor(DType dtype, std::vector<int32_t> shape, std::optional<Quantization> q = std::nullopt,
             std::vector<uint8_t> data = {}) {
    tfd::Tensor t;
    t.name = "t" + std::to_string(sg().tensors.size());
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.quantization = std::move(q);
    if (!data.empty()) {
      t.buffer = static_cast<uint32_t>(model_.buffers.size());
      model_.buffers.push_back({std::move(data)});
    }
    sg().tensors.push_back(std::move(t));
    return static_cast<int>(sg().tensors.size() - 1);
  }
  template <typename Options>
  void Op(BuiltinOp code, std::vector<int32_t> inputs, std::vector<int32_t> outputs, Options options) {
    Operator op;
    op.opcode_index = OpCode(code);
    op.inputs = std::move(inputs);
    op.outputs = std::move(outputs);
    op.options.Set(std::move(options));
    sg().operators.push_back(std::move(op));
  }
  void Op(BuiltinOp code, std::vector<int32_t> inputs, std::vector<int32_t> outputs) {
    Operator op;
    op.opcode_index = OpCode(code);
    op.inputs = std::move(inputs);
    op.outputs = std::move(outputs);
    sg().operators.push_back(std::move(op));
  }
  Model Build(int input, int output) {
    sg().inputs = {input};
    sg().outputs = {output};
    return model_;
  }
  const std::vector<int32_t>& shape(int t) { return sg().tensors[static_cast<size_t>(t)].shape; }

 private:
  Subgraph& sg() { return model_.subgraphs[0]; }
  uint32_t OpCode(BuiltinOp code) {
    for (size_t i = 0; i < model_.op_codes.size(); ++i)
      if (model_.op_codes[i].builtin == code) return static_cast<uint32_t>(i);
    model_.op_codes.push_back({code, "", code == BuiltinOp::FULLY_CONNECTED || code == BuiltinOp::CONV_2D ? 3 : 2});
    return static_cast<uint32_t>(model_.op_codes.size() - 1);
  }
  Model model_;
};

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

Quantization PerTensor(float scale, int64_t zero_point) {
  Quantization q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

// One layer of the network; the float and the quantized model are both
// emitted from this list.
struct Layer {
  enum Kind { kConv, kDepthwise, kAdd, kMean, kFullyConnected, kSoftmax } kind;
  int input = -1, input2 = -1;  // indices of earlier layers (-1: the model input)
  int kernel = 1, stride = 1, channels = 0;
  A act = A::NONE;
  std::vector<float> weights, bias;  // conv [cout, k, k, cin]; depthwise [1, k, k, c]; fc [cout, cin]
};

struct Network {
  std::vector<int32_t> input_shape;
  std::vector<Layer> layers;
};

// A MobileNet-v2-like network on 24x24x3 images with random weights.
Network MakeNetwork(uint64_t seed) {
  std::mt19937_64 rng(seed);
  Network net;
  net.input_shape = {1, 24, 24, 3};
  std::vector<int> channels;  // per layer
  auto add = [&](Layer l, int in_channels) {
    std::normal_distribution<float> n(0.0f, 1.0f);
    const int fan_in = l.kind == Layer::kDepthwise ? l.kernel * l.kernel : l.kernel * l.kernel * in_channels;
    const float sd = std::sqrt(2.0f / static_cast<float>(fan_in));
    int count = 0;
    if (l.kind == Layer::kConv) count = l.channels * l.kernel * l.kernel * in_channels;
    if (l.kind == Layer::kDepthwise) count = l.kernel * l.kernel * l.channels;
    if (l.kind == Layer::kFullyConnected) count = l.channels * in_channels;
    for (int i = 0; i < count; ++i) l.weights.push_back(n(rng) * sd);
    if (count > 0)
      for (int i = 0; i < l.channels; ++i) l.bias.push_back(0.1f * n(rng));
    net.layers.push_back(l);
    channels.push_back(l.channels);
    return static_cast<int>(net.layers.size() - 1);
  };
  auto conv = [&](int in, int k, int s, int cout, A act) {
    Layer l{Layer::kConv};
    l.input = in, l.kernel = k, l.stride = s, l.channels = cout, l.act = act;
    return add(l, in < 0 ? 3 : channels[static_cast<size_t>(in)]);
  };
  auto dw = [&](int in, int s) {
    Layer l{Layer::kDepthwise};
    l.input = in, l.kernel = 3, l.stride = s, l.channels = channels[static_cast<size_t>(in)], l.act = A::RELU6;
    return add(l, l.channels);
  };
  auto block = [&](int in, int expand, int s, int cout) {
    const int e = conv(in, 1, 1, channels[static_cast<size_t>(in)] * expand, A::RELU6);
    const int d = dw(e, s);
    const int p = conv(d, 1, 1, cout, A::NONE);
    if (s != 1 || cout != channels[static_cast<size_t>(in)]) return p;
    Layer l{Layer::kAdd};
    l.input = in, l.input2 = p, l.channels = cout;
    return add(l, cout);
  };
  int x = conv(-1, 3, 2, 16, A::RELU6);
  x = block(x, 1, 1, 16);
  x = block(x, 6, 2, 24);
  x = block(x, 6, 1, 24);
  x = block(x, 6, 2, 32);
  x = block(x, 6, 1, 32);
  x = conv(x, 1, 1, 96, A::RELU6);
  Layer mean{Layer::kMean};
  mean.input = x, mean.channels = 96;
  x = add(mean, 96);
  Layer fc{Layer::kFullyConnected};
  fc.input = x, fc.channels = 100;
  x = add(fc, 96);
  Layer softmax{Layer::kSoftmax};
  softmax.input = x, softmax.channels = 100;
  add(softmax, 100);
  return net;
}

std::vector<int32_t> OutputShape(const Layer& l, const std::vector<int32_t>& in) {
  switch (l.kind) {
    case Layer::kConv:
    case Layer::kDepthwise:
      return {in[0], (in[1] + l.stride - 1) / l.stride, (in[2] + l.stride - 1) / l.stride, l.channels};
    case Layer::kMean:
    case Layer::kFullyConnected:
    case Layer::kSoftmax: return {in[0], l.channels};
    default: return in;
  }
}

// The quantized parameters of each layer's output: TFLite's int8 activation
// quantization of a calibrated [min, max] (widened to include 0).
struct ActQuant {
  float scale = 1;
  int64_t zero_point = 0;
};
ActQuant FromRange(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  const float scale = (hi - lo) / 255.0f;
  const int64_t zp = std::clamp<int64_t>(static_cast<int64_t>(std::round(-128.0 - lo / scale)), -128, 127);
  return {scale, zp};
}

// Emits the network: float (`quant` empty) or int8 with uint8 ends.
// `layer_tensor` receives each layer's output tensor.
Model Emit(const Network& net, const std::vector<ActQuant>& quant, std::vector<int>* layer_tensor) {
  const bool q8 = !quant.empty();
  Graph g;
  const float input_scale = 2.0f / 255.0f;  // images in [-1, 1]
  int model_input, x;
  if (q8) {
    model_input = g.Tensor(DType::UINT8, net.input_shape, PerTensor(input_scale, 128));
    x = g.Tensor(DType::INT8, net.input_shape, PerTensor(input_scale, 0));
    g.Op(BuiltinOp::QUANTIZE, {model_input}, {x});
  } else {
    model_input = x = g.Tensor(DType::FLOAT32, net.input_shape);
  }
  const ActQuant input_quant{input_scale, 0};
  layer_tensor->assign(net.layers.size(), -1);
  auto tensor_of = [&](int layer) { return layer < 0 ? x : (*layer_tensor)[static_cast<size_t>(layer)]; };
  auto quant_of = [&](int layer) { return layer < 0 ? input_quant : quant[static_cast<size_t>(layer)]; };
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const int in = tensor_of(l.input);
    const std::vector<int32_t> out_shape = OutputShape(l, g.shape(in));
    const int out = q8 ? g.Tensor(DType::INT8, out_shape, PerTensor(quant[i].scale, quant[i].zero_point))
                       : g.Tensor(DType::FLOAT32, out_shape);
    (*layer_tensor)[i] = out;
    const int cin = g.shape(in).back();
    // Weights and bias tensors.
    int w = -1, b = -1;
    if (!l.weights.empty()) {
      const bool depthwise = l.kind == Layer::kDepthwise;
      const std::vector<int32_t> w_shape = l.kind == Layer::kFullyConnected ? std::vector<int32_t>{l.channels, cin}
                                           : depthwise ? std::vector<int32_t>{1, l.kernel, l.kernel, l.channels}
                                                       : std::vector<int32_t>{l.channels, l.kernel, l.kernel, cin};
      if (!q8) {
        w = g.Tensor(DType::FLOAT32, w_shape, std::nullopt, Bytes(l.weights));
        b = g.Tensor(DType::FLOAT32, {l.channels}, std::nullopt, Bytes(l.bias));
      } else {
        // Symmetric int8 weights: per output channel (axis 0, or 3 for
        // depthwise), or one scale for FULLY_CONNECTED.
        const bool per_channel = l.kind != Layer::kFullyConnected;
        std::vector<float> max_abs(per_channel ? static_cast<size_t>(l.channels) : 1, 0.0f);
        auto channel = [&](size_t k) {
          if (!per_channel) return size_t{0};
          return depthwise ? k % static_cast<size_t>(l.channels) : k / (l.weights.size() / static_cast<size_t>(l.channels));
        };
        for (size_t k = 0; k < l.weights.size(); ++k) max_abs[channel(k)] = std::max(max_abs[channel(k)], std::fabs(l.weights[k]));
        std::vector<float> w_scales;
        for (float m : max_abs) w_scales.push_back(std::max(m, 1e-6f) / 127.0f);
        std::vector<int8_t> wq(l.weights.size());
        for (size_t k = 0; k < l.weights.size(); ++k)
          wq[k] = static_cast<int8_t>(std::clamp(std::round(l.weights[k] / w_scales[channel(k)]), -127.0f, 127.0f));
        Quantization wqp;
        wqp.scale = w_scales;
        wqp.zero_point.assign(w_scales.size(), 0);
        wqp.axis = depthwise ? 3 : 0;
        w = g.Tensor(DType::INT8, w_shape, wqp, Bytes(wq));
        const float in_scale = quant_of(l.input).scale;
        Quantization bqp;
        std::vector<int32_t> bq(l.bias.size());
        for (size_t c = 0; c < l.bias.size(); ++c) {
          const float s = in_scale * w_scales[per_channel ? c : 0];
          if (per_channel || c == 0) bqp.scale.push_back(s);
          bq[c] = static_cast<int32_t>(std::round(l.bias[c] / s));
        }
        bqp.zero_point.assign(bqp.scale.size(), 0);
        b = g.Tensor(DType::INT32, {l.channels}, bqp, Bytes(bq));
      }
    }
    switch (l.kind) {
      case Layer::kConv: {
        tflite::Conv2DOptionsT o;
        o.padding = tflite::Padding::SAME;
        o.stride_w = o.stride_h = l.stride;
        o.fused_activation_function = l.act;
        g.Op(BuiltinOp::CONV_2D, {in, w, b}, {out}, o);
        break;
      }
      case Layer::kDepthwise: {
        tflite::DepthwiseConv2DOptionsT o;
        o.padding = tflite::Padding::SAME;
        o.stride_w = o.stride_h = l.stride;
        o.depth_multiplier = 1;
        o.fused_activation_function = l.act;
        g.Op(BuiltinOp::DEPTHWISE_CONV_2D, {in, w, b}, {out}, o);
        break;
      }
      case Layer::kAdd: g.Op(BuiltinOp::ADD, {in, tensor_of(l.input2)}, {out}, tflite::AddOptionsT{}); break;
      case Layer::kMean: {
        const int axes = g.Tensor(DType::INT32, {2}, std::nullopt, Bytes(std::vector<int32_t>{1, 2}));
        tflite::ReducerOptionsT o;
        o.keep_dims = false;  // Keras GlobalAveragePooling2D
        g.Op(BuiltinOp::MEAN, {in, axes}, {out}, o);
        break;
      }
      case Layer::kFullyConnected: g.Op(BuiltinOp::FULLY_CONNECTED, {in, w, b}, {out}, tflite::FullyConnectedOptionsT{}); break;
      case Layer::kSoftmax: {
        tflite::SoftmaxOptionsT o;
        o.beta = 1.0f;
        g.Op(BuiltinOp::SOFTMAX, {in}, {out}, o);
        break;
      }
    }
  }
  int model_output = layer_tensor->back();
  if (q8) {
    const ActQuant& last = quant.back();
    const int u8 = g.Tensor(DType::UINT8, g.shape(model_output), PerTensor(last.scale, last.zero_point + 128));
    g.Op(BuiltinOp::QUANTIZE, {model_output}, {u8});
    model_output = u8;
  }
  return g.Build(model_input, model_output);
}

// Calibrates the float network on random images in [-1, 1] and returns the
// int8 model.
Model QuantizedModel(uint64_t seed) {
  const Network net = MakeNetwork(seed);
  std::vector<int> tensors;
  const Model float_model = Emit(net, {}, &tensors);
  InterpreterOptions options;
  options.keep_all_tensors = true;
  Interpreter interp(float_model, options);
  std::vector<float> lo(net.layers.size(), 0.0f), hi(net.layers.size(), 0.0f);
  std::mt19937_64 rng(seed + 1000);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int sample = 0; sample < 8; ++sample) {
    std::vector<float> image(static_cast<size_t>(24 * 24 * 3));
    for (float& v : image) v = u(rng);
    interp.SetInput(0, DType::FLOAT32, net.input_shape, reinterpret_cast<const uint8_t*>(image.data()), image.size() * 4);
    interp.Invoke();
    for (size_t i = 0; i < tensors.size(); ++i) {
      const RuntimeTensor& t = interp.tensor(0, tensors[i]);
      for (int64_t k = 0; k < t.NumElements(); ++k) {
        lo[i] = std::min(lo[i], t.As<float>()[k]);
        hi[i] = std::max(hi[i], t.As<float>()[k]);
      }
    }
  }
  std::vector<ActQuant> quant;
  for (size_t i = 0; i < net.layers.size(); ++i) quant.push_back(FromRange(lo[i], hi[i]));
  quant.back() = {1.0f / 256.0f, -128};  // SOFTMAX, as TFLite fixes it
  return Emit(net, quant, &tensors);
}

// Bit-exact against the real runtime over uint8 inputs spread over the whole
// range, for several networks and seeds; and node by node, the xnnpack
// profile gives XNNPACK's arithmetic exactly to the nodes the oracle's
// delegate took (where an xnnpack flavor exists for the op).
TEST(XnnpackPtqModel, Tf2StyleInt8MobileNetV2MatchesTfliteRuntimeExactly) {
  TFD_REQUIRE_ORACLE();
  std::vector<Model> models;
  for (uint64_t net_seed : {1, 2, 3}) models.push_back(QuantizedModel(net_seed));
  testing::OracleBatch oracle;
  std::vector<std::pair<size_t, std::vector<Array>>> runs;
  for (size_t m = 0; m < models.size(); ++m)
    for (uint64_t seed : {101, 102, 103, 104, 105, 106}) {
      runs.push_back({m, testing::RandomInputs(models[m], seed)});
      oracle.Add(models[m], runs.back().second);
    }
  oracle.Run();
  int64_t max_reference_steps = 0;
  for (size_t r = 0; r < runs.size(); ++r) {
    const Model& model = models[runs[r].first];
    SCOPED_TRACE("network " + std::to_string(runs[r].first + 1) + ", run " + std::to_string(r));
    ASSERT_TRUE(oracle.ok(static_cast<int>(r))) << oracle.error(static_cast<int>(r));
    const auto& theirs = oracle.outputs(static_cast<int>(r));
    const auto ours = testing::RunOurs(model, runs[r].second, Arithmetic::kXnnpack);
    EXPECT_TRUE(testing::Identical(ours[0], theirs[0]));
    const auto reference = testing::RunOurs(model, runs[r].second, Arithmetic::kReference);
    for (size_t k = 0; k < reference[0].bytes.size(); ++k)
      max_reference_steps = std::max<int64_t>(max_reference_steps, std::abs(int{reference[0].bytes[k]} - int{theirs[0].bytes[k]}));
    if (r % 6 != 0) continue;  // once per network
    // Which nodes took XNNPACK's arithmetic.
    ASSERT_NE(oracle.delegated(static_cast<int>(r)), nullptr) << oracle.delegation_error(static_cast<int>(r));
    const std::vector<int>& delegated = *oracle.delegated(static_cast<int>(r));
    InterpreterOptions options;
    options.arithmetic = Arithmetic::kXnnpack;
    Interpreter interp(model, options);
    for (size_t n = 0; n < model.main().operators.size(); ++n) {
      const bool took = std::find(delegated.begin(), delegated.end(), static_cast<int>(n)) != delegated.end();
      const Operator& op = model.main().operators[n];
      const OpKey key = OpKey::Of(model.op_code(op));
      const DType dtype = model.main().tensors[static_cast<size_t>(op.inputs[0])].dtype;
      bool flavor = false;
      for (const KernelEntry& e : KernelRegistry::Global().entries())
        flavor |= e.arithmetic == Arithmetic::kXnnpack && e.op == key && (!e.input_dtype || *e.input_dtype == dtype);
      if (!flavor) continue;
      EXPECT_EQ(interp.kernel_name(static_cast<int>(n)), took ? "xnnpack" : "reference")
          << "node " << n << " " << model.op_code(op).Name() << ": the oracle's delegate "
          << (took ? "took" : "declined") << " it";
    }
  }
  // The reference profile is off somewhere (what the xnnpack one fixes).
  EXPECT_GT(max_reference_steps, 0);
  std::printf("largest difference of the reference profile from the runtime: %lld steps of the uint8 output\n",
              static_cast<long long>(max_reference_steps));
}

}  // namespace
}  // namespace tfd
