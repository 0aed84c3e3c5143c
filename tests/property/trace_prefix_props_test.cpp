// Property: read_trace_line(), which reads ftrace's own layout ("%16s-%-7d [%03d] flags
// secs.usecs: ") at the places that layout fixes, answers exactly what
// read_trace_line_the_long_way() answers, for lines on that layout, near it and off it: the
// shortcut must never change a record, a reason or a column (traces/trace_line_read.h).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "tests/support/trace_record_compare.h"
#include "traces/trace_line_read.h"

namespace sbm {
namespace {

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}
std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// Each part of the prefix: mostly what ftrace prints, sometimes what it never does.
const std::vector<std::string> kComms = {"<idle>", "kworker/0:1", "gnome-shell",      "Web Content",
                                         "a-12",   "[x]",         "x [1] y",          "x ",
                                         "",       "cc1plus",     "0123456789abcdef", "perf"};
const std::vector<std::string> kPids = {"0",          "7", "1234567", "123456789",
                                        "1234567890", "",  "x",       "-1"};
const std::vector<std::string> kCpus = {"[007]", "[0]", "[1234]", "[1234567890]",
                                        "[]",    "[07", "[x]",    "(12) [003]"};
const std::vector<std::string> kFlags = {"d.h1.",  "d.h1",  "..s1.", "dNh2",
                                         "d.h1..", "d:h1.", "",      "123"};
const std::vector<std::string> kStamps = {
    "0.000000:",           "12345.678901:", "1.123456789:", "    3.000001:", "1.12345:",
    "12345678901.000001:", "1.000001",      "1.000001:x",   "1.0000011:",    ".000001:",
    "1.00x001:",           "1.000 01:",     "1.000001234x:"};
const std::vector<std::string> kBlanks = {" ", "", "\t",
                                          "   "};  // between pid and [cpu], and after it
const std::vector<std::string> kTails = {" sched_balance_tick: cpu=7 jiffies=4294892296",
                                         " sched_switch:",
                                         "",
                                         " e:",
                                         "  softirq_raise: vec=7 [action=SCHED]",
                                         " sched:sched_migrate_task: pid=1"};

// The line of the parts picked, the comm padded to `comm_width` and the pid to `pid_width`.
struct Prefix {
  std::string comm = "<idle>", pid = "0", cpu = "[007]", flags = "d.h1.",
              stamp = "0.000000:", tail = " e: f";
  std::string before_cpu = " ", after_cpu = " ";
  std::size_t comm_width = 16, pid_width = 7;
  std::string line() const {
    return pad_left(comm, comm_width) + "-" + pad_right(pid, pid_width) + before_cpu + cpu +
           after_cpu + (flags.empty() ? "" : flags + " ") + stamp + tail;
  }
};

RC_GTEST_PROP(TracePrefixProps, FtraceLayoutShortcutAgreesWithTheLongWay, ()) {
  Prefix p;
  p.comm = *rc::gen::elementOf(kComms);
  p.comm_width = *rc::gen::element<std::size_t>(16, 16, 15, 17);
  p.pid = *rc::gen::elementOf(kPids);
  p.pid_width = *rc::gen::element<std::size_t>(7, 5, 0);
  p.cpu = *rc::gen::elementOf(kCpus);
  p.before_cpu = *rc::gen::elementOf(kBlanks);
  p.after_cpu = *rc::gen::elementOf(kBlanks);
  p.flags = *rc::gen::elementOf(kFlags);
  p.stamp = *rc::gen::elementOf(kStamps);
  p.tail = *rc::gen::elementOf(kTails);
  std::string line = p.line();
  // Now and then a byte anywhere becomes another one a trace may hold.
  if (!line.empty() && *rc::gen::inRange(0, 3) == 0) {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, line.size());
    line[at] = *rc::gen::element(' ', '-', '[', ']', ':', '.', '0', '9', 'x', '\t');
  }
  RC_ASSERT(testing::record_differences(read_trace_line(line, 1),
                                        read_trace_line_the_long_way(line, 1)) == "");
}

