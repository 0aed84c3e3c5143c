// A kernel release, the unit in which sbm states what changed when ("v2.6.32", "v6.19").
// Profiles, flag numbering and builder defaults are looked up by it.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace sbm {

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;  // the third number of 2.6.x releases; 0 for 3.x and later

  auto operator<=>(const KernelVersion&) const = default;
  std::string str() const;  // "v2.6.32", "v6.17"
};

// "v6.17", "6.17", "2.6.32", "v2.6.32.60", "6.19-rc1" (the suffix is ignored).
std::optional<KernelVersion> parse_kernel_version(std::string_view text);

// The era sbm assumes when an input names none: the newest one modelled.
inline constexpr KernelVersion kNewestModelledKernel{6, 19, 0};

}  // namespace sbm
