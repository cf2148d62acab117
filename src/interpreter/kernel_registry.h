#pragma once
// The table of kernels: (operator, input dtype, arithmetic) -> implementation.
//
// Several implementations of one (op, dtype) may sit side by side, e.g. the
// reference kernel and a faster one; the interpreter takes the one with the
// highest priority unless told to use reference kernels only. Kernel files
// register themselves at start-up with TFD_REGISTER_KERNEL.
//
// Arithmetic profiles: `reference` is TFLite's builtin kernels. `xnnpack` is
// what TFLite computes when its XNNPACK delegate (on by default on CPU) takes
// a node; XNNPACK's quantized kernels round differently. An xnnpack-flavor
// kernel (TFD_REGISTER_XNNPACK_KERNEL) carries the delegate's rule for which
// nodes it would take; in the xnnpack profile a node uses it when the rule
// accepts the node, and the reference choice otherwise.
#include <optional>
#include <string>
#include <vector>

#include "interpreter/kernel.h"

namespace tfd {

// Which operator a kernel serves: a builtin, or a custom op by its code.
struct OpKey {
  BuiltinOp builtin = BuiltinOp::ADD;
  std::string custom_code;  // only for BuiltinOp::CUSTOM

  static OpKey Builtin(BuiltinOp op) { return {op, ""}; }
  static OpKey Custom(std::string code) { return {BuiltinOp::CUSTOM, std::move(code)}; }
  static OpKey Of(const OpCode& code) { return {code.builtin, code.IsCustom() ? code.custom_code : ""}; }
  bool operator==(const OpKey& o) const { return builtin == o.builtin && custom_code == o.custom_code; }
};

enum class Arithmetic { kReference, kXnnpack };

// "reference" / "xnnpack"; ParseArithmetic returns nullopt for other names.
const char* ArithmeticName(Arithmetic a);
std::optional<Arithmetic> ParseArithmetic(const std::string& name);

// Whether the XNNPACK delegate would take this node (tensor types, static
// weights, quantization layout, activation...). Called once per node when the
// interpreter is built, before Prepare: only the model's metadata is known.
using AcceptsFn = bool (*)(const KernelContext& ctx);

struct KernelEntry {
  OpKey op;
  std::optional<DType> input_dtype;  // dtype of the first input; nullopt = any
  std::string name;                  // e.g. "reference"
  int priority = 0;                  // reference kernels are 0
  KernelImpl impl;
  Arithmetic arithmetic = Arithmetic::kReference;
  AcceptsFn accepts = nullptr;  // xnnpack flavor only
};

class KernelRegistry {
 public:
  static KernelRegistry& Global();

  void Register(KernelEntry entry);
  // Best kernel for this op and first-input dtype, or nullptr. Only
  // reference-arithmetic entries are candidates.
  const KernelEntry* Find(const OpKey& op, std::optional<DType> input_dtype, bool reference_only = false) const;
  // The kernel for a node under an arithmetic profile: in kXnnpack, the
  // highest-priority xnnpack-flavor entry whose rule accepts the node
  // (priority 0 only with reference_only), else Find's choice.
  const KernelEntry* FindFor(const KernelContext& ctx, const OpKey& op, std::optional<DType> input_dtype,
                             bool reference_only, Arithmetic arithmetic) const;
  // Every registered entry (for listing what is supported).
  const std::vector<KernelEntry>& entries() const { return entries_; }

 private:
  std::vector<KernelEntry> entries_;
};

struct KernelRegistrar {
  KernelRegistrar(OpKey op, std::optional<DType> dtype, const char* name, int priority, KernelImpl impl,
                  Arithmetic arithmetic = Arithmetic::kReference, AcceptsFn accepts = nullptr) {
    KernelRegistry::Global().Register({std::move(op), dtype, name, priority, impl, arithmetic, accepts});
  }
};

}  // namespace tfd

#define TFD_KERNEL_CONCAT_INNER(a, b) a##b
#define TFD_KERNEL_CONCAT(a, b) TFD_KERNEL_CONCAT_INNER(a, b)

// Registers a reference kernel for a builtin op and input dtype (or
// std::nullopt for any dtype), at namespace scope in the kernel's file.
#define TFD_REGISTER_KERNEL(OP, DTYPE, PREPARE, EVAL)                                      \
  static ::tfd::KernelRegistrar TFD_KERNEL_CONCAT(tfd_kernel_registrar_, __COUNTER__)(     \
      ::tfd::OpKey::Builtin(::tfd::BuiltinOp::OP), DTYPE, "reference", 0, {PREPARE, EVAL})

#define TFD_REGISTER_CUSTOM_KERNEL(CODE, DTYPE, PREPARE, EVAL)                             \
  static ::tfd::KernelRegistrar TFD_KERNEL_CONCAT(tfd_kernel_registrar_, __COUNTER__)(     \
      ::tfd::OpKey::Custom(CODE), DTYPE, "reference", 0, {PREPARE, EVAL})

// A faster implementation beside the reference one (priority 1): the same
// answers bit for bit; skipped when only reference kernels are asked for.
// Its name stays the arithmetic it reproduces ("reference").
#define TFD_REGISTER_FAST_KERNEL(OP, DTYPE, PREPARE, EVAL)                                 \
  static ::tfd::KernelRegistrar TFD_KERNEL_CONCAT(tfd_kernel_registrar_, __COUNTER__)(     \
      ::tfd::OpKey::Builtin(::tfd::BuiltinOp::OP), DTYPE, "reference", 1, {PREPARE, EVAL})

// The same for the xnnpack flavor (priority 1, name "xnnpack").
#define TFD_REGISTER_XNNPACK_FAST_KERNEL(OP, DTYPE, ACCEPTS, PREPARE, EVAL)                \
  static ::tfd::KernelRegistrar TFD_KERNEL_CONCAT(tfd_kernel_registrar_, __COUNTER__)(     \
      ::tfd::OpKey::Builtin(::tfd::BuiltinOp::OP), DTYPE, "xnnpack", 1, {PREPARE, EVAL},      \
      ::tfd::Arithmetic::kXnnpack, ACCEPTS)

// Registers a kernel with XNNPACK's arithmetic for a builtin op and input
// dtype; ACCEPTS is the delegate's rule for taking the node.
#define TFD_REGISTER_XNNPACK_KERNEL(OP, DTYPE, ACCEPTS, PREPARE, EVAL)                     \
  static ::tfd::KernelRegistrar TFD_KERNEL_CONCAT(tfd_kernel_registrar_, __COUNTER__)(     \
      ::tfd::OpKey::Builtin(::tfd::BuiltinOp::OP), DTYPE, "xnnpack", 0, {PREPARE, EVAL},   \
      ::tfd::Arithmetic::kXnnpack, ACCEPTS)
