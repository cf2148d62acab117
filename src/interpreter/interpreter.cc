#include "interpreter/interpreter.h"
#include "interpreter/xnnpack_delegate.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "graph/dtype.h"
#include "graph/edgetpu_op.h"
#include "interpreter/arena_planner.h"
#include "util/memory_limit.h"

namespace tfd {

size_t StorageBytes(DType dtype, int64_t count) {
  if (count <= 0) return 0;
  if (dtype == DType::INT4) return static_cast<size_t>((count + 1) / 2);
  auto size = DTypeSize(dtype);
  if (!size) return 0;
  if (static_cast<uint64_t>(count) > SIZE_MAX / *size) return SIZE_MAX;
  return static_cast<size_t>(count) * *size;
}

// ---- KernelContext ----

std::string KernelContext::Describe() const {
  std::string out = fmt::format("node {} ({}", node_index, opcode ? opcode->Name() : std::string("?"));
  if (!outputs.empty() && outputs[0] != nullptr && !outputs[0]->name().empty())
    out += " -> '" + outputs[0]->name() + "'";
  out += ")";
  if (subgraph_index != 0) out = fmt::format("subgraph {} {}", subgraph_index, out);
  return out;
}

RuntimeTensor& KernelContext::input(size_t i) const {
  if (i >= inputs.size() || inputs[i] == nullptr) Fail("missing required input {}", i);
  return *inputs[i];
}

RuntimeTensor& KernelContext::output(size_t i) const {
  if (i >= outputs.size() || outputs[i] == nullptr) Fail("missing output {}", i);
  return *outputs[i];
}

void KernelContext::CheckArity(size_t min_in, size_t max_in, size_t n_out) const {
  if (inputs.size() < min_in || inputs.size() > max_in) {
    if (min_in == max_in) Fail("expects {} inputs, has {}", min_in, inputs.size());
    Fail("expects {} to {} inputs, has {}", min_in, max_in, inputs.size());
  }
  if (outputs.size() != n_out) Fail("expects {} outputs, has {}", n_out, outputs.size());
}

void KernelContext::ResizeOutput(size_t i, std::vector<int32_t> shape) {
  RuntimeTensor& t = output(i);
  for (int32_t d : shape)
    if (d < 0) Fail("computed a negative dimension {} for output {}", d, i);
  if (preparing) {
    t.shape = std::move(shape);
    return;
  }
  if ((t.storage == TensorStorage::kArena || t.storage == TensorStorage::kFolded) && t.shape == shape) return;
  // Shape known only now: the tensor takes its own storage for this run.
  t.shape = std::move(shape);
  t.storage = TensorStorage::kDynamic;
  t.bytes = StorageBytes(t.dtype, t.NumElements());
  CheckMemoryClaim(t.bytes, fmt::format("output {} ('{}', {} {}) of this node", i, t.name(), DTypeName(t.dtype), ShapeString(t.shape)));
  t.owned.assign(t.bytes, 0);
  t.data = t.owned.data();
}

// ---- KernelRegistry ----

KernelRegistry& KernelRegistry::Global() {
  static KernelRegistry registry;
  return registry;
}

void KernelRegistry::Register(KernelEntry entry) { entries_.push_back(std::move(entry)); }

const char* ArithmeticName(Arithmetic a) { return a == Arithmetic::kXnnpack ? "xnnpack" : "reference"; }

std::optional<Arithmetic> ParseArithmetic(const std::string& name) {
  if (name == "reference") return Arithmetic::kReference;
  if (name == "xnnpack") return Arithmetic::kXnnpack;
  return std::nullopt;
}

const KernelEntry* KernelRegistry::FindFor(const KernelContext& ctx, const OpKey& op, std::optional<DType> input_dtype,
                                           bool reference_only, Arithmetic arithmetic) const {
  // A node the delegate takes (its one rule, xnnpack_delegate.h) gets the
  // xnnpack-flavor kernel where XNNPACK's arithmetic differs from TFLite's,
  // the fastest one registered (a fast kernel computes the same bytes);
  // elsewhere, and for nodes it leaves to the CPU, TFLite's own kernel.
  if (arithmetic == Arithmetic::kXnnpack && XnnpackRules::Global().Decide(ctx).taken) {
    const KernelEntry* best = nullptr;
    for (const auto& e : entries_) {
      if (e.arithmetic != Arithmetic::kXnnpack || !(e.op == op)) continue;
      if (e.input_dtype && (!input_dtype || *e.input_dtype != *input_dtype)) continue;
      if (reference_only && e.priority != 0) continue;
      if (best != nullptr && e.priority <= best->priority) continue;
      best = &e;
    }
    if (best != nullptr) return best;
  }
  return Find(op, input_dtype, reference_only);
}

const KernelEntry* KernelRegistry::Find(const OpKey& op, std::optional<DType> input_dtype, bool reference_only) const {
  const KernelEntry* best = nullptr;
  for (const auto& e : entries_) {
    if (!(e.op == op) || e.arithmetic != Arithmetic::kReference) continue;
    if (e.input_dtype && (!input_dtype || *e.input_dtype != *input_dtype)) continue;
    if (reference_only && e.priority != 0) continue;
    // Prefer an exact dtype match over "any", then the higher priority.
    auto rank = [&](const KernelEntry* k) { return std::make_pair(k->input_dtype.has_value() ? 1 : 0, k->priority); };
    if (best == nullptr || rank(&e) > rank(best)) best = &e;
  }
  return best;
}

// ---- Interpreter ----

struct Interpreter::SubgraphRuntime {
  int index = 0;
  const Subgraph* graph = nullptr;
  std::vector<RuntimeTensor> tensors;
  std::vector<KernelContext> nodes;
  std::vector<const KernelEntry*> kernels;
  std::vector<bool> reprepare;  // node's shapes depend on values seen only while running
  std::vector<bool> folded;     // node ran at Prepare, its inputs all constant
  std::unique_ptr<uint8_t, void (*)(void*)> arena{nullptr, std::free};
  size_t arena_size = 0;
  bool prepared = false;
  bool invoked = false;  // a full run finished since the last Prepare
};

namespace {

constexpr size_t kArenaAlignment = 64;

size_t AlignUp(size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

void ResetVariable(RuntimeTensor& t) {
  int value = 0;
  if (t.dtype == DType::INT8) value = t.zero_point();
  std::fill(t.owned.begin(), t.owned.end(), static_cast<uint8_t>(value));
}

// Each tensor of a subgraph as the interpreter holds it before planning:
// metadata, and the bytes of constants (in the model's buffers).
void BuildTensors(const Model& model, const Subgraph& g, std::vector<RuntimeTensor>* tensors) {
  tensors->resize(g.tensors.size());
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    RuntimeTensor& rt = (*tensors)[t];
    const Tensor& mt = g.tensors[t];
    rt.meta = &mt;
    rt.dtype = mt.dtype;
    rt.shape = mt.shape;
    if (const auto* data = model.ConstantData(mt)) {
      rt.storage = TensorStorage::kConstant;
      rt.data = const_cast<uint8_t*>(data->data());  // kernels never write inputs
      rt.bytes = data->size();
    } else if (mt.is_variable) {
      rt.storage = TensorStorage::kPersistent;
    }
  }
}

// A node's context over its subgraph's tensors (no interpreter, no state).
void BindNode(const Model& model, int subgraph, int node, std::vector<RuntimeTensor>* tensors, KernelContext* ctx) {
  const Operator& op = model.subgraphs[static_cast<size_t>(subgraph)].operators[static_cast<size_t>(node)];
  ctx->model = &model;
  ctx->op = &op;
  ctx->opcode = &model.op_code(op);
  ctx->subgraph_index = subgraph;
  ctx->node_index = node;
  for (int32_t i : op.inputs) ctx->inputs.push_back(i < 0 ? nullptr : &(*tensors)[static_cast<size_t>(i)]);
  for (int32_t i : op.outputs) ctx->outputs.push_back(&(*tensors)[static_cast<size_t>(i)]);
  for (int32_t i : op.intermediates) ctx->intermediates.push_back(&(*tensors)[static_cast<size_t>(i)]);
}

// A node that can run once at Prepare: a builtin (a custom op's kernel may
// keep state), with at least one input, every input constant (variables
// are not, nor a subgraph input that has data in the file: the caller
// fills it), outputs sized by Prepare and none a variable.
bool Foldable(const KernelContext& ctx, const std::vector<bool>& subgraph_input) {
  if (ctx.opcode->IsCustom()) return false;
  bool any_input = false;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const RuntimeTensor* in = ctx.inputs[i];
    if (in == nullptr) continue;
    if (!in->is_constant() || subgraph_input[static_cast<size_t>(ctx.op->inputs[i])]) return false;
    any_input = true;
  }
  if (!any_input) return false;
  for (const RuntimeTensor* out : ctx.outputs) {
    if (out->dtype == DType::STRING || (out->meta != nullptr && out->meta->is_variable)) return false;
    for (int32_t d : out->shape)
      if (d < 0) return false;
  }
  return true;
}

// Kernels are chosen by the dtype of a node's first present input.
std::optional<DType> FirstInputDtype(const KernelContext& ctx) {
  for (auto* in : ctx.inputs)
    if (in != nullptr) return in->dtype;
  return std::nullopt;
}

}  // namespace

