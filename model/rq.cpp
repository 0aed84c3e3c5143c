#include "model/rq.h"

#include <algorithm>

#include "model/balance/balance_interval.h"

namespace sbm {

unsigned long SdStats::lb_imbalance(CpuIdleType t) const {
  const int i = index(t);
  return lb_imbalance_load[i] + lb_imbalance_util[i] + lb_imbalance_task[i] +
         lb_imbalance_misfit[i];
}

const Task* Rq::curr() const {
  for (const Task& t : tasks)
    if (t.running) return &t;
  return nullptr;
}

// idle_cpu(), kernel/sched/core.c (v6.17): rq->curr == rq->idle, !rq->nr_running,
// !rq->ttwu_pending. Here the running task is one of `tasks`, so an empty list means
// the idle task runs.
bool idle_cpu(const Rq& rq) { return rq.tasks.empty() && !rq.ttwu_pending; }

// sched_idle_cpu() / sched_idle_rq(), kernel/sched/fair.c (v5.4+): nr_running &&
// nr_running == idle_h_nr_running.
bool sched_idle_cpu(const Rq& rq) {
  if (rq.tasks.empty()) return false;
  for (const Task& t : rq.tasks)
    if (!t.sched_idle) return false;
  return true;
}

namespace {

std::string where(int cpu, size_t level, const SchedDomain& sd) {
  std::string s = "CPU" + std::to_string(cpu) + " domain-" + std::to_string(level);
  if (!sd.name.empty()) s += " (" + sd.name + ")";
  return s;
}

// Resolves one domain of the topology into a RqDomain, or returns an error text.
std::string make_rq_domain(int cpu, size_t level, const SchedDomain& in, uint64_t jiffies,
                           RqDomain& out) {
  if (!in.span) return where(cpu, level, in) + ": no span in the input";
  if (!in.flags) return where(cpu, level, in) + ": no flags in the input";
  const SdTunables& t = in.tunables;
  if (!t.min_interval || !t.max_interval || !t.busy_factor || !t.imbalance_pct ||
      !t.cache_nice_tries)
    return where(cpu, level, in) +
           ": tunables missing (min_interval, max_interval, busy_factor, imbalance_pct "
           "and cache_nice_tries are all needed)";
  out.sd = in;
  out.level = static_cast<int>(level);
  out.min_interval = *t.min_interval;
  out.max_interval = *t.max_interval;
  out.busy_factor = *t.busy_factor;
  out.imbalance_pct = *t.imbalance_pct;
  out.cache_nice_tries = *t.cache_nice_tries;
  // sd_init(): balance_interval = sd_weight (= min_interval), last_balance = jiffies,
  // max_newidle_lb_cost = 0, next/last_decay_max_lb_cost = jiffies.
  if (out.sd.balance_interval == 0) out.sd.balance_interval = out.min_interval;
  out.initial_balance_interval = out.sd.balance_interval;
  out.sd.last_balance = jiffies;
  out.max_newidle_lb_cost = 0;
  out.next_decay_max_lb_cost = jiffies;
  out.last_decay_max_lb_cost = jiffies;
  return {};
}

}  // namespace

CpuMask MachineState::node_mask(int node) const {
  CpuMask mask;
  for (int cpu = 0; cpu < nr_cpu_ids(); ++cpu)
    if (cpu_to_node(cpu) == node) mask.set(cpu);
  return mask;
}

MachineBuild make_machine(const Topology& topology, const Profile& profile,
                          const MachineOptions& options) {
  MachineBuild result;
  MachineState m;
  m.profile = profile;
  m.ops = WrapOps{profile.jiffies_bits};
  m.jiffies = m.ops.lit(options.jiffies.value_or(initial_jiffies(profile.hz)));

  const CpuMask all = topology.all_cpus();
  const int nr_cpu_ids = std::max(topology.nr_cpu_ids, all.last() + 1);
  m.online = options.online.value_or(all);
  m.active = options.active.value_or(m.online);
  m.cpu_node = topology.cpu_node;
  if (m.online.last() >= nr_cpu_ids || m.active.last() >= nr_cpu_ids) {
    result.error = "online/active mask names a CPU the topology does not have";
    return result;
  }
  m.rqs.resize(static_cast<size_t>(nr_cpu_ids));
  for (int cpu = 0; cpu < nr_cpu_ids; ++cpu) {
    Rq& rq = m.rq(cpu);
    rq.cpu = cpu;
    rq.next_balance = m.jiffies;  // sched_init(): rq->next_balance = jiffies
    rq.idle_balance = true;       // nothing runs yet
    const CpuDomains* chain = topology.find(cpu);
    if (!chain) continue;
    rq.sd.resize(chain->domains.size());
    for (size_t level = 0; level < chain->domains.size(); ++level) {
      std::string err = make_rq_domain(cpu, level, chain->domains[level], m.jiffies, rq.sd[level]);
      if (!err.empty()) {
        result.error = std::move(err);
        return result;
      }
    }
  }
  m.nohz.next_balance = m.jiffies;
  update_max_interval_at_boot(m);
  result.machine = std::move(m);
  return result;
}

namespace {

// update_max_interval() with num_online_cpus() = `online`: kernel/sched/fair.c (v4.19, v6.18).
void set_max_interval(MachineState& m, int online) {
  m.max_load_balance_interval =
      m.ops.lit(uint64_t{m.profile.hz} * static_cast<uint64_t>(online) / 10);
}

}  // namespace

void update_max_interval(MachineState& m) { set_max_interval(m, m.online.weight()); }

// The boot CPU keeps the static HZ/10; each later CPU's sched_rq_cpu_starting() counts the
// ones before it, the last one N-1.
void update_max_interval_at_boot(MachineState& m) {
  set_max_interval(m, std::max(m.online.weight() - 1, 1));
}

uint64_t balance_interval_cap(const MachineState& m) {
  switch (m.profile.interval_cap) {
    case IntervalCap::None:
      return 0;
    case IntervalCap::NrCpus:
      return m.ops.lit(uint64_t{m.profile.hz} * m.profile.nr_cpus / 10);
    case IntervalCap::OnlineCpus:
      return m.max_load_balance_interval;
  }
  return 0;
}

uint64_t sd_balance_interval(const MachineState& m, const RqDomain& d, bool cpu_busy) {
  return get_sd_balance_interval(m.ops, m.ops.lit(d.sd.balance_interval), m.ops.lit(d.busy_factor),
                                 cpu_busy, interval_rule(m.profile), balance_interval_cap(m));
}

// sched_balance_domains() (v6.17): busy = idle != CPU_IDLE && !sched_idle_cpu(cpu);
// rebalance_domains() before 5.6 passes idle != CPU_IDLE.
bool pass_cpu_busy(const Profile& p, const Rq& rq, CpuIdleType idle) {
  if (idle == CpuIdleType::Idle) return false;
  return !(p.sched_idle_cpu_is_idle && sched_idle_cpu(rq));
}

void advance_jiffies(MachineState& m, uint64_t n) { m.jiffies = m.ops.add(m.jiffies, n); }

}  // namespace sbm
