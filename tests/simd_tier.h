#pragma once
// Forces a SIMD tier of the fast kernels for a scope, through
// TFLITE_DOCTOR_SIMD (read when a kernel is prepared), so that tests hold
// every tier against the exact kernels on one machine.
#include <cstdlib>
#include <optional>
#include <string>

namespace tfd::testing {

// The tiers below the CPU's best that tests force: "avx2" (AVX-512 machines
// run it only when forced; a CPU without AVX2 falls to portable) and
// "portable" (what a CPU without either runs).
inline constexpr const char* kForcedSimdTiers[] = {"avx2", "portable"};

// Sets TFLITE_DOCTOR_SIMD for the scope, then puts back what was there.
class ScopedSimdTier {
 public:
  explicit ScopedSimdTier(const char* tier) {
    if (const char* was = std::getenv("TFLITE_DOCTOR_SIMD")) previous_ = was;
    setenv("TFLITE_DOCTOR_SIMD", tier, 1);
  }
  ~ScopedSimdTier() {
    if (previous_) {
      setenv("TFLITE_DOCTOR_SIMD", previous_->c_str(), 1);
    } else {
      unsetenv("TFLITE_DOCTOR_SIMD");
    }
  }
  ScopedSimdTier(const ScopedSimdTier&) = delete;
  ScopedSimdTier& operator=(const ScopedSimdTier&) = delete;

 private:
  std::optional<std::string> previous_;
};

}  // namespace tfd::testing
