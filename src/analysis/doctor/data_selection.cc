#include "analysis/doctor/data_selection.h"

namespace tfd::doctor {

Dataset SpreadSubset(const Dataset& dataset, size_t max_items) {
  if (max_items == 0 || dataset.items.size() <= max_items) return dataset;
  Dataset out = dataset;
  out.items.clear();
  const size_t n = dataset.items.size();
  for (size_t k = 0; k < max_items; ++k) out.items.push_back(dataset.items[k * n / max_items]);
  return out;
}

}  // namespace tfd::doctor
