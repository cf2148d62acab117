#include "analysis/compare/copied_quantization.h"

#include <cmath>

namespace tfd {

bool CopiesQuantizedValues(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::AVERAGE_POOL_2D:
    case BuiltinOp::MAX_POOL_2D:
    case BuiltinOp::RESHAPE:
    case BuiltinOp::SQUEEZE:
    case BuiltinOp::EXPAND_DIMS:
    case BuiltinOp::TRANSPOSE:
    case BuiltinOp::PAD:
    case BuiltinOp::PADV2:
    case BuiltinOp::STRIDED_SLICE:
    case BuiltinOp::SLICE:
    case BuiltinOp::GATHER:
    case BuiltinOp::SPACE_TO_DEPTH:
    case BuiltinOp::DEPTH_TO_SPACE:
    case BuiltinOp::BATCH_TO_SPACE_ND:
    case BuiltinOp::SPACE_TO_BATCH_ND:
    case BuiltinOp::TILE:
    case BuiltinOp::RESIZE_NEAREST_NEIGHBOR: return true;
    default: return false;
  }
}

namespace {

bool Quantized8or16(DType t) { return t == DType::INT8 || t == DType::UINT8 || t == DType::INT16; }

}  // namespace

std::optional<CopiedQuantizationMismatch> FindCopiedQuantizationMismatch(const Model& m, int node) {
  const Subgraph& g = m.main();
  if (node < 0 || static_cast<size_t>(node) >= g.operators.size()) return std::nullopt;
  const Operator& op = g.operators[static_cast<size_t>(node)];
  if (!CopiesQuantizedValues(m.op_code(op).builtin) || op.inputs.empty() || op.outputs.empty() || op.inputs[0] < 0 ||
      op.outputs[0] < 0)
    return std::nullopt;
  const Tensor& in = g.tensors[static_cast<size_t>(op.inputs[0])];
  const Tensor& out = g.tensors[static_cast<size_t>(op.outputs[0])];
  if (!Quantized8or16(in.dtype) || in.dtype != out.dtype || !in.quantization || !out.quantization ||
      !in.quantization->IsAffine() || !out.quantization->IsAffine() || in.quantization->IsPerChannel() ||
      out.quantization->IsPerChannel())
    return std::nullopt;
  CopiedQuantizationMismatch mm;
  mm.input = in.name;
  mm.input_scale = in.quantization->scale[0];
  mm.output_scale = out.quantization->scale[0];
  mm.input_zero_point = in.quantization->zero_point.empty() ? 0 : in.quantization->zero_point[0];
  mm.output_zero_point = out.quantization->zero_point.empty() ? 0 : out.quantization->zero_point[0];
  // TFLite's own check allows a relative 1e-6 between the scales.
  const bool same_scale = std::abs(mm.input_scale - mm.output_scale) <= 1e-6 * std::max(mm.input_scale, mm.output_scale);
  if (same_scale && mm.input_zero_point == mm.output_zero_point) return std::nullopt;
  return mm;
}

}  // namespace tfd
