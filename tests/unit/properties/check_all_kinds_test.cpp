// check_balance_events() runs a check only in a window that holds one of the kinds of event
// the check declares it reads (BalanceEventCheck::reads, properties/check_all.h). That skips
// no finding only if every check finds nothing in a window without those kinds: shown here
// on the event streams of the model and of every mutant of the registry, which the checks
// flag, stripped of each check's kinds in turn.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "model/mutants.h"
#include "properties/check_all.h"
#include "tests/support/sim_testing.h"

namespace sbm {
namespace {

std::vector<BalanceEvent> without(const std::vector<BalanceEvent>& events,
                                  BalanceEventKinds kinds) {
  std::vector<BalanceEvent> out;
  for (const BalanceEvent& e : events)
    if ((kinds & kind_of(e)) == 0) out.push_back(e);
  return out;
}

// The stream made wrong as a buggy balancer would, one way per copy: what makes the checks
// that the streams of the model and its mutants leave quiet (INT-1, BI-1, SER-1, LOCK-*,
// NOHZ-1) fire too.
std::vector<std::vector<BalanceEvent>> tampered(const std::vector<BalanceEvent>& events) {
  std::vector<BalanceEvent> intervals, doubled, ilb_busy;
  for (const BalanceEvent& e : events) {
    BalanceEvent x = e;
    if (auto* v = std::get_if<DomainVisitEvent>(&x)) v->interval = 0;
    if (auto* r = std::get_if<BalanceResultEvent>(&x))
      r->balance_interval_after = r->balance_interval_before * 3 + 1;
    intervals.push_back(x);
    doubled.push_back(e);
    if (std::holds_alternative<SerializeEvent>(e) || std::holds_alternative<RqLockEvent>(e))
      doubled.push_back(e);
    BalanceEvent y = e;
    if (auto* b = std::get_if<IlbBalanceEvent>(&y)) b->ilb_idle = false;
    ilb_busy.push_back(y);
  }
  return {events, intervals, doubled, ilb_busy};
}

TEST(BalanceEventChecks, FindNothingWithoutTheKindsTheyRead) {
  struct Case {
    const char* spec;
    const char* profile;
    const char* workload;
  };
  std::vector<Mutant> mutants = {Mutant::None};
  for (const MutantInfo& m : mutant_registry()) mutants.push_back(m.id);
  std::set<std::string> fired;
  for (const Case& c :
       {Case{"laptop", "v6.17", "churn"}, Case{"laptop", "v2.6.20", "churn"},
        Case{"2s-numa", "v6.19", "busy"}, Case{"2s-numa", "v6.17", "numa-imbalance"},
        Case{"2s-numa", "v4.19", "churn"}})
    for (const Mutant mutant : mutants) {
      SimConfig config = testing::sim_config(c.spec, c.profile, c.workload);
      apply_mutant(mutant, config.profile, nullptr);
      Simulator sim = testing::make_sim(config);
      testing::RecordingObserver run;
      sim.run_ticks(50, run);
      const std::string where =
          std::string(c.spec) + " " + c.profile + " " + c.workload + " mutant " +
          (mutant == Mutant::None ? "none" : std::string(mutant_info(mutant).name));
      for (const std::vector<BalanceEvent>& events : tampered(run.events)) {
        for (const Violation& v : check_balance_events(sim.machine(), events, nullptr))
          fired.insert(v.id);
        for (const BalanceEventCheck& check : balance_event_checks())
          EXPECT_TRUE(check.run(sim.machine(), without(events, check.reads)).empty())
              << check.ids[0] << ", " << where;
      }
    }
  // What the streams hold findings of, so that stripping them shows something for these (and
  // for NB-2, whose ticks fire once their raises are stripped).
  for (const char* id : {"NB-1", "SER-1", "INT-1", "INT-2", "BI-1", "MIG-2", "MIG-3", "MIG-4",
                         "LOCK-2", "NOHZ-1", "NOHZ-2"})
    EXPECT_TRUE(fired.count(id)) << id;
}

TEST(BalanceEventChecks, KindsOfAWindowAreTheAlternativesItHolds) {
  const std::vector<BalanceEvent> window = {TickEvent{}, TickEvent{}, SerializeEvent{}};
  EXPECT_EQ(kinds_of(window), (BalanceEventKinds{1} << BalanceEvent(TickEvent{}).index()) |
                                  (BalanceEventKinds{1} << BalanceEvent(SerializeEvent{}).index()));
  EXPECT_EQ(kinds_of({}), 0u);
}

}  // namespace
}  // namespace sbm
