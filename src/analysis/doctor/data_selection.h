#pragma once
// The items doctor measures on: at most N of a dataset's, spread evenly
// over it (class folders are listed class by class: the first N would all
// be of the first classes).
#include <cstddef>

#include "data/dataset.h"

namespace tfd::doctor {

Dataset SpreadSubset(const Dataset& dataset, size_t max_items);

}  // namespace tfd::doctor
