// The global SD_SERIALIZE token and the two places that take it.
//
// One token for the whole system in every era (spec/kernel-facts.md §0.10): the spinlock
// `balancing` (static DEFINE_SPINLOCK, kernel/sched.c v2.6.20; kernel/sched/fair.c until
// 6.9) and, since 214c1b7f1395 (6.10), `atomic_t sched_balance_running`. It was always
// used as a try-lock: a CPU that finds it taken skips that domain and does not retry
// (spec/bugs.md #23).
//
// Placement (Profile::serialize_placement):
//   - up to 6.18, sched_balance_domains() takes it before the due test and releases it
//     after the balance (sched_balance_domains.cpp uses try_acquire/release below);
//   - 6.19 (3324b2180c17, with 522fb20fbdbe for NEWLY_IDLE) moves it into
//     sched_balance_rq(): after should_we_balance() at "redo:", only once per call
//     (need_unlock), and released at "out:". sched_balance_rq_serialize() and
//     sched_balance_rq_unserialize() are that code, for the real sched_balance_rq and for
//     test doubles alike.
#pragma once

#include "model/balance_event.h"
#include "model/profile.h"
#include "model/sd_flags.h"

namespace sbm {

struct SchedBalanceRunning {
  int holder = -1;   // the executing CPU that holds it; -1 when free
  int for_cpu = -1;  // whose rq that CPU is balancing
  int level = -1;    // which of that rq's domains
  bool held() const { return holder >= 0; }
};

// spin_trylock(&balancing) / atomic_cmpxchg_acquire(&sched_balance_running, 0, 1).
// Emits SerializeEvent Acquire or Busy. Returns true when acquired.
bool serialize_try_acquire(SchedBalanceRunning& token, int executing_cpu, int for_cpu, int level,
                           BalanceEventSink& sink);

// spin_unlock / atomic_set_release(&sched_balance_running, 0). Like the kernel it frees
// the token whoever held it; the Release event names the previous holder so SER-1 can
// see a release by a CPU that did not hold it.
void serialize_release(SchedBalanceRunning& token, int executing_cpu, int for_cpu, int level,
                       BalanceEventSink& sink);

// Whether a balance of an SD_SERIALIZE domain by a caller of type `idle` goes through the
// token. Periodic callers (CPU_IDLE, CPU_NOT_IDLE) do in every era: rebalance_domains() /
// sched_balance_domains() take it up to 6.18, sched_balance_rq() in 6.19. A newly idle
// balance (idle_balance() / sched_balance_newidle() calling sched_balance_rq()) never
// touched it before 6.19: the pass-level trylock is not on its path, and 3324b2180c17 kept
// "idle != CPU_NEWLY_IDLE" in the condition until 522fb20fbdbe (v6.19-rc1, spec/bugs.md #15)
// dropped it (Profile::serialize_newidle).
bool serialize_caller(const Profile& p, CpuIdleType idle);

// Where one CPU stands in the token protocol of a serialized domain when its steps are
// interleaved with other CPUs' one atomic action at a time (`sbm prove serialize`,
// properties/query_serialize.cpp). The pass takes a whole acquisition in one step
// (SchedBalanceDomains::acquire), which is the same as Outside -> Inside here.
enum class SerializePc {
  Outside,       // not in the section (before the trylock, or after the release)
  Checked,       // mutant check-then-set only: saw the token free, has not set it yet
  Inside,        // balancing the serialized domain
  Unserialized,  // balancing it as a caller the profile does not serialize (no token)
};

// One atomic step of `executing_cpu`, a caller of type `idle`, in the protocol
// (rebalance_domains() "balancing" trylock ... spin_unlock, v2.6.20-6.9;
// sched_balance_running cmpxchg ... release, 6.10+):
//   Outside: a caller the profile serializes (serialize_caller()) tries the token: Inside
//            with it, or Outside when it is busy. Any other caller goes Unserialized
//            without touching the token (no event).
//   Inside:  the release (the kernel frees the token whoever holds it), Outside.
//   Unserialized: the balance returns, Outside; nothing to release (need_unlock is false).
// `idle` matters only at Outside: a CPU keeps the caller type it entered with.
// Code-site mutants (model/mutants.h):
//   check-then-set:        Outside reads the token only (Checked when free); Checked sets it
//                          without looking again (Inside).
//   trylock-fail-balances: a busy token still goes Inside, without the token, and the
//                          release at the end frees the holder's token.
// The era-switch mutant newidle-unserialized acts through serialize_caller().
SerializePc serialize_step(const Profile& p, SchedBalanceRunning& token, SerializePc pc,
                           CpuIdleType idle, int executing_cpu, int for_cpu, int level,
                           BalanceEventSink& sink);

enum class SerializeTry {
  NotNeeded,    // no SD_SERIALIZE, NEWLY_IDLE before 522fb20fbdbe, or another placement
  AlreadyHeld,  // need_unlock: kept across "goto redo"
  Acquired,
  Busy,  // the caller goes to out_balanced
};

// v6.19 sched_balance_rq(), right after should_we_balance() passed:
//   if (!need_unlock && (sd->flags & SD_SERIALIZE) [&& idle != CPU_NEWLY_IDLE before
//   522fb20fbdbe]) { if (!try_cmpxchg(&sched_balance_running, 0, 1)) goto out_balanced;
//   need_unlock = true; }
// Returns NotNeeded for profiles that serialize in sched_balance_domains().
SerializeTry sched_balance_rq_serialize(const Profile& p, SchedBalanceRunning& token,
                                        const SdFlags& sd_flags, CpuIdleType idle,
                                        int executing_cpu, int for_cpu, int level,
                                        bool& need_unlock, BalanceEventSink& sink);

// v6.19 sched_balance_rq() at "out:": "if (need_unlock) atomic_set_release(..., 0)".
void sched_balance_rq_unserialize(SchedBalanceRunning& token, int executing_cpu, int for_cpu,
                                  int level, bool& need_unlock, BalanceEventSink& sink);

}  // namespace sbm
