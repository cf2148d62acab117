#include "analysis/compat/node_facts.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

#include "graph/dtype.h"

namespace tfd::compat {
namespace {

using tflite::BuiltinOptions;

std::string Num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

class Fields {
 public:
  void Put(const char* name, int64_t v) { out_[name] = std::to_string(v); }
  void PutF(const char* name, double v) { out_[name] = Num(v); }
  void PutB(const char* name, bool v) { out_[name] = v ? "1" : "0"; }
  void PutS(const char* name, const char* v) { out_[name] = v ? v : ""; }
  void Act(tflite::ActivationFunctionType a) {
    PutS("fused_activation_function", tflite::EnumNameActivationFunctionType(a));
  }
  void Pad(tflite::Padding p) { PutS("padding", tflite::EnumNamePadding(p)); }
  std::map<std::string, std::string> Take() { return std::move(out_); }

 private:
  std::map<std::string, std::string> out_;
};

int64_t Dim(const std::vector<int32_t>& shape, int i) {
  if (i < 0) i += static_cast<int>(shape.size());
  if (i < 0 || i >= static_cast<int>(shape.size())) return 1;
  return shape[i] > 0 ? shape[i] : 1;
}

int64_t Elements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) {
    n *= d > 0 ? d : 1;
    if (n > (int64_t{1} << 50)) return int64_t{1} << 50;  // absurd shapes: cap, never overflow
  }
  return n;
}

const Tensor* In(const Subgraph& sg, const Operator& op, size_t i) {
  if (i >= op.inputs.size() || op.inputs[i] < 0 || static_cast<size_t>(op.inputs[i]) >= sg.tensors.size())
    return nullptr;
  return &sg.tensors[op.inputs[i]];
}

const Tensor* Out(const Subgraph& sg, const Operator& op, size_t i) {
  if (i >= op.outputs.size() || op.outputs[i] < 0 || static_cast<size_t>(op.outputs[i]) >= sg.tensors.size())
    return nullptr;
  return &sg.tensors[op.outputs[i]];
}

int64_t Capped(int64_t a, int64_t b) {
  const int64_t cap = int64_t{1} << 60;
  if (a != 0 && b > cap / a) return cap;
  return a * b;
}

}  // namespace

std::string OpKey(const OpCode& code) { return code.Name(); }

