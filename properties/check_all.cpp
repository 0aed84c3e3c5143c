#include "properties/check_all.h"

#include <algorithm>
#include <cstring>

#include "model/balance/rq_lock.h"
#include "properties/interval_invariants.h"
#include "properties/lock_invariants.h"
#include "properties/mig_invariants.h"
#include "properties/nb_invariants.h"
#include "properties/nohz_invariants.h"
#include "properties/nohz_kick_invariants.h"
#include "properties/ser_invariants.h"

namespace sbm {

namespace {

// MIG and LOCK have no catalogue function of their own; their statements are in
// properties/mig_invariants.h and properties/lock_invariants.h.
const std::vector<InvariantInfo>& mig_lock_entries() {
  static const std::vector<InvariantInfo> all = {
      {"MIG-1", "no task lost or duplicated by a balance", "properties/mig_invariants.h"},
      {"MIG-2", "a task only lands on a CPU in its cpus_allowed", "properties/mig_invariants.h"},
      {"MIG-3", "a migration by a balance of domain d stays inside d's span",
       "properties/mig_invariants.h"},
      {"MIG-4", "the per-pass migration limit holds", "properties/mig_invariants.h"},
      {"LOCK-1", "rq locks are taken in the profile's order; no wait cycle",
       "properties/lock_invariants.h"},
      {"LOCK-2", "rq lock discipline: no double take, no foreign release, no leak",
       "properties/lock_invariants.h"},
  };
  return all;
}

// Events carry no line of their own; the checks number a window's events from 1.
void shift_lines(std::vector<Violation>& vs, int offset) {
  for (Violation& v : vs) v.line += offset;
}

// Where every task is, (cpu, pid) in rq order: what MIG-1 and MIG-2 compare across a step.
using Placement = std::vector<std::pair<int, int>>;
Placement placement_of(const MachineState& m) {
  Placement p;
  for (const Rq& rq : m.rqs)
    for (const Task& t : rq.tasks) p.emplace_back(rq.cpu, t.pid);
  return p;
}

// The "before" machine of MIG-1/MIG-2 (they read each rq's CPU and task pids only).
MachineState machine_of(const Placement& p, size_t nr_cpus) {
  MachineState m;
  m.rqs.resize(nr_cpus);
  for (size_t cpu = 0; cpu < nr_cpus; ++cpu) m.rqs[cpu].cpu = static_cast<int>(cpu);
  for (const auto& [cpu, pid] : p) {
    Task t;
    t.pid = pid;
    m.rqs[static_cast<size_t>(cpu)].tasks.push_back(std::move(t));
  }
  return m;
}

// Passes the events on and keeps them for the jiffy's event checks.
class Tee final : public SimObserver {
 public:
  Tee(std::vector<BalanceEvent>& window, SimObserver& next) : window_(window), next_(next) {}
  void emit(const BalanceEvent& e) override {
    window_.push_back(e);
    next_.emit(e);
  }
  void on_task_event(const TaskEvent& e) override { next_.on_task_event(e); }
  void on_jiffy(uint64_t j) override { next_.on_jiffy(j); }

