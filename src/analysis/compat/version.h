#pragma once
// Dotted release numbers ("1.14.0", "2.3", "1.13.1") and their order.
#include <optional>
#include <string>
#include <vector>

namespace tfd::compat {

// The numeric components of "1.14.0"; nullopt unless every component is a
// non-negative decimal integer.
std::optional<std::vector<int>> ParseVersion(const std::string& text);

// <0, 0, >0 like strcmp. Missing trailing components count as 0, so "2.3" ==
// "2.3.0". Text that does not parse orders before every valid version.
int CompareVersions(const std::string& a, const std::string& b);

inline bool VersionLess(const std::string& a, const std::string& b) { return CompareVersions(a, b) < 0; }

}  // namespace tfd::compat
