// Where a check's suspension at lost events starts (spec/trace-format.md, "Gaps"). ftrace prints
// `CPU:N [LOST M EVENTS]` just before CPU N's next surviving event (print_trace_line(), with the
// count __find_next_entry() took from that CPU's ring buffer, kernel/trace/trace.c, v6.18): the
// events it lost were logged after CPU N's last event before the marker, possibly jiffies
// earlier, while the other CPUs' events of that time are read before the marker. So any finding
// made after CPU N's last event may rest on what was lost: a task's move logged on CPU N, a
// raise after CPU N's tick.
//
// LostEventsHold holds back every finding made (at the record read when a checker reported it)
// after the last event of some CPU seen so far, until every such CPU has logged an event at or
// after it (the finding is released: nothing was lost before it) or one of them shows a gap, a
// lost-events marker or ftrace's "##### CPU N buffer started ####" (the finding is withdrawn:
// its suspension starts at that CPU's last event, not at the marker). At the end of input every
// finding held is released (a loss at the end shows as a marker before it: sbm trace record
// adds one from the ring buffer's stats). Memory: the findings held, and one line per CPU.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "properties/violation.h"
#include "traces/trace_line_read.h"

namespace sbm {

class LostEventsHold {
 public:
  // Before the checkers read `r`: an event releases into `out` the findings every CPU has now
  // logged past; a gap withdraws those made after its CPU's last event (after the earliest
  // CPU's when it names none).
  void before(const TraceRecord& r, std::vector<Violation>& out);
  // After the checkers read `r`, having appended findings to `out` from index `from`: those
  // that some CPU has not logged past leave `out` to be held.
  void after(const TraceRecord& r, std::vector<Violation>& out, std::size_t from);
  // End of input: every finding held is released into `out`.
  void finish(std::vector<Violation>& out);

 private:
  struct Held {
    Violation v;
    uint64_t made = 0;  // the trace line read when it was made
  };
  uint64_t logged_past() const;  // the earliest last event of the CPUs seen
  void release(std::vector<Violation>& out);

  std::vector<uint64_t> last_event_;  // per CPU: the line of its last event, 0 before it
  std::deque<Held> held_;             // in the order made
};

}  // namespace sbm
