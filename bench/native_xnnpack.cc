// Our interpreter against native XNNPACK (Debian's libxnnpack-dev) on the
// same model, in the same run, one thread. XNNPACK gets the model's graph the
// way TFLite's XNNPACK delegate gives it: every node the delegate takes (our
// rules, interpreter/xnnpack_delegate.h) becomes a node of one XNNPACK
// subgraph (convolution, depthwise convolution, fully connected, add,
// average pooling, reshape, softmax), with the model's own quantized tensors
// and weights; the nodes the delegate leaves on the CPU run on our kernels
// and their time is added to XNNPACK's, as in TFLite with the delegate.
//
//   native_xnnpack MODEL.tflite [RUNS]
//
// Prints one JSON line: native_ms (XNNPACK's subgraph + the CPU nodes),
// xnnpack_ms and reference_ms (our median, fast kernels, each profile), the
// ratios, the same as median CPU time per run (*_cpu_ms, *_cpu_ratio: not
// inflated by other processes on a shared machine), and how many of the
// delegated nodes' outputs XNNPACK computes exactly as our xnnpack profile
// does (each node fed our values, every
// output byte compared); differing nodes are listed on stderr with the
// largest difference. Nodes XNNPACK's version cannot express are listed and
// counted as CPU nodes.
#include <xnnpack.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "data/random_fill.h"
#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "interpreter/xnnpack_delegate.h"
#include "util/error.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// This thread's CPU time (ms): what a run cost, without the time other
// processes held the core (the machine may be shared).
double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void FillRandomInputs(tfd::Interpreter& interp) {
  std::mt19937_64 rng(1);
  for (size_t i = 0; i < interp.num_inputs(); ++i) {
    const auto& t = interp.input(i);
    auto bytes = tfd::RandomTensorBytes(t.dtype, t.NumElements(), rng);
    interp.SetInput(i, t.dtype, t.shape, bytes.data(), bytes.size());
  }
}

// Our median Invoke time (ms), its median CPU time (cpu_ms) and, per node,
// the mean time of the nodes in `timed` (the time from the previous node's
// end to this one's).
double TimeOurs(const tfd::Model& model, tfd::Arithmetic arithmetic, int runs, const std::vector<bool>* timed,
                double* timed_ms, double* cpu_ms) {
  tfd::InterpreterOptions options;
  options.arithmetic = arithmetic;
  tfd::Interpreter interp(model, options);
  FillRandomInputs(interp);
  interp.Invoke();
  std::vector<double> times, cpu;
  for (int r = 0; r < runs; ++r) {
    const double cpu0 = ThreadCpuMs();
    const auto start = Clock::now();
    interp.Invoke();
    times.push_back(Ms(Clock::now() - start));
    cpu.push_back(ThreadCpuMs() - cpu0);
  }
  *cpu_ms = Median(cpu);
  if (timed != nullptr) {
    double total = 0;
    Clock::time_point last = Clock::now();
    int last_node = -2;
    interp.SetObserver([&](int subgraph, int node, int, const tfd::RuntimeTensor&) {
      const auto now = Clock::now();
      if (subgraph != 0 || node == last_node) return;
      if (node >= 0 && (*timed)[static_cast<size_t>(node)]) total += Ms(now - last);
      last_node = node;
      last = Clock::now();
    });
    for (int r = 0; r < runs; ++r) {
      last_node = -2;
      interp.Invoke();
    }
    *timed_ms = total / runs;
  }
  return Median(times);
}

void Check(xnn_status status, const std::string& what) {
  if (status != xnn_status_success) throw tfd::Error(what + " failed (XNNPACK status " + std::to_string(status) + ")");
}

struct ActivationRange {
  float min = -std::numeric_limits<float>::infinity(), max = std::numeric_limits<float>::infinity();
};

ActivationRange Range(tflite::ActivationFunctionType f) {
  ActivationRange r;
  switch (f) {
    case tflite::ActivationFunctionType::RELU: r.min = 0; break;
    case tflite::ActivationFunctionType::RELU6: r.min = 0, r.max = 6; break;
    case tflite::ActivationFunctionType::RELU_N1_TO_1: r.min = -1, r.max = 1; break;
    default: break;
  }
  return r;
}

