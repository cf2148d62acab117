#include "quantize/float16.h"

#include <cstring>
#include <set>

#include "graph/dtype.h"
#include "kernels/internal/act_half.h"
#include "quantize/rewrite.h"
#include "util/error.h"

namespace tfd::quantize {

Model RewriteFloat16(const Model& model, Float16Summary* summary) {
  if (model.subgraphs.size() != 1)
    Fail("the model has {} subgraphs; quantize takes single-subgraph models", model.subgraphs.size());
  const Subgraph& fg = model.main();
  for (size_t i = 0; i < fg.operators.size(); ++i) {
    const OpCode& code = model.op_code(fg.operators[i]);
    if (code.builtin == tflite::BuiltinOperator::DEQUANTIZE || code.builtin == tflite::BuiltinOperator::QUANTIZE)
      Fail("the model already has a {} node (node {}): its weights are already stored compactly or it is quantized",
           code.Name(), i);
  }
  for (const Tensor& t : fg.tensors)
    if (t.quantization && t.quantization->IsAffine() && t.dtype != DType::FLOAT32 && t.dtype != DType::INT32)
      Fail("the model is already quantized: tensor '{}' is {}; --scheme float16 takes a float model", t.name,
           DTypeName(t.dtype));
  Model m = model;
  Subgraph& g = m.subgraphs[0];
  std::set<int32_t> read;
  for (const Operator& op : g.operators)
    for (int32_t t : op.inputs)
      if (t >= 0) read.insert(t);
  uint32_t dequantize = 0;
  bool have_code = false;
  for (size_t c = 0; c < m.op_codes.size(); ++c)
    if (m.op_codes[c].builtin == tflite::BuiltinOperator::DEQUANTIZE) dequantize = static_cast<uint32_t>(c), have_code = true;
  if (!have_code) {
    OpCode c;
    c.builtin = tflite::BuiltinOperator::DEQUANTIZE;
    m.op_codes.push_back(c);
    dequantize = static_cast<uint32_t>(m.op_codes.size() - 1);
  }
  // DEQUANTIZE float16 -> float32 is version 3 by TFLite's versioning rules.
  m.op_codes[dequantize].version = std::max(m.op_codes[dequantize].version, 3);
  std::vector<Operator> head;
  Float16Summary sum;
  const size_t original = g.tensors.size();
  for (size_t t = 0; t < original; ++t) {
    if (g.tensors[t].dtype != DType::FLOAT32 || !read.count(static_cast<int32_t>(t)) || !m.ConstantData(g.tensors[t])) continue;
    const std::vector<float> v = ConstantFloats(m, g.tensors[t]);
    Buffer b;
    b.data.resize(v.size() * 2);
    for (size_t i = 0; i < v.size(); ++i) {
      const uint16_t h = act::FloatToHalf(v[i]);
      std::memcpy(b.data.data() + 2 * i, &h, 2);
    }
    m.buffers.push_back(std::move(b));
    Tensor half = g.tensors[t];
    half.dtype = DType::FLOAT16;
    half.buffer = static_cast<uint32_t>(m.buffers.size() - 1);
    half.name += "_fp16";
    g.tensors.push_back(half);
    g.tensors[t].buffer = 0;  // now computed by the DEQUANTIZE
    Operator d;
    d.opcode_index = dequantize;
    d.inputs = {static_cast<int32_t>(g.tensors.size() - 1)};
    d.outputs = {static_cast<int32_t>(t)};
    d.options.Set(tflite::DequantizeOptionsT{});
    head.push_back(d);
    ++sum.tensors;
  }
  g.operators.insert(g.operators.begin(), head.begin(), head.end());
  // The float32 data no tensor holds any more.
  std::set<uint32_t> used;
  for (const auto& t : g.tensors) used.insert(t.buffer);
  for (const auto& md : m.metadata) used.insert(md.buffer);
  for (int32_t b : m.metadata_buffer) used.insert(static_cast<uint32_t>(b));
  for (size_t b = 1; b < m.buffers.size(); ++b)
    if (!used.count(static_cast<uint32_t>(b))) m.buffers[b].data.clear();
  if (summary) *summary = sum;
  return m;
}

}  // namespace tfd::quantize
