// Profiles, not #ifdefs (design.md): every kernel-era difference in periodic load
// balancing that sbm models is a named switch or constant here, chosen at run time by
// name ("v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"). Each field says which kernel
// version or commit it comes from; spec/profiles.md lists them per profile with the
// function they live in. The model code reads these fields and nothing else to decide
// what an era does.
//
// Where a kernel-era difference lives: here (the tick, the pass, sched_balance_rq() of one
// domain, NOHZ, the era's names), or, for build_sched_domains(), in BuildOptions
// (model/topology/build_options.h, derived from the version by build_options_for()). Nowhere else:
// no model, check or trace code compares kernel versions itself; the only version tests are
// in the functions that derive switches (profile.cpp, build_options.cpp, and the dump style
// of traces/topology_dump/dump_style.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_version.h"
#include "model/mutants.h"

namespace sbm {

// Where the idle type of the periodic pass comes from.
enum class IdleSampling {
  InSoftirq,  // v2.6.20 run_rebalance_domains: "!this_rq->nr_running" at softirq entry
  AtTick,     // 2.6.21+ (46cb4b7c88fa): scheduler_tick/sched_tick stores rq->idle_at_tick,
              // later rq->idle_balance = idle_cpu(); the softirq reads the stored value
};

// What the pass uses as idle type for higher domains after sched_balance_rq() pulled.
enum class IdleAfterPull {
  NotIdle,     // v2.6.20 / v2.6.32: idle = CPU_NOT_IDLE
  ReEvaluate,  // v4.19+: idle = idle_cpu(cpu) (LBF_DST_PINNED may have moved dst_cpu)
};

// How !continue_balancing (should_we_balance() said "not me") ends the domain walk.
enum class ContinueCheck {
  BottomBreak,          // 2.6.20-2.6.3x: "if (!balance) break;" after the min-update
  TopBreakUnlessDecay,  // 3.x+: "if (!continue_balancing) { if (need_decay) continue; break; }"
                        // before the interval is computed
};

// The max_newidle_lb_cost decay done while walking the domains.
enum class NeedDecay {
  None,          // 2.6.x: no decay in the periodic pass
  Sticky,        // 3.x-5.15: need_decay = 1 once any domain decayed (next_decay_max_lb_cost)
  PerIteration,  // 5.16+: need_decay = update_newidle_cost(sd, 0), overwritten per domain
};

// Upper bound of get_sd_balance_interval().
enum class IntervalCap {
  None,        // v2.6.20: only "if (!interval) interval = 1"
  NrCpus,      // 2.6.21-2.6.3x: interval <= HZ*NR_CPUS/10 (compile-time NR_CPUS)
  OnlineCpus,  // about 2.6.33-3.2 onwards: clamp(1, max_load_balance_interval), which
               // update_max_interval() sets to HZ*num_online_cpus()/10 on hotplug
};

// Where the SD_SERIALIZE token is taken.
enum class SerializePlacement {
  BeforeDueTest,     // 2.6.20-6.18: rebalance_domains/sched_balance_domains trylock before
                     // the due test, so non-due domains contend too; failure skips to out:
  InSchedBalanceRq,  // 6.19 (3324b2180c17): sched_balance_rq() after should_we_balance(),
                     // only when due; busy -> out_balanced; released at out:
};

// The token itself (one global for the whole system in every era, spec/kernel-facts.md §0.10).
enum class SerializeToken {
  BalancingSpinlock,    // 2.6.20-6.9: static DEFINE_SPINLOCK(balancing) + spin_trylock
  SchedBalanceRunning,  // 6.10+ (214c1b7f1395): atomic_t sched_balance_running, cmpxchg
};

// When rq->next_balance is written at the end of the pass.
enum class NextBalanceWrite {
  Always,     // v2.6.20-2.6.23: "this_rq->next_balance = next_balance" unconditionally
  IfUpdated,  // 2.6.24+: only when some domain fed it (update_next_balance)
};

// The NOHZ idle balancer design (the NOHZ model itself plugs in through NohzHooks).
enum class NohzModel {
  None,                  // v2.6.20: no dynticks idle balancing
  OwnerLoadBalancer,     // 2.6.21-3.2 (46cb4b7c88fa): nohz.load_balancer owner keeps ticking
  KickIdleLoadBalancer,  // 3.3+: busy CPUs kick an idle CPU from nohz.idle_cpus_mask
};

// kick_ilb()'s effect on nohz.next_balance.
enum class NohzKickNextBalance {
  None,                     // owner model: no kick
  Increment,                // 4.17-5.8: nohz.next_balance++ on every kick (spec/bugs.md #11)
  JiffiesPlusOneOnBalance,  // 3ea2f097b17e (2020): nohz.next_balance = jiffies+1, BALANCE only
};

// Order in which the ILB visits idle CPUs.
enum class IlbWalk {
  None,               // no NOHZ idle balancer (v2.6.20)
  OwnerMaskSkipSelf,  // 2.6.32: itself first (run_rebalance_domains), then nohz.cpu_mask
  AscendingSelfLast,  // 4.19: for_each_cpu(idle_cpus_mask) skipping itself, then itself
  WrapFromNext,       // 6.x: for_each_cpu_wrap(idle_cpus_mask, this_cpu+1), itself last
};

// Which CPU kick_ilb() picks (find_new_ilb()); housekeeping masks are not modelled.
enum class IlbSelect {
  FirstOfMaskIfIdle,       // v4.19: cpumask_first(nohz.idle_cpus_mask) if idle_cpu(), else none
  FirstIdleOtherThanSelf,  // v6.17: first idle_cpu() of nohz.idle_cpus_mask other than this CPU
};

// How the kick reaches the ILB and hands it the NOHZ_*_KICK flags.
enum class IlbDelivery {
  ReschedIpi,  // v4.19: smp_send_reschedule(); scheduler_ipi() raises SCHED_SOFTIRQ if idle
               // (got_nohz_idle_kick), flags stay in nohz_flags until nohz_idle_balance()
  NohzCsd,     // 5.8+ (v6.17): nohz_csd_func() clears the kick bits and, if idle, stores
               // them in rq->nohz_idle_balance and raises SCHED_SOFTIRQ
};

// Who is the designated balancer (should_we_balance and its predecessors).
enum class ShouldWeBalance {
  FirstIdleOfLocalGroup,   // v2.6.20/2.6.32: inside find_busiest_group: first idle CPU of the
                           // local group, else first CPU of the group
  FirstIdleOfBalanceMask,  // 3.x-5.x: first idle CPU of group_balance_mask, else
                           // group_balance_cpu; NEWLY_IDLE always balances
  IdleCoreFirst,           // 6.x: idle core, then first idle SMT thread, then
                           // group_balance_cpu; NEWLY_IDLE bails if nr_running or ttwu_pending
};

// How tasks are moved.
enum class MoveLocking {
  BothRqLocks,          // up to ~3.17: pull_task under double_lock_balance
  DetachAttachOneLock,  // ~3.18+: detach under the src lock, attach under the dst lock
};

// Order for taking two rq locks.
enum class LockOrder {
  RqAddress,    // 2.6.18-5.13: lower rq address first
  RqOrderLess,  // 5.14+ (core scheduling): rq_order_less(), core id then CPU id
};

// Numbering of enum cpu_idle_type, which is also the schedstat column order.
enum class IdleTypeOrder {
  IdleNotIdleNewly,  // CPU_IDLE=0, CPU_NOT_IDLE, CPU_NEWLY_IDLE (SCHED_IDLE... in 2.6.20)
  NotIdleIdleNewly,  // 6.10+ (38d707c54df4): __CPU_NOT_IDLE=0, CPU_IDLE, CPU_NEWLY_IDLE
};

// Where SD_SERIALIZE is set by the topology code (used by the builder and by checks).
enum class SerializeLevels {
  NodeInitMacros,  // 2.6.x: SD_NODE_INIT / SD_ALLNODES_INIT (arch macros)
  EveryNumaLevel,  // 3.x+: every SD_NUMA level above NODE (sd_init)
};

// The switches of load_balance() / sched_balance_rq() on one domain (spec/load-balance.md,
// "Per-era behaviour"). Boundaries between the profiles carry a commit id where one is
// known; otherwise the switch only promises the behaviour of the profiles' trees.

// How the busiest group is chosen and the imbalance computed.
enum class BusiestGroupRule {
  AvgLoad2620,  // v2.6.20 find_busiest_group(): max avg_load among groups with
                // sum_nr_running > cpu_power/SCHED_LOAD_SCALE, small_imbalance
  AvgLoad2632,  // v2.6.32 update_sd_lb_stats()/find_busiest_group(): sd_lb_stats,
                // group_imb from max-min CPU load, load_above_capacity, fix_small_imbalance
  AvgLoad419,   // v4.19: group_type {other, imbalanced, overloaded}, avg_load comparison,
                // fix_small_imbalance
  GroupType55,  // v5.5 (0b0695f2b34a) rework, as in v6.17: group_type has_spare ..
                // overloaded, migration_type load/util/task/misfit
};

// The first value of env->cpus (the CPUs a busiest rq may be taken from).
enum class LbCpusInit {
  AllCpus,        // v2.6.20: cpumask_t cpus = CPU_MASK_ALL
  ActiveCpus,     // v2.6.32 .. v4.12: cpu_active_mask (spec/bugs.md #17)
  SpanAndActive,  // v4.13 (65a4433aebe3): sched_domain_span(sd) & cpu_active_mask
};

// The order in which candidate tasks on the busiest rq are examined.
enum class DetachScan {
  TailBackward,  // v2.6.20 move_tasks(): from the tail of the priority queue backwards
  HeadForward,   // v2.6.32 balance_tasks(): the CFS iterator from the head of cfs_rq->tasks
  TailRotate,    // v3.x+ detach_tasks(): list_last_entry(cfs_tasks), rejected tasks moved to
                 // the head (list_move), so the tail is examined each time
};

// Where enqueue puts a task on the rq's list (attach_task / pull_task).
enum class EnqueuePosition {
  Tail,  // v2.6.20 enqueue_task(): list_add_tail on the priority queue
  Head,  // v2.6.32+ account_entity_enqueue(): list_add(&se->group_node, ...)
};

// The per-task load test that skips a task that would move too much.
enum class DetachLoadRule {
  WeightOverRem,      // v2.6.20: load_weight > rem_load_move, unless the task would be the
                      // highest-priority task on an idle dst (see detach_tasks.cpp)
  HalfWeightOverRem,  // v2.6.32 (weight >> 1 > rem), v4.19 (load / 2 > imbalance)
  ShrBound,           // v5.10+: shr_bound(load, nr_balance_failed) > imbalance
};

// How many tasks one detach pass may examine.
enum class DetachLimit {
  NrRunningMinusOne,  // v2.6.20: max_nr_move = busiest->nr_running - 1 (tasks moved)
  NrMigratePlusOne,   // v2.6.32: "loops++ > sysctl_sched_nr_migrate": 33 examined
  LoopMax,            // v3.x+: loop_max = min(sysctl_sched_nr_migrate, nr_running) examined,
                      // with loop_break / LBF_NEED_BREAK every SCHED_NR_MIGRATE_BREAK
};

// need_active_balance().
enum class NeedActiveRule {
  FailedOnly,  // v2.6.20, v2.6.32: nr_balance_failed > cache_nice_tries + 2
  V419,        // v4.19: NEWLY_IDLE asym packing; idle dst and a src with one CFS task on
               // reduced capacity; nr_balance_failed > cache_nice_tries + 2
  V6,          // v6.17: asym; migrate_task && failed > tries + 2; idle dst and reduced src
               // capacity; migrate_misfit
};

// The kernel's own names for the functions and fields of the era, for events, traces
// and messages that should read like the kernel of that era.
struct KernelNames {
  std::string tick;             // "scheduler_tick" / "sched_tick"
  std::string trigger;          // "scheduler_tick" (2.6.20) / "trigger_load_balance" / ...
  std::string softirq;          // "run_rebalance_domains" / "sched_balance_softirq"
  std::string pass;             // "rebalance_domains" / "sched_balance_domains"
  std::string balance;          // "load_balance" / "sched_balance_rq"
  std::string newidle;          // "idle_balance" / "sched_balance_newidle"
  std::string idle_field;       // "idle_at_tick" / "idle_balance" ("" for 2.6.20)
  std::string serialize_token;  // "balancing" / "sched_balance_running"
};

struct Profile {
  std::string name;  // "v6.17"
  KernelVersion version;
  std::string description;  // one line
  KernelNames names;

