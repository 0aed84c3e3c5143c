// A litmus file of the corpora (traces/corpus/, spec/trace-format.md "Corpus"): a trace or a
// topology dump that states, in a "# expect:" header line, the result its check must give.
// Judged alike by `sbm corpus check`, `sbm mutants` (its corpus column) and the corpus tests.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/kernel_version.h"
#include "model/mutants.h"
#include "properties/topo_invariants.h"
#include "properties/violation.h"
#include "traces/trace_check.h"
#include "traces/trace_line_read.h"

namespace sbm {

// The stated result: none fires (a trace "conforms", a dump is "sound"), or the exact set of
// IDs that fire; a real sample's "verdict: broken" states a violation without naming IDs.
struct LitmusExpect {
  bool good = true;
  std::optional<std::set<std::string>> ids;  // for a violation; nullopt: any violation
};

// What was expected, what was observed, and whether they agree (herd7's Ok / No).
struct LitmusVerdict {
  bool ok = false;
  std::string expected;  // "conforms", "sound", "violated ID,ID", "violated" (any ID)
  std::string observed;  // "conforms"/"sound" or "violated" and the IDs that fired
  std::set<std::string> fired;
};

// Compares the IDs of `found` with `expect`; `good` is the word for no violation.
LitmusVerdict judge_litmus(const LitmusExpect& expect, const std::vector<Violation>& found,
                           const std::string& good);

// A litmus file that cannot be judged (unreadable, no or a bad "# expect:" line, bad input):
// bad input at `line` (0: the whole file).
struct LitmusError {
  int line = 0;
  std::string message;
};

// A trace litmus (traces/corpus/mainline, traces/corpus/replay), checked as `sbm trace check
// --keep-going` does, with the options its header gives: "# profile:" (the era of the mainline
// checks; the replay reads the header itself) and "# idle-threshold-ms:" (WC-2).
struct TraceLitmus {
  std::optional<LitmusError> error;       // set: no verdict
  std::optional<LitmusExpect> expect;     // "# expect:"
  std::string why;                        // "# why:"
  std::string profile, hz, jiffies_bits;  // header values as written ("" when absent)
  TraceCheckResult result;
  LitmusVerdict verdict;
};
// `mutant` is the replay's oracle (model/mutants.h); `observe` sees every record read.
TraceLitmus check_trace_litmus(const std::string& path, Mutant mutant = Mutant::None,
                               const std::function<void(const TraceRecord&)>& observe = {});

// The expectation of a topology litmus: "# expect: sound" or "# expect: violated ID ..." in
// the leading "#" lines (traces/corpus/topology), or a real sample's "verdict: ok" / "verdict:
// broken" there (tests/data/topologies); nullopt when the text states none.
std::optional<LitmusExpect> topology_litmus_expect(const std::string& text);

// A topology litmus, read with the era of its "# era:" line (if any) and checked against the
// TOPO invariants.
struct TopologyLitmus {
  std::optional<LitmusError> error;
  TopoCheckReport report;
  LitmusVerdict verdict;
};
TopologyLitmus check_topology_litmus(const std::string& path);

}  // namespace sbm
