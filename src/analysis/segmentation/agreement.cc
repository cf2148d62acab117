#include "analysis/segmentation/agreement.h"

#include "util/error.h"

namespace tfd {

void ClassMapAgreement::Add(const ClassMap& reference, const ClassMap& deployed) {
  if (reference.width != deployed.width || reference.height != deployed.height)
    Fail("class maps of {}x{} and {}x{} pixels cannot be compared", reference.width, reference.height, deployed.width,
         deployed.height);
  images++;
  for (size_t i = 0; i < reference.classes.size(); ++i) {
    const int32_t r = reference.classes[i], d = deployed.classes[i];
    pixels++;
    per_class[r].reference++;
    per_class[d].deployed++;
    if (r == d) {
      agree++;
      per_class[r].intersection++;
    }
  }
}

double ClassMapAgreement::iou(int32_t c) const {
  auto it = per_class.find(c);
  if (it == per_class.end() || it->second.union_() == 0) return 0;
  return static_cast<double>(it->second.intersection) / static_cast<double>(it->second.union_());
}

double ClassMapAgreement::mean_iou() const {
  if (per_class.empty()) return 1;
  double sum = 0;
  for (const auto& [c, counts] : per_class) sum += iou(c);
  return sum / static_cast<double>(per_class.size());
}

}  // namespace tfd