// Builds an XNNPACK subgraph of the delegated nodes of the main graph.
class NativeGraph {
 public:
  NativeGraph(const tfd::Model& model, const std::vector<bool>& delegated) : model_(model), g_(model.main()) {
    Check(xnn_create_subgraph(static_cast<uint32_t>(g_.tensors.size()), 0, &subgraph_), "xnn_create_subgraph");
    // Tensors crossing the subgraph's boundary (graph inputs and outputs,
    // values exchanged with CPU nodes) are external.
    std::vector<int> produced_by(g_.tensors.size(), -1);
    for (size_t n = 0; n < g_.operators.size(); ++n)
      for (int32_t t : g_.operators[n].outputs)
        if (t >= 0) produced_by[static_cast<size_t>(t)] = static_cast<int>(n);
    external_in_.assign(g_.tensors.size(), false);
    external_out_.assign(g_.tensors.size(), false);
    for (size_t n = 0; n < g_.operators.size(); ++n)
      for (int32_t t : g_.operators[n].inputs) {
        if (t < 0 || model_.ConstantData(g_.tensors[static_cast<size_t>(t)])) continue;
        const int p = produced_by[static_cast<size_t>(t)];
        const bool from_inside = p >= 0 && delegated[static_cast<size_t>(p)];
        if (delegated[n] && !from_inside) external_in_[static_cast<size_t>(t)] = true;
        if (!delegated[n] && from_inside) external_out_[static_cast<size_t>(t)] = true;
      }
    for (int32_t t : g_.outputs) {
      const int p = produced_by[static_cast<size_t>(t)];
      if (p >= 0 && delegated[static_cast<size_t>(p)]) external_out_[static_cast<size_t>(t)] = true;
    }
    defined_.assign(g_.tensors.size(), XNN_INVALID_VALUE_ID);
    for (size_t n = 0; n < g_.operators.size(); ++n) {
      if (!delegated[n]) continue;
      std::string why;
      if (Define(n, &why)) {
        nodes_.push_back(n);
      } else {
        unexpressed_.push_back({n, why});
      }
    }
  }
  ~NativeGraph() {
    if (runtime_) xnn_delete_runtime(runtime_);
    if (subgraph_) xnn_delete_subgraph(subgraph_);
  }

  // Nodes XNNPACK runs, and the delegated ones it cannot express (and why).
  const std::vector<size_t>& nodes() const { return nodes_; }
  const std::vector<std::pair<size_t, std::string>>& unexpressed() const { return unexpressed_; }

  // Creates the runtime with every external value bound to `buffers`.
  void Setup(std::map<uint32_t, void*> buffers) {
    Check(xnn_create_runtime_v2(subgraph_, nullptr, 0, &runtime_), "xnn_create_runtime_v2");
    std::vector<xnn_external_value> values;
    for (size_t t = 0; t < g_.tensors.size(); ++t)
      if ((external_in_[t] || external_out_[t]) && defined_[t] != XNN_INVALID_VALUE_ID)
        values.push_back({defined_[t], buffers.at(static_cast<uint32_t>(t))});
    Check(xnn_setup_runtime(runtime_, values.size(), values.data()), "xnn_setup_runtime");
  }
  void Invoke() { Check(xnn_invoke_runtime(runtime_), "xnn_invoke_runtime"); }
  bool IsExternal(size_t t) const { return (external_in_[t] || external_out_[t]) && defined_[t] != XNN_INVALID_VALUE_ID; }

 private:
  const tfd::Tensor& T(int32_t i) const { return g_.tensors[static_cast<size_t>(i)]; }

