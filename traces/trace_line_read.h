// Reading ftrace-like text traces one line at a time (spec/trace-format.md, "Reading"): the
// lexing layer under trace replay. Accepts sbm's own format, raw ftrace
// (/sys/kernel/tracing/trace, 4- or 5-character irq-info flags), `trace-cmd report` (its
// preamble, no flags column, padded event names, wrapped bprint text) and `perf script`'s
// default line, detected per line.
//
// Here one line becomes one TraceRecord; traces/trace_reader.h splits a whole input into lines.
// A record's string_views point into the line read. Bad input is data: an Unparsed record with
// a reason, never a throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "traces/trace_event_id.h"

namespace sbm {

enum class TraceRecordKind {
  Event,         // comm-pid [cpu] flags? secs.frac: event: fields
  Header,        // "# key: value"
  Comment,       // any other line starting with '#'
  LostEvents,    // "CPU:N [LOST M EVENTS]" (ftrace), "CPU:N [M EVENTS DROPPED]" (trace-cmd)
  Preamble,      // trace-cmd report: "version = N", "cpus=N", "CPU N is empty"
  Continuation,  // a line continuing the text of the previous bprint/print/bputs event
  Unparsed,      // anything else; `error` says why
};

const char* trace_record_kind_name(TraceRecordKind k);

// Longest line read whole. The kernel formats a line into one trace_seq of a page or two
// (TRACE_SEQ_BUFFER_SIZE, include/linux/trace_seq.h, v6.7); a longer line is Unparsed.
inline constexpr std::size_t kMaxTraceLine = 64 * 1024;

struct TraceRecord {
  uint64_t line = 0;  // 1-based number of the physical line
  TraceRecordKind kind = TraceRecordKind::Unparsed;
  std::string_view text;  // the whole line, without its line break

  // Event (cpu also for LostEvents and "CPU N is empty"; -1 when not given).
  std::string_view comm;
  int pid = -1;
  int tgid = -1;  // the "(tgid)" column of the record-tgid option; -1 when absent or "(-------)"
  int cpu = -1;
  std::string_view flags;           // "d.h1" / "d.h1." / empty (trace-cmd report, perf script)
  uint64_t timestamp_ns = 0;        // exact: 6 fraction digits give whole microseconds
  std::string_view timestamp_text;  // as written, e.g. "1237.764236"
  std::string_view event;           // without its trailing ':' ("sched:sched_switch" from perf)
  TraceEventId id = TraceEventId::Unknown;  // of the bare name (perf's "sched:" dropped)
  std::string_view fields;                  // the rest of the line, padding before it skipped

  // Header ("# key: value") and Preamble ("version"/"6", "cpus"/"6", "empty"/"3").
  std::string_view key;
  std::string_view value;

  // LostEvents: how many, when the line says.
  std::optional<uint64_t> lost;

  // Unparsed: why, and the 0-based column where reading stopped.
  std::string_view error;
  std::size_t column = 0;

  uint64_t timestamp_us() const { return timestamp_ns / 1000; }
};

// Whether the record marks events missing before it, a gap every checker suspends at: a lost-events
// marker, or ftrace's "##### CPU N buffer started ####" (the annotate option, print_trace_header()
// / test_cpu_buff_start(), kernel/trace/trace.c, v6.17): that CPU's earlier events were
// overwritten, so what was learnt before this point may be stale.
bool is_trace_gap(const TraceRecord& r);

// Reads one line on its own (no continuation context): what TraceReader::next() does for it.
// `text` must outlive the record.
TraceRecord read_trace_line(std::string_view text, uint64_t line_number);
// read_trace_line() without its shortcut for ftrace's own layout: every line read the way any
// layout is. For the property that the shortcut changes nothing.
TraceRecord read_trace_line_the_long_way(std::string_view text, uint64_t line_number);

// What TraceReader::next() makes of the line it found: read_trace_line() in the stream's
// context. `overlong`: the line was cut at kMaxTraceLine; `control`: where its first control
// byte is (npos: none); `after_printk`: whether the record before was a bprint/print/bputs
// event or its continuation. Returns that for this record, for the next line. `text` must
// outlive the record.
bool read_stream_line(TraceRecord& r, std::string_view text, uint64_t line_number, bool overlong,
                      std::size_t control, bool after_printk);

}  // namespace sbm
