// Violations are data (spec/design.md): which invariant, where, what was expected,
// what was observed, and one sentence of why. Every property family (TOPO, NB, SER, ...)
// reports through these types; renderers (report.h) turn them into text, JSON or JUnit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sbm {

// One catalogue entry of an invariant family (TOPO, NB, SER, ...): the ID used in
// spec/invariants.md, messages and tests.
struct InvariantInfo {
  std::string id;             // "TOPO-GROUPS-SPAN"
  std::string title;          // one line: what must hold
  std::string kernel_source;  // where the kernel states or relies on it
};

struct Violation {
  std::string id;          // invariant ID as in spec/invariants.md, e.g. "TOPO-GROUPS-SPAN"
  int cpu = -1;            // the CPU whose view is wrong; -1 when not about one CPU
  int level = -1;          // domain index in that CPU's chain (domain-N); -1 when none
  std::string level_name;  // "MC", "NUMA", ...; empty when unknown
  std::string file;        // input file; empty for built structures
  int line = 0;            // input line (trace or dump); 0 when none
  std::string expected;
  std::string observed;
  std::string explanation;  // one sentence

  bool operator==(const Violation&) const = default;
};

// A violation about one CPU's domain (level -1: about the CPU itself) at input line `line`
// (0: none), for the checks, which know no file name and leave level_name to the renderer.
// A line past INT_MAX (a trace's line count is 64-bit) is reported as INT_MAX.
Violation make_violation(std::string id, int cpu, int level, uint64_t line, std::string expected,
                         std::string observed, std::string explanation);

// Event checks number their findings by the event they are about: out[first..] get the
// 1-based index of event `index` (the checks push while looking at that event).
inline void stamp_event_line(std::vector<Violation>& out, std::size_t first, std::size_t index) {
  for (std::size_t k = first; k < out.size(); ++k) out[k].line = static_cast<int>(index) + 1;
}

// Outcome of one invariant over one input, so that a report can say "holds", "violated"
// or "not checkable from this input" (never passing a check it could not run).
enum class CheckOutcome { Holds, Violated, NotCheckable };

struct CheckSummary {
  std::string id;
  CheckOutcome outcome = CheckOutcome::Holds;
  int instances = 0;   // how many (CPU, domain, group) places the check looked at
  std::string reason;  // for NotCheckable: what the input lacks
};

const char* outcome_name(CheckOutcome o);  // "holds", "violated", "not checkable"

}  // namespace sbm
