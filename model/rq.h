// struct rq as the balancing model needs it, the per-CPU sched-domain chain with its
// balancing state, and MachineState: everything the tick, the trigger, the SCHED
// softirq and load balancing read or write, for all CPUs at once.
//
// Field names are the kernel's (kernel/sched/sched.h struct rq, include/linux/sched/
// topology.h struct sched_domain). Jiffies-valued fields hold values modulo
// 2^Profile::jiffies_bits; compare them only with time_after() and friends (jiffies.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/balance/sched_balance_serialize.h"
#include "model/balance_event.h"
#include "model/cpumask.h"
#include "model/jiffies.h"
#include "model/profile.h"
#include "model/topology.h"

namespace sbm {

// A runnable task (struct task_struct, the parts balancing looks at).
struct Task {
  int pid = 0;
  unsigned long load_weight = 1024;  // se.load.weight (NICE_0 = 1024, unscaled)
  CpuMask cpus_allowed;              // p->cpus_ptr / cpus_allowed
  bool running = false;              // rq->curr == p (at most one per rq)
  bool sched_idle = false;           // SCHED_IDLE policy, for sched_idle_cpu()
  uint64_t exec_start_ns = 0;        // se.exec_start: when it last ran, for task_hot()
  unsigned long util = 1024;         // what the task would use of a CPU of capacity 1024 on
                                     // its own; stands for util_avg (no PELT, see
                                     // spec/load-balance.md); 1024 = CPU-bound
};

// Per-domain schedstat counters (struct sched_domain, CONFIG_SCHEDSTATS). Arrays are
// indexed by CpuIdleType; schedstat_order() (profile) gives the kernel's column order.
struct SdStats {
  using PerIdle = std::array<unsigned long, kCpuIdleTypes>;
  PerIdle lb_count{}, lb_balanced{}, lb_failed{};
  // v17 (6.14) splits lb_imbalance by migration type; earlier versions print the sum.
  PerIdle lb_imbalance_load{}, lb_imbalance_util{}, lb_imbalance_task{}, lb_imbalance_misfit{};
  PerIdle lb_gained{}, lb_hot_gained{}, lb_nobusyq{}, lb_nobusyg{};
  unsigned long alb_count = 0, alb_failed = 0, alb_pushed = 0;

  unsigned long lb_imbalance(CpuIdleType t) const;
  static int index(CpuIdleType t) { return static_cast<int>(t); }
};

// One level of one CPU's chain: the topology's sched_domain plus the balancing state
// the model keeps for it. sd.span and sd.flags are always present here (make_machine
// rejects topologies without them); sd.balance_interval (ms), sd.last_balance (jiffies)
// and sd.nr_balance_failed are the live fields.
struct RqDomain {
  SchedDomain sd;
  int level = 0;  // index in the chain, base domain = 0

  // sd_init() tunables, resolved from sd.tunables.
  unsigned min_interval = 1;  // ms
  unsigned max_interval = 2;  // ms
  unsigned busy_factor = 16;
  unsigned imbalance_pct = 117;
  unsigned cache_nice_tries = 0;
  // balance_interval at attach: sd_weight from 2.6.3x on, but SD_NODE_INIT's 1 below
  // min_interval 8 in 2.6.2x (arch/x86 topology.h), from which the back-off doubles up.
  unsigned initial_balance_interval = 1;

  uint64_t max_newidle_lb_cost = 0;     // ns
  uint64_t next_decay_max_lb_cost = 0;  // jiffies; used by NeedDecay::Sticky (<= 5.15)
  uint64_t last_decay_max_lb_cost = 0;  // jiffies; used by NeedDecay::PerIteration (5.16+)
  SdStats stats;
  // sd->nohz_idle, kept on the CPU's sd_llc (NohzModel::KickIdleLoadBalancer): this CPU took
  // one off sd->shared->nr_busy_cpus (set_cpu_sd_state_idle()). A rebuilt domain starts with
  // it clear and nr_busy_cpus = sd_weight (sd_init()), see llc_nr_busy_cpus().
  bool nohz_idle = false;

  const CpuMask& span() const { return *sd.span; }
  const SdFlags& flags() const { return *sd.flags; }
};

struct Rq {
  int cpu = -1;
  std::vector<Task> tasks;             // every runnable task here, the running one included
  bool ttwu_pending = false;           // a remote wakeup queued (idle_cpu() says busy)
  bool idle_balance = false;           // rq->idle_balance (idle_at_tick in 2.6.21-3.x),
                                       // sampled by the tick
  uint64_t next_balance = 0;           // jiffies
  std::vector<RqDomain> sd;            // rq->sd, sd->parent, ...; empty: NULL domain
  uint64_t max_idle_balance_cost = 0;  // ns
  bool sched_softirq_pending = false;  // SCHED_SOFTIRQ raised and not yet run

  // NOHZ (spec/kernel-facts.md §7): the NOHZ model owns their meaning.
  bool nohz_tick_stopped = false;
  unsigned nohz_flags = 0;         // NOHZ_*_KICK bits (nohz_flags(cpu))
  unsigned nohz_idle_balance = 0;  // flags handed to the softirq (6.x)
  bool in_nohz_recently = false;   // 2.6.21-3.2: set by select_nohz_load_balancer(1),
                                   // cleared by the first busy tick (model/nohz/nohz.h)

  // Active balance (spec/kernel-facts.md §4).
  bool active_balance = false;
  int push_cpu = -1;

