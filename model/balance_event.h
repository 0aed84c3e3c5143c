// What the tick, the trigger, the SCHED softirq and the periodic pass do, as plain data.
// The model emits these through a BalanceEventSink so it stays pure (no I/O); the traces
// layer writes them as trace lines and the properties layer checks them (NB-*, SER-*,
// INT-*). Mainline has no tracepoint that marks a balancing pass (spec/kernel-facts.md §9), so
// apart from softirq_raise/entry/exit these are sbm's own observables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "model/cpumask.h"

namespace sbm {

// enum cpu_idle_type, era-independent; Profile::idle_type_order gives the kernel's
// numbering (which is also the schedstat column order).
enum class CpuIdleType { Idle, NotIdle, NewlyIdle };
inline constexpr int kCpuIdleTypes = 3;
inline const char* cpu_idle_type_name(CpuIdleType t) {
  switch (t) {
    case CpuIdleType::Idle:
      return "CPU_IDLE";
    case CpuIdleType::NotIdle:
      return "CPU_NOT_IDLE";
    case CpuIdleType::NewlyIdle:
      return "CPU_NEWLY_IDLE";
  }
  return "?";
}

// sched_tick()/scheduler_tick() reached the balancing part on `cpu`.
struct TickEvent {
  int cpu = -1;
  uint64_t jiffies = 0;
  bool idle = false;          // idle_cpu() as sampled for the pass (or seen, in 2.6.20)
  uint64_t next_balance = 0;  // rq->next_balance the trigger compares against
  bool attached = false;      // !on_null_domain()
  bool active = false;        // cpu_active()
  bool nohz_defers = false;   // a NOHZ rule (2.6.32 owner model) keeps it from raising

  bool operator==(const TickEvent&) const = default;
};

// raise_softirq(SCHED_SOFTIRQ) and the softirq_entry/exit pair around the handler.
// Who raised SCHED_SOFTIRQ: the tick's trigger (sched_balance_trigger()), or the NOHZ kick
// IPI on the idle load balancer (nohz_csd_func(), v5.8+; the reschedule IPI before). The
// kernel's softirq_raise event does not say; the model keeps it so NB-2 judges only the
// trigger's raises.
enum class RaiseSource { Trigger, NohzKick };
struct SoftirqRaiseEvent {
  int cpu = -1;
  int vec = 0;
  RaiseSource source = RaiseSource::Trigger;

  bool operator==(const SoftirqRaiseEvent&) const = default;
};
struct SoftirqEntryEvent {
  int cpu = -1;
  int vec = 0;

  bool operator==(const SoftirqEntryEvent&) const = default;
};
struct SoftirqExitEvent {
  int cpu = -1;
  int vec = 0;

  bool operator==(const SoftirqExitEvent&) const = default;
};

// rebalance_domains()/sched_balance_domains() started for `cpu`'s rq, run by
// `executing_cpu` (the same CPU, or a NOHZ idle load balancer acting for it).
struct PassStartEvent {
  int cpu = -1;
  int executing_cpu = -1;
  uint64_t jiffies = 0;
  CpuIdleType idle = CpuIdleType::NotIdle;
  bool busy = false;
  uint64_t next_balance_start = 0;  // jiffies + 60*HZ
  uint64_t rq_next_balance = 0;     // rq->next_balance before the pass

  bool operator==(const PassStartEvent&) const = default;
};

// The pass reached domain `level` and computed its interval from the current busy state.
struct DomainVisitEvent {
  int cpu = -1;
  int level = -1;
  std::string name;
  uint64_t jiffies = 0;
  uint64_t interval = 0;  // jiffies, from get_sd_balance_interval()
  uint64_t last_balance = 0;
  bool due = false;  // time_after_eq(jiffies, last_balance + interval) right now
  // What the interval was computed from: sd->balance_interval (ms) and the busy state the
  // pass used for this domain (it may change after a pull, IdleAfterPull). Unset when read
  // from a trace that does not print them.
  std::optional<unsigned> balance_interval;
  bool busy = false;

  bool operator==(const DomainVisitEvent&) const = default;
};

// A domain left without computing an interval.
enum class DomainSkipReason {
  NoLoadBalanceFlag,  // !(sd->flags & SD_LOAD_BALANCE), until 5.7
  DecayOnly,          // !continue_balancing but need_decay: "continue"
  Break,              // !continue_balancing: the walk ends here
};
struct DomainSkipEvent {
  int cpu = -1;
  int level = -1;
  DomainSkipReason reason = DomainSkipReason::Break;

  bool operator==(const DomainSkipEvent&) const = default;
};

// The global SD_SERIALIZE token (balancing / sched_balance_running).
enum class SerializeAction { Acquire, Busy, Release };
struct SerializeEvent {
  int cpu = -1;      // the CPU executing the balance (who holds or wants the token)
  int for_cpu = -1;  // the rq being balanced
  int level = -1;
  SerializeAction action = SerializeAction::Acquire;
  int holder = -1;  // for Busy: who held it; for Release: who held it before