// ---- The XNNPACK delegate's rules ----

XnnpackRules& XnnpackRules::Global() {
  static XnnpackRules rules;
  return rules;
}

void XnnpackRules::Register(XnnpackRule rule) { rules_.push_back(std::move(rule)); }

XnnpackVerdict XnnpackRules::Decide(const KernelContext& ctx) const {
  const OpKey op = OpKey::Of(*ctx.opcode);
  const std::optional<DType> dtype = FirstInputDtype(ctx);
  XnnpackVerdict v;
  for (const XnnpackRule& r : rules_) {
    if (!(r.op == op) || (r.input_dtype && r.input_dtype != dtype)) continue;
    v.rule = &r;
    if (r.accepts != nullptr) {
      v.taken = r.accepts(ctx);
    } else {
      // The rule registered with the xnnpack-flavor kernel of this (op, dtype).
      for (const KernelEntry& e : KernelRegistry::Global().entries())
        if (e.arithmetic == Arithmetic::kXnnpack && e.op == op && e.input_dtype == r.input_dtype && e.accepts)
          v.taken = e.accepts(ctx);
    }
    return v;
  }
  return v;
}

std::vector<std::vector<XnnpackVerdict>> XnnpackDelegation(const Model& model) {
  if (XnnpackRules::Global().rules().empty())
    throw Error("no XNNPACK delegate rules are linked in (they register with the kernels)");
  std::vector<std::vector<XnnpackVerdict>> out(model.subgraphs.size());
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const Subgraph& g = model.subgraphs[s];
    std::vector<RuntimeTensor> tensors;
    BuildTensors(model, g, &tensors);
    for (size_t n = 0; n < g.operators.size(); ++n) {
      KernelContext ctx;
      BindNode(model, static_cast<int>(s), static_cast<int>(n), &tensors, &ctx);
      out[s].push_back(XnnpackRules::Global().Decide(ctx));
    }
  }
  return out;
}

