// A window of a text trace as Chrome Trace Event JSON (spec/views.md), the format
// ui.perfetto.dev and chrome://tracing open: one track per CPU (pid 0, tid = CPU), task run
// slices from sched_switch, SCHED softirq slices, balancing passes with their domain visits
// nested in them, the SD_SERIALIZE token hold, NOHZ kicks and every other event as instants,
// migrations as flow arrows between CPUs, and each finding as a marker carrying its ID, expected
// and observed. Timestamps are the trace's own, in microseconds.
//
// Streaming: events are written as they are fed; the writer keeps only the slices open on each
// CPU, so a window of a large trace costs little memory.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "properties/violation.h"
#include "traces/trace_fields.h"
#include "traces/trace_header.h"
#include "traces/trace_line_read.h"

namespace sbm {

// HZ when the trace's header does not say it (ftrace text, trace-cmd report).
inline constexpr unsigned kViewDefaultHz = 250;

// Which part of the trace to show: `jiffies` jiffies of the trace's HZ, centred on the event at
// or after `centre_us`, or from the first event when no centre is given.
struct ViewWindow {
  std::optional<uint64_t> centre_us;
  uint64_t jiffies = 50;
};

class ChromeTraceWriter {
 public:
  // `markers`: the findings to mark, each at the first event at or after its line. `file` names
  // the input in the metadata.
  ChromeTraceWriter(std::ostream& out, ViewWindow window, std::vector<Violation> markers,
                    std::string file);

  // Feeds one record; false once the window has ended (the caller may stop reading).
  bool feed(const TraceRecord& r);
  // Closes what is still open at the window's end, writes the tracks' names and the metadata.
  void finish();

  // The header read so far (profile, hz, topology dump).
  const TraceHeaderText& header() const { return header_; }
  unsigned hz() const { return header_.hz.value_or(kViewDefaultHz); }
  // The window's bounds (valid once an event was fed).
  uint64_t begin_us() const { return begin_us_; }
  uint64_t end_us() const { return end_us_; }

  // What is open on a CPU, innermost last: a task runs, the SCHED softirq runs inside it, a
  // balancing pass inside that, a domain visit inside the pass, the token inside the visit.
  enum class Slice { Run, Softirq, Pass, Domain, Token };

 private:
  struct Open {
    Slice kind;
  };
  struct Track {
    std::vector<Open> stack;
    uint64_t last_us = 0;
  };
  Track& track(int cpu);
  uint64_t stamp(int cpu, uint64_t ts_us);
  void emit(const std::string& json);
  void begin(int cpu, uint64_t ts, Slice kind, const std::string& name, const TraceRecord& r);
  void close(int cpu, uint64_t ts, Slice kind);
  // Ends every open slice of `cpu` (-1: of every CPU) at its track's last time.
  void end_open(int cpu);
  void instant(int cpu, uint64_t ts, const std::string& name, const char* cat,
               const TraceRecord& r);
  void migration(const TraceRecord& r, uint64_t ts);
  void mark(const Violation& v, int cpu, uint64_t ts);
  void convert(const TraceRecord& r);

  std::ostream& out_;
  ViewWindow window_;
  std::vector<Violation> markers_;
  std::size_t next_marker_ = 0;
  std::string file_;
  TraceHeaderText header_;
  TraceFields fields_;
  std::vector<Track> tracks_;
  bool started_ = false;
  bool ended_ = false;
  bool first_event_ = true;
  uint64_t begin_us_ = 0;
  uint64_t end_us_ = 0;
  uint64_t flows_ = 0;
};

// Where line `line` of a trace is in time: the timestamp of the first event at or after it, read
// from `reader` (anything whose next() gives records until nullptr); nullopt when none follows.
template <class Reader>
std::optional<uint64_t> timestamp_at_line(Reader& reader, uint64_t line) {
  while (const TraceRecord* r = reader.next())
    if (r->line >= line && r->kind == TraceRecordKind::Event) return r->timestamp_us();
  return std::nullopt;
}

// A finding as the marker's args, the metadata and the HTML page carry it.
nlohmann::json finding_json(const Violation& v);

// The lines of one CPU's block in a `# topology-dump:` header (from `CPUn attaching` to the
// next CPU's block), for the domain tree beside a finding; empty when the dump has none.
std::vector<std::string> cpu_domain_lines(const std::vector<std::string>& dump, int cpu);

}  // namespace sbm
