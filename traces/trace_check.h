// One check of one trace, as `sbm trace check` runs it: every record goes to the mainline
// checker (traces/trace_check_mainline.h) and to the replay of the sched_balance_* events
// (traces/trace_replay.h), in one or more lanes (one per profile for --profile auto), with
// stop-at-first and the context lines of its finding. Every caller that checks a trace (the
// CLI, the mutation matrix, the corpus tests, the fuzz target, the demo) uses this one loop.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "properties/violation.h"
#include "traces/trace_check_cadence.h"
#include "traces/trace_check_mainline.h"
#include "traces/trace_check_sched_softirq.h"
#include "traces/trace_lost_events_hold.h"
#include "traces/trace_reader.h"
#include "traces/trace_replay.h"

namespace sbm {

// The last event lines of each CPU, for the context of the first finding: a ring of
// kContextRing strings per CPU whose capacity is reused, so keeping it costs a copy per line,
// no allocation.
class CpuContext {
 public:
  // Lines kept per CPU: the replay reports a finding when its jiffy's window closes, by when
  // the CPU may have printed more lines after the one at fault; a jiffy rarely has more.
  static constexpr std::size_t kContextRing = 64;
  static constexpr std::size_t kContextLines = 3;

  void add(const TraceRecord& r);
  // The last kContextLines lines of `cpu` before trace line `before` (none when the ring no
  // longer reaches back to it).
  std::vector<std::string> of(int cpu, uint64_t before) const;

 private:
  struct Entry {
    uint64_t line = 0;
    std::string text;
  };
  struct Ring {
    std::array<Entry, kContextRing> entries;
    std::size_t count = 0;
  };
  std::vector<Ring> rings_;
};

// What one lane judges the trace against.
struct TraceCheckLane {
  std::string profile;  // a profile name for the report ("" when the trace's own)
  MainlineCheckOptions mainline;
  ReplayOptions replay;
};

// What one lane found.
struct TraceCheckResult {
  std::vector<Violation> violations;
  std::vector<std::string> context;  // lines before the first finding on its CPU (stop mode)
  bool stopped = false;              // stopped at its first finding
  MainlineCheckSummary summary;
  CadenceSummary cadence;
  std::vector<CheckSummary> sched_softirq;  // NOHZ-4, MIG-7
  ReplaySummary replay;
  // The trace has sched_balance_* events: the replay's checks are part of the result.
  bool replayed() const { return summary.sbm_events > 0; }
  // The mainline checks, NB-4, NOHZ-4 and MIG-7, then the replay's when replayed.
  std::vector<CheckSummary> checks() const;
};

class TraceCheck {
 public:
  // `stop_at_first`: each lane stops at its earliest finding (by trace line), with context.
  // `file` names the input in every finding.
  TraceCheck(const std::vector<TraceCheckLane>& lanes, bool stop_at_first, std::string file = "");
  explicit TraceCheck(const TraceCheckLane& lane, bool stop_at_first = false,
                      std::string file = "");

  // Feeds one record to every lane still running; false once every lane has stopped.
  bool feed(const TraceRecord& r);
  // End of input (or of reading): closes what the checkers hold open, fills the results.
  void finish();

  std::size_t lanes() const { return lanes_.size(); }
  const std::string& profile(std::size_t lane) const { return lanes_[lane]->profile; }
  const TraceCheckResult& result(std::size_t lane = 0) const { return lanes_[lane]->result; }
  // The lane that read furthest: it saw what every lane saw, so it says what could not be read.
  const TraceCheckResult& furthest() const;

 private:
  struct Lane {
    explicit Lane(const TraceCheckLane& l)
        : profile(l.profile), checker(l.mainline), replay(l.replay) {}
    std::string profile;
    MainlineTraceChecker checker;
    TickCadenceCheck cadence;
    SchedSoftirqCheck sched_softirq;
    TraceReplay replay;
    LostEventsHold hold;  // every checker's findings, until no lost event can undo them
    TraceCheckResult result;
  };
  void stop_at_first(TraceCheckResult& result, std::size_t from) const;
  static void feed_machine_checks(Lane& lane, const TraceRecord& r);

  std::vector<std::unique_ptr<Lane>> lanes_;
  bool stop_at_first_;
  std::string file_;
  CpuContext context_;
};

// The checks of kernel events that judge against the machine (the trace's domains and profile):
// NB-4, NOHZ-4, MIG-7 (spec/invariants.md, section 8), for --help and the report.
const std::vector<InvariantInfo>& machine_trace_invariants();

// Gives every record of `reader` (anything whose next() gives records until nullptr) to `feed`
// until it returns false.
template <class Reader, class Feed>
void feed_records(Reader& reader, Feed&& feed) {
  while (const TraceRecord* r = reader.next())
    if (!feed(*r)) break;
}

// Reads every record of `reader` (a TraceReader, a TraceDatReader: anything whose next() gives
// records until nullptr) into `check` (until every lane has stopped), then finishes it.
template <class Reader>
void check_trace(Reader& reader, TraceCheck& check) {
  feed_records(reader, [&check](const TraceRecord& r) { return check.feed(r); });
  check.finish();
}

}  // namespace sbm