Interpreter::Interpreter(const Model& model, InterpreterOptions options) : model_(model), options_(options) {
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    auto sg = std::make_unique<SubgraphRuntime>();
    sg->index = static_cast<int>(s);
    sg->graph = &model.subgraphs[s];
    const Subgraph& g = *sg->graph;
    BuildTensors(model, g, &sg->tensors);
    sg->nodes.resize(g.operators.size());
    sg->kernels.resize(g.operators.size());
    sg->reprepare.assign(g.operators.size(), false);
    sg->folded.assign(g.operators.size(), false);
    for (size_t n = 0; n < g.operators.size(); ++n) {
      KernelContext& ctx = sg->nodes[n];
      BindNode(model, static_cast<int>(s), static_cast<int>(n), &sg->tensors, &ctx);
      ctx.interpreter = this;
      const std::optional<DType> dtype = FirstInputDtype(ctx);
      const KernelEntry* k = KernelRegistry::Global().FindFor(ctx, OpKey::Of(*ctx.opcode), dtype,
                                                              options_.reference_kernels_only, options_.arithmetic);
      if (k == nullptr) {
        if (ctx.opcode->IsFlex())
          ctx.Fail("Flex op '{}' needs the TensorFlow select-ops runtime, which tflite-doctor does not include",
                   ctx.opcode->custom_code);
        const auto& all = KernelRegistry::Global().entries();
        if (std::none_of(all.begin(), all.end(), [&](const KernelEntry& e) { return e.op == OpKey::Of(*ctx.opcode); })) {
          if (IsEdgeTpuCustomOp(*ctx.opcode))
            ctx.Fail("custom op '{}' is the part of the model compiled for the Edge TPU: only libedgetpu on a device "
                     "with an Edge TPU executes it; give the source model (before edgetpu_compiler) instead",
                     ctx.opcode->custom_code);
          if (ctx.opcode->IsCustom()) ctx.Fail("custom op '{}' has no kernel in tflite-doctor", ctx.opcode->custom_code);
          ctx.Fail("unsupported operator {} (no kernel)", ctx.opcode->Name());
        }
        ctx.Fail("unsupported input type {} for {}", dtype ? DTypeName(*dtype) : "none", ctx.opcode->Name());
      }
      sg->kernels[n] = k;
    }
    subgraphs_.push_back(std::move(sg));
  }
}

