// NOHZ idle load balancing per profile (spec/kernel-facts.md §0.12, §1, §7; spec/nohz.md): who
// balances on behalf of CPUs whose tick is stopped, when, and how nohz.next_balance moves.
//
//   NohzModel::None               v2.6.20: nothing (every hook is a no-op)
//   NohzModel::OwnerLoadBalancer  v2.6.32 (kernel/sched.c): select_nohz_load_balancer()
//       makes the first CPU to stop its tick the owner (nohz.load_balancer), which keeps
//       ticking; trigger_load_balance() hands ownership on and keeps idle non-owners from
//       raising; run_rebalance_domains() makes the owner balance every other CPU of
//       nohz.cpu_mask after itself and pull its own next_balance to their minimum.
//   NohzModel::KickIdleLoadBalancer  v4.19, v6.17, v6.19 (kernel/sched/fair.c): a busy
//       tick's nohz_balancer_kick() asks kick_ilb() to send an idle CPU of
//       nohz.idle_cpus_mask an IPI; that CPU's softirq runs nohz_idle_balance() before its
//       own pass and balances the due idle CPUs (Profile: nohz_kick_next_balance, ilb_walk,
//       ilb_select, ilb_delivery, nohz_needs_update).
//
// The hooks run inside D's trigger and softirq (model/balance/sched_balance_trigger.h,
// model/balance/sched_balance_domains.h); the rest is called by whoever drives the machine:
//   nohz_stop_tick(m, cpu)   an idle CPU stops its tick (tick_nohz_idle_stop_tick)
//   nohz_restart_tick(m, cpu)  it leaves idle and the tick restarts
//   nohz_ipi(m, cpu)         deliver the kick IPI (m.nohz.ipi_pending) on `cpu`
// A driver calls nohz_restart_tick() when a tickless CPU gets work, and gives no ticks
// to a CPU for which nohz_tick_is_stopped() holds.
//
// Not modelled: PELT blocked load (one update decays it completely, so STATS kicks only
// clear nohz.has_blocked), housekeeping/isolcpus (every CPU is a housekeeping CPU),
// check_cpu_capacity / asym packing / misfit kick reasons (no CPU capacity in the model),
// NOHZ_NEWILB_KICK (newidle blocked-load updates), need_resched() apart from the CPU
// itself getting work (!idle_cpu()). The whole ILB walk is one atomic step.
#pragma once

#include "model/balance/sched_balance_domains.h"
#include "model/balance_event.h"
#include "model/rq.h"

namespace sbm {

// nohz_flags(cpu) bits, kernel/sched/sched.h (v6.17; v4.19 has BALANCE and STATS only).
inline constexpr unsigned kNohzBalanceKick = 1u << 0;  // NOHZ_BALANCE_KICK
inline constexpr unsigned kNohzStatsKick = 1u << 1;    // NOHZ_STATS_KICK (4.17+)
inline constexpr unsigned kNohzNextKick = 1u << 3;     // NOHZ_NEXT_KICK (5.16+)
inline constexpr unsigned kNohzKickMask = kNohzBalanceKick | kNohzStatsKick | kNohzNextKick;

// "BALANCE|STATS" and the like, "0" when empty.
std::string nohz_flags_name(unsigned flags);

// LOAD_AVG_PERIOD: nohz.next_blocked = now + msecs_to_jiffies(32) after a STATS walk.
inline constexpr unsigned kLoadAvgPeriodMs = 32;

// The NOHZ hooks for a machine of any profile; which era runs is read from m.profile.
class NohzIdleBalancer final : public NohzHooks {
 public:
  bool trigger_defers(MachineState& m, int cpu, BalanceEventSink& sink) override;
  void balancer_kick(MachineState& m, int cpu, BalanceEventSink& sink) override;
  bool idle_balance_before_local(MachineState& m, int cpu, CpuIdleType idle,
                                 SchedBalanceRq& balancer, BalanceEventSink& sink) override;
  void idle_balance_after_local(MachineState& m, int cpu, CpuIdleType idle,
                                SchedBalanceRq& balancer, BalanceEventSink& sink) override;
};

// An idle CPU stops its tick: nohz_balance_enter_idle() (3.3+) or
// select_nohz_load_balancer(1) (2.6.21-3.2). Returns true when the tick keeps running
// (the 2.6.32 owner).
bool nohz_stop_tick(MachineState& m, int cpu, BalanceEventSink& sink);

// The CPU leaves idle and its tick restarts: select_nohz_load_balancer(0) (2.6.21-3.2);
// nothing in 3.3+, where the first busy tick's nohz_balancer_kick() calls
// nohz_balance_exit_idle().
void nohz_restart_tick(MachineState& m, int cpu, BalanceEventSink& sink);

// Whether `cpu` gets no ticks: rq->nohz_tick_stopped and still idle. The 2.6.32 owner
// keeps ticking (its nohz_tick_stopped stays clear); in 3.3+ a woken CPU ticks again
// although rq->nohz_tick_stopped stays set until that first busy tick clears it.
bool nohz_tick_is_stopped(const MachineState& m, int cpu);

// The kick IPI arrives on `cpu` (clears its m.nohz.ipi_pending bit):
//   v6.x nohz_csd_func(): take the kick bits; if idle_cpu(), rq->nohz_idle_balance = them,
//        rq->idle_balance = 1 and raise SCHED_SOFTIRQ;
//   v4.19 scheduler_ipi()/got_nohz_idle_kick(): if idle, rq->idle_balance = 1 and raise,
//        else drop the kick bits;
//   2.6.32 resched_cpu() of a nominated owner: an idle CPU goes round its idle loop and
//        stops its tick again (select_nohz_load_balancer(1)).
// Returns whether SCHED_SOFTIRQ was raised.
bool nohz_ipi(MachineState& m, int cpu, BalanceEventSink& sink);

// --- The parts, exposed for tests and for replaying one step at a time.

// find_new_ilb() for the profile, called on `this_cpu`; -1 when none.
int find_new_ilb(const MachineState& m, int this_cpu);

// kick_ilb(flags) from `this_cpu` (3.3+).
void kick_ilb(MachineState& m, int this_cpu, unsigned flags, BalanceEventSink& sink);

// sd_llc of `cpu` (update_top_cache_domain(): its highest SD_SHARE_LLC domain), nullptr
// without one.
RqDomain* sd_llc(Rq& rq);
const RqDomain* sd_llc(const Rq& rq);

// sd_llc_shared->nr_busy_cpus of `cpu`'s LLC, -1 without one. sd_init() sets it to sd_weight
// when the domains are (re)built (v4.19, v6.17); set_cpu_sd_state_idle() takes one off when a
// CPU of the LLC stops its tick (nohz_balance_enter_idle(), only on the transition) and
// set_cpu_sd_state_busy() gives it back, each only if that CPU's sd->nohz_idle says so. So
// it is sd_weight less the CPUs whose sd_llc has nohz_idle set: after a rebuild, CPUs that
// were already tickless count as busy until they next go through nohz_balance_enter_idle().
int llc_nr_busy_cpus(const MachineState& m, int cpu);

}  // namespace sbm
