// The "# expect:" header of a litmus trace (traces/corpus/, spec/trace-format.md): the result
// `sbm trace check` must give, read alike by the corpus tests and by `sbm mutants`.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sbm {

struct TraceExpect {
  bool conforms = true;
  std::set<std::string> ids;  // for "violated": the exact set of IDs that fire
};

// "conforms", or "violated ID[,ID ...]" (commas or spaces between IDs); nullopt otherwise.
std::optional<TraceExpect> parse_trace_expect(std::string_view value);

}  // namespace sbm