  // Defines tensor i once; `channel_dim` for per-channel weights.
  uint32_t Value(int32_t i, size_t channel_dim = 0, const tfd::Tensor* bias_of_input = nullptr,
                 const tfd::Tensor* bias_of_filter = nullptr) {
    if (defined_[static_cast<size_t>(i)] != XNN_INVALID_VALUE_ID) return defined_[static_cast<size_t>(i)];
    const tfd::Tensor& t = T(i);
    std::vector<size_t> dims(t.shape.begin(), t.shape.end());
    const std::vector<uint8_t>* constant = model_.ConstantData(t);
    const void* data = constant ? constant->data() : nullptr;
    uint32_t flags = 0;
    uint32_t external_id = XNN_INVALID_VALUE_ID;
    if (external_in_[static_cast<size_t>(i)] || external_out_[static_cast<size_t>(i)]) {
      external_id = static_cast<uint32_t>(i);
      flags = (external_in_[static_cast<size_t>(i)] ? XNN_VALUE_FLAG_EXTERNAL_INPUT : 0) |
              (external_out_[static_cast<size_t>(i)] ? XNN_VALUE_FLAG_EXTERNAL_OUTPUT : 0);
    }
    uint32_t id = XNN_INVALID_VALUE_ID;
    const tfd::Quantization* q = t.quantization && t.quantization->IsAffine() ? &*t.quantization : nullptr;
    xnn_status status = xnn_status_invalid_parameter;
    if (t.dtype == tfd::DType::FLOAT32) {
      status = xnn_define_tensor_value(subgraph_, xnn_datatype_fp32, dims.size(), dims.data(), data, external_id,
                                       flags, &id);
    } else if (t.dtype == tfd::DType::INT32 && bias_of_input != nullptr) {
      // Bias: scale = input scale * filter scale (per channel when the
      // filter is).
      const float in_scale = bias_of_input->quantization->scale[0];
      const auto& fs = bias_of_filter->quantization->scale;
      if (fs.size() > 1) {
        scales_.emplace_back();
        for (float s : fs) scales_.back().push_back(in_scale * s);
        status = xnn_define_channelwise_quantized_tensor_value(subgraph_, xnn_datatype_qcint32, scales_.back().data(),
                                                               dims.size(), 0, dims.data(), data, external_id, flags,
                                                               &id);
      } else {
        status = xnn_define_quantized_tensor_value(subgraph_, xnn_datatype_qint32, 0, in_scale * fs[0], dims.size(),
                                                   dims.data(), data, external_id, flags, &id);
      }
    } else if ((t.dtype == tfd::DType::UINT8 || t.dtype == tfd::DType::INT8) && q != nullptr) {
      const bool is_signed = t.dtype == tfd::DType::INT8;
      if (q->IsPerChannel()) {
        scales_.push_back(q->scale);
        status = xnn_define_channelwise_quantized_tensor_value(subgraph_, xnn_datatype_qcint8, scales_.back().data(),
                                                               dims.size(), channel_dim, dims.data(), data,
                                                               external_id, flags, &id);
      } else {
        status = xnn_define_quantized_tensor_value(
            subgraph_, is_signed ? xnn_datatype_qint8 : xnn_datatype_quint8,
            q->zero_point.empty() ? 0 : static_cast<int32_t>(q->zero_point[0]), q->scale[0], dims.size(),
            dims.data(), data, external_id, flags, &id);
      }
    } else {
      throw tfd::Error("tensor '" + t.name + "' of type " + tfd::DTypeName(t.dtype) + " has no XNNPACK type here");
    }
    Check(status, "defining tensor '" + t.name + "'");
    defined_[static_cast<size_t>(i)] = id;
    return id;
  }

