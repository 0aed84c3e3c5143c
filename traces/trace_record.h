// What `sbm trace record` writes around the text the kernel prints (spec/trace-format.md,
// "Recorded kernel traces"): the names of the events it enables, the header, and the
// lost-events accounting at the end. Text only; the tracefs I/O is tools/sbm/tracefs_instance.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbm {

// A trace event as `-e` names it: `SYSTEM:EVENT` (`sched:sched_switch`) or a bare `EVENT`
// (system empty: looked up among tracefs's events/*/ directories).
struct TraceEventName {
  std::string system;
  std::string event;
  std::string str() const { return system.empty() ? event : system + ":" + event; }
  bool operator==(const TraceEventName&) const = default;
};

struct TraceEventNameParse {
  std::optional<TraceEventName> name;
  std::string error;  // set when !name
};

// Names are letters, digits and '_' (as TRACE_EVENT() declares them; tracefs's directory
// names), so that a name can never step out of the events/ directory.
TraceEventNameParse parse_trace_event_name(std::string_view text);

// The events the checks of `sbm trace check` read (spec/invariants.md, section 8), plus the
// ones that say why a CPU went quiet or was kicked: the default of `sbm trace record`.
const std::vector<TraceEventName>& default_record_events();

// CONFIG_HZ from the text of a kernel config (/proc/config.gz unpacked): the `CONFIG_HZ=N`
// line; absent when there is none or N is not a positive number.
std::optional<unsigned> kconfig_hz(std::string_view config);

// The header of a recorded trace, one `# key: value` line each (traces/trace_header.h reads
// them as Header records; add_trace_header() takes generator, hz, profile and topology-dump).
struct RecordHeader {
  std::string generator;       // the sbm command line that recorded it
  std::string kernel;          // uname -r
  std::optional<unsigned> hz;  // CONFIG_HZ; no line when the config could not be read
  std::string profile;         // profile_for_release() of the kernel; no line when none fits
  std::string recorded;        // how: events, buffer size, seconds, command
  std::vector<std::string> topology_dump;  // the host's sched domains, one line each
};

// `# tracer: nop`, the keys above, then ftrace's column legend for the event lines.
std::string format_record_header(const RecordHeader& h);

// One CPU's ring-buffer counters, from tracefs's per_cpu/cpuN/stats (tracing_stats_read(),
// kernel/trace/trace.c, v6.18).
struct RingBufferStats {
  uint64_t entries = 0;         // still in the buffer
  uint64_t overrun = 0;         // overwritten before they were read (overwrite mode)
  uint64_t commit_overrun = 0;  // dropped: the writer caught up with an unfinished commit
  uint64_t dropped_events = 0;  // dropped: buffer full (no-overwrite mode)
  uint64_t read_events = 0;     // consumed by readers of trace_pipe
  // Events the ring buffer lost, whatever the reason.
  uint64_t lost() const { return overrun + commit_overrun + dropped_events; }
};

struct RingBufferStatsParse {
  std::optional<RingBufferStats> stats;
  std::string error;  // set when !stats: which line or key is wrong or missing
};

// Reads the stats file's `key: value` lines; `entries`, `overrun`, `commit overrun`,
// `dropped events` and `read events` must be there, other lines (bytes, timestamps) are
// skipped.
RingBufferStatsParse parse_ring_buffer_stats(std::string_view text);

// The lost-events markers ftrace prints among the events, `CPU:N [LOST M EVENTS]` or
// `CPU:N [LOST EVENTS]` (print_trace_line(), kernel/trace/trace.c), counted per CPU in text
// that arrives in pieces (reads of trace_pipe), a marker line possibly split between two.
class LostEventsTally {
 public:
  struct Cpu {
    uint64_t shown = 0;      // the sum of the markers' counts
    bool uncounted = false;  // a marker gave no count
  };
  void feed(std::string_view text);
  // Indexed by CPU number; a CPU no marker named is absent or zero.
  const std::vector<Cpu>& cpus() const { return cpus_; }

 private:
  void finish_line();
  bool collecting_ = true;  // at a line's start, or inside a line that may be a marker
  std::string line_;        // the line so far, while it may be a marker
  std::vector<Cpu> cpus_;
};

// The text written after the kernel's: for each CPU whose ring buffer lost more events than
// its markers showed (and none of them lacked a count), a `CPU:N [LOST M EVENTS]` marker for
// the rest (the stats do not say where they were lost, so it stands at the end), then
// `# lost-events: cpu0=N ...` (the stats' count per CPU, `stats[i]` being CPU i) and
// `# lost-events-shown: cpu0=N ...` (the markers' counts).
std::string format_lost_tail(const std::vector<RingBufferStats>& stats,
                             const LostEventsTally& tally);

}  // namespace sbm
