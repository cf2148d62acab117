#include "quantize/float16.h"

#include <cstring>
#include <set>

#include "graph/dtype.h"
#include "kernels/internal/act_half.h"
#include "quantize/model_edit.h"
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
  const uint32_t dequantize = FindOrAddOpCode(m, tflite::BuiltinOperator::DEQUANTIZE);
  // DEQUANTIZE float16 -> float32 is version 3 by TFLite's versioning rules.
  m.op_codes[dequantize].version = std::max(m.op_codes[dequantize].version, 3);
  std::vector<Operator> head;
  Float16Summary sum;
  const size_t original = g.tensors.size();
  for (size_t t = 0; t < original; ++t) {
    if (g.tensors[t].dtype != DType::FLOAT32 || !read.count(static_cast<int32_t>(t)) || !m.ConstantData(g.tensors[t])) continue;
    const std::vector<float> v = ConstantFloats(m, g.tensors[t]);
    std::vector<uint16_t> halves(v.size());
    for (size_t i = 0; i < v.size(); ++i) halves[i] = act::FloatToHalf(v[i]);
    Tensor half = g.tensors[t];
    half.dtype = DType::FLOAT16;
    half.buffer = AddBuffer(m, halves);
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
  ClearUnusedBuffers(m);
  if (summary) *summary = sum;
  return m;
}

}  // namespace tfd::quantize
