// WC-1, bounded work conservation (spec/invariants.md, section 7): an idle CPU next to a migratable
// waiting task in its base domain gets work within a bound derived from the model's rules:
// the pass's intervals, the designated-CPU rule, nr_balance_failed against cache_nice_tries
// for cache-hot tasks, and active balance.
//
// The check is temporal: Wc1Monitor watches the machine after every step, opens an episode
// when a CPU becomes such a case, computes the bound from the state at that moment, and
// reports the episode once if it outlasts the bound.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/balance/sched_balance_domains.h"
#include "model/rq.h"
#include "properties/topo_invariants.h"
#include "properties/violation.h"

namespace sbm {

// WC-1.
const std::vector<InvariantInfo>& wc_invariants();

// A task waiting on another CPU of `cpu`'s base domain (whose groups are single CPUs) that
// `cpu` may run: `cpu` is online,
// active, attached, idle (idle_cpu()) and its tick runs (not NOHZ-idle: the idle load
// balancer's part is NOHZ-*'s); the task is queued, not running, on src_cpu and allowed on
// `cpu`; src_cpu is overloaded (more than one task, util * imbalance_pct > capacity * 100,
// group_is_overloaded() of v4.19) with at most sysctl_sched_nr_migrate (32) tasks; the base
// domain has no SD_SERIALIZE. The first such task in CPU then list order.
struct WcWaiting {
  int pid = 0;
  int src_cpu = -1;
};
std::optional<WcWaiting> wc1_waiting_task(const MachineState& m, int cpu);

// The WC-1 bound in jiffies for `cpu`, from the state when the episode begins
// (spec/invariants.md, section 7 derives it):
//   first   until the base domain's first balance as idle: the later of rq->next_balance
//           and last_balance + its idle interval, counted from now (0 when both passed);
//           when a pass may still balance the CPU as busy (the tick sampled it busy, or a
//           busy pass is in flight) also one busy interval of min(2 * balance_interval,
//           ceiling): that pass may back off and puts next_balance that far ahead;
//   gap     until the retry after a failed first attempt: the idle interval of
//           min_interval where the pass recomputes the interval after balancing (v4.19+),
//           else the idle interval the first attempt used;
//   retries (cache_nice_tries + 1) more idle intervals of min_interval: by then
//           nr_balance_failed > cache_nice_tries + 2, so a cache-hot task may move and
//           need_active_balance() kicks the stopper, which runs in the same jiffy.
struct Wc1Bound {
  uint64_t first = 0;
  uint64_t gap = 0;
  uint64_t retries = 0;
  uint64_t total() const { return first + gap + retries; }
};
Wc1Bound wc1_bound(const MachineState& m, int cpu, bool busy_pass_pending);

// Whether a pass may still balance `cpu` as busy: the tick sampled it busy (rq->idle_balance
// clear, 2.6.21+), or one of `passes` (the passes in flight) runs for it with a non-idle
// idle type.
bool wc1_busy_pass_pending(const MachineState& m, int cpu,
                           const std::vector<const SchedBalanceDomains*>& passes);

class Wc1Monitor {
 public:
  // Looks at the machine after a step. Returns the episodes that have just outlasted their
  // bound (each reported once).
  std::vector<Violation> observe(const MachineState& m,
                                 const std::vector<const SchedBalanceDomains*>& passes);
  // The domains were rebuilt (CPU hotplug): their balancing state restarts from sd_init(),
  // so every open episode ends and the next observe() opens new ones with bounds from the
  // new domains.
  void restart();
  // Episodes opened so far (the places WC-1 looked at).
  int episodes() const { return episodes_; }

 private:
  struct Episode {
    bool open = false;
    bool reported = false;
    uint64_t start = 0;  // jiffies
    Wc1Bound bound;
    WcWaiting waiting;
  };
  std::vector<Episode> per_cpu_;
  int episodes_ = 0;
};

}  // namespace sbm