  bool operator==(const SerializeEvent&) const = default;
};

// One call of load_balance()/sched_balance_rq() from the pass, and what followed.
struct BalanceResultEvent {
  int cpu = -1;
  int level = -1;
  CpuIdleType idle = CpuIdleType::NotIdle;  // the idle type passed in
  int moved = 0;                            // pulled tasks (ld_moved); < 0 for 2.6.x's SMT -1
  bool serialize_busy = false;              // v6.19: the token was taken, out_balanced
  bool continue_balancing = true;           // after the call
  uint64_t last_balance = 0;                // = jiffies
  uint64_t interval = 0;                    // the interval the min-update will use
  unsigned balance_interval_before = 0;     // sd->balance_interval (ms) around the call
  unsigned balance_interval_after = 0;

  bool operator==(const BalanceResultEvent&) const = default;
};

// The "out:" min-update: time_after(next_balance, last_balance + interval).
struct NextBalanceCandidateEvent {
  int cpu = -1;
  int level = -1;
  uint64_t candidate = 0;  // sd->last_balance + interval
  bool taken = false;
  uint64_t next_balance = 0;  // the local after the update

  bool operator==(const NextBalanceCandidateEvent&) const = default;
};

// End of the pass: rq->next_balance written (or left alone when nothing fed it).
struct NextBalanceWriteEvent {
  int cpu = -1;
  uint64_t old_value = 0;
  uint64_t new_value = 0;  // == old_value when !written
  bool written = false;

  bool operator==(const NextBalanceWriteEvent&) const = default;
};

// --- Inside load_balance()/sched_balance_rq() and active balance
// (model/balance/sched_balance_rq.h, model/balance/active_balance.h); LOCK-* and MIG-* check them
// (spec/invariants.md, section 5).

// An rq lock taken or dropped (model/balance/rq_lock.h). A TryAcquire that fails takes nothing.
enum class RqLockAction { Acquire, TryAcquire, TryFail, Release };
struct RqLockEvent {
  int cpu = -1;  // the CPU executing the code that takes the lock
  int rq = -1;   // whose rq lock (cpu_rq(rq)->lock)
  RqLockAction action = RqLockAction::Acquire;
  std::string site;  // the kernel function: "double_rq_lock", "detach_tasks", ...

  bool operator==(const RqLockEvent&) const = default;
};

// Why a task moved. Only a balance moves a task for a domain; the others are the kernel's
// other callers of set_task_cpu(), which print the same sched_migrate_task.
enum class MigrateReason {
  Balance,   // sched_balance_rq() / load_balance(), or the active balance it kicked
  Hotplug,   // off a dying CPU: migrate_tasks() / __balance_push_cpu_stop() to
             // select_fallback_rq() (model/topology/sched_hotplug.h)
  Affinity,  // off a CPU the task may no longer use: __set_cpus_allowed_ptr() ->
             // migration_cpu_stop() (kernel/sched/core.c, v4.19, v6.17)
};

// A task moved from one rq to another by a balance of domain `level` of rq(cpu), or by the
// active balance the stopper ran for that domain, or for another `reason`: then cpu =
// executing_cpu = the CPU it left, level = -1, and cpus_allowed is the mask it moved under
// (after any widening by select_fallback_rq()); MIG-3 and MIG-4, which are about balancing,
// skip those.
struct TaskMigrateEvent {
  int pid = 0;
  int from_cpu = -1;
  int to_cpu = -1;
  int cpu = -1;    // whose domain was balanced (this_cpu; for active balance the
                   // target CPU, whose lowest domain spanning both was used)
  int level = -1;  // index of that domain in rq(cpu).sd
  int executing_cpu = -1;
  CpuMask cpus_allowed;      // the task's affinity when it moved
  uint64_t balance_seq = 0;  // which balance (sched_balance_rq() call or stopper run)
  bool active = false;       // moved by active balance
  MigrateReason reason = MigrateReason::Balance;

  bool operator==(const TaskMigrateEvent&) const = default;
};

// One detach pass over the busiest rq (detach_tasks(), move_tasks(), balance_tasks()).
// A "round" ends where the kernel resets env->loop (DST_PINNED retarget, ALL_PINNED redo).
struct DetachPassEvent {
  int cpu = -1;
  int level = -1;
  int src_cpu = -1;
  int dst_cpu = -1;
  uint64_t balance_seq = 0;
  int round = 0;
  unsigned src_nr_running = 0;  // busiest->nr_running when the round's limit was set
  unsigned limit = 0;           // loop_max (3.x+), max_nr_move (2.6.20), nr_migrate+1 (2.6.32)
  unsigned examined = 0;        // tasks examined so far in the round (env->loop)
  unsigned detached = 0;        // tasks detached by this pass

  bool operator==(const DetachPassEvent&) const = default;
};

// Active balance: queued by sched_balance_rq() (stop_one_cpu_nowait / waking the
// migration thread), then run as its own step on the busiest CPU.
enum class ActiveBalanceAction { Kick, Run };
struct ActiveBalanceEvent {
  int busiest_cpu = -1;
  int push_cpu = -1;
  ActiveBalanceAction action = ActiveBalanceAction::Kick;
  int pid = 0;  // Run: the task pushed, 0 when none moved