  // Configuration of the modelled kernel (per run, see ProfileOptions).
  unsigned hz = 250;           // CONFIG_HZ; Kconfig.hz default HZ_250 since 2.6.13
  unsigned jiffies_bits = 64;  // BITS_PER_LONG
  unsigned nr_cpus = 8;        // CONFIG_NR_CPUS, only for IntervalCap::NrCpus
                               // (x86 Kconfig "default 8 if SMP" in 2.6.32)
  bool config_no_hz = true;    // CONFIG_NO_HZ(_COMMON)

  // Softirq and names of idle types.
  int sched_softirq_vec = 7;  // SCHED_SOFTIRQ: 6 before 2.6.32, 7 from 2.6.32
                              // (BLOCK_IOPOLL_SOFTIRQ inserted before TASKLET)
  IdleTypeOrder idle_type_order = IdleTypeOrder::IdleNotIdleNewly;
  int schedstat_version = 15;  // 14 (2.6.20), 15 (2.6.2x-6.9), 16 (6.10), 17 (6.14+)

  // Tick and trigger (spec/kernel-facts.md §3).
  IdleSampling idle_sampling = IdleSampling::AtTick;
  bool trigger_checks_null_domain = true;  // on_null_domain(): 2.6.21+, not in 2.6.20
  bool trigger_checks_cpu_active = false;  // !cpu_active(): 5.12 (e0b257c3b71b)