// Every variant of every part, the others as ftrace prints them: each odd case is met on every
// run, not only when the random property draws it.
TEST(TracePrefix, EveryPartVariantAgreesWithTheLongWay) {
  std::vector<std::string> lines;
  auto each = [&lines](const std::vector<std::string>& values, std::string Prefix::*part) {
    for (const std::string& v : values) {
      Prefix p;
      p.*part = v;
      lines.push_back(p.line());
    }
  };
  each(kComms, &Prefix::comm);
  each(kPids, &Prefix::pid);
  each(kCpus, &Prefix::cpu);
  each(kBlanks, &Prefix::before_cpu);
  each(kBlanks, &Prefix::after_cpu);
  each(kFlags, &Prefix::flags);
  each(kStamps, &Prefix::stamp);
  each(kTails, &Prefix::tail);
  for (const std::size_t w : {15u, 17u}) {
    Prefix p;
    p.comm_width = w;
    lines.push_back(p.line());
  }
  for (const std::size_t w : {5u, 0u})
    for (const std::string& blanks : kBlanks) {  // an unpadded pid right against "[cpu]"
      Prefix p;
      p.pid_width = w;
      p.before_cpu = blanks;
      lines.push_back(p.line());
    }
  for (const std::string& line : lines)
    EXPECT_EQ(testing::record_differences(read_trace_line(line, 1),
                                          read_trace_line_the_long_way(line, 1)),
              "")
        << line;
}

// The six fraction digits of a raw ftrace line are read as one word (read_six_digits()); the
// long way reads the timestamp's token alone, which leaves no room for a word, by the digit
// loop. Each fraction position holds each digit (the value is checked too) and each byte near
// the digits' range ('/' and ':' on either side, ';' and '?' which pass the word's first test
// only, bytes whose low nibble is a digit's); the byte after the sixth digit is varied alike.
TEST(TracePrefix, SixFractionDigitsReadAsOneWordAgreeWithTheDigitLoop) {
  const std::string odd = "/:;?@ x\xb0\xb5\xf9\x80";
  int events = 0;
  for (std::size_t at = 0; at <= 6; ++at)
    for (const char c : std::string("0123456789") + odd) {
      std::string frac = "123456:";
      frac[at] = c;
      const std::string line =
          "          <idle>-0       [007] d.h1. 42." + frac + " sched_balance_tick: cpu=7";
      const TraceRecord r = read_trace_line(line, 1);
      EXPECT_EQ(testing::record_differences(r, read_trace_line_the_long_way(line, 1)), "") << line;
      if (r.kind != TraceRecordKind::Event) continue;
      ++events;
      if (at < 6) {
        EXPECT_EQ(r.timestamp_ns, 42000000000u + std::stoull(frac.substr(0, 6)) * 1000) << line;
      }
    }
  // Read as events: each of the 10 digits at each of the 6 places, and ':' as the seventh byte.
  EXPECT_EQ(events, 6 * 10 + 1);
  // A line ending right after the timestamp's ':', in a buffer of exactly its size: the word
  // must not be read past the line's end (AddressSanitizer sees a byte too many).
  const std::string text = "          <idle>-0       [007] d.h1. 42.123456:";
  const std::vector<char> exact(text.begin(), text.end());
  const TraceRecord r = read_trace_line(std::string_view(exact.data(), exact.size()), 1);
  EXPECT_EQ(r.error, "expected an event name after the timestamp");
  EXPECT_EQ(r.timestamp_ns, 42123456000u);
}

TEST(TracePrefix, FtraceLayoutIsReadAtItsPlaces) {
  const std::string line =
      "          <idle>-0       [007] d.h1. 12.000001: sched_balance_tick: cpu=7";
  const TraceRecord r = read_trace_line(line, 3);
  ASSERT_EQ(r.kind, TraceRecordKind::Event) << r.error;
  EXPECT_EQ(r.comm, "<idle>");
  EXPECT_EQ(r.pid, 0);
  EXPECT_EQ(r.cpu, 7);
  EXPECT_EQ(r.flags, "d.h1.");
  EXPECT_EQ(r.timestamp_text, "12.000001");
  EXPECT_EQ(r.timestamp_ns, 12000001000u);
  EXPECT_EQ(r.event, "sched_balance_tick");
  EXPECT_EQ(r.fields, "cpu=7");
}

}  // namespace
}  // namespace sbm
