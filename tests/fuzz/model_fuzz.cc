// Models: the reader and verifier, what `inspect` and `check` read from a
// model (metadata, every target's rules), and the interpreter's Prepare and,
// for small graphs, one run. Built as `model_reader` (TFD_FUZZ_READER_ONLY)
// it stops after the reader, verifier and metadata: a target that builds in
// a minute, which CI fuzzes on every run. A structure-aware mutator changes fields of a
// valid model (shapes, types, indices, quantization, op codes) so inputs get
// past the flatbuffer verifier and reach Prepare and Eval; plain byte
// mutations are kept for the reader itself.
#include <algorithm>
#include <random>

#include "format/metadata.h"
#include "format/model_reader.h"
#include "fuzz_target.h"
#include "tflite_model_generated.h"
#ifndef TFD_FUZZ_READER_ONLY
#include "analysis/compat/engine.h"
#include "interpreter/interpreter.h"
#endif

#ifdef TFD_LIBFUZZER
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);
#endif

namespace {

#ifndef TFD_FUZZ_READER_ONLY
// Runs at most this much: a fuzzed graph may be slow, not only wrong.
constexpr size_t kMaxRunBytes = 4u << 20;
constexpr size_t kMaxRunNodes = 256;

const tfd::compat::RuleBook* Rules() {
  static const tfd::compat::RuleBook* book = [] {
    try {
      return new tfd::compat::RuleBook(tfd::compat::LoadRuleBook(TFD_SOURCE_DIR "/rules"));
    } catch (const tfd::Error&) {
      return static_cast<tfd::compat::RuleBook*>(nullptr);
    }
  }();
  return book;
}

#endif  // TFD_FUZZ_READER_ONLY

void Exercise(const std::vector<uint8_t>& bytes) {
  tfd::Model model = tfd::ReadModel(bytes, "fuzz.tflite");
  (void)tfd::ReadModelMetadata(model);
  (void)tfd::ReadMinRuntimeVersion(model);
#ifndef TFD_FUZZ_READER_ONLY
  if (const auto* book = Rules()) {
    std::vector<tfd::compat::TargetSpec> targets;
    for (const char* t : {"tflite", "xnnpack", "gpu", "nnapi", "coreml", "edgetpu", "tflm"})
      targets.push_back(tfd::compat::ParseTargetSpec(t, *book));
    (void)tfd::compat::CheckModel(model, *book, targets);
  }
  for (auto arithmetic : {tfd::Arithmetic::kReference, tfd::Arithmetic::kXnnpack}) {
    tfd::InterpreterOptions options;
    options.arithmetic = arithmetic;
    // The size check first, on an interpreter that runs nothing while it is
    // prepared: the one that runs folds constant-only nodes at Prepare.
    options.fold_constants = false;
    {
      tfd::Interpreter probe(model, options);
      probe.AllocateTensors();
      if (probe.arena_bytes() > kMaxRunBytes || model.main().operators.size() > kMaxRunNodes) return;
    }
    options.fold_constants = true;
    tfd::Interpreter interp(model, options);
    interp.AllocateTensors();
    for (size_t i = 0; i < interp.num_inputs(); ++i) {
      tfd::RuntimeTensor& t = interp.input(i);
      if (t.data != nullptr) std::fill(t.data, t.data + t.bytes, static_cast<uint8_t>(i * 37 + 1));
    }
    interp.Invoke();
  }
#endif  // TFD_FUZZ_READER_ONLY
}

// One field of the unpacked model changed to a value chosen to hit edges.
#ifdef TFD_LIBFUZZER
template <typename Rng>
int32_t EdgeValue(Rng& rng, int32_t near) {
  static const int32_t kEdges[] = {-2, -1, 0, 1, 2, 3, 4, 7, 8, 255, 256, 65535, 1 << 20, INT32_MAX, INT32_MIN};
  switch (rng() % 3) {
    case 0: return kEdges[rng() % (sizeof kEdges / sizeof kEdges[0])];
    case 1: return static_cast<int32_t>(static_cast<uint32_t>(near) + static_cast<uint32_t>(rng() % 5) - 2u);  // wraps
    default: return static_cast<int32_t>(rng() % 16);
  }
}

template <typename Rng>
bool MutateModel(tflite::ModelT& m, Rng& rng) {
  if (m.subgraphs.empty()) return false;
  auto& sg = *m.subgraphs[rng() % m.subgraphs.size()];
  auto pick = [&](auto& v) -> decltype(&v[0]) { return v.empty() ? nullptr : &v[rng() % v.size()]; };
  switch (rng() % 10) {
    case 0: {  // a dimension
      auto* t = pick(sg.tensors);
      if (!t || (*t)->shape.empty()) return false;
      auto& d = (*t)->shape[rng() % (*t)->shape.size()];
      d = EdgeValue(rng, d);
      return true;
    }
    case 1: {  // rank
      auto* t = pick(sg.tensors);
      if (!t) return false;
      if (rng() % 2 && !(*t)->shape.empty()) (*t)->shape.pop_back();
      else (*t)->shape.push_back(EdgeValue(rng, 1));
      return true;
    }
    case 2: {  // tensor type
      auto* t = pick(sg.tensors);
      if (!t) return false;
      (*t)->type = static_cast<tflite::TensorType>(rng() % (static_cast<int>(tflite::TensorType::MAX) + 2));
      return true;
    }
    case 3: {  // buffer index
      auto* t = pick(sg.tensors);
      if (!t) return false;
      (*t)->buffer = static_cast<uint32_t>(EdgeValue(rng, static_cast<int32_t>((*t)->buffer)));
      return true;
    }
    case 4: {  // a node's input or output index
      auto* op = pick(sg.operators);
      if (!op) return false;
      auto& list = rng() % 2 ? (*op)->inputs : (*op)->outputs;
      if (list.empty() || rng() % 4 == 0) list.push_back(EdgeValue(rng, 0));
      else list[rng() % list.size()] = EdgeValue(rng, list[0]);
      return true;
    }
    case 5: {  // which op a node runs, or an op code's version
      if (rng() % 2) {
        auto* op = pick(sg.operators);
        if (!op || m.operator_codes.empty()) return false;
        (*op)->opcode_index = static_cast<uint32_t>(rng() % (m.operator_codes.size() + 1));
      } else {
        auto* code = pick(m.operator_codes);
        if (!code) return false;
        if (rng() % 2) (*code)->version = EdgeValue(rng, (*code)->version);
        else (*code)->builtin_code = static_cast<tflite::BuiltinOperator>(rng() % 210);
        (*code)->deprecated_builtin_code = static_cast<int8_t>(std::min<int>(static_cast<int>((*code)->builtin_code), 127));
      }
      return true;
    }
    case 6: {  // quantization
      auto* t = pick(sg.tensors);
      if (!t) return false;
      if (!(*t)->quantization) (*t)->quantization = std::make_unique<tflite::QuantizationParametersT>();
      auto& q = *(*t)->quantization;
      static const float kScales[] = {0.0f, -1.0f, 1e-30f, 1e30f, 0.5f, 1.0f / 255, 3.0f};
      switch (rng() % 4) {
        case 0: q.scale.assign(1 + rng() % 3, kScales[rng() % 7]); break;
        case 1: q.zero_point.assign(1 + rng() % 3, EdgeValue(rng, 0)); break;
        case 2: q.quantized_dimension = EdgeValue(rng, q.quantized_dimension); break;
        default: q.scale.clear(); break;
      }
      return true;
    }
    case 7: {  // constant data
      auto* b = pick(m.buffers);
      if (!b) return false;
      auto& d = (*b)->data;
      if (d.empty() || rng() % 3 == 0) d.resize(rng() % 64);
      else d[rng() % d.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      return true;
    }
    case 8: {  // graph inputs / outputs
      auto& list = rng() % 2 ? sg.inputs : sg.outputs;
      if (list.empty() || rng() % 3 == 0) list.push_back(EdgeValue(rng, 0));
      else list[rng() % list.size()] = EdgeValue(rng, list[0]);
      return true;
    }
    default: {  // drop a node, or run two in the other order
      if (sg.operators.empty()) return false;
      size_t i = rng() % sg.operators.size(), j = rng() % sg.operators.size();
      if (rng() % 2) sg.operators.erase(sg.operators.begin() + static_cast<std::ptrdiff_t>(i));
      else std::swap(sg.operators[i], sg.operators[j]);
      return true;
    }
  }
}

#endif  // TFD_LIBFUZZER

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return tfd::fuzz::Guard(data, size, Exercise); }

#ifdef TFD_LIBFUZZER
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  if (rng() % 4 != 0) {
    flatbuffers::Verifier verifier(data, size);
    if (tflite::VerifyModelBuffer(verifier)) {
      std::unique_ptr<tflite::ModelT> m(tflite::GetModel(data)->UnPack());
      bool changed = false;
      for (unsigned k = 1 + rng() % 3; k > 0; --k) changed = MutateModel(*m, rng) || changed;
      if (changed) {
        flatbuffers::FlatBufferBuilder fbb;
        tflite::FinishModelBuffer(fbb, tflite::Model::Pack(fbb, m.get()));
        if (fbb.GetSize() <= max_size) {
          std::copy(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize(), data);
          return fbb.GetSize();
        }
      }
    }
  }
  return LLVMFuzzerMutate(data, size, max_size);
}
#endif  // TFD_LIBFUZZER