Interpreter::~Interpreter() = default;

size_t Interpreter::num_inputs() const { return subgraphs_[0]->graph->inputs.size(); }
size_t Interpreter::num_outputs() const { return subgraphs_[0]->graph->outputs.size(); }
int Interpreter::input_tensor_index(size_t i) const { return subgraphs_[0]->graph->inputs.at(i); }
int Interpreter::output_tensor_index(size_t i) const { return subgraphs_[0]->graph->outputs.at(i); }
RuntimeTensor& Interpreter::input(size_t i) { return subgraphs_[0]->tensors[static_cast<size_t>(input_tensor_index(i))]; }
const RuntimeTensor& Interpreter::output(size_t i) const {
  return subgraphs_[0]->tensors[static_cast<size_t>(output_tensor_index(i))];
}
RuntimeTensor& Interpreter::tensor(int subgraph_index, int tensor_index) {
  return subgraphs_.at(static_cast<size_t>(subgraph_index))->tensors.at(static_cast<size_t>(tensor_index));
}
size_t Interpreter::arena_bytes() const {
  size_t n = 0;
  for (const auto& sg : subgraphs_) n += sg->arena_size;
  return n;
}
const std::string& Interpreter::kernel_name(int node_index) const {
  return subgraphs_[0]->kernels.at(static_cast<size_t>(node_index))->name;
}
bool Interpreter::node_folded(int node_index) const {
  return subgraphs_[0]->folded.at(static_cast<size_t>(node_index));
}

void Interpreter::ResizeInput(size_t i, std::vector<int32_t> shape) {
  RuntimeTensor& t = input(i);
  if (t.shape == shape) return;
  t.shape = std::move(shape);
  for (auto& sg : subgraphs_) sg->prepared = false;
}

void Interpreter::AllocateTensors() { Prepare(*subgraphs_[0]); }

