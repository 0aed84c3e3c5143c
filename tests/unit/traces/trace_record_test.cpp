// What `sbm trace record` writes around the kernel's text (traces/trace_record.h): event
// names, CONFIG_HZ, the header, the ring buffer's stats and the lost-events tail, each read
// back through the trace reader where it is trace text.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "traces/trace_header.h"
#include "traces/trace_reader.h"
#include "traces/trace_record.h"

namespace sbm {
namespace {

TEST(TraceRecord, EventNamesWithAndWithoutSystem) {
  EXPECT_EQ(*parse_trace_event_name("sched:sched_switch").name,
            (TraceEventName{"sched", "sched_switch"}));
  EXPECT_EQ(*parse_trace_event_name("softirq_raise").name, (TraceEventName{"", "softirq_raise"}));
  EXPECT_EQ(parse_trace_event_name("ipi:ipi_send_cpumask").name->str(), "ipi:ipi_send_cpumask");
  EXPECT_EQ(parse_trace_event_name("tick_stop").name->str(), "tick_stop");
  for (const char* bad : {"", ":", "sched:", ":sched_switch", "a:b:c", "../x", "sched/sched_switch",
                          "sched switch", "sched:..", "x*"}) {
    const TraceEventNameParse p = parse_trace_event_name(bad);
    EXPECT_FALSE(p.name) << bad;
    EXPECT_NE(p.error.find("is not an event name"), std::string::npos) << bad;
  }
}

TEST(TraceRecord, DefaultEventsAreWhatTheChecksRead) {
  std::vector<std::string> names;
  for (const TraceEventName& e : default_record_events()) {
    EXPECT_FALSE(e.system.empty()) << e.event;
    names.push_back(e.str());
  }
  for (const char* needed :
       {"irq:softirq_raise", "irq:softirq_entry", "irq:softirq_exit", "sched:sched_switch",
        "sched:sched_waking", "sched:sched_wakeup", "sched:sched_wakeup_new",
        "sched:sched_migrate_task", "sched:sched_process_exit"})
    EXPECT_NE(std::find(names.begin(), names.end(), needed), names.end()) << needed;
}

TEST(TraceRecord, ConfigHzFromTheKernelConfig) {
  EXPECT_EQ(
      kconfig_hz("CONFIG_NO_HZ=y\n# CONFIG_HZ_100 is not set\nCONFIG_HZ_250=y\nCONFIG_HZ=250\n"),
      250u);
  EXPECT_EQ(kconfig_hz("CONFIG_HZ=1000"), 1000u) << "last line without a newline";
  EXPECT_EQ(kconfig_hz("CONFIG_HZ_250=y\nCONFIG_NO_HZ=y\n"), std::nullopt);
  EXPECT_EQ(kconfig_hz("CONFIG_HZ=abc\n"), std::nullopt);
  EXPECT_EQ(kconfig_hz("CONFIG_HZ=0\n"), std::nullopt);
  EXPECT_EQ(kconfig_hz("# CONFIG_HZ=300\n"), std::nullopt) << "a comment is not the setting";
}

// What the reader makes of each line of `text`: kind, CPU and count.
struct Read {
  TraceRecordKind kind;
  int cpu;
  std::optional<uint64_t> lost;
};
std::vector<Read> read_all(const std::string& text) {
  std::istringstream in(text);
  TraceReader reader(in);
  std::vector<Read> out;
  while (const TraceRecord* r = reader.next()) out.push_back({r->kind, r->cpu, r->lost});
  return out;
}

TEST(TraceRecord, HeaderReadsBackAsHeaderRecords) {
  RecordHeader h;
  h.generator = "sbm trace record -e sched:sched_switch --buffer-kb 8192 --seconds 1";
  h.kernel = "6.18.44-fc-v1272";
  h.hz = 250;
  h.profile = "v6.17";
  h.recorded = "events=sched:sched_switch buffer-kb=8192 seconds=1";
  h.topology_dump = {"CPU0 attaching sched-domain(s):", " domain-0: span=0-1 level=MC"};
  const std::string text = format_record_header(h);
  EXPECT_EQ(text.substr(0, text.find("#\n")),
            "# tracer: nop\n"
            "# generator: sbm trace record -e sched:sched_switch --buffer-kb 8192 --seconds 1\n"
            "# kernel: 6.18.44-fc-v1272\n"
            "# hz: 250\n"
            "# profile: v6.17\n"
            "# recorded: events=sched:sched_switch buffer-kb=8192 seconds=1\n"
            "# topology-dump: CPU0 attaching sched-domain(s):\n"
            "# topology-dump:  domain-0: span=0-1 level=MC\n");
  std::istringstream in(text);
  TraceReader reader(in);
  TraceHeaderText read;
  int headers = 0, comments = 0;
  while (const TraceRecord* r = reader.next()) {
    ASSERT_NE(r->kind, TraceRecordKind::Unparsed) << r->text;
    if (r->kind == TraceRecordKind::Header) {
      ++headers;
      EXPECT_EQ(add_trace_header(read, *r), std::nullopt) << r->text;
    }
    comments += r->kind == TraceRecordKind::Comment;
  }
  EXPECT_EQ(headers, 8);
  EXPECT_EQ(comments, 9) << "the column legend";
  EXPECT_EQ(read.generator, h.generator);
  EXPECT_EQ(read.hz, 250u);
  EXPECT_EQ(read.profile, "v6.17");
  EXPECT_EQ(read.topology_dump, h.topology_dump);
  EXPECT_EQ(read.version, std::nullopt) << "a kernel's trace is not sbm's format";
}

TEST(TraceRecord, HeaderLeavesOutWhatIsUnknown) {
  RecordHeader h;
  h.generator = "g";
  h.kernel = "2.6.19";
  h.recorded = "r";
  const std::string text = format_record_header(h);
  EXPECT_EQ(text.find("# hz:"), std::string::npos);
  EXPECT_EQ(text.find("# profile:"), std::string::npos);
  EXPECT_EQ(text.find("# topology-dump:"), std::string::npos);
}

constexpr const char* kStats =
    "entries: 3\n"
    "overrun: 120\n"
    "commit overrun: 2\n"
    "bytes: 4056\n"
    "oldest event ts:  1003.100657\n"
    "now ts:  1004.041281\n"
    "dropped events: 5\n"
    "read events: 777\n";

TEST(TraceRecord, RingBufferStats) {
  const RingBufferStatsParse p = parse_ring_buffer_stats(kStats);
  ASSERT_TRUE(p.stats) << p.error;
  EXPECT_EQ(p.stats->entries, 3u);
  EXPECT_EQ(p.stats->overrun, 120u);
  EXPECT_EQ(p.stats->commit_overrun, 2u);
  EXPECT_EQ(p.stats->dropped_events, 5u);
  EXPECT_EQ(p.stats->read_events, 777u);
  EXPECT_EQ(p.stats->lost(), 127u);
}

TEST(TraceRecord, RingBufferStatsErrors) {
  std::string missing = kStats;
  missing.erase(missing.find("dropped events"), std::string("dropped events: 5\n").size());
  EXPECT_EQ(parse_ring_buffer_stats(missing).error, "no 'dropped events:' line");
  std::string bad = kStats;
  bad.replace(bad.find("120"), 3, "1x0");
  EXPECT_EQ(parse_ring_buffer_stats(bad).error, "'overrun': expected a count, found '1x0'");
  EXPECT_EQ(parse_ring_buffer_stats(std::string(kStats) + "overrun: 1\n").error,
            "'overrun' given twice");
  EXPECT_FALSE(parse_ring_buffer_stats("").stats);
}

TEST(TraceRecord, TallyCountsMarkersSplitAcrossReads) {
  const std::string text =
      "          <idle>-0       [001] d.h2.  1003.100657: softirq_raise: vec=7 [action=SCHED]\n"
      "CPU:1 [LOST 40 EVENTS]\n"
      "  CPU:0 [LOST 9 EVENTS] is no marker: not at the line's start\n"
      "CPU:0 [LOST 2 EVENTS]\n"
      "CPU:1 [LOST 2 EVENTS]\n"
      "CPU:3 [LOST EVENTS]\n"
      "CPU:0 and then a long line that starts like a marker but goes on and on and on and on\n";
  // Every split into two pieces gives the same tally.
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    LostEventsTally t;
    t.feed(std::string_view(text).substr(0, cut));
    t.feed(std::string_view(text).substr(cut));
    ASSERT_EQ(t.cpus().size(), 4u) << cut;
    EXPECT_EQ(t.cpus()[0].shown, 2u) << cut;
    EXPECT_EQ(t.cpus()[1].shown, 42u) << cut;
    EXPECT_EQ(t.cpus()[2].shown, 0u) << cut;
    EXPECT_FALSE(t.cpus()[1].uncounted) << cut;
    EXPECT_TRUE(t.cpus()[3].uncounted) << cut;
  }
  LostEventsTally bytewise;
  for (char c : text) bytewise.feed(std::string_view(&c, 1));
  EXPECT_EQ(bytewise.cpus()[1].shown, 42u);
}

TEST(TraceRecord, LostTailMarksWhatTheTextDidNotShow) {
  std::vector<RingBufferStats> stats(4);
  stats[1].overrun = 42;  // all shown inline
  stats[2].overrun = 10;  // 4 shown, 6 not
  stats[2].dropped_events = 1;
  stats[3].commit_overrun = 7;  // a marker without a count: left as it is
  LostEventsTally tally;
  tally.feed("CPU:1 [LOST 42 EVENTS]\nCPU:2 [LOST 4 EVENTS]\nCPU:3 [LOST EVENTS]\n");
  const std::string tail = format_lost_tail(stats, tally);
  EXPECT_EQ(tail,
            "CPU:2 [LOST 7 EVENTS]\n"
            "# lost-events: cpu0=0 cpu1=42 cpu2=11 cpu3=7\n"
            "# lost-events-shown: cpu0=0 cpu1=42 cpu2=4 cpu3=?\n");
  const std::vector<Read> records = read_all(tail);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].kind, TraceRecordKind::LostEvents);
  EXPECT_EQ(records[0].cpu, 2);
  EXPECT_EQ(records[0].lost, 7u);
  EXPECT_EQ(records[1].kind, TraceRecordKind::Header);
  EXPECT_EQ(records[2].kind, TraceRecordKind::Header);

  const std::string none = format_lost_tail(std::vector<RingBufferStats>(2), LostEventsTally{});
  EXPECT_EQ(none, "# lost-events: cpu0=0 cpu1=0\n# lost-events-shown: cpu0=0 cpu1=0\n");
}

}  // namespace
}  // namespace sbm
