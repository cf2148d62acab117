#pragma once
// One error type for every user-facing failure: its message is a single line
// that names the problem (file, tensor, node...), printed by the CLI as is.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace tfd {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

template <typename... Args>
[[noreturn]] void Fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace tfd