  bool Define(size_t n, std::string* why) {
    const tfd::Operator& op = g_.operators[n];
    const tfd::BuiltinOp code = model_.op_code(op).builtin;
    const auto in = [&](size_t k) { return op.inputs[k]; };
    const int32_t out = op.outputs[0];
    try {
      xnn_status status = xnn_status_invalid_parameter;
      switch (code) {
        case tflite::BuiltinOperator::CONV_2D: {
          const auto* o = op.options.AsConv2DOptions();
          const tfd::Tensor& filter = T(in(1));
          const ActivationRange r = Range(o->fused_activation_function);
          const uint32_t bias = op.inputs.size() > 2 && in(2) >= 0 ? Value(in(2), 0, &T(in(0)), &filter)
                                                                      : XNN_INVALID_VALUE_ID;
          status = xnn_define_convolution_2d(
              subgraph_, 0, 0, 0, 0, static_cast<uint32_t>(filter.shape[1]), static_cast<uint32_t>(filter.shape[2]),
              static_cast<uint32_t>(o->stride_h), static_cast<uint32_t>(o->stride_w),
              static_cast<uint32_t>(o->dilation_h_factor), static_cast<uint32_t>(o->dilation_w_factor), 1,
              static_cast<size_t>(filter.shape[3]), static_cast<size_t>(filter.shape[0]), r.min, r.max,
              Value(in(0)), Value(in(1), 0), bias, Value(out),
              o->padding == tflite::Padding::SAME ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0);
          break;
        }
        case tflite::BuiltinOperator::DEPTHWISE_CONV_2D: {
          const auto* o = op.options.AsDepthwiseConv2DOptions();
          const tfd::Tensor& filter = T(in(1));
          const ActivationRange r = Range(o->fused_activation_function);
          const int32_t in_c = T(in(0)).shape[3];
          const uint32_t bias = op.inputs.size() > 2 && in(2) >= 0 ? Value(in(2), 0, &T(in(0)), &filter)
                                                                      : XNN_INVALID_VALUE_ID;
          status = xnn_define_depthwise_convolution_2d(
              subgraph_, 0, 0, 0, 0, static_cast<uint32_t>(filter.shape[1]), static_cast<uint32_t>(filter.shape[2]),
              static_cast<uint32_t>(o->stride_h), static_cast<uint32_t>(o->stride_w),
              static_cast<uint32_t>(o->dilation_h_factor), static_cast<uint32_t>(o->dilation_w_factor),
              static_cast<uint32_t>(filter.shape[3] / in_c), static_cast<size_t>(in_c), r.min, r.max, Value(in(0)),
              Value(in(1), 3), bias, Value(out),
              o->padding == tflite::Padding::SAME ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0);
          break;
        }
        case tflite::BuiltinOperator::FULLY_CONNECTED: {
          const auto* o = op.options.AsFullyConnectedOptions();
          const tfd::Tensor& filter = T(in(1));
          const ActivationRange r = Range(o ? o->fused_activation_function : tflite::ActivationFunctionType::NONE);
          const uint32_t bias = op.inputs.size() > 2 && in(2) >= 0 ? Value(in(2), 0, &T(in(0)), &filter)
                                                                      : XNN_INVALID_VALUE_ID;
          status = xnn_define_fully_connected(subgraph_, r.min, r.max, Value(in(0)), Value(in(1), 0), bias,
                                              Value(out),
                                              T(in(0)).shape.size() != 2 ? XNN_FLAG_TENSORFLOW_RESHAPE_2D : 0);
          break;
        }
        case tflite::BuiltinOperator::ADD: {
          const auto* o = op.options.AsAddOptions();
          const ActivationRange r = Range(o ? o->fused_activation_function : tflite::ActivationFunctionType::NONE);
          status = xnn_define_add2(subgraph_, r.min, r.max, Value(in(0)), Value(in(1)), Value(out), 0);
          break;
        }
        case tflite::BuiltinOperator::AVERAGE_POOL_2D: {
          const auto* o = op.options.AsPool2DOptions();
          const ActivationRange r = Range(o->fused_activation_function);
          status = xnn_define_average_pooling_2d(
              subgraph_, 0, 0, 0, 0, static_cast<uint32_t>(o->filter_height), static_cast<uint32_t>(o->filter_width),
              static_cast<uint32_t>(o->stride_h), static_cast<uint32_t>(o->stride_w), r.min, r.max, Value(in(0)),
              Value(out), o->padding == tflite::Padding::SAME ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0);
          break;
        }
        case tflite::BuiltinOperator::RESHAPE: {
          const tfd::Tensor& t = T(out);
          std::vector<size_t> shape(t.shape.begin(), t.shape.end());
          status = xnn_define_static_reshape(subgraph_, shape.size(), shape.data(), Value(in(0)), Value(out), 0);
          break;
        }
        case tflite::BuiltinOperator::SOFTMAX:
          status = xnn_define_softmax(subgraph_, Value(in(0)), Value(out), 0);
          break;
        default:
          *why = "no translation here for " + model_.op_code(op).Name();
          return false;
      }
      if (status != xnn_status_success) {
        *why = model_.op_code(op).Name() + ": XNNPACK refused the node (status " + std::to_string(status) + ")";
        return false;
      }
    } catch (const tfd::Error& e) {
      *why = e.what();
      return false;
    }
    return true;
  }