void Interpreter::Prepare(SubgraphRuntime& sg) {
  const Subgraph& g = *sg.graph;
  const size_t n_nodes = g.operators.size();
  // Which tensors have values before each node runs: constants, variables,
  // subgraph inputs, then each node's outputs.
  std::vector<bool> available(sg.tensors.size(), false);
  for (size_t t = 0; t < sg.tensors.size(); ++t)
    available[t] = sg.tensors[t].storage == TensorStorage::kConstant || sg.tensors[t].storage == TensorStorage::kPersistent;
  for (int32_t i : g.inputs) available[static_cast<size_t>(i)] = true;
  for (size_t t = 0; t < sg.tensors.size(); ++t) {
    RuntimeTensor& rt = sg.tensors[t];
    if (rt.storage == TensorStorage::kArena || rt.storage == TensorStorage::kDynamic ||
        rt.storage == TensorStorage::kFolded) {
      rt.storage = TensorStorage::kUnallocated;
      rt.data = nullptr;
      rt.owned.clear();
    }
  }
  // Input tensors get their shape from the caller, not from any node.
  std::vector<bool> dynamic(sg.tensors.size(), false);
  std::vector<bool> subgraph_input(sg.tensors.size(), false);
  for (int32_t i : g.inputs) subgraph_input[static_cast<size_t>(i)] = true;
  for (size_t n = 0; n < n_nodes; ++n) {
    KernelContext& ctx = sg.nodes[n];
    for (size_t k = 0; k < ctx.inputs.size(); ++k) {
      int32_t index = g.operators[n].inputs[k];
      if (index >= 0 && !available[static_cast<size_t>(index)])
        ctx.Fail("input {} reads tensor {} ('{}'), which no earlier node produces and which has no data", k, index,
                 sg.tensors[static_cast<size_t>(index)].name());
    }
    bool input_dynamic = false;
    for (int32_t index : g.operators[n].inputs)
      if (index >= 0 && dynamic[static_cast<size_t>(index)]) input_dynamic = true;
    for (RuntimeTensor* out : ctx.outputs) out->shape.clear();
    std::vector<std::vector<int32_t>> before;
    sg.reprepare[n] = input_dynamic;
    if (!input_dynamic) {
      ctx.preparing = true;
      ctx.state.reset();
      for (size_t o = 0; o < ctx.outputs.size(); ++o) ctx.outputs[o]->shape = {-1};  // "not set yet"
      sg.kernels[n]->impl.prepare(ctx);
      ctx.preparing = false;
      for (RuntimeTensor* out : ctx.outputs)
        if (!out->shape.empty() && out->shape[0] == -1 && out->shape.size() == 1) sg.reprepare[n] = true;
    }
    sg.folded[n] = false;
    if (options_.fold_constants && !options_.keep_all_tensors && !sg.reprepare[n] && Foldable(ctx, subgraph_input)) {
      // Constant inputs: run the node now, into storage of its outputs' own.
      for (size_t o = 0; o < ctx.outputs.size(); ++o) {
        RuntimeTensor& out = *ctx.outputs[o];
        out.bytes = StorageBytes(out.dtype, out.NumElements());
        CheckMemoryClaim(out.bytes, fmt::format("output {} ('{}', {} {}) of {}", o, out.name(), DTypeName(out.dtype),
                                                ShapeString(out.shape), ctx.Describe()));
        out.owned.assign(out.bytes, 0);
        out.data = out.owned.data();
        out.storage = TensorStorage::kFolded;
      }
      sg.kernels[n]->impl.eval(ctx);
      // An Eval that resized an output gave it storage of its own (kDynamic).
      for (RuntimeTensor* out : ctx.outputs) out->storage = TensorStorage::kFolded;
      sg.folded[n] = true;
    }
    for (size_t o = 0; o < ctx.outputs.size(); ++o) {
      int32_t index = g.operators[n].outputs[o];
      available[static_cast<size_t>(index)] = true;
      if (sg.reprepare[n]) dynamic[static_cast<size_t>(index)] = true;
    }
  }

  // Lifetimes of arena tensors, in node steps: inputs live from the start,
  // outputs to the end.
  const int kEnd = static_cast<int>(n_nodes);
  std::vector<int> first(sg.tensors.size(), std::numeric_limits<int>::max()), last(sg.tensors.size(), -1);
  for (int32_t i : g.inputs) first[static_cast<size_t>(i)] = -1;
  for (size_t n = 0; n < n_nodes; ++n) {
    for (int32_t i : g.operators[n].outputs) first[static_cast<size_t>(i)] = std::min(first[static_cast<size_t>(i)], static_cast<int>(n));
    for (int32_t i : g.operators[n].inputs)
      if (i >= 0) last[static_cast<size_t>(i)] = std::max(last[static_cast<size_t>(i)], static_cast<int>(n));
  }
  for (int32_t i : g.outputs) last[static_cast<size_t>(i)] = kEnd;
  if (options_.keep_all_tensors) std::fill(last.begin(), last.end(), kEnd);
  for (int32_t i : g.inputs) last[static_cast<size_t>(i)] = std::max(last[static_cast<size_t>(i)], 0);

  std::vector<size_t> arena_tensors;
  std::vector<ArenaRequest> requests;
  uint64_t persistent_bytes = 0;
  for (size_t t = 0; t < sg.tensors.size(); ++t) {
    RuntimeTensor& rt = sg.tensors[t];
    if (rt.storage == TensorStorage::kConstant || rt.storage == TensorStorage::kFolded) continue;
    if (rt.storage == TensorStorage::kPersistent) {
      rt.bytes = StorageBytes(rt.dtype, rt.NumElements());
      persistent_bytes += rt.bytes;
      CheckMemoryClaim(persistent_bytes, fmt::format("subgraph {}'s variables (tensor {} '{}' is {})", sg.index, t,
                                                     rt.name(), ShapeString(rt.shape)));
      if (rt.owned.size() != rt.bytes) {
        rt.owned.assign(rt.bytes, 0);
        rt.data = rt.owned.data();
        ResetVariable(rt);
      }
      continue;
    }
    if (first[t] == std::numeric_limits<int>::max() || dynamic[t]) continue;  // unused, or sized while running
    if (last[t] < 0) last[t] = first[t];  // produced but never read
    rt.bytes = StorageBytes(rt.dtype, rt.NumElements());
    // A shape may claim more than memory holds; say which tensor before the
    // plan adds it up (AlignUp would overflow on a claim near 2^64).
    CheckMemoryClaim(rt.bytes, fmt::format("tensor {} ('{}', {} {})", t, rt.name(), DTypeName(rt.dtype), ShapeString(rt.shape)));
    arena_tensors.push_back(t);
    requests.push_back({AlignUp(std::max<size_t>(rt.bytes, 1)), first[t], last[t]});
  }
  ArenaPlan plan = PlanArena(requests);
  CheckMemoryClaim(static_cast<uint64_t>(plan.size) + persistent_bytes,
                   fmt::format("subgraph {}'s tensors ({} of them, planned to share memory where lifetimes allow)", sg.index,
                               requests.size()));
  sg.arena.reset(static_cast<uint8_t*>(std::aligned_alloc(kArenaAlignment, std::max<size_t>(plan.size, kArenaAlignment))));
  if (!sg.arena) Fail("out of memory allocating a {}-byte tensor arena", plan.size);
  sg.arena_size = plan.size;
  for (size_t i = 0; i < arena_tensors.size(); ++i) {
    RuntimeTensor& rt = sg.tensors[arena_tensors[i]];
    rt.storage = TensorStorage::kArena;
    rt.data = sg.arena.get() + plan.offsets[i];
  }
  sg.prepared = true;
  sg.invoked = false;
}