  unsigned nr_running() const { return static_cast<unsigned>(tasks.size()); }
  const Task* curr() const;  // the running task, or nullptr (the idle task)
};

// idle_cpu(): the idle task runs, nothing is queued and no wakeup is pending.
bool idle_cpu(const Rq& rq);
// sched_idle_cpu(): runnable tasks, all of them SCHED_IDLE.
bool sched_idle_cpu(const Rq& rq);
// on_null_domain(): the CPU is attached to no sched domain.
inline bool on_null_domain(const Rq& rq) { return rq.sd.empty(); }

// The global part of NOHZ state (struct nohz in fair.c); the NOHZ model extends its use.
struct NohzGlobal {
  CpuMask idle_cpus_mask;  // nohz.idle_cpus_mask (3.3+), nohz.cpu_mask (2.6.21-3.2)
  uint64_t next_balance = 0;
  int load_balancer = -1;  // nohz.load_balancer, 2.6.21-3.2 owner model
  // 4.17+ blocked-load bookkeeping and 5.16+ needs_update (model/nohz/nohz.h).
  bool has_blocked = false;   // nohz.has_blocked
  uint64_t next_blocked = 0;  // nohz.next_blocked (jiffies)
  bool needs_update = false;  // nohz.needs_update
  CpuMask ipi_pending;        // kick IPIs / CSDs sent and not yet handled by their CPU
};

struct MachineState {
  Profile profile;
  WrapOps ops;  // jiffies arithmetic of the profile's width
  uint64_t jiffies = 0;
  std::vector<Rq> rqs;                     // indexed by CPU id
  CpuMask online;                          // cpu_online_mask
  CpuMask active;                          // cpu_active_mask
  std::vector<int> cpu_node;               // cpu_to_node(), from the topology; empty: one node
  uint64_t max_load_balance_interval = 0;  // jiffies
  uint64_t sysctl_sched_migration_cost_ns = 500000;
  SchedBalanceRunning sched_balance_running;  // the SD_SERIALIZE token
  NohzGlobal nohz;

  Rq& rq(int cpu) { return rqs.at(static_cast<size_t>(cpu)); }
  const Rq& rq(int cpu) const { return rqs.at(static_cast<size_t>(cpu)); }
  int nr_cpu_ids() const { return static_cast<int>(rqs.size()); }
  int cpu_to_node(int cpu) const {
    return cpu >= 0 && static_cast<size_t>(cpu) < cpu_node.size()
               ? cpu_node[static_cast<size_t>(cpu)]
               : 0;
  }
  // cpumask_of_node(node): the CPUs of the node, online or not.
  CpuMask node_mask(int node) const;
  // rq(cpu)->sd at `level` (0 the base), or null when the CPU or the level does not exist: an
  // event may name a domain the machine does not have.
  const RqDomain* domain_at(int cpu, int level) const {
    if (cpu < 0 || cpu >= nr_cpu_ids() || level < 0) return nullptr;
    const std::vector<RqDomain>& sd = rq(cpu).sd;
    return static_cast<size_t>(level) < sd.size() ? &sd[static_cast<size_t>(level)] : nullptr;
  }
};

struct MachineOptions {
  std::optional<uint64_t> jiffies;  // default INITIAL_JIFFIES for the profile's HZ
  std::optional<CpuMask> online;    // default: every CPU of the topology
  std::optional<CpuMask> active;    // default: online
};

struct MachineBuild {
  std::optional<MachineState> machine;
  std::string error;  // "CPU3 domain-1 (NUMA): no span in the input"
};

// The machine at boot as sched_init()/sd_init() leave it: rq->next_balance = jiffies,
// every domain's last_balance = jiffies, balance_interval = the topology's value (its
// min_interval when the topology gives 0), decay stamps = jiffies, NOHZ idle.
// Every domain needs a span and flags; missing tunables fall back to nothing: they are
// an error too, so that a run never silently balances with made-up parameters.
MachineBuild make_machine(const Topology& topology, const Profile& profile,
                          const MachineOptions& options = {});

// update_max_interval(): max_load_balance_interval = HZ*num_online_cpus()/10 (fair.c, v4.19,
// v6.18). Since v4.6 its callers are sched_rq_cpu_starting() and sched_cpu_dying()
// (kernel/sched/core.c); neither sees the CPU in question online: CPU_STARTING callbacks run
// before set_cpu_online(), and __cpu_disable() clears the bit before the DYING callbacks. So
// the value counts the CPUs online before a CPU comes up, and those left after one goes down.
// Boot brings CPUs up one by one from the boot CPU (which keeps the initial HZ/10): an N-CPU
// machine runs with HZ*(N-1)/10, not HZ*N/10 (50 -> 25 jiffies at HZ=250 on 2 CPUs, measured
// on a 6.18 kernel).
// Callers: cpu_up before it sets the CPU online, cpu_down after it clears it.
void update_max_interval(MachineState& m);
// make_machine(): the value the boot sequence leaves.
void update_max_interval_at_boot(MachineState& m);

// The bound get_sd_balance_interval() clamps to: HZ*NR_CPUS/10 (2.6.21-2.6.3x),
// max_load_balance_interval (later); 0 when the era has none (v2.6.20).
uint64_t balance_interval_cap(const MachineState& m);

// get_sd_balance_interval(sd, cpu_busy) for this machine's profile, in jiffies.
uint64_t sd_balance_interval(const MachineState& m, const RqDomain& d, bool cpu_busy);

// The `busy` of the pass: idle != CPU_IDLE, and since 5.6 also !sched_idle_cpu().
bool pass_cpu_busy(const Profile& p, const Rq& rq, CpuIdleType idle);

// jiffies += n, modulo 2^bits.
void advance_jiffies(MachineState& m, uint64_t n = 1);

}  // namespace sbm