  bool operator==(const ActiveBalanceEvent&) const = default;
};

// --- NOHZ idle load balancing (model/nohz/nohz.h); NOHZ-* check them (spec/invariants.md, section
// 6).

// A CPU joined (enter) or left the NOHZ idle set: nohz_balance_enter_idle() /
// nohz_balance_exit_idle() (3.3+), select_nohz_load_balancer(1/0) and the first busy
// tick (2.6.21-3.2). Values are those right after the change.
struct NohzIdleEvent {
  int cpu = -1;
  bool enter = true;
  uint64_t jiffies = 0;
  uint64_t rq_next_balance = 0;
  uint64_t nohz_next_balance = 0;
  bool needs_update = false;  // nohz.needs_update (5.16+)
  int load_balancer = -1;     // nohz.load_balancer (2.6.21-3.2)

  bool operator==(const NohzIdleEvent&) const = default;
};

// kick_ilb(flags) (3.3+), or resched_cpu() of a new owner (2.6.21-3.2, flags 0).
struct NohzKickEvent {
  int cpu = -1;        // the kicking CPU
  int target = -1;     // find_new_ilb(); -1 when there was none
  unsigned flags = 0;  // NOHZ_*_KICK bits asked for
  uint64_t jiffies = 0;
  uint64_t next_balance_before = 0;  // nohz.next_balance
  uint64_t next_balance_after = 0;
  bool needs_update = false;  // nohz.needs_update when the flags were chosen
  bool ipi = false;           // an IPI / CSD went out

  bool operator==(const NohzKickEvent&) const = default;
};

// The idle load balancer runs the periodic pass for `cpu` (== ilb_cpu: for itself).
struct IlbBalanceEvent {
  int ilb_cpu = -1;
  int cpu = -1;
  bool ilb_idle = false;  // idle_cpu(ilb_cpu) at that moment
  uint64_t jiffies = 0;

  bool operator==(const IlbBalanceEvent&) const = default;
};

// The ILB's walk over the NOHZ idle CPUs ended. `folded` lists (cpu, rq->next_balance)
// of every CPU whose next_balance belongs in the minimum, in walk order; `before` and
// `after` are what the walk folds into: nohz.next_balance (3.3+) or the owner's own
// rq->next_balance (2.6.21-3.2).
struct IlbPassEndEvent {
  int ilb_cpu = -1;
  unsigned flags = 0;
  bool complete = false;  // no abort: every idle CPU of the mask was visited
  uint64_t jiffies = 0;
  CpuMask candidates;    // nohz.idle_cpus_mask when the walk began (3.3+),
                         // nohz.cpu_mask minus the owner (2.6.21-3.2)
  CpuMask skipped_busy;  // candidates passed over: not idle_cpu() when reached
  std::vector<std::pair<int, uint64_t>> folded;
  uint64_t before = 0;
  uint64_t after = 0;

  bool operator==(const IlbPassEndEvent&) const = default;
};

// --- CPU hotplug (model/topology/sched_hotplug.h, Simulator::cpu_down / cpu_up).

// `cpu` went offline (online = false: its tasks follow as hotplug TaskMigrateEvents) or came
// back online; every online CPU's domains were rebuilt for the new online set.
struct HotplugEvent {
  int cpu = -1;
  bool online = false;

  bool operator==(const HotplugEvent&) const = default;
};

using BalanceEvent =
    std::variant<TickEvent, SoftirqRaiseEvent, SoftirqEntryEvent, SoftirqExitEvent, PassStartEvent,
                 DomainVisitEvent, DomainSkipEvent, SerializeEvent, BalanceResultEvent,
                 NextBalanceCandidateEvent, NextBalanceWriteEvent, RqLockEvent, TaskMigrateEvent,
                 DetachPassEvent, ActiveBalanceEvent, NohzIdleEvent, NohzKickEvent, IlbBalanceEvent,
                 IlbPassEndEvent, HotplugEvent>;

// Observer the model reports to. The model never reads anything back from it.
class BalanceEventSink {
 public:
  virtual ~BalanceEventSink() = default;
  virtual void emit(const BalanceEvent& e) = 0;
};

// Discards everything.
class NullEventSink final : public BalanceEventSink {
 public:
  void emit(const BalanceEvent&) override {}
};

// The events of one type, in order.
template <class T>
std::vector<T> events_of_type(const std::vector<BalanceEvent>& events) {
  std::vector<T> out;
  for (const BalanceEvent& e : events)
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  return out;
}

// Keeps everything, in order (tests, replay, small simulations).
class RecordingEventSink final : public BalanceEventSink {
 public:
  void emit(const BalanceEvent& e) override { events.push_back(e); }
  std::vector<BalanceEvent> events;

  template <class T>
  std::vector<T> of_type() const {
    return events_of_type<T>(events);
  }
};

}  // namespace sbm
