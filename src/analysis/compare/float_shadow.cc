#include "analysis/compare/float_shadow.h"

#include <cmath>
#include <cstring>

#include "analysis/compare/tensor_matching.h"
#include "graph/dtype.h"
#include "util/error.h"

namespace tfd {
namespace {

bool IsQuantizedType(DType t) {
  return t == DType::INT8 || t == DType::UINT8 || t == DType::INT16 || t == DType::INT32 || t == DType::INT4;
}

template <typename T>
float Load(const uint8_t* data, int64_t i) {
  T v;
  std::memcpy(&v, data + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return static_cast<float>(v);
}

std::vector<uint8_t> Dequantize(const Tensor& t, const std::vector<uint8_t>& data) {
  const Quantization& q = *t.quantization;
  const int64_t n = *ElementCount(t.shape);
  // Elements per slice along the quantized axis, and slices per step.
  int64_t inner = 1;
  if (q.scale.size() > 1)
    for (size_t d = static_cast<size_t>(q.axis) + 1; d < t.shape.size(); ++d) inner *= t.shape[d];
  std::vector<float> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    size_t c = q.scale.size() > 1 ? static_cast<size_t>((i / inner) % static_cast<int64_t>(q.scale.size())) : 0;
    float v;
    switch (t.dtype) {
      case DType::INT8: v = Load<int8_t>(data.data(), i); break;
      case DType::UINT8: v = Load<uint8_t>(data.data(), i); break;
      case DType::INT16: v = Load<int16_t>(data.data(), i); break;
      case DType::INT32: v = Load<int32_t>(data.data(), i); break;
      default: Fail("cannot dequantize constant '{}' of type {}", t.name, DTypeName(t.dtype));
    }
    const float zp = q.zero_point.empty() ? 0.0f : static_cast<float>(q.zero_point[c]);
    out[static_cast<size_t>(i)] = (v - zp) * q.scale[c];
  }
  std::vector<uint8_t> bytes(out.size() * sizeof(float));
  if (!out.empty()) std::memcpy(bytes.data(), out.data(), bytes.size());
  return bytes;
}

// Legacy (TOCO) 8-bit models leave a conv's RELU / RELU6 out of its options
// and let the output's quantized range do it: [0, hi] clamps negatives,
// [0, 6] is a RELU6. The shadow has no activation quantization, so it gets
// the activation the range stands for, or it would compute another network
// (SSD MobileNet v1's every conv is such).
tflite::ActivationFunctionType ActivationOfRange(const Tensor& out) {
  using A = tflite::ActivationFunctionType;
  if (!out.quantization || !out.quantization->IsAffine() || out.quantization->IsPerChannel()) return A::NONE;
  const int64_t qmin = out.dtype == DType::UINT8 ? 0 : out.dtype == DType::INT8 ? -128 : 1;
  const int64_t qmax = out.dtype == DType::UINT8 ? 255 : 127;
  const int64_t zp = out.quantization->zero_point.empty() ? 0 : out.quantization->zero_point[0];
  if (qmin > 0 || zp != qmin) return A::NONE;
  const double scale = out.quantization->scale[0];
  const double hi = static_cast<double>(qmax - zp) * scale;
  return std::abs(hi - 6.0) <= scale / 2 ? A::RELU6 : A::RELU;
}

void AddRangeActivations(const Model& quantized, Model& m) {
  using A = tflite::ActivationFunctionType;
  for (size_t s = 0; s < m.subgraphs.size(); ++s) {
    const Subgraph& qg = quantized.subgraphs[s];
    for (Operator& op : m.subgraphs[s].operators) {
      if (op.outputs.empty() || op.outputs[0] < 0) continue;
      A* act = nullptr;
      if (auto* o = op.options.AsConv2DOptions()) act = &o->fused_activation_function;
      else if (auto* o = op.options.AsDepthwiseConv2DOptions()) act = &o->fused_activation_function;
      else if (auto* o = op.options.AsFullyConnectedOptions()) act = &o->fused_activation_function;
      if (!act || *act != A::NONE) continue;
      *act = ActivationOfRange(qg.tensors[static_cast<size_t>(op.outputs[0])]);
    }
  }
}

}  // namespace

Model MakeFloatShadow(const Model& quantized) {
  Model m = quantized;
  m.associated_files.clear();
  AddRangeActivations(quantized, m);
  for (Subgraph& g : m.subgraphs) {
    for (Tensor& t : g.tensors) {
      if (!t.quantization || !t.quantization->IsAffine() || !IsQuantizedType(t.dtype)) continue;
      if (const auto* data = quantized.ConstantData(t)) {
        if (t.dtype == DType::INT4) Fail("cannot dequantize int4 constant '{}'", t.name);
        m.buffers.push_back({Dequantize(t, *data)});
        t.buffer = static_cast<uint32_t>(m.buffers.size() - 1);
      }
      t.dtype = DType::FLOAT32;
      t.quantization.reset();
    }
  }
  // Representation changes become no-ops: readers of their outputs read
  // their inputs instead.
  Subgraph& g = m.subgraphs[0];
  std::vector<int32_t> replace(g.tensors.size());
  for (size_t t = 0; t < replace.size(); ++t) replace[t] = static_cast<int32_t>(t);
  std::vector<Operator> kept;
  for (auto& op : g.operators) {
    auto code = m.op_code(op).builtin;
    bool identity = (code == BuiltinOp::QUANTIZE || code == BuiltinOp::DEQUANTIZE) && op.inputs.size() == 1 &&
                    op.outputs.size() == 1 && op.inputs[0] >= 0 &&
                    g.tensors[static_cast<size_t>(op.inputs[0])].dtype == DType::FLOAT32;
    if (identity) {
      replace[static_cast<size_t>(op.outputs[0])] = replace[static_cast<size_t>(op.inputs[0])];
      continue;
    }
    for (auto& i : op.inputs)
      if (i >= 0) i = replace[static_cast<size_t>(i)];
    kept.push_back(std::move(op));
  }
  g.operators = std::move(kept);
  for (auto& o : g.outputs) o = replace[static_cast<size_t>(o)];
  return m;
}

}  // namespace tfd