void Interpreter::SetInput(size_t i, DType dtype, const std::vector<int32_t>& shape, const void* data, size_t bytes) {
  if (i >= num_inputs()) Fail("the model has {} inputs; input {} does not exist", num_inputs(), i);
  RuntimeTensor& t = input(i);
  std::string name = t.name().empty() ? fmt::format("input {}", i) : fmt::format("input {} ('{}')", i, t.name());
  if (dtype != t.dtype) Fail("{} expects {}, got {}", name, DTypeName(t.dtype), DTypeName(dtype));
  if (shape != t.shape) {
    const auto& sig = t.meta->shape_signature;
    bool fits = sig && sig->size() == shape.size();
    for (size_t d = 0; fits && d < shape.size(); ++d) fits = (*sig)[d] < 0 || (*sig)[d] == shape[d];
    if (!fits) Fail("{} expects shape {}, got {}", name, ShapeString(sig ? *sig : t.shape), ShapeString(shape));
    ResizeInput(i, shape);
  }
  if (!subgraphs_[0]->prepared) AllocateTensors();
  RuntimeTensor& ready = input(i);
  if (bytes != ready.bytes) Fail("{} needs {} bytes of data, got {}", name, ready.bytes, bytes);
  if (bytes > 0) std::memcpy(ready.data, data, bytes);
}

