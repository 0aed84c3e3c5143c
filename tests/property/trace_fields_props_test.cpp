// Property: TraceFields::find(), which reads an event's fields forward in one pass, answers
// exactly what find_trace_field() answers on the whole split text (traces/trace_fields.h), for
// any line that names no key twice and any order of lookups: in order, out of order, repeated,
// missing. The fast path must never change what a check sees.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "traces/trace_fields.h"

namespace sbm {
namespace {

// Keys as trace lines print them, comm-like ones (whose values may hold blanks) included, and
// keys that start with another one ("cpus", "levels"), which are not it.
const std::vector<std::string> kKeys = {"cpu",    "pid",     "comm",         "prev_comm", "vec",
                                        "action", "jiffies", "next_balance", "allowed",   "level",
                                        "due",    "x",       "cpus",         "levels"};
const std::vector<std::string> kValues = {"0",     "7",           "4294892296", "SCHED", "0-3,8",
                                          "8->16", "Web Content", "a:b",        ""};
// Items without a value: a compact sched_switch's pieces, a bare flag.
const std::vector<std::string> kBare = {"==>", "[120]", "R", "*LLC:", "=x"};

RC_GTEST_PROP(TraceFieldsProps, ForwardReadingAgreesWithTheSplitText, ()) {
  const auto picked_keys = *rc::gen::unique<std::vector<std::string>>(rc::gen::elementOf(kKeys));
  std::string line;
  for (const std::string& k : picked_keys) {
    if (*rc::gen::inRange(0, 4) == 0) line += *rc::gen::elementOf(kBare) + " ";
    std::string v = *rc::gen::elementOf(kValues);
    if (v.empty() && *rc::gen::arbitrary<bool>())
      line += "[" + k + "=SCHED] ";
    else
      line += k + "=" + v + " ";
  }
  if (*rc::gen::arbitrary<bool>()) line += "  \t";
  std::vector<TraceField> split;
  parse_trace_fields(line, split);

  TraceFields fields;
  fields.reset(line);
  const auto lookups = *rc::gen::container<std::vector<std::string>>(
      rc::gen::oneOf(rc::gen::elementOf(kKeys), rc::gen::just(std::string("missing"))));
  for (const std::string& key : lookups) {
    RC_LOG() << "line '" << line << "' key " << key << "\n";
    RC_ASSERT(fields.find(key) == find_trace_field(split, key));
  }
  // Reading every key in line order finds each one (the reader's common case).
  fields.reset(line);
  for (const TraceField& f : split)
    if (f.has_value) RC_ASSERT(fields.find(f.key) == find_trace_field(split, f.key));
}

// number_at_cursor() reads a plain number in the pass that finds its end; whenever it answers,
// it must answer what the long way (find() and std::from_chars on the whole value) answers,
// and it must answer for every plain number that is next in the line.
template <class T>
void check_number_at_cursor(const std::string& line, const std::vector<std::string>& keys) {
  TraceFields fast;
  TraceFields slow;
  fast.reset(line);
  slow.reset(line);
  for (const std::string& key : keys) {
    T got{};
    const std::size_t length = fast.number_at_cursor(key, got);
    const std::optional<std::string_view> v = slow.find(key);
    RC_LOG() << "line '" << line << "' key " << key << " length " << length << "\n";
    T want{};
    const bool plain =
        v && !v->empty() &&
        std::from_chars(v->data(), v->data() + v->size(), want).ptr == v->data() + v->size() &&
        (v->front() != '+');
    if (length != 0) {
      RC_ASSERT(v.has_value());
      RC_ASSERT(length == v->size());
      RC_ASSERT(plain);
      RC_ASSERT(got == want);
    } else {
      // Not read: fall back on find(), which must still see the same line.
      fast.find(key);
    }
  }
}

RC_GTEST_PROP(TraceFieldsProps, NumberAtCursorAgreesWithTheLongWay, ()) {
  const std::vector<std::string> values = {"0",
                                           "7",
                                           "-1",
                                           "-0",
                                           "007",
                                           "4294892296",
                                           "18446744073709551615",
                                           "99999999999999999999",
                                           "2147483647",
                                           "2147483648",
                                           "8->16",
                                           "1x",
                                           "",
                                           "+3",
                                           "SCHED"};
  const auto keys = *rc::gen::unique<std::vector<std::string>>(rc::gen::elementOf(kKeys));
  std::string line;
  for (const std::string& k : keys) {
    if (*rc::gen::inRange(0, 5) == 0) line += *rc::gen::elementOf(kBare) + " ";
    line += k + "=" + *rc::gen::elementOf(values) + std::string(*rc::gen::inRange(1, 3), ' ');
  }
  check_number_at_cursor<uint64_t>(line, keys);
  check_number_at_cursor<int>(line, keys);
  check_number_at_cursor<unsigned>(line, keys);
}

// Every plain number next in the line is read by the fast path (it is not a dead branch).
TEST(TraceFieldsNumberAtCursor, ReadsPlainNumbersInOrder) {
  TraceFields f;
  f.reset("cpu=7 jiffies=4294892296 holder=-1  level=0");
  int cpu = 0, holder = 0, level = 5;
  uint64_t jiffies = 0;
  EXPECT_EQ(f.number_at_cursor("cpu", cpu), 1u);
  EXPECT_EQ(f.number_at_cursor("jiffies", jiffies), 10u);
  EXPECT_EQ(f.number_at_cursor("holder", holder), 2u);
  EXPECT_EQ(f.number_at_cursor("level", level), 1u);
  EXPECT_EQ(cpu, 7);
  EXPECT_EQ(jiffies, 4294892296u);
  EXPECT_EQ(holder, -1);
  EXPECT_EQ(level, 0);
  // Not next, not a number, a sign where the type has none, too long: left to the long way.
  f.reset("a=1 b=8->16 c=-1 d=99999999999");
  EXPECT_EQ(f.number_at_cursor("b", cpu), 0u);
  EXPECT_EQ(f.number_at_cursor("a", cpu), 1u);
  EXPECT_EQ(f.number_at_cursor("b", cpu), 0u);
  EXPECT_EQ(f.find("b"), "8->16");
  unsigned u = 0;
  EXPECT_EQ(f.number_at_cursor("c", u), 0u);
  EXPECT_EQ(f.find("c"), "-1");
  EXPECT_EQ(f.number_at_cursor("d", cpu), 0u);
  EXPECT_EQ(f.number_at_cursor("d", jiffies), 11u);
}

// A line in its writer's layout is read whole in order; each read off that layout answers
// nothing and leaves the cursor where it was, for TraceFields::seek() to go on from.
TEST(InOrderFields, ReadsTheWritersLayoutAndStopsAtTheFirstItemOffIt) {
  const std::string line = "cpu=7 jiffies=4294892296 idle=1 name=SMT holder=-1";
  InOrderFields f(line);
  int cpu = 0, holder = 0;
  uint64_t jiffies = 0;
  bool idle = false;
  std::string_view name;
  EXPECT_TRUE(f.at("cpu"));
  EXPECT_FALSE(f.at("jiffies"));
  EXPECT_TRUE(f.number("cpu", cpu));
  EXPECT_TRUE(f.number("jiffies", jiffies));
  EXPECT_TRUE(f.flag("idle", idle));
  EXPECT_TRUE(f.text("name", name));
  EXPECT_TRUE(f.number("holder", holder));
  EXPECT_EQ(f.offset(), line.size());
  EXPECT_EQ(cpu, 7);
  EXPECT_EQ(jiffies, 4294892296u);
  EXPECT_TRUE(idle);
  EXPECT_EQ(name, "SMT");
  EXPECT_EQ(holder, -1);

  // Off the layout: another key next, a flag of two digits, a tab, two blanks, a longer key.
  const std::string odd = "cpu=7 idle=01\tdue=0  level=1 levels=2";
  InOrderFields g(odd);
  EXPECT_FALSE(g.number("level", cpu));
  EXPECT_TRUE(g.number("cpu", cpu));
  const std::size_t at_idle = g.offset();
  EXPECT_EQ(odd.substr(at_idle, 4), "idle");
  EXPECT_FALSE(g.flag("idle", idle));
  EXPECT_EQ(g.offset(), at_idle);
  TraceFields rest;
  rest.reset(odd);
  rest.seek(at_idle);
  EXPECT_EQ(rest.find("idle"), "01");
  InOrderFields h(std::string_view(odd).substr(odd.find("due")));
  EXPECT_TRUE(h.flag("due", idle));
  EXPECT_FALSE(h.number("level", cpu));  // two blanks before it
  InOrderFields k(std::string_view(odd).substr(odd.find("levels")));
  EXPECT_FALSE(k.number("level", cpu));
}

}  // namespace
}  // namespace sbm
