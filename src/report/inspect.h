#pragma once
// `inspect`: what is inside a model, as one JSON object and as text for people.
#include <string>

#include <nlohmann/json.hpp>

#include "graph/model.h"

namespace tfd {

nlohmann::json InspectJson(const Model& model);

// Human view, rendered from InspectJson's object.
std::string InspectText(const nlohmann::json& inspect);

// {"scale": [...], "zero_point": [...], "axis": n}; empty arrays if none.
nlohmann::json QuantizationJson(const Tensor& tensor);

}  // namespace tfd