 private:
  std::vector<BalanceEvent>& window_;
  SimObserver& next_;
};

}  // namespace

const std::vector<InvariantInfo>& sim_invariants() {
  static const std::vector<InvariantInfo> all = [] {
    std::vector<InvariantInfo> v;
    for (const auto* part : {&nb_invariants(), &ser_invariants(), &interval_invariants(),
                             &mig_lock_entries(), &nohz_invariants(), &wc_invariants()})
      v.insert(v.end(), part->begin(), part->end());
    v.insert(v.end() - static_cast<std::ptrdiff_t>(wc_invariants().size()), nohz3_info());
    return v;
  }();
  return all;
}

void PropertyChecker::record(std::vector<Violation> found, int line_offset) {
  shift_lines(found, line_offset);
  violations_.insert(violations_.end(), std::make_move_iterator(found.begin()),
                     std::make_move_iterator(found.end()));
}

void PropertyChecker::check_state(const Simulator& sim,
                                  const std::vector<std::pair<int, int>>* before,
                                  bool balancing_step) {
  const MachineState& m = sim.machine();
  const int line = static_cast<int>(events_before_window_ + window_.size());
  auto ran = [&](std::initializer_list<const char*> ids) {
    for (const char* id : ids) ++runs_[id];
  };
  // A state that stays wrong is reported once, when it first shows.
  std::vector<Violation> now = check_bi1(m);
  const std::vector<Violation> ser = check_ser1(m, sim.passes_in_flight());
  now.insert(now.end(), ser.begin(), ser.end());
  std::vector<Violation> fresh;
  for (const Violation& v : now)
    if (std::find(last_state_.begin(), last_state_.end(), v) == last_state_.end())
      fresh.push_back(v);
  for (Violation& v : fresh) v.line = line;
  record(std::move(fresh), 0);
  last_state_ = std::move(now);
  ran({"BI-1", "SER-1", "MIG-1"});
  // With every task where it was, MIG-1 and MIG-2 hold as they did before the step; only a
  // step that moved, added or removed a task needs the full comparison.
  if (!before || placement_of(m) != *before) {
    record(check_mig1_unique(m), 0);
    if (before) {
      const MachineState was = machine_of(*before, m.rqs.size());
      if (balancing_step) record(check_mig1_conserved(was, m), 0);
      record(check_mig2_affinity(was, m), 0);
    }
  }
  if (before) ran({"MIG-2"});
  std::vector<Violation> wc = wc1_.observe(m, sim.passes_in_flight());
  for (Violation& v : wc) v.line = line;
  record(std::move(wc), 0);
  ran({"WC-1"});
}

namespace {

// The bit of alternative T of BalanceEvent.
template <class T, std::size_t I = 0>
constexpr BalanceEventKinds kind_bit() {
  if constexpr (std::is_same_v<T, std::variant_alternative_t<I, BalanceEvent>>)
    return BalanceEventKinds{1} << I;
  else
    return kind_bit<T, I + 1>();
}
template <class... T>
constexpr BalanceEventKinds kinds() {
  return (kind_bit<T>() | ...);
}

}  // namespace

BalanceEventKinds kinds_of(const std::vector<BalanceEvent>& window) {
  BalanceEventKinds k = 0;
  for (const BalanceEvent& e : window) k |= kind_of(e);
  return k;
}

// The kinds are those each check's body asks of the window (std::get_if / std::get); none of
// them hands the window on.
const std::vector<BalanceEventCheck>& balance_event_checks() {
  using W = const std::vector<BalanceEvent>&;
  static const std::vector<BalanceEventCheck> checks = {
      {{"NB-1"},
       kinds<PassStartEvent, DomainVisitEvent, BalanceResultEvent, NextBalanceCandidateEvent,
             NextBalanceWriteEvent>(),
       [](const MachineState& m, W w) { return check_nb1(m.profile, w); }},
      {{"NB-2"},
       kinds<TickEvent, SoftirqRaiseEvent>(),
       [](const MachineState& m, W w) { return check_nb2(m.profile, w); }},
      {{"SER-1"}, kinds<SerializeEvent>(), [](const MachineState&, W w) { return check_ser1(w); }},
      {{"SER-1"},
       kinds<SerializeEvent, BalanceResultEvent>(),
       [](const MachineState& m, W w) { return check_ser1_balances(m, w); }},
      {{"SER-2"},
       kinds<DomainVisitEvent, SerializeEvent>(),
       [](const MachineState& m, W w) { return check_ser2(m.profile.serialize_placement, w); }},
      {{"INT-1"},
       kinds<DomainVisitEvent, BalanceResultEvent>(),
       [](const MachineState& m, W w) {
         return check_int1(m.profile, balance_interval_cap(m), w);
       }},
      {{"INT-2"},
       kinds<DomainVisitEvent>(),
       [](const MachineState& m, W w) { return check_int2(m, balance_interval_cap(m), w); }},
      {{"BI-1"},
       kinds<BalanceResultEvent>(),
       [](const MachineState& m, W w) { return check_bi1(m, w); }},
      {{"MIG-2"},
       kinds<TaskMigrateEvent>(),
       [](const MachineState&, W w) { return check_mig2_events(w); }},
      {{"MIG-3"},
       kinds<TaskMigrateEvent>(),
       [](const MachineState& m, W w) { return check_mig3_domain_span(m, w); }},
      {{"MIG-4"},
       kinds<DetachPassEvent>(),
       [](const MachineState& m, W w) { return check_mig4_migration_limit(m.profile, w); }},
      {{"LOCK-1", "LOCK-2"},
       // LOCK-2 ends a balance at its result (executed by the CPU its pass names) or stopper run.
       kinds<RqLockEvent, PassStartEvent, BalanceResultEvent, ActiveBalanceEvent>(),
       [](const MachineState& m, W w) {
         const RqLockLayout layout = default_rq_lock_layout(m);
         std::vector<Violation> out = check_lock1_order(m.profile.lock_order, layout, w);
         std::vector<Violation> lock2 = check_lock2_discipline(layout, w);
         out.insert(out.end(), std::make_move_iterator(lock2.begin()),
                    std::make_move_iterator(lock2.end()));
         return out;
       }},
      {{"NOHZ-1"},
       kinds<IlbBalanceEvent>(),
       [](const MachineState&, W w) { return check_nohz1(w); }},
      {{"NOHZ-2"},
       kinds<IlbPassEndEvent, NohzKickEvent, NohzIdleEvent>(),
       [](const MachineState& m, W w) { return check_nohz2(m.profile, w); }},
  };
  return checks;
}

std::vector<Violation> check_balance_events(const MachineState& m,
                                            const std::vector<BalanceEvent>& window,
                                            std::map<std::string, int>* runs) {
  std::vector<Violation> out;
  const BalanceEventKinds present = kinds_of(window);
  for (const BalanceEventCheck& c : balance_event_checks()) {
    if ((c.reads & present) == 0) continue;  // it would find nothing
    std::vector<Violation> found = c.run(m, window);
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  if (runs)
    for (const char* id : balance_event_check_ids()) ++(*runs)[id];
  return out;
}

const std::vector<const char*>& balance_event_check_ids() {
  static const std::vector<const char*> ids = [] {
    std::vector<const char*> out;
    for (const BalanceEventCheck& c : balance_event_checks())
      for (const char* id : c.ids) {
        const auto same = [id](const char* o) { return std::strcmp(o, id) == 0; };
        if (id != nullptr && std::none_of(out.begin(), out.end(), same)) out.push_back(id);
      }
    return out;
  }();
  return ids;
}

void PropertyChecker::flush(const Simulator& sim) {
  record(check_balance_events(sim.machine(), window_, &runs_),
         static_cast<int>(events_before_window_));
  events_before_window_ += window_.size();
  window_.clear();
}

StepInfo PropertyChecker::step(Simulator& sim, SimObserver& observer) {
  Tee tee(window_, observer);
  const Placement before = placement_of(sim.machine());
  const StepInfo info = sim.step(tee);
  if (info.kind == StepKind::JiffyEnd) {
    flush(sim);
    check_state(sim, nullptr, false);
    // NOHZ-3 holds at jiffy boundaries only (properties/nohz_kick_invariants.h); a kick left
    // pending is reported when it first shows.
    std::vector<Violation> pending = check_nohz3_kick_served(sim.machine());
    std::vector<Violation> fresh;
    for (const Violation& v : pending)
      if (std::find(last_nohz3_.begin(), last_nohz3_.end(), v) == last_nohz3_.end())
        fresh.push_back(v);
    for (Violation& v : fresh) v.line = static_cast<int>(events_before_window_);
    record(std::move(fresh), 0);
    last_nohz3_ = std::move(pending);
    ++runs_["NOHZ-3"];
  } else {
    check_state(sim, &before, info.kind != StepKind::Task);
  }
  return info;
}

TaskEventResult PropertyChecker::apply(Simulator& sim, TaskEvent& e, SimObserver& observer) {
  Tee tee(window_, observer);
  const Placement before = placement_of(sim.machine());
  const TaskEventResult r = sim.apply(e, tee);
  check_state(sim, &before, false);
  return r;
}

HotplugResult PropertyChecker::hotplug(Simulator& sim, int cpu, bool online,
                                       SimObserver& observer) {
  if (sim.hotplug_allowed(cpu, online) == HotplugResult::Done) flush(sim);
  Tee tee(window_, observer);
  const Placement before = placement_of(sim.machine());
  const HotplugResult r = online ? sim.cpu_up(cpu, tee) : sim.cpu_down(cpu, tee);
  if (r == HotplugResult::Done) wc1_.restart();
  check_state(sim, &before, true);
  return r;
}

void PropertyChecker::run_jiffy(Simulator& sim, SimObserver& observer) {
  while (step(sim, observer).kind != StepKind::JiffyEnd) {
  }
}

void PropertyChecker::run_ticks(Simulator& sim, uint64_t ticks, SimObserver& observer) {
  for (uint64_t i = 0; i < ticks; ++i) run_jiffy(sim, observer);
}

std::vector<CheckSummary> PropertyChecker::summary() const {
  std::vector<CheckSummary> out;
  for (const InvariantInfo& info : sim_invariants()) {
    CheckSummary s;
    s.id = info.id;
    if (const auto it = runs_.find(info.id); it != runs_.end()) s.instances = it->second;
    const bool violated = std::any_of(violations_.begin(), violations_.end(),
                                      [&](const Violation& v) { return v.id == info.id; });
    s.outcome = violated      ? CheckOutcome::Violated
                : s.instances ? CheckOutcome::Holds
                              : CheckOutcome::NotCheckable;
    if (!s.instances) s.reason = "not reached in this run";
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sbm