std::map<std::string, std::string> OptionFields(const Operator& op) {
  Fields f;
  const auto& o = op.options;
  switch (o.type) {
    case BuiltinOptions::Conv2DOptions: {
      auto* p = o.AsConv2DOptions();
      f.Pad(p->padding); f.Put("stride_w", p->stride_w); f.Put("stride_h", p->stride_h); f.Act(p->fused_activation_function);
      f.Put("dilation_w_factor", p->dilation_w_factor); f.Put("dilation_h_factor", p->dilation_h_factor);
      break;
    }
    case BuiltinOptions::DepthwiseConv2DOptions: {
      auto* p = o.AsDepthwiseConv2DOptions();
      f.Pad(p->padding); f.Put("stride_w", p->stride_w); f.Put("stride_h", p->stride_h); f.Act(p->fused_activation_function);
      f.Put("depth_multiplier", p->depth_multiplier);
      f.Put("dilation_w_factor", p->dilation_w_factor); f.Put("dilation_h_factor", p->dilation_h_factor);
      break;
    }
    case BuiltinOptions::Pool2DOptions: {
      auto* p = o.AsPool2DOptions();
      f.Pad(p->padding); f.Put("stride_w", p->stride_w); f.Put("stride_h", p->stride_h);
      f.Put("filter_width", p->filter_width); f.Put("filter_height", p->filter_height); f.Act(p->fused_activation_function);
      break;
    }
    case BuiltinOptions::FullyConnectedOptions: {
      auto* p = o.AsFullyConnectedOptions();
      f.Act(p->fused_activation_function);
      f.PutS("weights_format", tflite::EnumNameFullyConnectedOptionsWeightsFormat(p->weights_format));
      f.PutB("keep_num_dims", p->keep_num_dims); f.PutB("asymmetric_quantize_inputs", p->asymmetric_quantize_inputs);
      break;
    }
    case BuiltinOptions::SoftmaxOptions: f.PutF("beta", o.AsSoftmaxOptions()->beta); break;
    case BuiltinOptions::AddOptions: f.Act(o.AsAddOptions()->fused_activation_function); break;
    case BuiltinOptions::SubOptions: f.Act(o.AsSubOptions()->fused_activation_function); break;
    case BuiltinOptions::MulOptions: f.Act(o.AsMulOptions()->fused_activation_function); break;
    case BuiltinOptions::DivOptions: f.Act(o.AsDivOptions()->fused_activation_function); break;
    case BuiltinOptions::L2NormOptions: f.Act(o.AsL2NormOptions()->fused_activation_function); break;
    case BuiltinOptions::ConcatenationOptions: {
      auto* p = o.AsConcatenationOptions();
      f.Put("axis", p->axis); f.Act(p->fused_activation_function);
      break;
    }
    case BuiltinOptions::ResizeBilinearOptions: {
      auto* p = o.AsResizeBilinearOptions();
      f.PutB("align_corners", p->align_corners); f.PutB("half_pixel_centers", p->half_pixel_centers);
      break;
    }
    case BuiltinOptions::ResizeNearestNeighborOptions: {
      auto* p = o.AsResizeNearestNeighborOptions();
      f.PutB("align_corners", p->align_corners); f.PutB("half_pixel_centers", p->half_pixel_centers);
      break;
    }
    case BuiltinOptions::StridedSliceOptions: {
      auto* p = o.AsStridedSliceOptions();
      f.Put("begin_mask", p->begin_mask); f.Put("end_mask", p->end_mask); f.Put("ellipsis_mask", p->ellipsis_mask);
      f.Put("new_axis_mask", p->new_axis_mask); f.Put("shrink_axis_mask", p->shrink_axis_mask); f.PutB("offset", p->offset);
      break;
    }
    case BuiltinOptions::TransposeConvOptions: {
      auto* p = o.AsTransposeConvOptions();
      f.Pad(p->padding); f.Put("stride_w", p->stride_w); f.Put("stride_h", p->stride_h); f.Act(p->fused_activation_function);
      break;
    }
    case BuiltinOptions::ReducerOptions: f.PutB("keep_dims", o.AsReducerOptions()->keep_dims); break;
    case BuiltinOptions::LSTMOptions: {
      auto* p = o.AsLSTMOptions();
      f.Act(p->fused_activation_function); f.PutF("cell_clip", p->cell_clip); f.PutF("proj_clip", p->proj_clip);
      f.PutS("kernel_type", tflite::EnumNameLSTMKernelType(p->kernel_type));
      break;
    }
    case BuiltinOptions::UnidirectionalSequenceLSTMOptions: {
      auto* p = o.AsUnidirectionalSequenceLSTMOptions();
      f.Act(p->fused_activation_function); f.PutF("cell_clip", p->cell_clip); f.PutF("proj_clip", p->proj_clip);
      f.PutB("time_major", p->time_major);
      break;
    }
    case BuiltinOptions::SVDFOptions: {
      auto* p = o.AsSVDFOptions();
      f.Put("rank", p->rank); f.Act(p->fused_activation_function);
      break;
    }
    case BuiltinOptions::MirrorPadOptions: f.PutS("mode", tflite::EnumNameMirrorPadMode(o.AsMirrorPadOptions()->mode)); break;
    case BuiltinOptions::PackOptions: {
      auto* p = o.AsPackOptions();
      f.Put("axis", p->axis); f.Put("values_count", p->values_count);
      break;
    }
    case BuiltinOptions::SplitOptions: f.Put("num_splits", o.AsSplitOptions()->num_splits); break;
    case BuiltinOptions::GatherOptions: {
      auto* p = o.AsGatherOptions();
      f.Put("axis", p->axis); f.Put("batch_dims", p->batch_dims);
      break;
    }
    case BuiltinOptions::LeakyReluOptions: f.PutF("alpha", o.AsLeakyReluOptions()->alpha); break;
    case BuiltinOptions::BatchMatMulOptions: {
      auto* p = o.AsBatchMatMulOptions();
      f.PutB("adj_x", p->adj_x); f.PutB("adj_y", p->adj_y);
      break;
    }
    case BuiltinOptions::SpaceToDepthOptions: f.Put("block_size", o.AsSpaceToDepthOptions()->block_size); break;
    case BuiltinOptions::DepthToSpaceOptions: f.Put("block_size", o.AsDepthToSpaceOptions()->block_size); break;
    case BuiltinOptions::ArgMaxOptions:
      f.PutS("output_type", DTypeName(o.AsArgMaxOptions()->output_type).c_str());
      break;
    default: break;
  }
  return f.Take();
}

