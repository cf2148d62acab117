// Plants a compatibility fault for doctor's demonstrations and tests: writes
// the model with an identity Convolution2DTransposeBias (MediaPipe's custom
// op: 1x1 weights, zero bias, VALID, stride 1) between its float input and
// the rest. tflite-doctor's interpreter runs it (same answers); stock TFLite
// has no kernel for it, so the model fails to load there.
#include <cstdio>
#include <cstring>
#include <exception>

#include "format/model_reader.h"
#include "format/model_writer.h"
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

void Plant(Model& m) {
  Subgraph& g = m.subgraphs.at(0);
  if (g.inputs.size() != 1) Fail("the model has {} inputs; one is needed", g.inputs.size());
  const int input = g.inputs[0];
  const Tensor in = g.tensors[static_cast<size_t>(input)];
  if (in.dtype != DType::FLOAT32 || in.shape.size() != 4) Fail("the input must be float32 NHWC");
  const int32_t channels = in.shape.back();
  std::vector<float> eye(static_cast<size_t>(channels * channels), 0.0f);
  for (int32_t c = 0; c < channels; ++c) eye[static_cast<size_t>(c * channels + c)] = 1.0f;
  Tensor w;
  w.name = "passthrough/weights";
  w.shape = {channels, 1, 1, channels};
  w.buffer = AddFloatBuffer(m, eye);
  Tensor b;
  b.name = "passthrough/bias";
  b.shape = {channels};
  b.buffer = AddFloatBuffer(m, std::vector<float>(static_cast<size_t>(channels), 0.0f));
  Tensor o = in;
  o.name = "passthrough";
  o.buffer = 0;
  const int wi = static_cast<int>(g.tensors.size());
  g.tensors.push_back(w);
  g.tensors.push_back(b);
  const int oi = static_cast<int>(g.tensors.size());
  g.tensors.push_back(o);
  for (Operator& op : g.operators)
    for (int& t : op.inputs)
      if (t == input) t = oi;
  m.op_codes.push_back({BuiltinOp::CUSTOM, "Convolution2DTransposeBias", 1});
  Operator op;
  op.opcode_index = static_cast<uint32_t>(m.op_codes.size() - 1);
  op.inputs = {input, wi, wi + 1};
  op.outputs = {oi};
  // TfLiteTransposeConvParams: padding VALID (2), stride_width 1, stride_height 1.
  op.custom_options = {2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
  g.operators.insert(g.operators.begin(), std::move(op));
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