void Interpreter::Invoke() {
  SubgraphRuntime& sg = *subgraphs_[0];
  if (!sg.prepared) AllocateTensors();
  Run(sg);
}

void Interpreter::InvokeFrom(size_t first_node) {
  SubgraphRuntime& sg = *subgraphs_[0];
  if (!options_.keep_all_tensors) Fail("InvokeFrom needs an interpreter that keeps all tensors");
  if (!sg.prepared || !sg.invoked) Fail("InvokeFrom needs a full Invoke first");
  if (first_node > sg.graph->operators.size())
    Fail("node {} does not exist (the graph has {})", first_node, sg.graph->operators.size());
  Run(sg, first_node);
}

void Interpreter::InvokeSubgraph(int subgraph_index) {
  if (subgraph_index < 0 || static_cast<size_t>(subgraph_index) >= subgraphs_.size())
    Fail("subgraph {} does not exist", subgraph_index);
  SubgraphRuntime& sg = *subgraphs_[static_cast<size_t>(subgraph_index)];
  if (!sg.prepared) Prepare(sg);
  Run(sg);
}

void Interpreter::Run(SubgraphRuntime& sg, size_t first_node) {
  const Subgraph& g = *sg.graph;
  if (observer_ && first_node == 0)
    for (int32_t i : g.inputs) observer_(sg.index, -1, i, sg.tensors[static_cast<size_t>(i)]);
  for (size_t n = first_node; n < g.operators.size(); ++n) {
    KernelContext& ctx = sg.nodes[n];
    if (sg.folded[n]) {
      if (observer_)
        for (size_t o = 0; o < ctx.outputs.size(); ++o)
          observer_(sg.index, static_cast<int>(n), g.operators[n].outputs[o], *ctx.outputs[o]);
      continue;
    }
    if (sg.reprepare[n]) {
      // Inputs now have values: compute shapes again; outputs become dynamic.
      ctx.preparing = false;
      ctx.state.reset();
      sg.kernels[n]->impl.prepare(ctx);
    }
    for (RuntimeTensor* out : ctx.outputs)
      if (out->data == nullptr && StorageBytes(out->dtype, out->NumElements()) > 0)
        ctx.Fail("output '{}' has no storage (its kernel did not size it)", out->name());
    sg.kernels[n]->impl.eval(ctx);
    if (observer_)
      for (size_t o = 0; o < ctx.outputs.size(); ++o)
        observer_(sg.index, static_cast<int>(n), g.operators[n].outputs[o], *ctx.outputs[o]);
  }
  sg.invoked = true;
}

void Interpreter::ResetVariables() {
  for (auto& sg : subgraphs_)
    for (auto& t : sg->tensors)
      if (t.storage == TensorStorage::kPersistent) ResetVariable(t);
}

}  // namespace tfd