  const tfd::Model& model_;
  const tfd::Subgraph& g_;
  xnn_subgraph_t subgraph_ = nullptr;
  xnn_runtime_t runtime_ = nullptr;
  std::vector<bool> external_in_, external_out_;
  std::vector<uint32_t> defined_;
  std::vector<std::vector<float>> scales_;  // per-channel scales outlive the subgraph
  std::vector<size_t> nodes_;
  std::vector<std::pair<size_t, std::string>> unexpressed_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: native_xnnpack MODEL.tflite [RUNS]\n");
    return 2;
  }
  try {
    const int runs = argc > 2 ? std::max(1, std::stoi(argv[2])) : 20;
    Check(xnn_initialize(nullptr), "xnn_initialize");
    tfd::Model model = tfd::LoadModel(argv[1]);
    const tfd::Subgraph& g = model.main();
    const auto verdicts = tfd::XnnpackDelegation(model);
    std::vector<bool> delegated(g.operators.size());
    for (size_t n = 0; n < g.operators.size(); ++n) delegated[n] = verdicts[0][n].taken;

    // Our xnnpack profile, every tensor kept: the values fed to XNNPACK and
    // compared with what it computes.
    tfd::InterpreterOptions keep;
    keep.arithmetic = tfd::Arithmetic::kXnnpack;
    keep.keep_all_tensors = true;
    tfd::Interpreter ours(model, keep);
    FillRandomInputs(ours);
    ours.Invoke();

    // Exactness, node by node: a subgraph of one node, fed our values.
    int exact = 0, checked = 0;
    std::vector<bool> expressible(g.operators.size(), false);
    for (size_t n = 0; n < g.operators.size(); ++n) {
      if (!delegated[n]) continue;
      std::vector<bool> only(g.operators.size(), false);
      only[n] = true;
      NativeGraph one(model, only);
      if (one.nodes().empty()) {
        std::fprintf(stderr, "node %zu %s: not expressed: %s\n", n, model.op_code(g.operators[n]).Name().c_str(),
                     one.unexpressed()[0].second.c_str());
        continue;
      }
      expressible[n] = true;
      std::map<uint32_t, void*> buffers;
      std::map<int32_t, std::vector<uint8_t>> results;
      for (int32_t t : g.operators[n].inputs)
        if (t >= 0 && one.IsExternal(static_cast<size_t>(t))) buffers[static_cast<uint32_t>(t)] = ours.tensor(0, t).data;
      for (int32_t t : g.operators[n].outputs) {
        results[t].assign(ours.tensor(0, t).bytes, 0xA5);
        buffers[static_cast<uint32_t>(t)] = results[t].data();
      }
      one.Setup(buffers);
      one.Invoke();
      bool same = true;
      for (const auto& [t, bytes] : results) {
        const tfd::RuntimeTensor& want = ours.tensor(0, t);
        int max_diff = 0;
        size_t differing = 0;
        if (want.dtype == tfd::DType::UINT8 || want.dtype == tfd::DType::INT8) {
          for (size_t i = 0; i < bytes.size(); ++i) {
            const int a = want.dtype == tfd::DType::INT8 ? static_cast<int8_t>(bytes[i]) : bytes[i];
            const int b = want.dtype == tfd::DType::INT8 ? static_cast<int8_t>(want.data[i]) : want.data[i];
            if (a != b) ++differing, max_diff = std::max(max_diff, std::abs(a - b));
          }
        } else if (std::memcmp(bytes.data(), want.data, bytes.size()) != 0) {
          differing = 1;
        }
        if (differing) {
          same = false;
          std::fprintf(stderr, "node %zu %s: XNNPACK differs from our xnnpack profile at %zu of %zu values (max %d)\n",
                       n, model.op_code(g.operators[n]).Name().c_str(), differing, bytes.size(), max_diff);
        }
      }
      ++checked;
      exact += same;
    }

    // Timing: one subgraph of every delegated node XNNPACK can express, the
    // rest on our kernels (their time measured in our xnnpack-profile run).
    NativeGraph native(model, expressible);
    std::map<uint32_t, void*> buffers;
    std::vector<std::vector<uint8_t>> scratch;
    for (size_t t = 0; t < g.tensors.size(); ++t)
      if (native.IsExternal(t)) {
        scratch.emplace_back(ours.tensor(0, static_cast<int>(t)).data,
                             ours.tensor(0, static_cast<int>(t)).data + ours.tensor(0, static_cast<int>(t)).bytes);
        buffers[static_cast<uint32_t>(t)] = scratch.back().data();
      }
    native.Setup(buffers);
    native.Invoke();
    std::vector<double> native_times, native_cpu;
    for (int r = 0; r < runs; ++r) {
      const double cpu0 = ThreadCpuMs();
      const auto start = Clock::now();
      native.Invoke();
      native_times.push_back(Ms(Clock::now() - start));
      native_cpu.push_back(ThreadCpuMs() - cpu0);
    }
    const double xnn_ms = Median(native_times);
    const double xnn_cpu_ms = Median(native_cpu);
    std::vector<bool> cpu_nodes(g.operators.size());
    for (size_t n = 0; n < g.operators.size(); ++n) cpu_nodes[n] = !expressible[n];
    double cpu_ms = 0, ours_xnn_cpu = 0, ours_ref_cpu = 0;
    const double ours_xnn = TimeOurs(model, tfd::Arithmetic::kXnnpack, runs, &cpu_nodes, &cpu_ms, &ours_xnn_cpu);
    const double ours_ref = TimeOurs(model, tfd::Arithmetic::kReference, runs, nullptr, nullptr, &ours_ref_cpu);
    const double native_ms = xnn_ms + cpu_ms;
    // The CPU nodes' share, by their wall time's proportion of our run.
    const double native_cpu_ms = xnn_cpu_ms + (ours_xnn > 0 ? cpu_ms * ours_xnn_cpu / ours_xnn : 0);
    std::printf(
        "{\"native_ms\": %.4f, \"xnnpack_subgraph_ms\": %.4f, \"cpu_nodes_ms\": %.4f, \"xnnpack_nodes\": %zu, "
        "\"cpu_nodes\": %zu, \"ours_xnnpack_ms\": %.4f, \"ours_reference_ms\": %.4f, \"xnnpack_ratio\": %.3f, "
        "\"reference_ratio\": %.3f, \"native_cpu_ms\": %.4f, \"ours_xnnpack_cpu_ms\": %.4f, "
        "\"ours_reference_cpu_ms\": %.4f, \"xnnpack_cpu_ratio\": %.3f, \"reference_cpu_ratio\": %.3f, "
        "\"nodes_checked\": %d, \"nodes_exact\": %d}\n",
        native_ms, xnn_ms, cpu_ms, native.nodes().size(), g.operators.size() - native.nodes().size(), ours_xnn,
        ours_ref, ours_xnn / native_ms, ours_ref / native_ms, native_cpu_ms, ours_xnn_cpu, ours_ref_cpu,
        ours_xnn_cpu / native_cpu_ms, ours_ref_cpu / native_cpu_ms, checked, exact);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "native_xnnpack: %s\n", e.what());
    return 1;
  }
  return 0;
}