  // The pass (spec/kernel-facts.md §2).
  unsigned next_balance_horizon_s = 60;           // next_balance = jiffies + 60*HZ, every era
  bool skip_domain_without_load_balance = false;  // !(sd->flags & SD_LOAD_BALANCE):
                                                  // until 5.7 (flag removed in 5.8, 36c5bdc43870)
  ContinueCheck continue_check = ContinueCheck::TopBreakUnlessDecay;
  NeedDecay need_decay = NeedDecay::PerIteration;
  bool sched_idle_cpu_is_idle = false;  // busy = idle != CPU_IDLE && !sched_idle_cpu():
                                        // 5.6 (SCHED_IDLE-only CPUs balance as idle)
  IdleAfterPull idle_after_pull = IdleAfterPull::ReEvaluate;
  bool recompute_interval_after_balance = true;  // "interval = get_sd_balance_interval()"
                                                 // after last_balance = jiffies: v4.19+, not 2.6.x
  NextBalanceWrite next_balance_write = NextBalanceWrite::IfUpdated;
  bool pass_folds_nohz_next_balance = false;  // end of rebalance_domains pulls
                                              // nohz.next_balance down when CPU_IDLE:
                                              // c5afb6a87f23 (2015) until 3ea2f097b17e (2020)

  // get_sd_balance_interval() (spec/kernel-facts.md §0.4).
  IntervalCap interval_cap = IntervalCap::OnlineCpus;
  bool busy_interval_minus_one = false;  // "if (cpu_busy) interval -= 1": 5.10

