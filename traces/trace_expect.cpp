#include "traces/trace_expect.h"

namespace sbm {

std::optional<TraceExpect> parse_trace_expect(std::string_view value) {
  if (value == "conforms") return TraceExpect{};
  constexpr std::string_view kViolated = "violated ";
  if (!value.starts_with(kViolated)) return std::nullopt;
  TraceExpect e;
  e.conforms = false;
  std::string cur;
  for (char ch : value.substr(kViolated.size())) {
    if (ch == ',' || ch == ' ') {
      if (!cur.empty()) e.ids.insert(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) e.ids.insert(cur);
  if (e.ids.empty()) return std::nullopt;
  return e;
}

}  // namespace sbm
