#pragma once
// What "good enough" means for `tradeoffs`: top-1 agreement with the float
// model (--budget 0.99), or output SQNR against it (--budget-sqnr 30), on
// the evaluation data.
#include <string>

#include "analysis/tradeoffs/measurement.h"

namespace tfd::tradeoffs {

struct Budget {
  enum class Kind { kAgreement, kSqnr };
  Kind kind = Kind::kAgreement;
  double value = 0.99;
  bool given = false;  // false: the default, said so in the report

  bool MetBy(const Measurement& m) const { return kind == Kind::kAgreement ? m.agreement >= value : m.sqnr_db >= value; }
  // "top-1 agreement >= 99%", "output SQNR >= 30 dB".
  std::string Describe() const;
  // Where a pass over `reference`'s items can stop: the budget out of reach.
  EarlyStop StopFor(const FloatReference& reference) const;
};

// From the command line: `agreement` in (0, 1], `sqnr_db` finite; at most
// one of them (negative: not given). tfd::Error (one line) otherwise.
Budget MakeBudget(double agreement, double sqnr_db, bool agreement_given, bool sqnr_given);

}  // namespace tfd::tradeoffs
