// traces/trace_events_read.h: every event the writer produces reads back as the event it was
// written from, field for field; bad fields are errors naming the event and field.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <tuple>
#include <utility>
#include <variant>

#include "model/profile.h"
#include "tests/support/balance_event_compare.h"
#include "tests/support/trace_gen_testing.h"
#include "traces/trace_events_read.h"
#include "traces/trace_fields.h"
#include "traces/trace_reader.h"

namespace sbm {
namespace {

using testing::for_each_printed_item;
using testing::same_in_trace;

struct ReadBack {
  std::vector<BalanceEvent> events;
  std::vector<TaskEvent> task_events;
  std::vector<std::string> errors;
};

ReadBack read_back(const std::string& text) {
  ReadBack out;
  std::istringstream in(text);
  TraceReader reader(in);
  TraceFields scratch;
  while (const TraceRecord* r = reader.next()) {
    TraceEventRead e;
    read_trace_event(*r, scratch, e);
    if (e.kind == TraceEventKind::Balance) out.events.push_back(std::move(e.balance));
    if (e.kind == TraceEventKind::Task) out.task_events.push_back(e.task);
    if (e.kind == TraceEventKind::Malformed) out.errors.push_back(e.error);
    if (r->kind == TraceRecordKind::Event && e.kind == TraceEventKind::Other)
      out.errors.push_back("not read as an sbm event: " + std::string(r->text));
  }
  return out;
}

void expect_round_trip(const testing::GeneratedTrace& g) {
  const ReadBack back = read_back(g.text);
  EXPECT_TRUE(back.errors.empty()) << back.errors.front();
  ASSERT_EQ(back.events.size(), g.events.size());
  for (size_t i = 0; i < g.events.size(); ++i)
    ASSERT_TRUE(back.events[i] == g.events[i]) << "event " << i;
  ASSERT_EQ(back.task_events.size(), g.task_events.size());
  for (size_t i = 0; i < g.task_events.size(); ++i)
    ASSERT_TRUE(same_in_trace(back.task_events[i], g.task_events[i])) << i;
}

TEST(TraceEventsRead, EveryProfileRoundTripsFieldForField) {
  for (const std::string& profile : profile_names()) {
    SCOPED_TRACE(profile);
    const testing::GeneratedTrace g =
        testing::generate_trace("2s-numa", profile.c_str(), "churn", 120);
    ASSERT_GT(g.events.size(), 100u);
    expect_round_trip(g);
  }
}

TEST(TraceEventsRead, WorkloadsAndHotplugRoundTrip) {
  size_t hotplugs = 0, migrations = 0, ilb_ends = 0;
  for (const char* profile : {"v2.6.20", "v2.6.32", "v4.19", "v6.17"})
    for (const char* workload : {"pinned", "numa-imbalance", "busy", "spread"}) {
      SCOPED_TRACE(std::string(profile) + " " + workload);
      const testing::GeneratedTrace g =
          testing::generate_trace("laptop", profile, workload, 150, 25, 3);
      expect_round_trip(g);
      hotplugs += g.hotplugs;
      migrations += events_of_type<TaskMigrateEvent>(g.events).size();
      ilb_ends += events_of_type<IlbPassEndEvent>(g.events).size();
    }
  EXPECT_GT(hotplugs, 10u);
  EXPECT_GT(migrations, 10u);
  EXPECT_GT(ilb_ends, 0u);
}

TraceEventRead read_line(const std::string& line) {
  static TraceFields scratch;
  const TraceRecord r = read_trace_line(line, 7);
  TraceEventRead e;
  read_trace_event(r, scratch, e);
  return e;
}

constexpr const char* kHead = "          task3-3       [001] ..s1. 12.004000: ";

TEST(TraceEventsRead, BadFieldsAreErrorsNamingEventAndField) {
  const TraceEventRead bad = read_line(
      std::string(kHead) +
      "sched_balance_domain: cpu=1 level=0 name=MC jiffies=5 interval=x last_balance=3 due=1");
  EXPECT_EQ(bad.kind, TraceEventKind::Malformed);
  EXPECT_EQ(bad.error, "sched_balance_domain: field interval: expected an integer, found 'x'");
  EXPECT_EQ(read_line(std::string(kHead) +
                      "sched_balance_domain: cpu=1 level=0 name=MC jiffies=5 last_balance=3 due=1")
                .error,
            "sched_balance_domain: field interval: missing");
  EXPECT_EQ(
      read_line(std::string(kHead) + "sched_balance_serialize: cpu=1 level=2 action=grab holder=-1")
          .error,
      "sched_balance_serialize: field action: expected one of acquire, busy, release, found "
      "'grab'");
  EXPECT_EQ(read_line(std::string(kHead) +
                      "sched_balance_tick: cpu=1 jiffies=5 idle=2 next_balance=4 attached=1 "
                      "active=1 nohz_defers=0")
                .error,
            "sched_balance_tick: field idle: expected 0 or 1, found '2'");
  EXPECT_EQ(read_line(std::string(kHead) +
                      "sched_balance_result: cpu=1 level=0 idle=CPU_IDLE moved=0 serialize_busy=0 "
                      "continue=1 last_balance=3 interval=4 balance_interval=8")
                .error,
            "sched_balance_result: field balance_interval: expected before->after, found '8'");
  // A kernel's own sched_migrate_task lacks sbm's fields: not replayable.
  EXPECT_EQ(read_line(std::string(kHead) +
                      "sched_migrate_task: comm=a pid=3 prio=120 orig_cpu=1 dest_cpu=2")
                .error,
            "sched_migrate_task: field balance_cpu: missing");
}

TEST(TraceEventsRead, OtherEventsAndKernelDefaults) {
  EXPECT_EQ(read_line(std::string(kHead) + "softirq_raise: vec=3 [action=NET_RX]").kind,
            TraceEventKind::Other);
  EXPECT_EQ(read_line(std::string(kHead) + "sched_switch: prev_comm=a prev_pid=1").kind,
            TraceEventKind::Other);
  // A kernel's softirq_raise has no `source`: the tick's trigger raised it.
  const TraceEventRead raise =
      read_line(std::string(kHead) + "softirq_raise: vec=7 [action=SCHED]");
  ASSERT_EQ(raise.kind, TraceEventKind::Balance);
  const auto& r = std::get<SoftirqRaiseEvent>(raise.balance);
  EXPECT_EQ(std::tie(r.cpu, r.vec, r.source), std::make_tuple(1, 7, RaiseSource::Trigger));
  // Empty cpulists and lists are empty values.
  const TraceEventRead end = read_line(std::string(kHead) +
                                       "sched_balance_ilb_end: flags=3 complete=1 jiffies=9 "
                                       "candidates= skipped_busy= folded= next_balance=20->20");
  ASSERT_EQ(end.kind, TraceEventKind::Balance) << end.error;
  const auto& e = std::get<IlbPassEndEvent>(end.balance);
  EXPECT_TRUE(e.candidates.empty() && e.skipped_busy.empty() && e.folded.empty());
  EXPECT_EQ(e.before, 20u);
}

// Why a task moved: `reason=`, or the older `hotplug=0|1` of traces written before it.
TEST(TraceEventsRead, MigrateReasonAndItsOlderHotplugFlag) {
  const std::string move =
      std::string(kHead) +
      "sched_migrate_task: comm=a pid=3 prio=120 orig_cpu=1 dest_cpu=2 balance_cpu=1 level=-1 "
      "active=0 allowed=2-3 ";
  const auto reason_of = [&](const std::string& tail) {
    const TraceEventRead r = read_line(move + tail + " balance_seq=0");
    EXPECT_EQ(r.kind, TraceEventKind::Balance) << r.error;
    return r.kind == TraceEventKind::Balance ? std::get<TaskMigrateEvent>(r.balance).reason
                                             : MigrateReason::Balance;
  };
  EXPECT_EQ(reason_of("reason=affinity"), MigrateReason::Affinity);
  EXPECT_EQ(reason_of("reason=hotplug"), MigrateReason::Hotplug);
  EXPECT_EQ(reason_of("hotplug=1"), MigrateReason::Hotplug);
  EXPECT_EQ(reason_of("hotplug=0"), MigrateReason::Balance);
  EXPECT_EQ(
      read_line(move + "reason=swap balance_seq=0").error,
      "sched_migrate_task: field reason: expected one of balance, hotplug, affinity, found 'swap'");
  EXPECT_EQ(read_line(move + "balance_seq=0").error, "sched_migrate_task: field reason: missing");
}

// A read-back task event is compared on what its kind's line carries: a wake prints no
// affinity or weights, a fork and a set-affinity do.
TEST(TraceEventsRead, TaskEventsCompareOnWhatTheirLineCarries) {
  TaskEvent wake;
  wake.kind = TaskEventKind::Wake;
  wake.pid = 3;
  wake.cpu = 1;
  TaskEvent unprinted = wake;
  unprinted.cpus_allowed.set(2);
  unprinted.load_weight = 2048;
  EXPECT_TRUE(same_in_trace(wake, unprinted));
  EXPECT_FALSE(wake == unprinted);
  TaskEvent elsewhere = wake;
  elsewhere.cpu = 2;
  EXPECT_FALSE(same_in_trace(wake, elsewhere));
  TaskEvent fork = wake, heavier = wake;
  fork.kind = heavier.kind = TaskEventKind::Fork;
  heavier.load_weight = 2048;
  EXPECT_FALSE(same_in_trace(fork, heavier));
  TaskEvent affinity = wake, wider = wake;
  affinity.kind = wider.kind = TaskEventKind::SetAffinity;
  wider.cpus_allowed.set(2);
  EXPECT_FALSE(same_in_trace(affinity, wider));
  affinity.kind = wider.kind = TaskEventKind::Sleep;
  EXPECT_TRUE(same_in_trace(affinity, wider));
}

// spec/trace-format.md lists the fields of every event: the names of its table's items
// (traces/trace_event_fields.h) appear in the event's row, in table order.
TEST(TraceEventsRead, SpecListsEveryEventsItemsInTableOrder) {
  std::ifstream in(std::string(SBM_DATA_DIR) + "/../../spec/trace-format.md");
  ASSERT_TRUE(in);
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("| `")) rows.push_back(line);
  // The words inside `...` of the fields column of the row whose first column names `event`.
  const auto spec_words = [&rows](std::string_view event) {
    std::vector<std::string> words;
    for (const std::string& row : rows) {
      const std::size_t first_end = row.find(" | ");
      if (row.substr(0, first_end).find("`" + std::string(event) + "`") == std::string::npos)
        continue;
      const std::string fields =
          row.substr(first_end + 3, row.find(" | ", first_end + 3) - first_end - 3);
      static const std::regex kQuoted("`([^`]*)`"), kWord("[a-z_][a-z0-9_]*");
      for (std::sregex_iterator q(fields.begin(), fields.end(), kQuoted), end; q != end; ++q) {
        const std::string quoted = (*q)[1];
        for (std::sregex_iterator w(quoted.begin(), quoted.end(), kWord); w != end; ++w)
          words.push_back(w->str());
      }
    }
    return words;
  };
  const auto check = [&](const auto& e) {
    using E = std::decay_t<decltype(e)>;
    const std::string_view event = trace_event_name(trace_fields::event_id(e));
    std::vector<std::string> names;
    auto collect = [&names](const auto& item) {
      if constexpr (requires { item.name; })
        names.emplace_back(item.name);
      else
        names.emplace_back(item.named.name);
    };
    for_each_printed_item(e, trace_fields::Schema<E>::items, collect);
    const std::vector<std::string> words = spec_words(event);
    ASSERT_FALSE(words.empty()) << event << ": no row in spec/trace-format.md";
    std::size_t at = 0;
    for (const std::string& name : names) {
      while (at < words.size() && words[at] != name) ++at;
      EXPECT_LT(at, words.size()) << event << ": item " << name
                                  << " not in its spec row, or out of order";
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check(std::variant_alternative_t<I, BalanceEvent>{}), ...);
  }
  (std::make_index_sequence<std::variant_size_v<BalanceEvent>>{});
  for (const auto& [kind, id] : trace_fields::kTaskEventIds) {
    TaskEvent t;
    t.kind = kind;
    check(t);
  }
}

}  // namespace
}  // namespace sbm
