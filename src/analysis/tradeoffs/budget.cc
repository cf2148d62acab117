#include "analysis/tradeoffs/budget.h"

#include <cmath>

#include <fmt/format.h>

#include "util/error.h"

namespace tfd::tradeoffs {

std::string Budget::Describe() const {
  return kind == Kind::kAgreement ? fmt::format("top-1 agreement >= {:g}%", 100 * value)
                                  : fmt::format("output SQNR >= {:g} dB", value);
}

EarlyStop Budget::StopFor(const FloatReference& reference) const {
  EarlyStop stop;
  const double n = static_cast<double>(reference.float_measurement().items);
  if (kind == Kind::kAgreement) {
    // agreement >= value needs disagreements <= (1 - value) n.
    stop.max_disagreements = static_cast<size_t>(std::floor((1 - value) * n + 1e-9));
  } else {
    // SQNR >= value needs noise <= signal / 10^(value / 10).
    stop.max_noise = reference.signal_power() / std::pow(10.0, value / 10);
  }
  return stop;
}

Budget MakeBudget(double agreement, double sqnr_db, bool agreement_given, bool sqnr_given) {
  if (agreement_given && sqnr_given) Fail("give --budget or --budget-sqnr, not both");
  Budget b;
  if (agreement_given) {
    // A share of items: 0 would accept anything, above 1 nothing.
    if (!(agreement > 0 && agreement <= 1))
      Fail("--budget {} is out of range: top-1 agreement is a share in (0, 1], e.g. 0.99", agreement);
    b.value = agreement;
    b.given = true;
  } else if (sqnr_given) {
    if (!std::isfinite(sqnr_db) || sqnr_db < -100 || sqnr_db > 200)
      Fail("--budget-sqnr {} is out of range: an output SQNR in dB, e.g. 30", sqnr_db);
    b.kind = Budget::Kind::kSqnr;
    b.value = sqnr_db;
    b.given = true;
  }
  return b;
}

}  // namespace tfd::tradeoffs