  // SD_SERIALIZE (spec/kernel-facts.md §0.2, spec/bugs.md #14, #15, #23).
  SerializeToken serialize_token = SerializeToken::BalancingSpinlock;
  SerializePlacement serialize_placement = SerializePlacement::BeforeDueTest;
  bool serialize_newidle = false;  // 6.19 (522fb20fbdbe): NEWLY_IDLE takes it too
  SerializeLevels serialize_levels = SerializeLevels::EveryNumaLevel;

  // balance_interval tuning in sched_balance_rq() (spec/kernel-facts.md §0.5, spec/bugs.md #16).
  unsigned max_pinned_interval = 512;            // MAX_PINNED_INTERVAL, every era
  bool backoff_skips_newidle = true;             // NEWLY_IDLE never doubles: 2.6.x had a separate
                                                 // load_balance_newidle() without the tune-up;
                                                 // after its merge into load_balance() (post
                                                 // 2.6.32) it doubled until 3f130a37c442 (v4.20)
  bool backoff_skips_misfit = false;             // 6.10: migrate_misfit never doubles
  bool active_balance_doubles_interval = false;  // <= 5.11: kicking active balance doubles
                                                 // balance_interval instead of resetting it
  bool active_balance_forces_failed = false;     // <= 5.12: nr_balance_failed =
                                                 // cache_nice_tries+1 after the kick

