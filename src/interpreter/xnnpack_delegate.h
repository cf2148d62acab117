#pragma once
// Which nodes TFLite's XNNPACK delegate takes: one rule per (operator, first
// input dtype), for one TFLite release, asked by both the interpreter's
// `xnnpack` profile (which kernel a node gets) and `check --target xnnpack`
// (which nodes the delegate takes), so the two cannot disagree.
//
// A rule either decides itself (`accepts`), or, where an xnnpack-flavor
// kernel exists for that (op, dtype), defers to the rule registered with
// that kernel (kernel_registry.h): each decision is written once. An
// (op, dtype) without a rule is left on the CPU by the delegate.
//
// The rules describe the delegate built into the oracle's runtime
// (tools/oracle: @tensorflow/tfjs-tflite 0.0.1-alpha.10). That package does
// not record its TFLite release; its builtin-operator table has SIGN and
// UNSORTED_SEGMENT_MIN (TFLite 2.11) but not BITCAST, BITWISE_XOR or
// RIGHT_SHIFT (2.13), so it is 2.11 or 2.12, named 2.12 here.
#include <optional>
#include <string>
#include <vector>

#include "interpreter/kernel_registry.h"

namespace tfd {

// The release the registered rules describe (the oracle's).
inline constexpr const char* kXnnpackRulesRelease = "2.12";

struct XnnpackRule {
  OpKey op;
  std::optional<DType> input_dtype;  // nullopt: any
  // Whether the delegate takes the node; nullptr: decided by the
  // xnnpack-flavor kernel registered for this (op, dtype).
  AcceptsFn accepts = nullptr;
  const char* takes = "";   // what the delegate takes, in words
  const char* source = "";  // where the rule comes from
};

struct XnnpackVerdict {
  bool taken = false;
  const XnnpackRule* rule = nullptr;  // nullptr: the delegate has no rule for this (op, dtype)
};

class XnnpackRules {
 public:
  static XnnpackRules& Global();
  void Register(XnnpackRule rule);
  // The delegate's decision for one node (its tensors need only metadata:
  // dtypes, shapes, quantization, and the values of constants).
  XnnpackVerdict Decide(const KernelContext& ctx) const;
  const std::vector<XnnpackRule>& rules() const { return rules_; }

 private:
  std::vector<XnnpackRule> rules_;
};

struct XnnpackRuleRegistrar {
  explicit XnnpackRuleRegistrar(XnnpackRule rule) { XnnpackRules::Global().Register(std::move(rule)); }
};

// Which nodes of every subgraph the delegate would take, without preparing
// or running anything: each node's context is built from the model's
// metadata and given to XnnpackRules::Decide. Needs the kernels linked (the
// rules register with them); throws tfd::Error when no rule is registered.
std::vector<std::vector<XnnpackVerdict>> XnnpackDelegation(const Model& model);

}  // namespace tfd

// Registers the delegate's rule for a builtin op and first-input dtype (or
// std::nullopt); ACCEPTS nullptr defers to the xnnpack-flavor kernel's rule.
#define TFD_REGISTER_XNNPACK_RULE(OP, DTYPE, ACCEPTS, TAKES, SOURCE)                    \
  static ::tfd::XnnpackRuleRegistrar TFD_KERNEL_CONCAT(tfd_xnnpack_rule_, __COUNTER__)( \
      ::tfd::XnnpackRule{::tfd::OpKey::Builtin(::tfd::BuiltinOp::OP), DTYPE, ACCEPTS, TAKES, SOURCE})

// The same for a custom op, by its custom code.
#define TFD_REGISTER_XNNPACK_CUSTOM_RULE(CODE, DTYPE, ACCEPTS, TAKES, SOURCE)             \
  static ::tfd::XnnpackRuleRegistrar TFD_KERNEL_CONCAT(tfd_xnnpack_rule_, __COUNTER__)( \
      ::tfd::XnnpackRule{::tfd::OpKey::Custom(CODE), DTYPE, ACCEPTS, TAKES, SOURCE})
