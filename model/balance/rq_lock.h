// rq locks as explicit steps: which CPU holds which rq lock, the order two locks must be
// taken in, and double_rq_lock() / double_lock_balance() with every acquire and release
// emitted as an RqLockEvent so LOCK-* (properties/lock_invariants.h) can check them.
//
// The order (Profile::lock_order, spec/kernel-facts.md §5):
//   RqAddress    2.6.18 - 5.13: lower struct rq address first (double_rq_lock(), v2.6.20
//                kernel/sched.c: "if (rq1 < rq2)"; double_lock_balance(): "busiest < this_rq").
//                struct rq is per-CPU data, so the address order need not be the CPU order
//                (ppc64 under kexec, spec/bugs.md #22): RqLockLayout::address models it.
//   RqOrderLess  5.14+: rq_order_less() (kernel/sched/sched.h, v6.17): lower rq->core->cpu
//                first (CONFIG_SCHED_CORE), then lower cpu; with core scheduling enabled, SMT
//                siblings share the core's lock (__rq_lockp()), taken once.
//
// The model runs one balance at a time: a lock found held by another CPU is taken after
// that CPU drops it (the other CPU's release is its own event, not part of this sequence).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/balance_event.h"
#include "model/profile.h"
#include "model/rq.h"

namespace sbm {

struct RqLockLayout {
  std::vector<uint64_t> address;    // &cpu_rq(cpu): by default increasing with the CPU id
  std::vector<int> core_cpu;        // rq->core->cpu: the first CPU of the SMT core
  bool core_sched_enabled = false;  // sched_core_enabled(): siblings share the core lock

  int nr_cpus() const { return static_cast<int>(address.size()); }
};

// Addresses 0x10000 * (cpu + 1); core_cpu from the machine's SMT masks (cpu_smt_mask()).
RqLockLayout default_rq_lock_layout(const MachineState& m);

// __rq_lockp(): the lock an rq's lock operations act on (the core's with core scheduling).
int rq_lock_id(const RqLockLayout& l, int rq);

// True when rq1's lock comes before rq2's in the profile's order. Irreflexive; a strict
// total order on distinct locks when addresses are distinct.
bool rq_lock_before(LockOrder order, const RqLockLayout& l, int rq1, int rq2);

// The two code paths that take two rq locks at once: double_rq_lock() and
// double_lock_balance() (load_balance()'s pull). spec/bugs.md #22 (2.6.16) was two such paths
// disagreeing: double_rq_lock() ordered by rq address, wake_sleeping_dependent() by CPU id.
enum class RqLockPath { DoubleRqLock, DoubleLockBalance };

// True when `path` takes rq1's lock before rq2's: rq_lock_before() in the profile's order on
// both paths. Under the mutant "inconsistent-lock-order" (model/mutants.h) the
// double_lock_balance() path goes by plain CPU id instead, which disagrees with the address
// order when per-CPU addresses do not grow with the CPU id (ppc64 kexec, spec/bugs.md #22) and
// with rq_order_less() when SMT siblings are numbered apart (SmtNumbering::Split).
bool rq_lock_path_before(const Profile& p, const RqLockLayout& l, RqLockPath path, int rq1,
                         int rq2);

// Who holds which rq lock, and the primitive operations on it.
class RqLocks {
 public:
  RqLocks() = default;
  explicit RqLocks(RqLockLayout layout);

  const RqLockLayout& layout() const { return layout_; }
  int holder(int rq) const;  // the CPU holding rq's lock, -1 when free
  // Locks currently held by `cpu`, as rq ids of the lock (rq_lock_id), in acquisition order.
  std::vector<int> held_by(int cpu) const;

  // raw_spin_rq_lock(): emits Acquire.
  void lock(int cpu, int rq, const std::string& site, BalanceEventSink& sink);
  // raw_spin_rq_trylock(): takes the lock when free (TryAcquire) or reports TryFail.
  bool trylock(int cpu, int rq, const std::string& site, BalanceEventSink& sink);
  // raw_spin_rq_unlock(): emits Release.
  void unlock(int cpu, int rq, const std::string& site, BalanceEventSink& sink);

  // Marks rq's lock held by `cpu` without an event: a test's way to say another CPU is
  // inside its critical section.
  void set_holder(int rq, int cpu);

 private:
  RqLockLayout layout_;
  std::vector<int> holder_;      // by lock id
  std::vector<uint64_t> stamp_;  // acquisition counter, for held_by()'s order
  uint64_t clock_ = 0;
};

// double_rq_lock(rq1, rq2): one lock when they share it, else the earlier one first.
void double_rq_lock(LockOrder order, RqLocks& locks, int cpu, int rq1, int rq2,
                    BalanceEventSink& sink);
// double_rq_unlock(rq1, rq2).
void double_rq_unlock(RqLocks& locks, int cpu, int rq1, int rq2, BalanceEventSink& sink);

// double_lock_balance(this_rq, busiest); the caller holds this_rq. Returns true when this_rq
// was dropped and retaken (the caller must revalidate what it read under it):
//   !PREEMPT: trylock busiest; if that fails and this_rq orders first, wait for busiest
//             nested (false); else drop this_rq and double_rq_lock() both (true);
//   PREEMPT:  always drop this_rq and double_rq_lock() (true).
// v2.6.20 returns void but drops this_rq in the same case; the result says so anyway.
bool double_lock_balance(LockOrder order, bool config_preempt, RqLocks& locks, int cpu, int this_rq,
                         int busiest, BalanceEventSink& sink);
// double_unlock_balance(this_rq, busiest): drops busiest unless it shares this_rq's lock.
void double_unlock_balance(RqLocks& locks, int cpu, int this_rq, int busiest,
                           BalanceEventSink& sink);

}  // namespace sbm