  // Who balances and how tasks move (for sched_balance_rq, spec/kernel-facts.md §0.7-0.9).
  ShouldWeBalance should_we_balance = ShouldWeBalance::IdleCoreFirst;
  MoveLocking move_locking = MoveLocking::DetachAttachOneLock;
  LockOrder lock_order = LockOrder::RqOrderLess;

  // load_balance() / sched_balance_rq() on one domain (spec/load-balance.md, "Per-era
  // behaviour"; the enums above say where each value comes from).
  BusiestGroupRule busiest_group_rule = BusiestGroupRule::GroupType55;
  LbCpusInit lb_cpus_init = LbCpusInit::SpanAndActive;
  DetachScan detach_scan = DetachScan::TailRotate;
  EnqueuePosition enqueue_position = EnqueuePosition::Head;
  DetachLoadRule detach_load_rule = DetachLoadRule::ShrBound;
  DetachLimit detach_limit = DetachLimit::LoopMax;
  NeedActiveRule need_active_rule = NeedActiveRule::V6;

  unsigned sysctl_sched_nr_migrate = 32;  // 2.6.24+ (unused by v2.6.20)
  unsigned nr_migrate_break = 32;         // sched_nr_migrate_break (v4.19),
                                          // SCHED_NR_MIGRATE_BREAK (6.1+, 8 on PREEMPT_RT)

  // LBF_SOME_PINNED / LBF_DST_PINNED / new_dst_cpu and sd_parent->groups->sgc->imbalance
  // (group_imbalanced): present in v4.19 and v6.17, absent in v2.6.x.
  bool affinity_flags = true;
  // env->dst_grpmask: group_balance_mask(sd->groups) in v6.17, sched_group_span() in v4.19.
  bool dst_grpmask_is_balance_mask = true;
  // v6.17 sets LBF_ALL_PINNED before "if (busiest->nr_running > 1)"; v4.19 inside it.
  bool all_pinned_before_nr_running_test = true;
  // v6.17 detach_tasks(): "src nr_running <= 1 -> clear LBF_ALL_PINNED, return 0"; not v4.19.
  bool detach_clears_all_pinned_on_single = true;
  // active-balance kick refused because busiest->curr is pinned: v2.6.x and v4.19 set
  // all_pinned before out_one_pinned; v6.17 does not.
  bool curr_pinned_sets_all_pinned = false;
  // out_balanced: v6.17 clears the parent's group imbalance only "if !(LBF_ALL_PINNED)";
  // v4.19 clears it unconditionally.
  bool out_balanced_keeps_imbalance_if_all_pinned = true;
  // v2.6.x: load_balance() returns -1 when nothing moved on an SD_SHARE_CPUPOWER domain that
  // is not sd_idle (the SMT "pretend we are busy" rule).
  bool smt_returns_minus_one = false;
  // v2.6.x: CPU_NEWLY_IDLE is balanced by load_balance_newidle(), a separate function: no
  // active balance, no balance_interval back-off, -1 on failure (v2.6.32 always, v2.6.20 on
  // a busy SMT domain), and v2.6.20 retries another busiest whenever nothing moved.
  bool separate_newidle = false;
  // v6.17 task_hot(): "SMT siblings share cache" -> not hot on SD_SHARE_CPUCAPACITY domains;
  // v4.19 has no such test.
  bool task_hot_smt_exempt = true;
  // lb_hot_gained counted in detach_task() (v6.17; schedstat v17 counts hot tasks actually
  // detached); v2.6.x and v4.19 count it in can_migrate_task().
  bool hot_gained_at_detach = true;
  // active_load_balance_cpu_stop() marks its env LBF_ACTIVE_LB (v5.13+), so can_migrate_task
  // skips the cache-hot test; v4.19 lies with LBF_DST_PINNED and still tests hotness.
  bool active_lb_flag = true;
  // Active balance goes through the cpu stopper (stop_one_cpu_nowait +
  // active_load_balance_cpu_stop, about 2.6.35) instead of waking migration_thread (2.6.x).
  bool active_via_stopper = true;
  // active_load_balance() of 2.6.x / v4.19 only takes a domain with SD_LOAD_BALANCE.
  bool active_sd_needs_load_balance_flag = false;
  // CONFIG_PREEMPTION: detach_tasks() stops after one task for NEWLY_IDLE, and
  // double_lock_balance() always drops this_rq. Off by default (a server kernel).
  bool config_preempt = false;

