// Replaying a trace's sched_balance_* events into the model's event checks (spec/trace-format.md,
// "Replay"): NB-1, NB-2, SER-1, INT-1, BI-1, MIG-2, MIG-3, MIG-4, LOCK-1, LOCK-2, NOHZ-1, NOHZ-2,
// the same check_balance_events() the simulator's PropertyChecker runs, over the same windows.
//
// The machine (profile, domains, rq locks) comes from the trace's header: `# profile:`, `# hz:`,
// `# jiffies-bits:` and the `# topology-dump:` lines, or from the options. Events are collected
// one jiffy at a time: a sched_balance_tick whose jiffies differ from the window's closes it, as
// do a hotplug event (the domains and max_load_balance_interval change with it; the window ran
// on the old ones) and the end of input. Memory: one window of events plus the machine.
//
// A lost-events marker or ftrace's "##### CPU N buffer started ####" is a gap (is_trace_gap()):
// the window it cuts is dropped unchecked, and so is the rest of that jiffy, so checks across a
// gap are suspended, never failed. A malformed sbm event (a field missing or bad) is an event
// lost too: counted, reported, and its window dropped the same way. An rq lock and the
// SD_SERIALIZE token start unknown, at the excerpt's start and again after a gap: a release of
// one the replay has not yet seen taken or released is no LOCK-2/SER-1 finding. LOCK-2 is
// judged across windows (Lock2Discipline): a lock section may straddle a window's end, since
// another CPU's tick of the next jiffy closes the window.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/balance/rq_lock.h"
#include "model/mutants.h"
#include "model/rq.h"
#include "model/topology.h"
#include "model/topology/topology_spec.h"
#include "properties/lock_invariants.h"
#include "properties/violation.h"
#include "traces/trace_events_read.h"
#include "traces/trace_fields.h"
#include "traces/trace_header.h"
#include "traces/trace_line_read.h"

namespace sbm {

struct ReplayOptions {
  std::string profile;               // overrides the header's `# profile:` (hz, jiffies-bits kept)
  std::optional<Topology> topology;  // a dump read: replaces the embedded `# topology-dump:`
  // A machine description: without `topology`, build_sched_domains() of the profile's era
  // makes the domains from it; with one, it is what the dump was built from. CPU hotplug
  // rebuilds the domains from it (rebuild_sched_domains()). Without one the header's
  // `# topology:` is used when it is a SPEC; else, after a hotplug, MIG-3, INT-2 and BI-1 (which
  // read the domains) stop.
  std::optional<MachineSpec> spec;
  // A buggy variant of the model as the oracle (model/mutants.h), applied to the profile:
  // the corpus column of `sbm mutants` (tools/sbm/mutant_matrix.h).
  Mutant mutant = Mutant::None;
  std::optional<unsigned> hz;  // overrides the header's `# hz:` (--hz: a trace.dat says none)
};

struct ReplaySummary {
  uint64_t balance_events = 0;  // sched_balance_* and SCHED softirq events replayed
  uint64_t task_events = 0;     // the workload's events (read, not checked)
  uint64_t windows = 0;         // windows checked
  uint64_t malformed = 0;       // sbm events with a missing or bad field
  std::vector<std::pair<uint64_t, std::string>> first_malformed;  // (line, reason), at most 10
  uint64_t dropped_windows = 0;      // windows dropped at a lost-events marker or malformed event
  std::string not_checkable;         // why no machine could be built; empty when one was
  std::vector<CheckSummary> checks;  // one per ID of balance_event_check_ids()
  std::vector<std::string> notes;
};

class TraceReplay {
 public:
  explicit TraceReplay(ReplayOptions options = {});

  // Replays one record; violations are appended to `out` with `line` the trace line of the
  // event (file left empty for the caller).
  void feed(const TraceRecord& r, std::vector<Violation>& out);
  // End of input: checks the last window.
  void finish(std::vector<Violation>& out);

  ReplaySummary summary() const;
  // The machine replayed on, once the first event has built it (null before, or when none
  // could be built: why_no_machine() says why); the header read so far.
  const MachineState* machine() const { return machine_ ? &*machine_ : nullptr; }
  const std::string& why_no_machine() const { return summary_.not_checkable; }
  const TraceHeaderText& header() const { return header_; }

 private:
  void build_machine();
  void flush(std::vector<Violation>& out);
  void drop_window();
  void gap();
  std::vector<bool> unseen_token_releases();
  void hotplug(int cpu, bool online);

  ReplayOptions options_;
  TraceHeaderText header_;
  bool started_ = false;  // the first event was seen: the header is complete
  std::optional<MachineState> machine_;
  std::optional<MachineSpec> rebuild_spec_;
  bool domains_stale_ = false;  // hotplug without a SPEC: the domains are unknown
  std::vector<BalanceEvent> window_;
  std::vector<uint64_t> window_lines_;  // trace line of each event of window_
  std::optional<uint64_t> window_jiffies_;
  bool in_gap_ = false;                   // after a gap, until the next jiffy's window
  std::optional<Lock2Discipline> lock2_;  // LOCK-2 on machine_'s rq locks, set when it is built
  bool token_seen_ = false;   // the SD_SERIALIZE token taken or released since the last gap
  bool raises_seen_ = false;  // a SCHED softirq_raise was read: NB-2 can judge ticks
  TraceFields fields_;
  TraceEventRead read_;              // the event read from the record fed, reused
  int windows_by_state_[2][2] = {};  // windows checked, by [domains_stale_][raises_seen_]
  std::set<std::string> violated_;   // IDs with a finding
  ReplaySummary summary_;
};

}  // namespace sbm
