#include "kernels/internal/quant_math.h"

namespace tfd::qmath {

void QuantizeMultiplier(double real, int32_t* multiplier, int* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(real, shift);
  int64_t q_fixed = static_cast<int64_t>(Round(q * static_cast<double>(1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  // Below 2^-31 the multiplier flushes to zero, as in TFLite.
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
}

void QuantizeMultiplierSmallerThanOneExp(double real, int32_t* multiplier, int* left_shift) {
  QuantizeMultiplier(real, multiplier, left_shift);
}

void QuantizeMultiplierGreaterThanOne(double real, int32_t* multiplier, int* left_shift) {
  QuantizeMultiplier(real, multiplier, left_shift);
}

}  // namespace tfd::qmath