  // NOHZ (spec/kernel-facts.md §0.12, §7).
  NohzModel nohz_model = NohzModel::KickIdleLoadBalancer;
  bool nohz_pass_before_local = true;  // 4.17+: nohz_idle_balance() runs first and
                                       // returns early; 2.6.32: owner loop after
  NohzKickNextBalance nohz_kick_next_balance = NohzKickNextBalance::JiffiesPlusOneOnBalance;
  IlbWalk ilb_walk = IlbWalk::WrapFromNext;
  IlbSelect ilb_select = IlbSelect::FirstIdleOtherThanSelf;
  IlbDelivery ilb_delivery = IlbDelivery::NohzCsd;
  bool nohz_needs_update = true;  // efd984c481ab (5.16): nohz.needs_update set on
                                  // entering NOHZ idle, NOHZ_NEXT_KICK (spec/bugs.md #12)

  // sched_balance_newidle()/idle_balance() (spec/kernel-facts.md §2, "Newidle").
  unsigned newidle_next_balance_horizon_hz = 1;  // jiffies + HZ (2.6.24+); 60 in 2.6.20

  // A buggy variant of the model for mutation testing (model/mutants.h); None for the
  // model itself. Set only by apply_mutant().
  Mutant mutant = Mutant::None;
};

// Whether the code-site mutant `m` is selected (the one question a mutated site asks).
inline bool is_mutant(const Profile& p, Mutant m) { return p.mutant == m; }

// Per-run configuration of a profile. Unset fields keep the profile's defaults.
struct ProfileOptions {
  std::optional<unsigned> hz;            // 100, 250, 300, 1000 (any divisor or multiple
                                         // of 1000, or any value 1..10000)
  std::optional<unsigned> jiffies_bits;  // 32 or 64
  std::optional<unsigned> nr_cpus;       // CONFIG_NR_CPUS, >= 1
};

struct ProfileLookup {
  std::optional<Profile> profile;
  std::string error;  // set when !profile: "unknown profile 'x' (known: ...)" etc.
};

// The profile by name ("v6.17"; "6.17" and "V6.17" are accepted), with options applied.
ProfileLookup find_profile(std::string_view name, const ProfileOptions& options = {});

// What the kernel of p's era does: the built-in profile of that name with p's per-run options
// (HZ, jiffies width, NR_CPUS) and no mutant. A check or a query's statement uses it, so that
// an era-switch mutant (model/mutants.h) changes the model under test, not what it is held to.
Profile era_profile(const Profile& p);

// Names of all built-in profiles, oldest first.
std::vector<std::string> profile_names();

// The profile a running kernel of release `release` is checked with: the newest built-in
// profile whose version is not after it (6.18 -> v6.17, 6.19.3 -> v6.19, 5.4 -> v4.19). Absent
// for a release older than every profile (2.6.19). A profile stands for its era up to the next
// one, as spec/profiles.md describes each switch "since" a version.
std::optional<std::string> profile_for_release(KernelVersion release);

}  // namespace sbm
