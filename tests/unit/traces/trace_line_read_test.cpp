// Reading trace lines (traces/trace_line_read.h) one at a time and through the streaming reader
// (traces/trace_reader.h): every record kind, the real kernel samples in tests/data/traces,
// sbm's own writer read back, and bad input.
#include "traces/trace_line_read.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "tests/support/sim_testing.h"
#include "tests/support/trace_record_compare.h"
#include "traces/topology_dump/write.h"
#include "traces/trace_fields.h"
#include "traces/trace_header.h"
#include "traces/trace_reader.h"
#include "traces/trace_write.h"

namespace sbm {
namespace {

TraceRecord line(std::string_view text) { return read_trace_line(text, 7); }

// Every record of `text`, with its views copied out (they die at the next next()).
struct Read {
  TraceRecordKind kind;
  uint64_t line;
  std::string text, comm, event, fields, error;
  int pid, cpu;
  std::optional<uint64_t> lost;
  TraceEventId id;
  bool operator==(const Read&) const = default;
};
std::vector<Read> read_all(TraceReader& reader) {
  std::vector<Read> out;
  while (const TraceRecord* r = reader.next())
    out.push_back(Read{r->kind, r->line, std::string(r->text), std::string(r->comm),
                       std::string(r->event), std::string(r->fields), std::string(r->error), r->pid,
                       r->cpu, r->lost, r->id});
  return out;
}
std::vector<Read> read_all(const std::string& text) {
  std::istringstream in(text);
  TraceReader reader(in);
  return read_all(reader);
}
// The same text written to a file and read where it is mapped.
std::vector<Read> read_all_mapped(const std::string& text) {
  const std::string path = ::testing::TempDir() + "/sbm_trace_read_mapped.trace";
  std::ofstream(path, std::ios::binary) << text;
  std::optional<MappedFile> file = MappedFile::open(path);
  EXPECT_TRUE(file.has_value());
  if (!file) return {};
  TraceReader reader(*file);
  return read_all(reader);
}

std::map<TraceRecordKind, int> kind_counts(const std::vector<Read>& rs) {
  std::map<TraceRecordKind, int> n;
  for (const Read& r : rs) ++n[r.kind];
  return n;
}

// --- Event lines ----------------------------------------------------------------------------

TEST(TraceRead, FtraceEventWithFiveCharFlagsAndSixDigits) {
  const TraceRecord r = line(
      "   run_stream.sh-4383    [070] d..2.  1237.764236: sched_wakeup_new: comm=run_stream.sh "
      "pid=4392");
  ASSERT_EQ(r.kind, TraceRecordKind::Event) << r.error;
  EXPECT_EQ(r.line, 7u);
  EXPECT_EQ(r.comm, "run_stream.sh");
  EXPECT_EQ(r.pid, 4383);
  EXPECT_EQ(r.cpu, 70);
  EXPECT_EQ(r.flags, "d..2.");
  EXPECT_EQ(r.timestamp_text, "1237.764236");
  EXPECT_EQ(r.timestamp_ns, 1237764236000ULL);
  EXPECT_EQ(r.timestamp_us(), 1237764236ULL);
  EXPECT_EQ(r.event, "sched_wakeup_new");
  EXPECT_EQ(r.fields, "comm=run_stream.sh pid=4392");
}

TEST(TraceRead, FourCharFlagsAndNineDigitTimestamp) {
  const TraceRecord r = line(
      "          <idle>-0     [003] d.h1 98765.123456789: softirq_raise: vec=7 [action=SCHED]");
  ASSERT_EQ(r.kind, TraceRecordKind::Event) << r.error;
  EXPECT_EQ(r.flags, "d.h1");
  EXPECT_EQ(r.timestamp_ns, 98765123456789ULL);
  EXPECT_EQ(r.timestamp_us(), 98765123456ULL);
  EXPECT_EQ(r.comm, "<idle>");
  EXPECT_EQ(r.pid, 0);
}

TEST(TraceRead, TraceCmdReportHasNoFlagsAndPadsTheEventName) {
  const TraceRecord r = line(
      "     migration/2-18    [002] 106439.675613: sched_switch:         migration/2:18 [0] S ==> "
      "trace-cmd:4732 [120]");
  ASSERT_EQ(r.kind, TraceRecordKind::Event) << r.error;
  EXPECT_EQ(r.comm, "migration/2");
  EXPECT_EQ(r.pid, 18);
  EXPECT_TRUE(r.flags.empty());
  EXPECT_EQ(r.event, "sched_switch");
  EXPECT_EQ(r.fields, "migration/2:18 [0] S ==> trace-cmd:4732 [120]");
}

TEST(TraceRead, CommsWithSpacesAndDashesTakeThePidAfterTheLastDash) {
  struct Case {
    const char* text;
    const char* comm;
    int pid;
  };
  for (const Case& c :
       {Case{"kworker/u16:3-123     [001] ..s1. 5.000001: softirq_entry: vec=7", "kworker/u16:3",
             123},
        Case{"           <...>-4711  [000] d..2. 5.000001: sched_waking: comm=x pid=1", "<...>",
             4711},
        Case{"Web Content-5512 [003] d..2. 5.000001: sched_waking: comm=x pid=1", "Web Content",
             5512},
        Case{"  trace-cmd-4731  [001] 106439.675698: sched_switch: x", "trace-cmd", 4731},
        Case{"a-b-c-9 [001] 1.000000: e: x", "a-b-c", 9}}) {
    const TraceRecord r = line(c.text);
    ASSERT_EQ(r.kind, TraceRecordKind::Event) << c.text << ": " << r.error;
    EXPECT_EQ(r.comm, c.comm) << c.text;
    EXPECT_EQ(r.pid, c.pid) << c.text;
  }
}

TEST(TraceRead, PerfScriptDefaultLine) {
  const TraceRecord r = line(
      "     Web Content  5512 [003]  1234.567890: sched:sched_switch: prev_comm=Web Content "
      "prev_pid=5512");
  ASSERT_EQ(r.kind, TraceRecordKind::Event) << r.error;
  EXPECT_EQ(r.comm, "Web Content");
  EXPECT_EQ(r.pid, 5512);
  EXPECT_EQ(r.cpu, 3);
  EXPECT_TRUE(r.flags.empty());
  EXPECT_EQ(r.event, "sched:sched_switch");
  EXPECT_EQ(r.timestamp_ns, 1234567890000ULL);
}

TEST(TraceRead, RecordTgidColumn) {
  const TraceRecord r =
      line("            bash-1234    (   1200) [000] d..2. 10.000001: sched_waking: comm=x");
  ASSERT_EQ(r.kind, TraceRecordKind::Event) << r.error;
  EXPECT_EQ(r.comm, "bash");
  EXPECT_EQ(r.pid, 1234);
  EXPECT_EQ(r.tgid, 1200);
  const TraceRecord unknown =
      line("          <idle>-0       (-------) [000] d..2. 10.000001: e: x");
  ASSERT_EQ(unknown.kind, TraceRecordKind::Event) << unknown.error;
  EXPECT_EQ(unknown.tgid, -1);
  EXPECT_EQ(unknown.pid, 0);
}

TEST(TraceRead, FunctionTracerLineHasNoColonAfterTheName) {
  const TraceRecord r = line("bash-1 [000] .... 1.000000: do_sys_open <-sys_open");
  ASSERT_EQ(r.kind, TraceRecordKind::Event) << r.error;
  EXPECT_EQ(r.event, "do_sys_open");
  EXPECT_EQ(r.fields, "<-sys_open");
}

// --- Other record kinds ---------------------------------------------------------------------

TEST(TraceRead, HeaderAndComment) {
  const TraceRecord h = line("# topology-dump:  domain-0: span=0-1 level=SMT");
  ASSERT_EQ(h.kind, TraceRecordKind::Header);
  EXPECT_EQ(h.key, "topology-dump");
  EXPECT_EQ(h.value, " domain-0: span=0-1 level=SMT");  // indentation kept
  EXPECT_EQ(line("# tracer: nop").key, "tracer");
  EXPECT_EQ(line("# tracer:").kind, TraceRecordKind::Header);
  for (const char* c :
       {"#", "# excerpt", "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION", "#P:4",
        "# a:b"})
    EXPECT_EQ(line(c).kind, TraceRecordKind::Comment) << c;
}

TEST(TraceRead, LostEventsOfFtraceAndTraceCmd) {
  const TraceRecord f = line("CPU:2 [LOST 1234 EVENTS]");
  ASSERT_EQ(f.kind, TraceRecordKind::LostEvents) << f.error;
  EXPECT_EQ(f.cpu, 2);
  EXPECT_EQ(f.lost, 1234u);
  const TraceRecord unknown = line("CPU:5 [LOST EVENTS]");
  ASSERT_EQ(unknown.kind, TraceRecordKind::LostEvents);
  EXPECT_EQ(unknown.cpu, 5);
  EXPECT_FALSE(unknown.lost);
  const TraceRecord tc = line("CPU:7 [204600 EVENTS DROPPED]");
  ASSERT_EQ(tc.kind, TraceRecordKind::LostEvents);
  EXPECT_EQ(tc.cpu, 7);
  EXPECT_EQ(tc.lost, 204600u);
  EXPECT_EQ(line("CPU:0 [EVENTS DROPPED]").kind, TraceRecordKind::LostEvents);
  EXPECT_STREQ(trace_record_kind_name(tc.kind), "lost-events");
  for (const char* bad : {"CPU: [LOST 3 EVENTS]", "CPU:1 [LOST x EVENTS]", "CPU:1 [LOST 3 EVENT]",
                          "CPU:1", "CPU:1 [3 EVENTS LOST]"}) {
    const TraceRecord r = line(bad);
    EXPECT_EQ(r.kind, TraceRecordKind::Unparsed) << bad;
    EXPECT_FALSE(r.error.empty()) << bad;
  }
}

TEST(TraceRead, TraceCmdPreamble) {
  const TraceRecord v = line("version = 6");
  ASSERT_EQ(v.kind, TraceRecordKind::Preamble);
  EXPECT_EQ(v.key, "version");
  EXPECT_EQ(v.value, "6");
  const TraceRecord c = line("cpus=6");
  ASSERT_EQ(c.kind, TraceRecordKind::Preamble);
  EXPECT_EQ(c.key, "cpus");
  const TraceRecord e = line("CPU 3 is empty");
  ASSERT_EQ(e.kind, TraceRecordKind::Preamble);
  EXPECT_EQ(e.key, "empty");
  EXPECT_EQ(e.cpu, 3);
  EXPECT_EQ(line("version = six").kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(line("CPU x is empty").kind, TraceRecordKind::Unparsed);
}

TEST(TraceRead, ContinuationOnlyAfterAPrintkEvent) {
  const std::vector<Read> rs = read_all(
      "ls-1 [002] 1.000001: bprint:   select_task_rq_fair: fig: cpu=0\n"
      " gid=4\n"
      " more\n"
      "ls-1 [002] 1.000002: sched_switch:   a\n"
      " gid=5\n");
  ASSERT_EQ(rs.size(), 5u);
  EXPECT_EQ(rs[0].kind, TraceRecordKind::Event);
  EXPECT_EQ(rs[0].fields, "select_task_rq_fair: fig: cpu=0");
  EXPECT_EQ(rs[1].kind, TraceRecordKind::Continuation);
  EXPECT_EQ(rs[1].text, " gid=4");
  EXPECT_EQ(rs[2].kind, TraceRecordKind::Continuation);
  EXPECT_EQ(rs[3].kind, TraceRecordKind::Event);
  EXPECT_EQ(rs[4].kind, TraceRecordKind::Unparsed);  // sched_switch does not wrap
  EXPECT_EQ(rs[4].line, 5u);
}

// --- Bad input --------------------------------------------------------------------------------

TEST(TraceRead, GarbageLinesAreUnparsedWithAReason) {
  const std::string binary("ab\x01\x02\xff\0cd", 8);
  for (const std::string& bad : {std::string(""),
                                 std::string("   "),
                                 std::string("          <idle>-0       [00"),
                                 binary,
                                 std::string("hello world"),
                                 std::string("x-1 [000] d..2. notatime: e: f"),
                                 std::string("x-1 [000] d..2. 1.12345: e: f"),
                                 std::string("x-1 [000] d..2. 1.000001:"),
                                 std::string("x-1 [000] d..2.x 1.000001: e: f"),
                                 std::string("x-1 [000] d:.2. 1.000001: e: f"),
                                 std::string("-1 [000] 1.000001: e: f"),
                                 std::string("x1 [000] 1.000001: e: f"),
                                 std::string("x-1 (12 [000] 1.000001: e: f"),
                                 std::string("x-1 [000] 12345678901.000001: e: f"),
                                 std::string("x-99999999999 [000] 1.000001: e: f"),
                                 std::string("x-1 (ab) [000] 1.000001: e: f"),
                                 std::string("x-1 12) [000] 1.000001: e: f"),
                                 std::string("  -1 [000] 1.000001: e: f"),
                                 std::string("x-1 [000] 1.000001 e: f"),
                                 std::string("x-1 [000] -1.000001: e: f")}) {
    const TraceRecord r = line(bad);
    EXPECT_EQ(r.kind, TraceRecordKind::Unparsed) << bad;
    EXPECT_FALSE(r.error.empty()) << bad;
    EXPECT_LE(r.column, bad.size()) << bad;
  }
  EXPECT_EQ(line(binary).column, 2u);
  // Tabs are blanks, not control bytes; a DEL deep in the line is found at its column.
  const TraceRecord tabs = line("x-1\t[000]\t1.000001:\te:\tkey=v\tk2=w");
  ASSERT_EQ(tabs.kind, TraceRecordKind::Event) << tabs.error;
  EXPECT_EQ(tabs.fields, "key=v\tk2=w");
  const TraceRecord del = line("x-1 [000] 1.000001: e: key=v\x7f");
  EXPECT_EQ(del.kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(del.column, 28u);
}

// A pid or CPU column of more digits than an int holds is a reason, at the column of the
// digits (the CPU's was once read through an empty optional).
TEST(TraceRead, NumbersTooLongForAnIntAreUnparsedAtTheirColumn) {
  const TraceRecord cpu = line("x-1 [1234567890] 1.000001: e: f");
  EXPECT_EQ(cpu.kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(cpu.error, "expected a CPU number of at most 9 digits");
  EXPECT_EQ(cpu.column, 5u);
  const TraceRecord pid = line("x-1234567890 [000] 1.000001: e: f");
  EXPECT_EQ(pid.kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(pid.error, "expected a pid before the [cpu] column");
  EXPECT_EQ(pid.column, 2u);
  const TraceRecord widest = line("x-999999999 [999999999] 1.000001: e: f");
  ASSERT_EQ(widest.kind, TraceRecordKind::Event) << widest.error;
  EXPECT_EQ(widest.pid, 999999999);
  EXPECT_EQ(widest.cpu, 999999999);
}

TEST(TraceRead, ReaderSurvivesGarbageAndOverlongLines) {
  std::string text = "# tracer: nop\n\n";
  text += std::string(100 * 1024, 'x') + "\n";
  text += "x-1 [000] d..2. 1.000001: e: f\r\n";  // CRLF
  text += std::string("\0\0\0\n", 4);
  text += "          <idle>-0       [00\n";      // truncated
  text += std::string(1024 * 1024, 'z') + "\n";  // longer than the reader's whole buffer
  text += "x-2 [001] 1.000002: e: g\n";
  text += std::string(70 * 1024, 'w');  // overlong last line without a line break
  const std::vector<Read> rs = read_all(text);
  ASSERT_EQ(rs.size(), 9u);
  EXPECT_EQ(rs[0].kind, TraceRecordKind::Header);
  EXPECT_EQ(rs[1].kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(rs[2].kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(rs[2].line, 3u);
  EXPECT_EQ(rs[2].text.size(), kMaxTraceLine);
  EXPECT_NE(rs[2].error.find("longer"), std::string::npos);
  EXPECT_EQ(rs[3].kind, TraceRecordKind::Event);  // the line after the long one is intact
  EXPECT_EQ(rs[3].line, 4u);
  EXPECT_EQ(rs[3].fields, "f");
  EXPECT_EQ(rs[4].kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(rs[5].kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(rs[5].line, 6u);
  EXPECT_EQ(rs[6].kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(rs[6].text.size(), kMaxTraceLine);
  EXPECT_EQ(rs[7].kind, TraceRecordKind::Event);
  EXPECT_EQ(rs[7].line, 8u);
  EXPECT_EQ(rs[7].fields, "g");
  EXPECT_EQ(rs[8].kind, TraceRecordKind::Unparsed);
  EXPECT_EQ(rs[8].line, 9u);
  EXPECT_TRUE(read_all_mapped(text) == rs) << "a mapped file reads as the stream does";
}

// Over several MB the mapped reader gives back what it has passed (a step is 1 MB) and still
// reads every line as the stream reader does, a trace_printk continuation included.
TEST(TraceRead, MappedFileReadsAsTheStreamDoesPastWhatItGivesBack) {
  std::string text = "# tracer: nop\n";
  for (int i = 0; text.size() < 3 * 1024 * 1024; ++i)
    text += "          <idle>-0       [00" + std::to_string(i % 8) + "] d.h1. " +
            std::to_string(i) + ".000001: sched_balance_tick: cpu=" + std::to_string(i % 8) +
            " jiffies=" + std::to_string(i) + "\n";
  text += "  bash-1 [000] ..... 9.000001: bprint: foo: two\nlines\n";
  const std::vector<Read> rs = read_all(text);
  EXPECT_GT(rs.size(), 30000u);
  EXPECT_EQ(rs.back().kind, TraceRecordKind::Continuation);
  EXPECT_TRUE(read_all_mapped(text) == rs);
}

TEST(TraceRead, WhatCannotBeMappedIsLeftToTheStreamReader) {
  const std::string dir = ::testing::TempDir();
  EXPECT_FALSE(MappedFile::open(dir + "/sbm_no_such_file.trace"));
  EXPECT_FALSE(MappedFile::open(dir));  // a directory
  const std::string empty = dir + "/sbm_empty.trace";
  std::ofstream(empty, std::ios::binary).flush();
  EXPECT_FALSE(MappedFile::open(empty));  // nothing to map: the stream reader says so
}

TEST(TraceRead, LongLinesWithinTheLimitReadWhole) {
  const std::string fields(60 * 1024, 'y');
  const std::vector<Read> rs =
      read_all("x-1 [000] 1.000001: e: " + fields + "\nx-2 [001] 1.000002: e: z\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].kind, TraceRecordKind::Event);
  EXPECT_EQ(rs[0].fields, fields);
  EXPECT_EQ(rs[1].pid, 2);
}

// The reader reuses one record; nothing a line sets may outlive it. After each kind of line,
// each other kind reads, member for member, as it does on its own (read_trace_line()).
TEST(TraceRead, TheReusedRecordKeepsNothingFromTheLineBefore) {
  const std::vector<std::string> lines = {
      "          <idle>-0       [007] d.h1. 12.000001: sched_balance_tick: cpu=7",
      "   bash-1977  ( 1977) [003] d..2 1237.764236: sched_switch: prev_comm=bash",
      "            perf  5512 [002]  1234.567890123: sched:sched_wakeup: comm=a pid=1",
      "# tracer: nop",
      "# comment without a colon",
      "CPU:2 [LOST 5 EVENTS]",
      "CPU 3 is empty",
      "cpus=4",
      "version = 6",
      "",
      "   ",
      "garbage",
      "x-1 [000] 1.0: e: f",
      std::string("a") + "b"};
  for (const std::string& before : lines)
    for (const std::string& after : lines) {
      std::istringstream in(before + "\n" + after + "\n");
      TraceReader reader(in);
      ASSERT_NE(reader.next(), nullptr);
      const TraceRecord* r = reader.next();
      ASSERT_NE(r, nullptr);
      EXPECT_EQ(testing::record_differences(*r, read_trace_line(after, 2)), "")
          << "'" << after << "' after '" << before << "'";
    }
}

// --- Event ids ----------------------------------------------------------------------------------

TEST(TraceEventId, EveryNameMapsToItsIdAndBack) {
  for (std::size_t i = 1; i < kTraceEventIds; ++i) {
    const auto id = static_cast<TraceEventId>(i);
    const std::string_view name = trace_event_name(id);
    ASSERT_FALSE(name.empty()) << i;
    EXPECT_EQ(trace_event_id(name), id) << name;
    EXPECT_EQ(is_sbm_trace_event(id), is_sbm_trace_event(name)) << name;
  }
  EXPECT_TRUE(is_sbm_trace_event(TraceEventId::Tick));
  EXPECT_FALSE(is_sbm_trace_event(TraceEventId::Switch));
  EXPECT_FALSE(is_sbm_trace_event(TraceEventId::Unknown));
  EXPECT_EQ(trace_event_id("sched_balance_tic"), TraceEventId::Unknown);
  EXPECT_EQ(trace_event_id("sched_stat_runtime"), TraceEventId::Unknown);
  EXPECT_EQ(trace_event_id(""), TraceEventId::Unknown);
  EXPECT_EQ(trace_event_id("x"), TraceEventId::Unknown);
  EXPECT_EQ(bare_trace_event_name("sched:sched_switch"), "sched_switch");
  EXPECT_EQ(trace_event_id(bare_trace_event_name("irq:softirq_entry")), TraceEventId::SoftirqEntry);
}

TEST(TraceEventId, TheReaderClassifiesEachEventLine) {
  const std::vector<Read> rs = read_all(
      "  perf  4734 [001]  1.000001: sched:sched_switch: a:1 [120] R ==> b:2 [120]\n"
      "  x-1 [000] d.h1. 1.000002: sched_balance_tick: cpu=0\n"
      "  x-1 [000] d.h1. 1.000003: sched_stat_runtime: comm=x\n");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].id, TraceEventId::Switch);
  EXPECT_EQ(rs[1].id, TraceEventId::Tick);
  EXPECT_EQ(rs[2].id, TraceEventId::Unknown);
}

// --- Real kernel samples ------------------------------------------------------------------------

std::string slurp(const std::string& name) {
  std::ifstream f(std::string(SBM_DATA_DIR) + "/traces/" + name, std::ios::binary);
  EXPECT_TRUE(f) << name;
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(TraceReadSamples, EveryLineOfTheRealTracesReads) {
  struct Sample {
    const char* file;
    int events, headers, comments, preamble, continuations;
  };
  for (const Sample& s :
       {Sample{"001-kprateek-zen3-stream-wakeup-migrate.txt", 27, 2, 1, 0, 0},
        Sample{"004-kprateek-epyc-softirq-sched-vec7.txt", 3, 2, 1, 0, 0},
        Sample{"014-trappy-arm6cpu-trace-cmd-report-not-raw.txt", 30, 2, 1, 4, 2}}) {
    const std::vector<Read> rs = read_all(slurp(s.file));
    std::map<TraceRecordKind, int> n = kind_counts(rs);
    for (const Read& r : rs)
      EXPECT_NE(r.kind, TraceRecordKind::Unparsed)
          << s.file << ":" << r.line << ": " << trace_record_kind_name(r.kind) << ": " << r.error;
    EXPECT_EQ(n[TraceRecordKind::Event], s.events) << s.file;
    EXPECT_EQ(n[TraceRecordKind::Header], s.headers) << s.file;
    EXPECT_EQ(n[TraceRecordKind::Comment], s.comments) << s.file;
    EXPECT_EQ(n[TraceRecordKind::Preamble], s.preamble) << s.file;
    EXPECT_EQ(n[TraceRecordKind::Continuation], s.continuations) << s.file;
  }
}

TEST(TraceReadSamples, SoftirqSampleFields) {
  const std::vector<Read> rs = read_all(slurp("004-kprateek-epyc-softirq-sched-vec7.txt"));
  ASSERT_EQ(rs.size(), 6u);
  EXPECT_EQ(rs[4].event, "softirq_entry");
  EXPECT_EQ(rs[4].cpu, 0);
  std::vector<TraceField> f;
  parse_trace_fields(rs[4].fields, f);
  EXPECT_EQ(find_trace_field(f, "vec"), "7");
  EXPECT_EQ(find_trace_field(f, "action"), "SCHED");
}

// --- sbm's own writer, read back ----------------------------------------------------------------

// Writes every event and keeps a copy, to compare with what the reader finds.
class WriteAndKeep final : public TraceObserver {
 public:
  explicit WriteAndKeep(TraceWriter& w) : TraceObserver(w) {}
  void emit(const BalanceEvent& e) override {
    TraceObserver::emit(e);
    written.emplace_back(e);
  }
  void on_task_event(const TaskEvent& e) override {
    TraceObserver::on_task_event(e);
    written.emplace_back(e);
  }
  std::vector<std::variant<BalanceEvent, TaskEvent>> written;
};

TEST(TraceReadWriter, WriterTraceReadsBackFieldForField) {
  const SimConfig c = testing::sim_config("2s-numa", "v6.17", "numa-imbalance");
  Simulator sim = testing::make_sim(c);

  std::ostringstream out;
  TraceWriter writer = start_trace(out, sim, "test", "2s-numa");
  WriteAndKeep keep(writer);
  sim.run_ticks(40, keep);

  std::istringstream in(out.str());
  TraceReader reader(in);
  TraceHeaderText header;
  std::vector<TraceField> f;
  std::size_t i = 0;
  uint64_t last_ns = 0;
  int migrations = 0;
  int results = 0;
  while (const TraceRecord* r = reader.next()) {
    ASSERT_NE(r->kind, TraceRecordKind::Unparsed) << r->line << ": " << r->error << ": " << r->text;
    if (r->kind == TraceRecordKind::Header) {
      ASSERT_FALSE(add_trace_header(header, *r)) << r->text;
      continue;
    }
    if (r->kind != TraceRecordKind::Event) continue;
    ASSERT_LT(i, keep.written.size());
    EXPECT_EQ(r->flags.size(), 5u);
    EXPECT_GE(r->timestamp_ns, last_ns) << r->line;  // file order is the model's order
    last_ns = r->timestamp_ns;
    if (r->pid == 0)
      EXPECT_EQ(r->comm, "<idle>");
    else
      EXPECT_EQ(r->comm, "task" + std::to_string(r->pid));
    parse_trace_fields(r->fields, f);
    for (const TraceField& x : f) EXPECT_TRUE(x.has_value) << r->line << ": " << x.key;
    const auto& w = keep.written[i++];
    if (const auto* t = std::get_if<TaskEvent>(&w)) {
      EXPECT_EQ(find_trace_field(f, "pid"), std::to_string(t->pid)) << r->text;
      continue;
    }
    const BalanceEvent& e = std::get<BalanceEvent>(w);
    if (const auto* tick = std::get_if<TickEvent>(&e)) {
      EXPECT_EQ(r->event, "sched_balance_tick");
      EXPECT_EQ(r->cpu, tick->cpu);
      EXPECT_EQ(find_trace_field(f, "jiffies"), std::to_string(tick->jiffies));
    } else if (const auto* mig = std::get_if<TaskMigrateEvent>(&e)) {
      ++migrations;
      EXPECT_EQ(r->event, "sched_migrate_task");
      EXPECT_EQ(find_trace_field(f, "comm"), "task" + std::to_string(mig->pid));
      EXPECT_EQ(find_trace_field(f, "orig_cpu"), std::to_string(mig->from_cpu));
      EXPECT_EQ(find_trace_field(f, "dest_cpu"), std::to_string(mig->to_cpu));
      EXPECT_EQ(find_trace_field(f, "allowed"), mig->cpus_allowed.to_cpulist());
    } else if (const auto* res = std::get_if<BalanceResultEvent>(&e)) {
      ++results;
      EXPECT_EQ(r->event, "sched_balance_result");
      EXPECT_EQ(find_trace_field(f, "balance_interval"),
                std::to_string(res->balance_interval_before) + "->" +
                    std::to_string(res->balance_interval_after));
    } else if (std::holds_alternative<SoftirqEntryEvent>(e)) {
      EXPECT_EQ(r->event, "softirq_entry");
      EXPECT_EQ(find_trace_field(f, "action"), "SCHED");
    }
  }
  EXPECT_EQ(i, keep.written.size());
  EXPECT_GT(results, 0);
  EXPECT_GT(migrations, 0);
  EXPECT_EQ(header.version, kTraceFormatVersion);
  EXPECT_EQ(header.profile, "v6.17");
  EXPECT_EQ(header.hz, c.profile.hz);
  EXPECT_EQ(header.topology, "2s-numa");
  std::istringstream dump(write_dmesg(sim.topology(), c.profile.version));
  std::size_t dump_lines = 0;
  for (std::string l; std::getline(dump, l);) ++dump_lines;
  EXPECT_EQ(header.topology_dump.size(), dump_lines);
}

}  // namespace
}  // namespace sbm
