// NB-4, the tick cadence of periodic balancing, judged from a kernel's mainline events alone
// (spec/invariants.md, section 8). Per CPU, every tick either raises SCHED_SOFTIRQ or not
// (sched_balance_trigger(): time_after_eq(jiffies, rq->next_balance), kernel/sched/fair.c,
// v6.18), and rq->next_balance is what the last sched_balance_domains() pass and the newidle
// balances since left. Neither the domains' last_balance and balance_interval nor the balance
// outcomes are in the trace, so the check keeps the set of hidden states that agree with
// everything seen so far (the way TLA+ trace validation admits silent steps): each pass
// branches on every outcome sched_balance_rq() could have had, each newidle balance on what it
// could have changed, and each tick keeps the states that raise exactly when the trace shows a
// raise. A tick that no state explains is a violation naming the line and the states still
// possible.
//
// What it reads: the tick itself (timer:hrtimer_expire_entry/exit of tick_nohz_handler, or
// tick_sched_timer before v6.9, whose now= gives the jiffy: ticks sit on multiples of
// TICK_NSEC, tick_setup_device(), kernel/time/tick-common.c), SCHED softirq raise and entry,
// sched_switch (busy or idle at the tick, newidle balances), wakeups, migrations and wakelist
// IPIs (a task waiting on a CPU in the idle task makes its pass busy), and csd_queue_cpu or
// ipi_send_cpu of nohz_csd_func (a NOHZ kick: the kicked CPU's pass balances for the idle
// CPUs, which the check does not follow, so they start over). The machine (domains, profile, HZ,
// max_load_balance_interval) is the replay's (traces/trace_replay.h). Gaps start every CPU over.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/rq.h"
#include "properties/violation.h"
#include "traces/trace_fields.h"
#include "traces/trace_line_read.h"

namespace sbm {

struct CadenceSummary {
  CheckSummary check;          // NB-4: instances = ticks judged
  uint64_t tick_raises = 0;    // SCHED raises inside a tick
  uint64_t judged_raises = 0;  // of them, judged against a tracked state set
  uint64_t ticks = 0;          // ticks seen
  uint64_t ticks_judged = 0;   // ticks (raising or not) judged
  std::vector<std::string> notes;
};

class TickCadenceCheck {
 public:
  // `machine` is the replay's machine, null while it has none (`why` says why).
  void feed(const TraceRecord& r, const MachineState* machine, std::string_view why,
            std::vector<Violation>& out);
  CadenceSummary summary() const;

  // The hidden state of one CPU: per domain level last_balance (known to lie in [lb_lo,
  // lb_hi]), balance_interval, and the interval the last pass added to last_balance when it
  // visited the level (0: not visited); rq->next_balance in [next_lo, next_hi], which is the
  // minimum of last_balance + iv over the visited levels unless a newidle balance lowered it
  // since (`lowered`). Jiffies count from the trace's first tick.
  struct Level {
    int64_t lb_lo = 0, lb_hi = 0;
    uint64_t bi = 0;  // ms
    int64_t iv = 0;   // jiffies
    auto operator<=>(const Level&) const = default;
  };
  struct State {
    std::vector<Level> levels;
    int64_t next_lo = 0, next_hi = 0;
    bool lowered = false;
    auto operator<=>(const State&) const = default;
  };
  // More states than this for one CPU and the check starts that CPU over (counted).
  static constexpr std::size_t kMaxStates = 4096;

 private:
  struct LevelParams {
    unsigned min_interval = 1, max_interval = 2, busy_factor = 1;
    bool may_stop = false;   // the local group has other CPUs: should_we_balance() may say no
    bool serialize = false;  // SD_SERIALIZE: the trylock may fail (a due domain left as is)
    std::vector<uint64_t> reachable_bi;  // every balance_interval the back-off can reach
  };
  struct Cpu {
    bool tracking = false;
    std::vector<State> states;
    int curr = -1;  // pid running, -1 unknown, 0 idle
    bool in_tick = false;
    std::string tick_timer;  // hrtimer= of the tick being handled
    int64_t tick_jiffy = 0;
    bool tick_raised = false;
    bool pass_pending = false;    // a SCHED raise not yet followed by its softirq_entry
    bool pass_busy = true;        // the tick that raised it found a task (not the idle task)
    bool pass_maybe_busy = true;  // or found the idle task, but idle_cpu() may still have said no
    bool pass_from_tick = true;   // raised by the tick (else by a NOHZ kick or unknown)
    bool kick_pending = false;
    int preempted_queued = 0;         // tasks preempted here and still queued (preempted_on_)
    bool arrival_since_idle = false;  // a task woken, forked or moved here since it went idle
    bool ttwu_pending = false;        // a wakeup queued on its wakelist, not yet run
    uint64_t started_line = 0;
  };

  bool ready(const MachineState* machine, std::string_view why);
  Cpu& cpu(int c);
  // The CPU a field names, or null when it names none of the machine's.
  Cpu* cpu_at(std::optional<int> c);
  void start_over(Cpu& c) {
    c.tracking = false;
    c.states.clear();
  }
  uint64_t interval(int cpu, std::size_t level, uint64_t bi, bool busy) const;
  void on_tick_entry(const TraceRecord& r, std::vector<Violation>& out);
  void on_tick_exit(const TraceRecord& r, std::vector<Violation>& out);
  void on_raise(const TraceRecord& r, std::vector<Violation>& out);
  void on_pass(const TraceRecord& r);
  void on_switch(const TraceRecord& r);
  void on_ipi(const TraceRecord& r);
  void on_migrate(const TraceRecord& r);
  void on_wakeup(const TraceRecord& r);
  bool idle_for_sure(const TraceRecord& raise, const Cpu& c) const;
  void dequeue_preempted(int pid);
  // Keeps the states that agree with the tick of jiffy j raising (or not); a violation when
  // none does.
  void observe_tick(int c, int64_t j, bool raised, const TraceRecord& r,
                    std::vector<Violation>& out);
  std::vector<State> pass_states(int c, const State& s, int64_t jiffy, bool busy) const;
  std::vector<State> initial_states(int c, int64_t jiffy) const;
  void newidle(int c);
  static bool narrow(State& s);
  void keep(int c, std::vector<State> states);
  std::string describe(const std::vector<State>& states) const;

  const MachineState* machine_ = nullptr;
  bool checked_machine_ = false;
  std::string not_checkable_;
  std::vector<std::vector<LevelParams>> params_;  // per CPU, per level
  std::vector<Cpu> cpus_;
  TraceFields fields_;
  std::unordered_map<int, int> preempted_on_;  // pid -> CPU it was preempted on, still queued
  bool wakelist_traced_ = false;  // csd_queue_cpu or ipi_send_cpu seen: wakelist IPIs show
  bool have_first_tick_ = false;
  int64_t first_tick_ = 0;    // now / TICK_NSEC of the first tick: jiffy 0
  int64_t latest_jiffy_ = 0;  // of the latest tick on any CPU
  uint64_t tick_nsec_ = 0;
  uint64_t violations_ = 0;
  uint64_t overflows_ = 0;
  CadenceSummary summary_;
};

}  // namespace sbm
