// Plants a compatibility fault for doctor's demonstrations and tests: writes
// the model with an identity Convolution2DTransposeBias (MediaPipe's custom
// op: 1x1 weights, zero bias, VALID, stride 1) between its input and the
// rest (an 8-bit input dequantized before it and quantized back after). tflite-doctor's interpreter runs it (same answers); stock TFLite
// has no kernel for it, so the model fails to load there.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "format/model_reader.h"
#include "format/model_writer.h"
#include "graph/dtype.h"
#include "util/error.h"

namespace {

using namespace tfd;

uint32_t AddFloatBuffer(Model& m, const std::vector<float>& v) {
  Buffer b;
  b.data.resize(v.size() * sizeof(float));
  std::memcpy(b.data.data(), v.data(), b.data.size());
  m.buffers.push_back(std::move(b));
  return static_cast<uint32_t>(m.buffers.size() - 1);
}

uint32_t OpCode(Model& m, BuiltinOp op, const std::string& custom, int version) {
  m.op_codes.push_back({op, custom, version});
  return static_cast<uint32_t>(m.op_codes.size() - 1);
}

// An 8-bit input (per-tensor) goes through DEQUANTIZE, the custom op and a
// QUANTIZE back to the input's own parameters: the same bytes reach the
// rest of the model, so the answers do not change.
void Plant(Model& m) {
  Subgraph& g = m.subgraphs.at(0);
  if (g.inputs.size() != 1) Fail("the model has {} inputs; one is needed", g.inputs.size());
  const int input = g.inputs[0];
  const Tensor in = g.tensors[static_cast<size_t>(input)];
  const bool quantized = in.dtype == DType::INT8 || in.dtype == DType::UINT8;
  if ((in.dtype != DType::FLOAT32 && !quantized) || in.shape.size() != 4)
    Fail("the input must be float32, int8 or uint8 NHWC");
  if (quantized && (!in.quantization || in.quantization->scale.size() != 1))
    Fail("the {} input has no per-tensor quantization", DTypeName(in.dtype));
  const int32_t channels = in.shape.back();
  std::vector<float> eye(static_cast<size_t>(channels * channels), 0.0f);
  for (int32_t c = 0; c < channels; ++c) eye[static_cast<size_t>(c * channels + c)] = 1.0f;
  auto add = [&g](Tensor t) {
    g.tensors.push_back(std::move(t));
    return static_cast<int>(g.tensors.size() - 1);
  };
  Tensor w;
  w.name = "passthrough/weights";
  w.shape = {channels, 1, 1, channels};
  w.buffer = AddFloatBuffer(m, eye);
  const int wi = add(w);
  Tensor b;
  b.name = "passthrough/bias";
  b.shape = {channels};
  b.buffer = AddFloatBuffer(m, std::vector<float>(static_cast<size_t>(channels), 0.0f));
  const int bi = add(b);
  Tensor real = in;
  real.name = "passthrough/real";
  real.dtype = DType::FLOAT32;
  real.quantization.reset();
  real.buffer = 0;
  const int custom_in = quantized ? add(real) : input;
  real.name = "passthrough";
  const int custom_out = add(real);
  int rest = custom_out;
  if (quantized) {
    Tensor back = in;
    back.name = "passthrough/quantized";
    back.buffer = 0;
    rest = add(back);
  }
  for (Operator& op : g.operators)
    for (int& t : op.inputs)
      if (t == input) t = rest;
  for (int& t : g.outputs)
    if (t == input) t = rest;
  std::vector<Operator> planted;
  if (quantized) {
    Operator dq;
    dq.opcode_index = OpCode(m, BuiltinOp::DEQUANTIZE, "", in.dtype == DType::INT8 ? 2 : 1);
    dq.inputs = {input};
    dq.outputs = {custom_in};
    planted.push_back(std::move(dq));
  }
  Operator op;
  op.opcode_index = OpCode(m, BuiltinOp::CUSTOM, "Convolution2DTransposeBias", 1);
  op.inputs = {custom_in, wi, bi};
  op.outputs = {custom_out};
  // TfLiteTransposeConvParams: padding VALID (2), stride_width 1, stride_height 1.
  op.custom_options = {2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
  planted.push_back(std::move(op));
  if (quantized) {
    Operator q;
    q.opcode_index = OpCode(m, BuiltinOp::QUANTIZE, "", 1);
    q.inputs = {custom_out};
    q.outputs = {rest};
    planted.push_back(std::move(q));
  }
  g.operators.insert(g.operators.begin(), planted.begin(), planted.end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: plant_custom_op IN.tflite OUT.tflite\n");
    return 2;
  }
  try {
    tfd::Model m = tfd::LoadModel(argv[1]);
    Plant(m);
    tfd::SaveModel(m, argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plant_custom_op: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
