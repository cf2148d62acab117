// Writes a tiny float classifier (FULLY_CONNECTED + SOFTMAX, 4 inputs, 3
// classes) with the project's own writer, so the README's first command has
// a model to look at on a machine without the shared fixtures.
#include <cstdio>
#include <cstring>

#include "format/model_writer.h"
#include "util/error.h"

namespace {

std::vector<uint8_t> FloatBytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_example_model OUT.tflite\n");
    return 2;
  }
  using namespace tfd;
  Model m;
  m.description = "tflite-doctor example: 4 features -> 3 classes";
  m.buffers.resize(3);
  m.buffers[1].data = FloatBytes({0.5f, -0.25f, 1.0f, 0.0f,   // class 0
                                  -1.0f, 0.75f, 0.0f, 0.5f,   // class 1
                                  0.25f, 0.25f, -0.5f, 1.0f});  // class 2
  m.buffers[2].data = FloatBytes({0.1f, -0.1f, 0.0f});
  m.op_codes = {{BuiltinOp::FULLY_CONNECTED, "", 1}, {BuiltinOp::SOFTMAX, "", 1}};
  Subgraph sg;
  sg.name = "main";
  auto tensor = [](std::string name, std::vector<int32_t> shape, uint32_t buffer) {
    Tensor t;
    t.name = std::move(name);
    t.shape = std::move(shape);
    t.buffer = buffer;
    return t;
  };
  sg.tensors = {tensor("features", {1, 4}, 0), tensor("dense/weights", {3, 4}, 1), tensor("dense/bias", {3}, 2),
                tensor("logits", {1, 3}, 0), tensor("probabilities", {1, 3}, 0)};
  sg.inputs = {0};
  sg.outputs = {4};
  Operator fc;
  fc.opcode_index = 0;
  fc.inputs = {0, 1, 2};
  fc.outputs = {3};
  fc.options.Set(tflite::FullyConnectedOptionsT{});
  Operator softmax;
  softmax.opcode_index = 1;
  softmax.inputs = {3};
  softmax.outputs = {4};
  tflite::SoftmaxOptionsT sm;
  sm.beta = 1.0f;
  softmax.options.Set(sm);
  sg.operators.push_back(std::move(fc));
  sg.operators.push_back(std::move(softmax));
  m.subgraphs.push_back(std::move(sg));
  try {
    SaveModel(m, argv[1]);
  } catch (const Error& e) {
    std::fprintf(stderr, "make_example_model: %s\n", e.what());
    return 1;
  }
  return 0;
}
