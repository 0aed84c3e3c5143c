// Every property that applies to a simulated machine, checked while the simulator runs:
// NB-1/2, SER-1, INT-1, BI-1 (spec/invariants.md, section 4), MIG-1..4 and LOCK-1/2
// (spec/invariants.md, section 5), NOHZ-1/2 (spec/invariants.md, section 6) and WC-1
// (spec/invariants.md, section 7).
//
// State properties (BI-1, SER-1 over the passes in flight, MIG-1, MIG-2 across a step,
// WC-1) are checked after every step. Event properties are checked over the events of
// each jiffy: the simulator finishes every softirq, stopper run and lock section of a jiffy
// before jiffies advance, so a jiffy's events hold whole passes. Violation::line is the
// number of the event (counted from 1 over the whole run) the finding refers to, or for a
// state property the number of events emitted before the state was seen.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "model/sim/simulator.h"
#include "properties/topo_invariants.h"
#include "properties/violation.h"
#include "properties/wc_invariants.h"

namespace sbm {

// The catalogue of the properties checked here, in the order above.
const std::vector<InvariantInfo>& sim_invariants();

// The event checks over one window of events (NB-1, NB-2, SER-1, INT-1, BI-1, MIG-2, MIG-3,
// MIG-4, LOCK-1, LOCK-2, NOHZ-1, NOHZ-2) against the machine they ran on: its profile, its
// domains (MIG-3, BI-1's min/max_interval), rq locks (LOCK-*) and balance_interval_cap()
// (INT-1). Violation::line is the 1-based index of the event in `window`. Each ID run is
// counted in `runs` when given. Used by PropertyChecker::flush() and trace replay
// (traces/trace_replay.h).
std::vector<Violation> check_balance_events(const MachineState& m,
                                            const std::vector<BalanceEvent>& window,
                                            std::map<std::string, int>* runs);
// The IDs check_balance_events() runs, in its order: those of balance_event_checks().
const std::vector<const char*>& balance_event_check_ids();

// A set of BalanceEvent alternatives, one bit each by index.
using BalanceEventKinds = uint32_t;
static_assert(std::variant_size_v<BalanceEvent> <= 32, "one bit per BalanceEvent alternative");
inline BalanceEventKinds kind_of(const BalanceEvent& e) {
  return BalanceEventKinds{1} << e.index();
}
BalanceEventKinds kinds_of(const std::vector<BalanceEvent>& window);

// One of check_balance_events()'s checks and the kinds of event it reads. A check reads the
// window through std::get_if / std::get of these kinds only, so a window holding none of them
// shows it nothing: check_balance_events() does not run it there (replay checks a window per
// jiffy, and about half the jiffies of a trace hold nothing but ticks). Tested: each check
// finds nothing in windows stripped of its kinds (tests/unit/properties/check_all_kinds_test.cpp).
struct BalanceEventCheck {
  std::array<const char*, 2>
      ids;  // {"NB-1"}, or {"LOCK-1", "LOCK-2"}: two that share the rq lock layout
  BalanceEventKinds reads;
  std::vector<Violation> (*run)(const MachineState& m, const std::vector<BalanceEvent>& window);
};
const std::vector<BalanceEventCheck>& balance_event_checks();

class PropertyChecker {
 public:
  // One simulator step with the checks around it; events go on to `observer`.
  StepInfo step(Simulator& sim, SimObserver& observer);
  // A task event (Simulator::apply) with the state checks after it.
  TaskEventResult apply(Simulator& sim, TaskEvent& e, SimObserver& observer);
  // Simulator::cpu_up (online) or cpu_down with the checks around it. The events before it
  // are checked first (flush) against the domains and max_load_balance_interval they ran
  // with, since the rebuild replaces both; MIG-1 and MIG-2 then compare the tasks across the
  // step, and WC-1's episodes restart on the rebuilt domains.
  HotplugResult hotplug(Simulator& sim, int cpu, bool online, SimObserver& observer);
  // Steps until jiffies advanced once; `ticks` times.
  void run_jiffy(Simulator& sim, SimObserver& observer);
  void run_ticks(Simulator& sim, uint64_t ticks, SimObserver& observer);
  // Runs the event checks over the events since the last jiffy end. step() does it at
  // every jiffy end; call it before reading the results in the middle of a jiffy (a pass
  // still in flight is then seen unfinished).
  void flush(const Simulator& sim);

  const std::vector<Violation>& violations() const { return violations_; }
  // One entry per ID of sim_invariants(): how often it was checked and whether it held.
  std::vector<CheckSummary> summary() const;

 private:
  void record(std::vector<Violation> found, int line_offset);
  // `before`: (cpu, pid) of every task before the step, nullptr at a jiffy end.
  void check_state(const Simulator& sim, const std::vector<std::pair<int, int>>* before,
                   bool balancing_step);

  std::vector<BalanceEvent> window_;  // events of the jiffy in progress
  uint64_t events_before_window_ = 0;
  std::vector<Violation> violations_;
  std::map<std::string, int> runs_;    // ID -> times checked
  std::vector<Violation> last_state_;  // BI-1/SER-1 state findings of the previous check
  std::vector<Violation> last_nohz3_;  // NOHZ-3 findings of the previous jiffy boundary
  Wc1Monitor wc1_;
};

}  // namespace sbm
