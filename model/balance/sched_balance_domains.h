// The periodic balancing pass, rebalance_domains() / sched_balance_domains()
// (kernel/sched.c v2.6.20, v2.6.32; kernel/sched/fair.c v4.19, v6.17, v6.19), and the
// SCHED softirq handler around it, run_rebalance_domains() / sched_balance_softirq().
//
// Both are explicit state machines: step() performs one atomic action and returns, so a
// simulator can interleave CPUs finer than a tick and two CPUs can be inside the softirq
// at once (SER-1 needs that). run_to_completion() only steps. spec/balancing-model.md
// walks through the phases with their kernel citations.
//
// The balance of one domain (load_balance() / sched_balance_rq()) is injected through
// SchedBalanceRq, and NOHZ plugs in through NohzHooks.
#pragma once

#include <optional>

#include "model/balance_event.h"
#include "model/rq.h"

namespace sbm {

// One call of load_balance()/sched_balance_rq(cpu, rq, sd, idle, &continue_balancing).
struct BalanceCall {
  int cpu = -1;            // this_cpu: whose rq pulls (the dst)
  int executing_cpu = -1;  // the CPU running the pass (cpu, or the NOHZ ILB for it)
  int level = 0;           // index into rq(cpu).sd
  CpuIdleType idle = CpuIdleType::NotIdle;
};

struct BalanceOutcome {
  int moved = 0;                // ld_moved; non-zero counts as "pulled" (2.6.x: -1 too)
  bool serialize_busy = false;  // v6.19: out_balanced because sched_balance_running was taken
};

// load_balance() / sched_balance_rq(). Implementations may clear continue_balancing
// (should_we_balance() said another CPU balances this domain), change the machine
// (move tasks, tune sd->balance_interval, schedstats) and emit events.
class SchedBalanceRq {
 public:
  virtual ~SchedBalanceRq() = default;
  virtual BalanceOutcome balance(MachineState& m, const BalanceCall& call, bool& continue_balancing,
                                 BalanceEventSink& sink) = 0;
};

// Where NOHZ idle balancing attaches (spec/kernel-facts.md §3, §7). Each hook runs as one atomic
// step of the trigger or the softirq; the defaults do nothing, which is the behaviour of
// a kernel without CONFIG_NO_HZ.
class NohzHooks {
 public:
  virtual ~NohzHooks() = default;
  // trigger_load_balance() 2.6.21-3.2: the owner branches before the due test; true when
  // this tick must not raise SCHED_SOFTIRQ (an idle non-owner, or the owner stopping).
  virtual bool trigger_defers(MachineState&, int /*cpu*/, BalanceEventSink&) { return false; }
  // nohz_balancer_kick(rq), 3.3+: after the raise decision, on every attached tick.
  virtual void balancer_kick(MachineState&, int /*cpu*/, BalanceEventSink&) {}
  // nohz_idle_balance(), 4.17+: at softirq entry, before the local pass; true when it
  // handled the softirq and the local pass must not run.
  virtual bool idle_balance_before_local(MachineState&, int /*cpu*/, CpuIdleType, SchedBalanceRq&,
                                         BalanceEventSink&) {
    return false;
  }
  // run_rebalance_domains() 2.6.21-3.2: the owner balances the other nohz CPUs after
  // its own pass.
  virtual void idle_balance_after_local(MachineState&, int /*cpu*/, CpuIdleType, SchedBalanceRq&,
                                        BalanceEventSink&) {}
};

// rebalance_domains(rq, idle) / sched_balance_domains(rq, idle) for rq(cpu), executed on
// executing_cpu.
class SchedBalanceDomains {
 public:
  enum class Phase {
    Start,      // locals: busy, next_balance = jiffies + 60*HZ, update_next_balance = 0
    Visit,      // decay, SD_LOAD_BALANCE skip, continue_balancing check, interval
    Acquire,    // SD_SERIALIZE trylock (<= 6.18 placement)
    Balance,    // due test; load_balance(); last_balance = jiffies; interval recompute
    Release,    // token release (<= 6.18 placement)
    MinUpdate,  // out: time_after(next_balance, last_balance + interval); 2.6.x break
    Finish,     // max_idle_balance_cost, rq->next_balance write, nohz fold (4.19)
    Done,
  };

  SchedBalanceDomains(int cpu, CpuIdleType idle, int executing_cpu);
  SchedBalanceDomains(int cpu, CpuIdleType idle) : SchedBalanceDomains(cpu, idle, cpu) {}

  void step(MachineState& m, SchedBalanceRq& balancer, BalanceEventSink& sink);
  void run_to_completion(MachineState& m, SchedBalanceRq& balancer, BalanceEventSink& sink);

  bool done() const { return phase_ == Phase::Done; }
  Phase phase() const { return phase_; }
  int cpu() const { return cpu_; }
  int executing_cpu() const { return executing_cpu_; }
  int level() const { return level_; }  // the domain being worked on
  CpuIdleType idle() const { return idle_; }
  bool busy() const { return busy_; }
  uint64_t next_balance() const { return next_balance_; }
  bool update_next_balance() const { return update_next_balance_; }
  bool continue_balancing() const { return continue_balancing_; }
  bool need_decay() const { return need_decay_; }
  uint64_t interval() const { return interval_; }
  bool holds_serialize_token() const { return holds_token_; }

 private:
  void start(MachineState& m, BalanceEventSink& sink);
  void visit(MachineState& m, BalanceEventSink& sink);
  void acquire(MachineState& m, BalanceEventSink& sink);
  void balance(MachineState& m, SchedBalanceRq& balancer, BalanceEventSink& sink);
  void release(MachineState& m, BalanceEventSink& sink);
  void min_update(MachineState& m, BalanceEventSink& sink);
  void finish(MachineState& m, BalanceEventSink& sink);
  void next_domain(const MachineState& m);
  bool decay(MachineState& m, RqDomain& d) const;

  int cpu_;
  int executing_cpu_;
  CpuIdleType idle_;
  Phase phase_ = Phase::Start;
  int level_ = 0;
  bool busy_ = false;
  uint64_t next_balance_ = 0;
  bool update_next_balance_ = false;
  bool continue_balancing_ = true;
  bool need_decay_ = false;
  uint64_t max_cost_ = 0;
  uint64_t interval_ = 0;
  bool need_serialize_ = false;
  bool holds_token_ = false;
};

// run_rebalance_domains() / sched_balance_softirq() on `cpu`: softirq entry, the idle
// type (sampled now in v2.6.20, else read from rq->idle_balance), the NOHZ pass before
// (4.17+) or after (2.6.21-3.2) the local one, the local pass step by step, exit.
class SchedBalanceSoftirq {
 public:
  enum class Phase { Entry, NohzBefore, Local, NohzAfter, Exit, Done };

  explicit SchedBalanceSoftirq(int cpu) : cpu_(cpu) {}

  void step(MachineState& m, SchedBalanceRq& balancer, NohzHooks& nohz, BalanceEventSink& sink);
  void run_to_completion(MachineState& m, SchedBalanceRq& balancer, NohzHooks& nohz,
                         BalanceEventSink& sink);

  bool done() const { return phase_ == Phase::Done; }
  Phase phase() const { return phase_; }
  int cpu() const { return cpu_; }
  CpuIdleType idle() const { return idle_; }
  const std::optional<SchedBalanceDomains>& pass() const { return pass_; }

 private:
  int cpu_;
  Phase phase_ = Phase::Entry;
  CpuIdleType idle_ = CpuIdleType::NotIdle;
  std::optional<SchedBalanceDomains> pass_;
};

}  // namespace sbm
