#include "model/kernel_version.h"

#include <charconv>

namespace sbm {

std::string KernelVersion::str() const {
  std::string s = "v";
  s += std::to_string(major);
  s += '.';
  s += std::to_string(minor);
  if (major == 2) {
    s += '.';
    s += std::to_string(patch);
  }
  return s;
}

std::optional<KernelVersion> parse_kernel_version(std::string_view text) {
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  int parts[3] = {0, 0, 0};
  int n = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (n < 3 && p < end) {
    auto [q, ec] = std::from_chars(p, end, parts[n]);
    if (ec != std::errc() || parts[n] < 0) return std::nullopt;
    ++n;
    p = q;
    if (p < end && *p == '.')
      ++p;
    else
      break;
  }
  // Anything after the numbers must be a suffix such as "-rc1" or a fourth ".60".
  if (n < 2 || (p < end && *p != '-' && !(p > text.data() && *(p - 1) == '.'))) return std::nullopt;
  KernelVersion v{parts[0], parts[1], parts[0] == 2 ? parts[2] : 0};
  if (v.major < 2 || v.major > 9) return std::nullopt;
  return v;
}

}  // namespace sbm