std::vector<bool> ConstantTensors(const Model& model, const Subgraph& sg) {
  std::vector<bool> is_const(sg.tensors.size(), false);
  for (size_t i = 0; i < sg.tensors.size(); ++i) is_const[i] = model.ConstantData(sg.tensors[i]) != nullptr;
  // Constant folding of weight decompression: one pass in execution order is
  // enough because a producer always runs before its consumers.
  for (const auto& op : sg.operators) {
    if (op.opcode_index >= model.op_codes.size()) continue;
    BuiltinOp b = model.op_codes[op.opcode_index].builtin;
    if (b != BuiltinOp::DEQUANTIZE && b != BuiltinOp::DENSIFY) continue;
    bool all_const = !op.inputs.empty();
    for (int32_t in : op.inputs)
      if (in >= 0 && (static_cast<size_t>(in) >= is_const.size() || !is_const[in])) all_const = false;
    if (!all_const) continue;
    for (int32_t out : op.outputs)
      if (out >= 0 && static_cast<size_t>(out) < is_const.size()) is_const[out] = true;
  }
  return is_const;
}

std::vector<bool> DataDependentTensors(const Model& model, const Subgraph& sg, const std::vector<bool>& is_const) {
  // Inputs whose values decide the output shape, per op.
  static const std::map<BuiltinOp, std::vector<int>> kShapeInputs = {
      {BuiltinOp::RESHAPE, {1}},          {BuiltinOp::STRIDED_SLICE, {1, 2, 3}},
      {BuiltinOp::SLICE, {1, 2}},         {BuiltinOp::TILE, {1}},
      {BuiltinOp::FILL, {0}},             {BuiltinOp::RANGE, {0, 1, 2}},
      {BuiltinOp::BROADCAST_TO, {1}},     {BuiltinOp::PAD, {1}},
      {BuiltinOp::PADV2, {1}},            {BuiltinOp::MIRROR_PAD, {1}},
      {BuiltinOp::SPARSE_TO_DENSE, {1}},  {BuiltinOp::TRANSPOSE_CONV, {0}},
      {BuiltinOp::RESIZE_BILINEAR, {1}},  {BuiltinOp::RESIZE_NEAREST_NEIGHBOR, {1}},
      {BuiltinOp::EXPAND_DIMS, {1}},      {BuiltinOp::SPACE_TO_BATCH_ND, {1, 2}},
      {BuiltinOp::BATCH_TO_SPACE_ND, {1, 2}}, {BuiltinOp::SPLIT_V, {1, 2}},
      {BuiltinOp::ONE_HOT, {1}},          {BuiltinOp::TOPK_V2, {1}},
      {BuiltinOp::TRANSPOSE, {1}},        {BuiltinOp::MEAN, {1}},
      {BuiltinOp::SUM, {1}},              {BuiltinOp::REDUCE_MAX, {1}},
      {BuiltinOp::REDUCE_MIN, {1}},       {BuiltinOp::REDUCE_PROD, {1}},
      {BuiltinOp::REDUCE_ANY, {1}},       {BuiltinOp::REDUCE_ALL, {1}},
  };
  // Ops whose output size depends on the data itself.
  static const std::set<BuiltinOp> kAlways = {BuiltinOp::WHERE, BuiltinOp::UNIQUE, BuiltinOp::NON_MAX_SUPPRESSION_V4,
                                              BuiltinOp::NON_MAX_SUPPRESSION_V5};
  std::vector<bool> dynamic(sg.tensors.size(), false);
  auto valid = [&](int32_t t) { return t >= 0 && static_cast<size_t>(t) < sg.tensors.size(); };
  for (const auto& op : sg.operators) {
    if (op.opcode_index >= model.op_codes.size()) continue;
    BuiltinOp b = model.op_codes[op.opcode_index].builtin;
    bool dyn = kAlways.count(b) > 0;
    auto it = kShapeInputs.find(b);
    if (it != kShapeInputs.end())
      for (int i : it->second)
        if (static_cast<size_t>(i) < op.inputs.size() && valid(op.inputs[i]) && !is_const[op.inputs[i]]) dyn = true;
    // The size of SHAPE / RANK outputs never changes.
    if (b != BuiltinOp::SHAPE && b != BuiltinOp::RANK)
      for (int32_t in : op.inputs)
        if (valid(in) && dynamic[in]) dyn = true;
    if (!dyn) continue;
    for (int32_t out : op.outputs)
      if (valid(out)) dynamic[out] = true;
  }
  return dynamic;
}

