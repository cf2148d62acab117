#pragma once
// Test-only: .tflite bytes crafted to attack the tool's resource use. Built
// with the flatbuffers object API directly, not our writer, because the
// writer verifies and would refuse most of them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tflite_model_generated.h"

namespace tfd::testing {

inline std::unique_ptr<tflite::TensorT> HostileTensor(std::vector<int32_t> shape, const std::string& name,
                                                      uint32_t buffer = 0,
                                                      tflite::TensorType type = tflite::TensorType::FLOAT32) {
  auto t = std::make_unique<tflite::TensorT>();
  t->shape = std::move(shape);
  t->type = type;
  t->buffer = buffer;
  t->name = name;
  return t;
}

inline std::unique_ptr<tflite::OperatorT> HostileOp(uint32_t opcode, std::vector<int32_t> in, std::vector<int32_t> out) {
  auto op = std::make_unique<tflite::OperatorT>();
  op->opcode_index = opcode;
  op->inputs = std::move(in);
  op->outputs = std::move(out);
  return op;
}

inline std::unique_ptr<tflite::OperatorCodeT> HostileOpCode(tflite::BuiltinOperator op) {
  auto c = std::make_unique<tflite::OperatorCodeT>();
  c->builtin_code = op;
  c->deprecated_builtin_code = static_cast<int8_t>(std::min<int>(static_cast<int>(op), 127));
  c->version = 1;
  return c;
}

inline std::unique_ptr<tflite::ModelT> HostileModelShell() {
  auto m = std::make_unique<tflite::ModelT>();
  m->version = 3;
  m->buffers.push_back(std::make_unique<tflite::BufferT>());  // buffer 0: empty, as converters write it
  return m;
}

inline std::vector<uint8_t> Pack(const tflite::ModelT& model) {
  flatbuffers::FlatBufferBuilder fbb;
  tflite::FinishModelBuffer(fbb, tflite::Model::Pack(fbb, &model));
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

// out = ADD(a, b) over tensors of `shape`: each claims shape's size.
inline std::vector<uint8_t> AddModel(const std::vector<int32_t>& shape) {
  auto m = HostileModelShell();
  m->operator_codes.push_back(HostileOpCode(tflite::BuiltinOperator::ADD));
  auto sg = std::make_unique<tflite::SubGraphT>();
  for (const char* name : {"a", "b", "sum"}) sg->tensors.push_back(HostileTensor(shape, name));
  sg->inputs = {0, 1};
  sg->outputs = {2};
  sg->operators.push_back(HostileOp(0, {0, 1}, {2}));
  m->subgraphs.push_back(std::move(sg));
  return Pack(*m);
}

// `n` inputs of `shape` joined by one CONCATENATION: each tensor is modest,
// all of them alive at once are not.
inline std::vector<uint8_t> ConcatModel(int n, const std::vector<int32_t>& shape) {
  auto m = HostileModelShell();
  m->operator_codes.push_back(HostileOpCode(tflite::BuiltinOperator::CONCATENATION));
  auto sg = std::make_unique<tflite::SubGraphT>();
  std::vector<int32_t> ins;
  for (int i = 0; i < n; ++i) {
    sg->tensors.push_back(HostileTensor(shape, "in" + std::to_string(i)));
    ins.push_back(i);
  }
  std::vector<int32_t> out_shape = shape;
  out_shape[0] *= n;
  sg->tensors.push_back(HostileTensor(out_shape, "joined"));
  sg->inputs = ins;
  sg->outputs = {n};
  auto op = HostileOp(0, ins, {n});
  tflite::ConcatenationOptionsT opts;
  opts.axis = 0;
  op->builtin_options.Set(opts);
  sg->operators.push_back(std::move(op));
  m->subgraphs.push_back(std::move(sg));
  return Pack(*m);
}

// A chain of `n` ADD nodes: t[i+1] = t[i] + t[i], shape [1, 4].
inline std::vector<uint8_t> ChainModel(int n) {
  auto m = HostileModelShell();
  m->operator_codes.push_back(HostileOpCode(tflite::BuiltinOperator::ADD));
  auto sg = std::make_unique<tflite::SubGraphT>();
  for (int i = 0; i <= n; ++i) sg->tensors.push_back(HostileTensor({1, 4}, "t" + std::to_string(i)));
  for (int i = 0; i < n; ++i) sg->operators.push_back(HostileOp(0, {i, i}, {i + 1}));
  sg->inputs = {0};
  sg->outputs = {n};
  m->subgraphs.push_back(std::move(sg));
  return Pack(*m);
}

// Subgraph 0 runs a WHILE whose body is subgraph 1, and subgraph 1 runs the
// same WHILE again: with `direct`, the body calls itself.
inline std::vector<uint8_t> RecursiveWhileModel(bool direct) {
  auto m = HostileModelShell();
  m->operator_codes.push_back(HostileOpCode(tflite::BuiltinOperator::WHILE));
  m->operator_codes.push_back(HostileOpCode(tflite::BuiltinOperator::LESS));
  auto while_op = [](int cond, int body) {
    auto op = HostileOp(0, {0}, {1});
    tflite::WhileOptionsT o;
    o.cond_subgraph_index = cond;
    o.body_subgraph_index = body;
    op->builtin_options.Set(o);
    return op;
  };
  // 0: main, 1: body (calls WHILE again), 2: cond.
  for (int s = 0; s < 3; ++s) {
    auto sg = std::make_unique<tflite::SubGraphT>();
    sg->tensors.push_back(HostileTensor({1}, "x"));
    sg->tensors.push_back(HostileTensor({1}, s == 2 ? "keep_going" : "y", 0,
                                        s == 2 ? tflite::TensorType::BOOL : tflite::TensorType::FLOAT32));
    sg->inputs = {0};
    sg->outputs = {1};
    if (s == 0) sg->operators.push_back(while_op(2, 1));
    if (s == 1) sg->operators.push_back(direct ? while_op(2, 1) : while_op(2, 0));
    if (s == 2) sg->operators.push_back(HostileOp(1, {0, 0}, {1}));
    m->subgraphs.push_back(std::move(sg));
  }
  return Pack(*m);
}

// One constant weight whose buffer says its bytes live far past the end of
// the file (the offset/size form of models over 2 GiB).
inline std::vector<uint8_t> BufferPastEndModel() {
  auto m = HostileModelShell();
  m->operator_codes.push_back(HostileOpCode(tflite::BuiltinOperator::ADD));
  auto weights = std::make_unique<tflite::BufferT>();
  weights->offset = 1ULL << 40;
  weights->size = 16;
  m->buffers.push_back(std::move(weights));
  auto sg = std::make_unique<tflite::SubGraphT>();
  sg->tensors.push_back(HostileTensor({1, 4}, "x"));
  sg->tensors.push_back(HostileTensor({1, 4}, "w", 1));
  sg->tensors.push_back(HostileTensor({1, 4}, "y"));
  sg->inputs = {0};
  sg->outputs = {2};
  sg->operators.push_back(HostileOp(0, {0, 1}, {2}));
  m->subgraphs.push_back(std::move(sg));
  return Pack(*m);
}

}  // namespace tfd::testing
