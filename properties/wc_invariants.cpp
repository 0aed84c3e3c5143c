#include "properties/wc_invariants.h"

#include <algorithm>
#include <string>

#include "model/balance/balance_interval.h"
#include "model/balance/lb_load.h"
#include "model/profile.h"

namespace sbm {

const std::vector<InvariantInfo>& wc_invariants() {
  static const std::vector<InvariantInfo> all = {
      {"WC-1",
       "an idle CPU with a migratable task waiting in its base domain gets work within the "
       "bound of spec/invariants.md, section 7 (next balance + retry gap + (cache_nice_tries+1) "
       "idle "
       "intervals of min_interval)",
       "sched_balance_domains(), sched_balance_rq(), can_migrate_task(), "
       "need_active_balance(), kernel/sched/fair.c (v6.17); rebalance_domains(), "
       "load_balance(), kernel/sched.c (v2.6.20, v2.6.32)"},
  };
  return all;
}

namespace {

// The base domain of `cpu` when WC-1 speaks about it: the CPU's own group is its local
// group (sd->groups), so should_we_balance() designates the CPU itself when it is idle.
const RqDomain* base_domain(const MachineState& m, int cpu) {
  const Rq& rq = m.rq(cpu);
  if (rq.sd.empty()) return nullptr;
  const RqDomain& d = rq.sd.front();
  if (!d.sd.groups || d.sd.groups->empty()) return nullptr;
  if (!(d.sd.groups->front().span == CpuMask::single(cpu))) return nullptr;
  // Every group one CPU, as overloaded() below assumes of the source's group. A base domain
  // with wider groups (an MC level of whole cores, left as base by an SMT sibling that is
  // offline) sees a core running one task per sibling as balanced: the pull is the sibling's
  // SMT balance, on that CPU's own schedule, so this CPU's rules bound nothing.
  for (const SchedGroup& g : *d.sd.groups)
    if (g.span.weight() != 1) return nullptr;
  return &d;
}

// get_sd_balance_interval() of `d` with balance_interval `bi`.
uint64_t interval_with(const MachineState& m, const RqDomain& d, unsigned bi, bool busy) {
  RqDomain at = d;
  at.sd.balance_interval = bi;
  return sd_balance_interval(m, at, busy);
}

// How far `when` lies after now, 0 when it is not in the future (time_after order).
uint64_t ahead(const MachineState& m, uint64_t when) {
  return time_after(m.ops, when, m.jiffies) ? m.ops.sub(when, m.jiffies) : 0;
}

// group_is_overloaded() (v4.19) for the source CPU's single-CPU group: more than one task and
// util * imbalance_pct > capacity * 100. Without it v4.19+ call an idle CPU next to a busy
// but not overloaded one balanced (find_busiest_group(): local->idle_cpus <=
// busiest->idle_cpus + 1), so the rules promise nothing.
bool overloaded(const MachineState& m, const RqDomain& d, int src) {
  const Rq& rq = m.rq(src);
  return rq.nr_running() > 1 && cpu_util(rq) * d.imbalance_pct > capacity_of(src) * 100;
}

}  // namespace

std::optional<WcWaiting> wc1_waiting_task(const MachineState& m, int cpu) {
  const Rq& rq = m.rq(cpu);
  if (!m.online.test(cpu) || !m.active.test(cpu) || !idle_cpu(rq)) return std::nullopt;
  if (rq.nohz_tick_stopped || m.nohz.idle_cpus_mask.test(cpu)) return std::nullopt;
  const RqDomain* d = base_domain(m, cpu);
  // An SD_SERIALIZE base domain (a NUMA base level) skips its balance while another CPU
  // holds the global token, as often as that happens: no bound.
  if (!d || d->flags().has(SdFlag::Serialize)) return std::nullopt;
  const unsigned scan_limit = m.profile.sysctl_sched_nr_migrate;
  for (int src : d->span().cpus()) {
    if (src == cpu || !m.online.test(src) || !overloaded(m, *d, src)) continue;
    // More tasks than one detach pass examines (loop_max): the pass may see only pinned
    // ones, take the ALL_PINNED exit (nr_balance_failed = 0, balance_interval doubling up
    // to 1022 ms) and the retries of the bound never come.
    if (m.rq(src).nr_running() > scan_limit) continue;
    for (const Task& t : m.rq(src).tasks)
      if (!t.running && t.cpus_allowed.test(cpu)) return WcWaiting{t.pid, src};
  }
  return std::nullopt;
}

Wc1Bound wc1_bound(const MachineState& m, int cpu, bool busy_pass_pending) {
  Wc1Bound b;
  const RqDomain* d = base_domain(m, cpu);
  if (!d) return b;
  const unsigned bi = d->sd.balance_interval;
  const uint64_t min_interval = interval_with(m, *d, d->min_interval, false);
  const uint64_t due = m.ops.add(d->sd.last_balance, interval_with(m, *d, bi, false));
  b.first = std::max(ahead(m, m.rq(cpu).next_balance), ahead(m, due));
  // A pass that still balances as busy may back off (at most doubling balance_interval, up
  // to the BI-1 ceiling) and set next_balance one busy interval ahead.
  unsigned bi_first = bi;
  if (busy_pass_pending) {
    const uint64_t ceiling =
        balance_interval_ceiling(d->min_interval, d->max_interval, m.profile.max_pinned_interval);
    bi_first = static_cast<unsigned>(std::min<uint64_t>(2 * uint64_t{bi}, ceiling));
    b.first = std::max(b.first, interval_with(m, *d, bi_first, true));
  }
  b.gap = m.profile.recompute_interval_after_balance ? min_interval
                                                     : interval_with(m, *d, bi_first, false);
  b.retries = (uint64_t{d->cache_nice_tries} + 1) * min_interval;
  return b;
}

bool wc1_busy_pass_pending(const MachineState& m, int cpu,
                           const std::vector<const SchedBalanceDomains*>& passes) {
  if (m.profile.idle_sampling == IdleSampling::AtTick && !m.rq(cpu).idle_balance) return true;
  return std::any_of(passes.begin(), passes.end(), [&](const SchedBalanceDomains* p) {
    // idle(), not busy(): busy is set by the pass's first step, the idle type at its creation.
    return p->cpu() == cpu && p->idle() != CpuIdleType::Idle;
  });
}

std::vector<Violation> Wc1Monitor::observe(const MachineState& m,
                                           const std::vector<const SchedBalanceDomains*>& passes) {
  std::vector<Violation> out;
  per_cpu_.resize(m.rqs.size());
  for (int cpu = 0; cpu < m.nr_cpu_ids(); ++cpu) {
    Episode& e = per_cpu_[static_cast<size_t>(cpu)];
    const std::optional<WcWaiting> w = wc1_waiting_task(m, cpu);
    if (!w) {
      e.open = false;
      continue;
    }
    if (!e.open) {
      e = Episode{true, false, m.jiffies, wc1_bound(m, cpu, wc1_busy_pass_pending(m, cpu, passes)),
                  *w};
      ++episodes_;
      continue;
    }
    const uint64_t waited = m.ops.sub(m.jiffies, e.start);
    if (e.reported || waited <= e.bound.total()) continue;
    e.reported = true;
    const RqDomain& d = m.rq(cpu).sd.front();
    Violation v;
    v.id = "WC-1";
    v.cpu = cpu;
    v.level = 0;
    v.level_name = d.sd.name;
    v.expected = "work within " + std::to_string(e.bound.total()) + " jiffies (" +
                 std::to_string(e.bound.first) + " to the next balance + " +
                 std::to_string(e.bound.gap) + " + " + std::to_string(e.bound.retries) +
                 " for retries) of jiffies " + std::to_string(e.start);
    v.observed = "idle for " + std::to_string(waited) + " jiffies while pid " +
                 std::to_string(w->pid) + " waits on CPU " + std::to_string(w->src_cpu) +
                 " (nr_balance_failed " + std::to_string(d.sd.nr_balance_failed) +
                 ", balance_interval " + std::to_string(d.sd.balance_interval) + " ms)";
    v.explanation =
        "an idle CPU did not pull a task it may run from its base domain within "
        "the bound the balancing rules give";
    out.push_back(std::move(v));
  }
  return out;
}

void Wc1Monitor::restart() {
  for (Episode& e : per_cpu_) e.open = false;
}

}  // namespace sbm