std::optional<std::vector<int64_t>> ConstantInts(const Model& model, const Tensor& t) {
  const auto* data = model.ConstantData(t);
  if (!data) return std::nullopt;
  std::vector<int64_t> out;
  if (t.dtype == DType::INT32) {
    for (size_t i = 0; i + 4 <= data->size(); i += 4) {
      int32_t v;
      std::memcpy(&v, data->data() + i, 4);
      out.push_back(v);
    }
  } else if (t.dtype == DType::INT64) {
    for (size_t i = 0; i + 8 <= data->size(); i += 8) {
      int64_t v;
      std::memcpy(&v, data->data() + i, 8);
      out.push_back(v);
    }
  } else {
    return std::nullopt;
  }
  return out;
}

int64_t EstimateMacs(const Model& model, const Subgraph& sg, const Operator& op) {
  if (op.opcode_index >= model.op_codes.size()) return 0;
  const OpCode& code = model.op_codes[op.opcode_index];
  const Tensor* in0 = In(sg, op, 0);
  const Tensor* in1 = In(sg, op, 1);
  const Tensor* out0 = Out(sg, op, 0);
  if (!out0) return 0;
  switch (code.builtin) {
    case BuiltinOp::CONV_2D:  // filter [out_c, kh, kw, in_c]
      if (!in1) return 0;
      return Capped(Elements(out0->shape), Dim(in1->shape, 1) * Dim(in1->shape, 2) * Dim(in1->shape, 3));
    case BuiltinOp::DEPTHWISE_CONV_2D:  // filter [1, kh, kw, out_c]
      if (!in1) return 0;
      return Capped(Elements(out0->shape), Dim(in1->shape, 1) * Dim(in1->shape, 2));
    case BuiltinOp::FULLY_CONNECTED:  // weights [units, depth]
      if (!in1) return 0;
      return Capped(Elements(out0->shape), Dim(in1->shape, -1));
    case BuiltinOp::TRANSPOSE_CONV: {  // inputs: output_shape, filter [out_c, kh, kw, in_c], input
      const Tensor* filter = In(sg, op, 1);
      const Tensor* input = In(sg, op, 2);
      if (!filter || !input) return 0;
      return Capped(Elements(input->shape), Dim(filter->shape, 0) * Dim(filter->shape, 1) * Dim(filter->shape, 2));
    }
    case BuiltinOp::BATCH_MATMUL: {
      if (!in0) return 0;
      auto fields = OptionFields(op);
      bool adj_x = fields.count("adj_x") && fields["adj_x"] == "1";
      return Capped(Elements(out0->shape), Dim(in0->shape, adj_x ? -2 : -1));
    }
    case BuiltinOp::AVERAGE_POOL_2D:
    case BuiltinOp::MAX_POOL_2D:
    case BuiltinOp::L2_POOL_2D: {
      auto fields = OptionFields(op);
      int64_t window = 1;
      if (fields.count("filter_width")) window *= std::max<int64_t>(1, std::stoll(fields["filter_width"]));
      if (fields.count("filter_height")) window *= std::max<int64_t>(1, std::stoll(fields["filter_height"]));
      return Capped(Elements(out0->shape), window);
    }
    case BuiltinOp::CUSTOM:
      if (code.custom_code == "Convolution2DTransposeBias" && in0 && in1)  // input, filter [out_c, kh, kw, in_c], bias
        return Capped(Elements(in0->shape), Dim(in1->shape, 0) * Dim(in1->shape, 1) * Dim(in1->shape, 2));
      return 0;
    default:
      return 0;
  }
}

}  // namespace tfd::compat
